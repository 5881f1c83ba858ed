"""Pages of purchasing: purchase orders (list, form, detail with actions, PDF), RFQs (list,
form, detail with quotes, comparison and award) and the supply proposals. Thin: forms parse,
services decide, queries read."""

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
from valuechain.platform.identity.domain import allows
from valuechain.platform.web.pages import call_service, paginated
from valuechain.scm.catalog.models import Variant
from valuechain.scm.procurement import queries as procurement
from valuechain.scm.procurement.models import Supplier
from valuechain.scm.purchasing import approval, domain, proposals, queries, rfq, sending, services
from valuechain.scm.purchasing.forms import (
    LineForm,
    OrderForm,
    QuoteForm,
    ReasonForm,
    RfqForm,
    SendForm,
)

PER_PAGE = 50
ORDER_SORTS = {
    "-order_date": ("-order_date", "-number"),
    "order_date": ("order_date", "number"),
    "number": ("number",),
    "supplier": ("supplier_code", "-order_date"),
    "-base_net_total": ("-base_net_total",),
}


def _act(request: HttpRequest, call: Callable[[], Any], done: str) -> None:
    """Run an action of a detail page; its refusal becomes an error message."""
    try:
        call()
        messages.success(request, done)
    except DomainError as error:
        messages.error(request, error.message)


def _order_or_404(order_id: int) -> Any:
    try:
        return queries.order(order_id)
    except DomainError:
        raise Http404("No such purchase order.") from None


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


# --- purchase orders ------------------------------------------------------------------------


@requires("scm", "read")
def order_list(request: HttpRequest) -> HttpResponse:
    """/scm/purchase-orders/: filter by state, supplier and dates; sort; paginate."""
    get = request.GET
    supplier = get.get("supplier", "")
    rows = queries.orders(
        q=get.get("q", "").strip(),
        state=get.get("state", ""),
        supplier_id=int(supplier) if supplier.isdigit() else None,
        date_from=_date(get.get("date_from")),
        date_to=_date(get.get("date_to")),
    ).order_by(*ORDER_SORTS.get(get.get("sort", ""), ORDER_SORTS["-order_date"]), "-pk")
    return render(
        request,
        "purchasing/order_list.html",
        {
            "page": paginated(request, rows, PER_PAGE),
            "states": domain.PO_STATES,
            "suppliers": Supplier.objects.order_by("code"),
            "sorts": ORDER_SORTS,
        },
    )


def _ranking(sku: str, quantity: str) -> Any:
    variant = Variant.objects.filter(sku__iexact=sku.strip()).first() if sku else None
    if variant is None:
        return None
    try:
        return procurement.supplier_ranking(variant.pk, quantity or "1")
    except DomainError:
        return None


@requires("scm", "write")
def order_create(request: HttpRequest) -> HttpResponse:
    """/scm/purchase-orders/new/: header and a first line; ``?sku=&quantity=`` ranks the
    suppliers of the item and pre-selects the best one."""
    source = request.POST if request.method == "POST" else request.GET
    ranking = _ranking(source.get("sku", ""), source.get("quantity", ""))
    best = next((row for row in ranking.rows if row.preferred), None) if ranking else None
    initial = {"supplier": str(best.supplier_product.supplier_id)} if best else {}
    initial.update({k: source[k] for k in ("sku", "quantity") if source.get(k)})
    form = OrderForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        supplier = form.cleaned_data.get("supplier")
        supplier_id = (
            int(supplier) if supplier else (best.supplier_product.supplier_id if best else None)
        )
        if supplier_id is None:
            form.add_error("supplier", "No supplier delivers this item; choose one.")
        else:
            order = call_service(
                form,
                lambda: services.create_order(
                    supplier_id=supplier_id, lines=form.first_line(), **form.header_arguments()
                ),
            )
            if order is not None:
                messages.success(request, f"Purchase order {order.number} created.")
                return redirect("purchasing-order", order.pk)
    return render(
        request, "purchasing/order_form.html", {"form": form, "order": None, "ranking": ranking}
    )


@requires("scm", "write")
def order_edit(request: HttpRequest, order_id: int) -> HttpResponse:
    """/scm/purchase-orders/<id>/edit/: a draft's header."""
    order = _order_or_404(order_id)
    initial = {
        "warehouse": str(order.warehouse_id),
        "currency": order.currency,
        "order_date": order.order_date,
        "requested_on": order.requested_on,
        "incoterm": order.incoterm,
        "incoterm_place": order.incoterm_place,
        "payment_terms_days": order.payment_terms_days,
        "note": order.note,
    }
    form = OrderForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        changed = call_service(
            form, lambda: services.update_order(order.pk, **form.header_arguments())
        )
        if changed is not None:
            messages.success(request, f"{order.number} saved.")
            return redirect("purchasing-order", order.pk)
    return render(
        request, "purchasing/order_form.html", {"form": form, "order": order, "ranking": None}
    )


def _detail(request: HttpRequest, order: Any, line_form: LineForm | None = None) -> HttpResponse:
    return render(
        request,
        "purchasing/order_detail.html",
        {
            "order": order,
            "line_form": line_form or LineForm(),
            "send_form": SendForm(initial={"email": queries.supplier_email(order)}),
            "reason_form": ReasonForm(),
            "editable": order.state in domain.EDITABLE_STATES,
            # the receiving screen books goods, so it needs the write level as well
            "can_receive": order.state in domain.RECEIVABLE_STATES
            and allows(request.permissions, "scm", "write"),  # type: ignore[attr-defined]
            "approval_role": approval.required_role(order.base_net_total)
            if order.state == "draft"
            else order.approval_role,
        },
    )


@requires("scm", "read")
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    """/scm/purchase-orders/<id>/: header, lines and the actions its state allows."""
    return _detail(request, _order_or_404(order_id))


@requires("scm", "write")
@require_POST
def order_add_line(request: HttpRequest, order_id: int) -> HttpResponse:
    """POST /scm/purchase-orders/<id>/lines/: add a line (errors by the fields)."""
    order = _order_or_404(order_id)
    form = LineForm(request.POST)
    if form.is_valid():
        line = call_service(form, lambda: services.add_line(order.pk, **form.service_arguments()))
        if line is not None:
            messages.success(request, f"Line {line.position} added.")
            return redirect("purchasing-order", order.pk)
    return _detail(request, order, form)


@requires("scm", "write")
@require_POST
def order_remove_line(request: HttpRequest, order_id: int, line_id: int) -> HttpResponse:
    """POST /scm/purchase-orders/<id>/lines/<line>/remove/."""
    order = _order_or_404(order_id)
    if not any(line.pk == line_id for line in order.lines.all()):
        raise Http404("No such line.")
    _act(request, lambda: services.remove_line(line_id), "Line removed.")
    return redirect("purchasing-order", order.pk)


@requires("scm", "write")
@require_POST
def order_action(request: HttpRequest, order_id: int, action: str) -> HttpResponse:
    """POST /scm/purchase-orders/<id>/<action>/: submit, approve, refuse, send, cancel, close."""
    order = _order_or_404(order_id)
    reason = request.POST.get("reason", "")
    calls: dict[str, tuple[Callable[[], Any], str]] = {
        "submit": (lambda: services.submit_order(order.pk), f"{order.number} submitted."),
        "approve": (lambda: approval.approve_order(order.pk), f"{order.number} approved."),
        "refuse": (lambda: approval.refuse_order(order.pk, reason), f"{order.number} refused."),
        "cancel": (lambda: services.cancel_order(order.pk, reason), f"{order.number} cancelled."),
        "close": (lambda: services.close_order(order.pk), f"{order.number} closed."),
        "send": (
            lambda: sending.send_order(order.pk, email=request.POST.get("email", "")),
            f"{order.number} e-mailed.",
        ),
    }
    if action not in calls:
        raise Http404("No such action.")
    call, done = calls[action]
    _act(request, call, done)
    return redirect("purchasing-order", order.pk)


@requires("scm", "read")
def order_pdf(request: HttpRequest, order_id: int) -> HttpResponse:
    """/scm/purchase-orders/<id>/pdf/: the printable order."""
    order = _order_or_404(order_id)
    response = HttpResponse(sending.render_pdf(order), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{order.number}.pdf"'
    return response


# --- RFQs -----------------------------------------------------------------------------------


def _rfq_or_404(rfq_id: int) -> Any:
    try:
        return rfq.rfq(rfq_id)
    except DomainError:
        raise Http404("No such RFQ.") from None


@requires("scm", "read")
def rfq_list(request: HttpRequest) -> HttpResponse:
    """/scm/rfqs/: by state, newest first."""
    rows = rfq.rfqs(state=request.GET.get("state", ""), q=request.GET.get("q", "").strip())
    return render(
        request,
        "purchasing/rfq_list.html",
        {
            "page": paginated(request, rows.order_by("-created_at", "-pk"), PER_PAGE),
            "states": rfq.OPEN_RFQ_STATES,
        },
    )


@requires("scm", "write")
def rfq_create(request: HttpRequest) -> HttpResponse:
    """/scm/rfqs/new/: items, warehouse and the suppliers to ask."""
    form = RfqForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = call_service(form, lambda: rfq.create_rfq(**form.service_arguments()))
        if created is not None:
            messages.success(request, f"{created.number} created.")
            return redirect("purchasing-rfq", created.pk)
    return render(request, "purchasing/rfq_form.html", {"form": form})


def _rfq_page(request: HttpRequest, found: Any, form: QuoteForm | None = None) -> HttpResponse:
    lines = list(found.lines.all())
    return render(
        request,
        "purchasing/rfq_detail.html",
        {
            "rfq": found,
            "quote_form": form or QuoteForm(rfq_lines=lines),
            "open": found.state in rfq.OPEN_RFQ_STATES,
        },
    )


@requires("scm", "read")
def rfq_detail(request: HttpRequest, rfq_id: int) -> HttpResponse:
    """/scm/rfqs/<id>/: lines, invited suppliers, quotes and the quote form."""
    return _rfq_page(request, _rfq_or_404(rfq_id))


@requires("scm", "write")
@require_POST
def rfq_quote(request: HttpRequest, rfq_id: int) -> HttpResponse:
    """POST /scm/rfqs/<id>/quotes/: record a supplier's quote (errors by the fields)."""
    found = _rfq_or_404(rfq_id)
    form = QuoteForm(request.POST, rfq_lines=list(found.lines.all()))
    if form.is_valid():
        quote = call_service(form, lambda: rfq.record_quote(found.pk, **form.service_arguments()))
        if quote is not None:
            messages.success(request, f"Quote of {quote.supplier.code} recorded.")
            return redirect("purchasing-rfq", found.pk)
    return _rfq_page(request, found, form)


@requires("scm", "write")
@require_POST
def rfq_action(request: HttpRequest, rfq_id: int, action: str) -> HttpResponse:
    """POST /scm/rfqs/<id>/<action>/: send, cancel, invite."""
    found = _rfq_or_404(rfq_id)
    supplier = request.POST.get("supplier", "")
    calls: dict[str, tuple[Callable[[], Any], str]] = {
        "send": (
            lambda: rfq.send_rfq(found.pk, email=request.POST.get("email") == "1"),
            f"{found.number} sent.",
        ),
        "cancel": (lambda: rfq.cancel_rfq(found.pk), f"{found.number} cancelled."),
        "invite": (
            lambda: rfq.invite(found.pk, int(supplier) if supplier.isdigit() else 0),
            "Supplier invited.",
        ),
    }
    if action not in calls:
        raise Http404("No such action.")
    call, done = calls[action]
    _act(request, call, done)
    return redirect("purchasing-rfq", found.pk)


@requires("scm", "read")
def rfq_compare(request: HttpRequest, rfq_id: int) -> HttpResponse:
    """/scm/rfqs/<id>/compare/: the quotes side by side, best marked, award buttons."""
    found = _rfq_or_404(rfq_id)
    return render(
        request,
        "purchasing/rfq_compare.html",
        {"comparison": rfq.compare(found.pk), "open": found.state in rfq.OPEN_RFQ_STATES},
    )


@requires("scm", "write")
@require_POST
def rfq_award(request: HttpRequest, rfq_id: int) -> HttpResponse:
    """POST /scm/rfqs/<id>/award/: ``supplier`` for all, ``line_<id>`` per line, or the best."""
    found = _rfq_or_404(rfq_id)
    supplier = request.POST.get("supplier", "")
    per_line = {
        int(key[5:]): int(value)
        for key in request.POST
        if key.startswith("line_") and key[5:].isdigit()
        for value in [request.POST.get(key, "")]
        if value.isdigit()
    }
    try:
        created = rfq.award(
            found.pk,
            supplier_id=int(supplier) if supplier.isdigit() else None,
            lines=per_line or None,
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("purchasing-rfq-compare", found.pk)
    numbers = ", ".join(order.number for order in created)
    messages.success(request, f"{found.number} awarded: {numbers}.")
    return (
        redirect("purchasing-order", created[0].pk)
        if len(created) == 1
        else redirect("purchasing-orders")
    )


# --- proposals ------------------------------------------------------------------------------


@requires("scm", "read")
def proposal_list(request: HttpRequest) -> HttpResponse:
    """/scm/purchase-proposals/: open supply requests with the pre-selected supplier."""
    reason = request.GET.get("reason", "")
    rows = proposals.open_requests(
        reason=reason if reason in ("reorder", "mto") else "", q=request.GET.get("q", "").strip()
    ).order_by("created_at", "pk")
    page = paginated(request, rows, PER_PAGE)
    return render(
        request,
        "purchasing/proposals.html",
        {"page": page, "proposals": proposals.proposals_for(list(page.object_list))},
    )


@requires("scm", "write")
@require_POST
def proposal_order(request: HttpRequest) -> HttpResponse:
    """POST /scm/purchase-proposals/order/: the ticked proposals (or the one clicked)."""
    only = request.GET.get("only", "")
    # A row's own button orders that row alone, whatever else is ticked.
    ids = (
        [int(only)]
        if only.isdigit()
        else [int(v) for v in request.POST.getlist("request") if v.isdigit()]
    )
    try:
        created = proposals.order_proposals(ids)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("purchasing-proposals")
    messages.success(
        request, "Purchase orders created: " + ", ".join(o.number for o in created) + "."
    )
    return redirect("purchasing-proposals")
