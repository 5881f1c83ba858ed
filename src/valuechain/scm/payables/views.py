"""Pages of payables: bills (list, new from an order, the page with the match table,
payments and credits), the due list, returns to vendor and the tolerances. Thin: forms
parse, services decide, queries read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from valuechain.platform.errors import DomainError
from valuechain.platform.identity.decorators import requires
from valuechain.platform.money import decimal_text
from valuechain.platform.web.pages import call_service, found_or_404, paginated
from valuechain.scm.payables import bills, domain, payments, queries, services, vendor_returns
from valuechain.scm.payables.forms import (
    BillForm,
    CreditNoteForm,
    PaymentForm,
    RefuseForm,
    ReturnForm,
    SettingsForm,
)
from valuechain.scm.procurement.models import Supplier

PER_PAGE = 50
BILL_PAGE_SORTS = {
    "-bill_date": "Newest",
    "due_date": "Due first",
    "-total": "Largest",
    "supplier_code": "Supplier",
    "number": "Number",
}
BILL_ACTIONS: dict[str, tuple[Callable[[int], Any], str]] = {
    "post": (bills.post_bill, "posted"),
    "approve": (bills.approve_bill, "approved"),
    "cancel": (bills.cancel_bill, "cancelled"),
}
RETURN_ACTIONS: dict[str, tuple[Callable[[int], Any], str]] = {
    "ship": (vendor_returns.ship_return, "shipped: a credit note is expected"),
    "cancel": (vendor_returns.cancel_return, "cancelled"),
}


def _int(value: str | None) -> int | None:
    """An id from a query parameter, None when it is not a number."""
    try:
        return int(value or "")
    except ValueError:
        return None


def _day(value: str | None) -> dt.date | None:
    """A YYYY-MM-DD query parameter as a day, None when it is not one."""
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return None


# --- bills ----------------------------------------------------------------------------------


@requires("scm", "read")
def bill_list(request: HttpRequest) -> HttpResponse:
    """/scm/bills/: filter by state, supplier, due date; sort; paginate."""
    q = request.GET.get("q", "").strip()
    state = request.GET.get("state", "")
    if state not in domain.BILL_STATES:
        state = ""
    supplier_id = _int(request.GET.get("supplier"))
    due_before = _day(request.GET.get("due_before"))
    overdue = request.GET.get("overdue") == "1"
    sort = request.GET.get("sort", "-bill_date")
    if sort not in BILL_PAGE_SORTS:
        sort = "-bill_date"
    rows = queries.bills(
        q=q, state=state, supplier_id=supplier_id, due_before=due_before, overdue=overdue
    ).order_by(sort, "-pk")
    return render(
        request,
        "payables/bill_list.html",
        {
            "page": paginated(request, rows, PER_PAGE),
            "q": q,
            "state": state,
            "states": domain.BILL_STATES,
            "supplier_id": supplier_id,
            "suppliers": Supplier.objects.order_by("code"),
            "due_before": due_before.isoformat() if due_before else "",
            "overdue": overdue,
            "sort": sort,
            "sorts": BILL_PAGE_SORTS,
        },
    )


def _bill_lines(request: HttpRequest, proposal: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The posted table's rows (qty_<line>, price_<line>); empty quantities are left out."""
    rows = []
    for row in proposal:
        key = row["po_line_id"]
        quantity = request.POST.get(f"qty_{key}", "").strip()
        if quantity in ("", "0"):
            continue
        rows.append(
            {
                "po_line_id": key,
                "quantity": quantity,
                "unit_price": request.POST.get(f"price_{key}", "").strip() or None,
            }
        )
    return rows


@requires("scm", "write")
def bill_create(request: HttpRequest) -> HttpResponse:
    """/scm/bills/new/?po=<id>: a bill of the order, pre-filled with accepted less billed."""
    order_id = _int(request.GET.get("po"))
    if order_id is None:
        return render(
            request, "payables/bill_pick_order.html", {"orders": queries.billable_orders()[:200]}
        )
    order = queries.billable_orders().filter(pk=order_id).first()
    if order is None:
        raise Http404("No such order to bill.")
    proposal = found_or_404(queries.bill_proposal, order.pk)
    form = BillForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        bill = call_service(
            form,
            lambda: bills.create_bill(
                purchase_order_id=order.pk,
                supplier_invoice_number=data["supplier_invoice_number"],
                bill_date=data["bill_date"],
                tax_amount=data["tax_amount"],
                note=data["note"],
                lines=_bill_lines(request, proposal),
            ),
        )
        if bill is not None:
            messages.success(request, f"{bill.number} recorded as a draft.")
            return redirect("payables-bill", bill.pk)
    shown = [
        {
            **row,
            "quantity_value": request.POST.get(
                f"qty_{row['po_line_id']}", decimal_text(row["quantity"])
            ),
            "price_value": request.POST.get(
                f"price_{row['po_line_id']}", decimal_text(row["unit_price"])
            ),
        }
        for row in proposal
    ]
    return render(
        request, "payables/bill_form.html", {"form": form, "order": order, "proposal": shown}
    )


def _bill_page(request: HttpRequest, bill_id: int, **forms: Any) -> HttpResponse:
    """The bill page, with the forms given (kept with their errors) or fresh ones."""
    bill = found_or_404(queries.bill, bill_id)
    credits = (
        queries.credit_notes(state="received", supplier_id=bill.supplier_id).filter(
            applied_bill__isnull=True, currency=bill.currency
        )
        if bill.state in domain.PAYABLE_STATES
        else []
    )
    return render(
        request,
        "payables/bill_detail.html",
        {
            "bill": bill,
            "table": queries.match_table(bill),
            "payments": queries.payments(bill_id=bill.pk).order_by("paid_on", "pk"),
            "applied": queries.credit_notes().filter(applied_bill=bill),
            "credits": credits,
            "payable": bill.state in domain.PAYABLE_STATES,
            "payment_form": forms.get("payment_form")
            or PaymentForm(initial={"amount": bill.open_amount}),
            "refuse_form": forms.get("refuse_form") or RefuseForm(),
        },
    )


@requires("scm", "read")
def bill_detail(request: HttpRequest, bill_id: int) -> HttpResponse:
    """/scm/bills/<id>/: PO | accepted | billed per line, actions, payments, credits."""
    return _bill_page(request, bill_id)


@require_POST
@requires("scm", "write")
def bill_action(request: HttpRequest, bill_id: int, action: str) -> HttpResponse:
    """Post, approve or cancel; a refusal is shown as a message."""
    if action not in BILL_ACTIONS:
        raise Http404("No such action.")
    call, done = BILL_ACTIONS[action]
    bill = found_or_404(queries.bill, bill_id)
    try:
        result = call(bill.pk)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if action == "post" and result.state == "to_approve":
            messages.warning(request, f"{bill.number} does not match: it waits for approval.")
        else:
            messages.success(request, f"{bill.number} {done}.")
    return redirect("payables-bill", bill.pk)


@require_POST
@requires("scm", "write")
def bill_refuse(request: HttpRequest, bill_id: int) -> HttpResponse:
    """Refuse a mismatched bill with a reason."""
    bill = found_or_404(queries.bill, bill_id)
    form = RefuseForm(request.POST)
    if form.is_valid():
        done = call_service(form, lambda: bills.refuse_bill(bill.pk, form.cleaned_data["reason"]))
        if done is not None:
            messages.success(request, f"{bill.number} refused and cancelled.")
            return redirect("payables-bill", bill.pk)
    return _bill_page(request, bill.pk, refuse_form=form)


@require_POST
@requires("scm", "write")
def bill_payment(request: HttpRequest, bill_id: int) -> HttpResponse:
    """Register a payment from the bill's page."""
    bill = found_or_404(queries.bill, bill_id)
    form = PaymentForm(request.POST)
    form.field_aliases = {"bill_id": "amount"}
    if form.is_valid():
        data = form.cleaned_data
        payment = call_service(form, lambda: payments.register_payment(bill_id=bill.pk, **data))
        if payment is not None:
            messages.success(
                request, f"{payment.number}: {payment.amount} {payment.currency} paid."
            )
            return redirect("payables-bill", bill.pk)
    return _bill_page(request, bill.pk, payment_form=form)


@require_POST
@requires("scm", "write")
def bill_apply_credit(request: HttpRequest, bill_id: int) -> HttpResponse:
    """Set a received credit note off against the bill."""
    bill = found_or_404(queries.bill, bill_id)
    note_id = _int(request.POST.get("credit_note_id"))
    try:
        note = payments.apply_credit_note(note_id or 0, bill.pk)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{note.number} applied: {note.amount} {note.currency} less.")
    return redirect("payables-bill", bill.pk)


@requires("scm", "read")
def aging(request: HttpRequest) -> HttpResponse:
    """/scm/bills/aging/: open bills, overdue first, with totals per bucket."""
    supplier_id = _int(request.GET.get("supplier"))
    rows = queries.aging(supplier_id=supplier_id)
    return render(
        request,
        "payables/aging.html",
        {
            "rows": rows,
            "totals": queries.aging_totals(rows),
            "supplier_id": supplier_id,
            "suppliers": Supplier.objects.order_by("code"),
        },
    )


def _settings_form(data: Any = None) -> SettingsForm:
    """The tolerances form, initially the tenant's current settings."""
    row = services.settings()
    return SettingsForm(
        data,
        initial={
            "price_tolerance_percent": row.price_tolerance_percent,
            "price_tolerance_amount": row.price_tolerance_amount or "",
            "quantity_tolerance_percent": row.quantity_tolerance_percent,
            "approver_role": row.approver_role,
        },
    )


@requires("scm", "read")
def settings_page(request: HttpRequest) -> HttpResponse:
    """/scm/payables/settings/: the tolerances and the approver role."""
    return render(request, "payables/settings.html", {"form": _settings_form()})


@require_POST
@requires("scm", "write")
def settings_save(request: HttpRequest) -> HttpResponse:
    """Save the tolerances; a refused value is shown next to its field."""
    form = _settings_form(request.POST)
    if form.is_valid() and call_service(
        form, lambda: services.update_settings(**form.cleaned_data)
    ):
        messages.success(request, "Tolerances saved.")
        return redirect("payables-settings")
    return render(request, "payables/settings.html", {"form": form})


# --- returns to vendor ----------------------------------------------------------------------


@requires("scm", "read")
def return_list(request: HttpRequest) -> HttpResponse:
    """/scm/vendor-returns/: filter by state and supplier."""
    q = request.GET.get("q", "").strip()
    state = request.GET.get("state", "")
    if state not in domain.RETURN_STATES:
        state = ""
    supplier_id = _int(request.GET.get("supplier"))
    rows = queries.vendor_returns(q=q, state=state, supplier_id=supplier_id).order_by(
        "-created_at", "-pk"
    )
    return render(
        request,
        "payables/return_list.html",
        {
            "page": paginated(request, rows, PER_PAGE),
            "q": q,
            "state": state,
            "states": domain.RETURN_STATES,
            "supplier_id": supplier_id,
            "suppliers": Supplier.objects.order_by("code"),
        },
    )


def _return_lines(request: HttpRequest, lines: list[queries.ReturnableLine]) -> list[Any]:
    """The posted table's rows: quantity from quality (rejected) and from stock per line."""
    rows = []
    for row in lines:
        key = row.line.pk
        for source in domain.RETURN_SOURCES:
            quantity = request.POST.get(f"{source}_{key}", "").strip()
            if quantity in ("", "0"):
                continue
            rows.append(
                {
                    "po_line_id": key,
                    "quantity": quantity,
                    "source": source,
                    "reason": request.POST.get(f"reason_{key}", ""),
                }
            )
    return rows


@requires("scm", "write")
def return_create(request: HttpRequest) -> HttpResponse:
    """/scm/vendor-returns/new/?po=<id>: what goes back, per order line and source."""
    order_id = _int(request.GET.get("po"))
    order = queries.returnable_orders().filter(pk=order_id).first() if order_id else None
    if order is None:
        if order_id is not None:
            raise Http404("No such order with delivered goods.")
        return render(
            request,
            "payables/return_pick_order.html",
            {"orders": queries.returnable_orders()[:200]},
        )
    lines = queries.returnable_lines(order.pk)
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = call_service(
            form,
            lambda: vendor_returns.create_return(
                purchase_order_id=order.pk,
                reason=data["reason"],
                note=data["note"],
                lines=_return_lines(request, lines),
            ),
        )
        if created is not None:
            messages.success(request, f"{created.number} prepared.")
            return redirect("payables-return", created.pk)
    shown = [
        {
            "row": row,
            "quality_value": request.POST.get(f"quality_{row.line.pk}", ""),
            "stock_value": request.POST.get(f"stock_{row.line.pk}", ""),
            "reason_value": request.POST.get(f"reason_{row.line.pk}", ""),
        }
        for row in lines
    ]
    return render(
        request, "payables/return_form.html", {"form": form, "order": order, "lines": shown}
    )


def _return_page(request: HttpRequest, return_id: int, form: Any = None) -> HttpResponse:
    """The return page, with the credit-note form given or a fresh one."""
    row = found_or_404(queries.vendor_return, return_id)
    return render(
        request,
        "payables/return_detail.html",
        {
            "rtv": row,
            "credit_note": queries.credit_note_of(row),
            "form": form or CreditNoteForm(),
        },
    )


@requires("scm", "read")
def return_detail(request: HttpRequest, return_id: int) -> HttpResponse:
    """/scm/vendor-returns/<id>/: lines, ship or cancel, the credit note."""
    return _return_page(request, return_id)


@require_POST
@requires("scm", "write")
def return_action(request: HttpRequest, return_id: int, action: str) -> HttpResponse:
    """Ship or cancel; a refusal is shown as a message."""
    if action not in RETURN_ACTIONS:
        raise Http404("No such action.")
    call, done = RETURN_ACTIONS[action]
    row = found_or_404(queries.vendor_return, return_id)
    try:
        call(row.pk)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{row.number} {done}.")
    return redirect("payables-return", row.pk)


@require_POST
@requires("scm", "write")
def credit_note_receive(request: HttpRequest, return_id: int) -> HttpResponse:
    """Record the supplier's credit note of a shipped return."""
    row = found_or_404(queries.vendor_return, return_id)
    note = queries.credit_note_of(row)
    if note is None:
        raise Http404("No credit note expected.")
    form = CreditNoteForm(request.POST)
    if form.is_valid():
        done = call_service(
            form, lambda: vendor_returns.receive_credit_note(note.pk, **form.cleaned_data)
        )
        if done is not None:
            messages.success(request, f"{note.number} received.")
            return redirect("payables-return", row.pk)
    return _return_page(request, row.pk, form)
