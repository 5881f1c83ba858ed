"""Pages of receiving: expected receipts, the phone-sized receiving screen of a purchase
order (htmx scans into a pending count per line), receipts, ship notices and the tolerance.
Thin: forms parse, services decide, queries read; the pending receipt lives in the session."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from valuechain.platform.errors import DomainError
from valuechain.platform.identity.decorators import requires
from valuechain.platform.web.pages import paginated
from valuechain.scm.receiving import asn as asn_services
from valuechain.scm.receiving import queries, scanning, services
from valuechain.scm.receiving.domain import ACCEPTS_GOODS_STATES, ASN_STATES
from valuechain.scm.receiving.forms import (
    AsnForm,
    PurchaseOrderLookupForm,
    ScanForm,
    SettingsForm,
)

PER_PAGE = 50
HISTORY = 6
RECEIPT_SORTS = {"-received_at": "-received_at", "received_at": "received_at", "number": "number"}


def _or_404(call: Any, *args: Any) -> Any:
    try:
        return call(*args)
    except DomainError as error:
        raise Http404(error.message) from None


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


# --- expected receipts ----------------------------------------------------------------------


@requires("scm", "read")
def expected(request: HttpRequest) -> HttpResponse:
    """/scm/receiving/: ship notices and open order lines due by a date; open an order to
    receive by its number."""
    due_by = _date(request.GET.get("due_by", ""))
    form = PurchaseOrderLookupForm(request.GET if "number" in request.GET else None)
    if form.is_bound and form.is_valid():
        order = queries.order_by_number(form.cleaned_data["number"])
        if order is not None:
            return redirect("receiving-screen", order.pk)
        form.add_error("number", f"No purchase order {form.cleaned_data['number']}.")
    return render(
        request,
        "receiving/expected.html",
        {
            "form": form,
            "due_by": due_by,
            "asns": list(queries.expected_asns(due_by=due_by)[:PER_PAGE]),
            "lines": queries.expected_lines(due_by=due_by)[:200],
        },
    )


# --- the receiving screen -------------------------------------------------------------------


def _key(order_id: int) -> str:
    return f"receiving_{order_id}"


def _session(request: HttpRequest, order_id: int) -> dict[str, Any]:
    data = request.session.get(_key(order_id))
    if not isinstance(data, dict):
        data = {}
    data.setdefault("pending", [])
    data.setdefault("asn_id", None)
    data.setdefault("history", [])
    return data


def _save(request: HttpRequest, order_id: int, data: dict[str, Any]) -> None:
    request.session[_key(order_id)] = data


def _lines_view(order: Any, pending: list[scanning.PendingLine]) -> list[dict[str, Any]]:
    """Each order line with what is received and what is pending (the live count)."""
    counts = scanning.pending_by_line(pending)
    rows = []
    for line in order.lines.all():
        count = counts.get(line.pk)
        rows.append(
            {
                "line": line,
                "pending": count,
                "lots": [p for p in pending if p.po_line_id == line.pk and p.lot_number],
                "complete": line.received_quantity + (count or 0) >= line.quantity,
            }
        )
    return rows


def _screen_context(
    request: HttpRequest, order: Any, data: dict[str, Any], form: Any = None, error: str = ""
) -> dict[str, Any]:
    pending = scanning.pending_from(data["pending"])
    asn = None
    if data.get("asn_id"):
        asn = queries.asns().filter(pk=data["asn_id"]).first()
    return {
        "order": order,
        "form": form or ScanForm(),
        "rows": _lines_view(order, pending),
        "pending_count": len(pending),
        "asn": asn,
        "history": data["history"],
        "error": error,
        "receivable": order.state in ACCEPTS_GOODS_STATES,
    }


def _screen(request: HttpRequest, order: Any, data: dict[str, Any], **extra: Any) -> HttpResponse:
    htmx = request.htmx  # type: ignore[attr-defined]
    template = "receiving/_receive_live.html" if htmx else "receiving/receive.html"
    return render(request, template, _screen_context(request, order, data, **extra))


@requires("scm", "read")
def receive_screen(request: HttpRequest, order_id: int) -> HttpResponse:
    """/scm/purchase-orders/<id>/receive/: scan items into a pending receipt, then Receive.
    ``?asn=<id>`` starts from a ship notice's lines."""
    order = _or_404(queries.receivable_order, order_id)
    data = _session(request, order.pk)
    wanted = request.GET.get("asn", "")
    if wanted.isdigit():
        notice = queries.asns(purchase_order_id=order.pk, state="expected").filter(pk=int(wanted))
        found = notice.first()
        if found is not None:
            lines = asn_services.receipt_lines_of(found)
            data = {
                "pending": [
                    scanning.PendingLine(
                        row["po_line_id"],
                        row["quantity"],
                        row["lot_number"],
                        row["expires_on"].isoformat() if row["expires_on"] else "",
                    ).as_dict()
                    for row in lines
                ],
                "asn_id": found.pk,
                "history": [{"ok": True, "message": f"Ship notice {found.number} loaded"}],
            }
            _save(request, order.pk, data)
    return render(request, "receiving/receive.html", _screen_context(request, order, data))


@require_POST
@requires("scm", "write")
def receive_scan(request: HttpRequest, order_id: int) -> HttpResponse:
    """One scan (htmx: answers the refreshed form and pending counts)."""
    order = _or_404(queries.receivable_order, order_id)
    data = _session(request, order.pk)
    form = ScanForm(request.POST)
    if form.is_valid():
        values = dict(form.cleaned_data)  # add_error() takes a field out of cleaned_data
        try:
            match = scanning.resolve(
                order,
                values["code"],
                scanning.pending_from(data["pending"]),
                quantity=values["quantity"] or None,
                lot_number=values["lot_number"],
                expires_on=values["expires_on"],
            )
        except DomainError as error:
            form.add_domain_error(error)
            entry = {"ok": False, "message": error.message, "code": values["code"]}
        else:
            pending = scanning.merge(scanning.pending_from(data["pending"]), match.lines)
            data["pending"] = [row.as_dict() for row in pending]
            if match.asn_id:
                data["asn_id"] = match.asn_id
            entry = {"ok": True, "message": match.message, "code": values["code"]}
            form = ScanForm()
        data["history"] = [entry, *data["history"]][:HISTORY]
        _save(request, order.pk, data)
    return _screen(request, order, data, form=form)


@require_POST
@requires("scm", "write")
def receive_clear(request: HttpRequest, order_id: int) -> HttpResponse:
    """Forget the pending scans of the order."""
    order = _or_404(queries.receivable_order, order_id)
    request.session.pop(_key(order.pk), None)
    return redirect("receiving-screen", order.pk)


@require_POST
@requires("scm", "write")
def receive_submit(request: HttpRequest, order_id: int) -> HttpResponse:
    """Book the pending scans as one receipt (inspected items go to quality)."""
    order = _or_404(queries.receivable_order, order_id)
    data = _session(request, order.pk)
    lines = [
        {
            "po_line_id": row.po_line_id,
            "quantity": row.quantity,
            "lot_number": row.lot_number,
            "expires_on": row.expires_on or None,
        }
        for row in scanning.pending_from(data["pending"])
    ]
    try:
        receipt = services.receive(order.pk, lines, asn_id=data.get("asn_id"))
    except DomainError as error:
        response = render(
            request,
            "receiving/receive.html",
            _screen_context(request, order, data, error=error.message),
        )
        return response
    request.session.pop(_key(order.pk), None)
    messages.success(request, f"Receipt {receipt.number} booked.")
    return redirect("receiving-receipt", receipt.pk)


# --- receipts -------------------------------------------------------------------------------


@requires("scm", "read")
def receipt_list(request: HttpRequest) -> HttpResponse:
    """/scm/receiving/receipts/: search, sort, page."""
    q = request.GET.get("q", "").strip()
    sort = RECEIPT_SORTS.get(request.GET.get("sort", ""), "-received_at")
    rows = queries.receipts(q=q).order_by(sort, "-pk")
    return render(
        request, "receiving/receipt_list.html", {"page": paginated(request, rows, PER_PAGE), "q": q}
    )


@requires("scm", "read")
def receipt_detail(request: HttpRequest, receipt_id: int) -> HttpResponse:
    """/scm/receiving/receipts/<id>/: the lines, where they went and their inspections."""
    receipt = _or_404(queries.receipt, receipt_id)
    inspections = queries.inspections_of(receipt)
    return render(
        request,
        "receiving/receipt_detail.html",
        {
            "receipt": receipt,
            "lines": [(line, inspections.get(line.inspection_id)) for line in receipt.lines.all()],
        },
    )


# --- ship notices ---------------------------------------------------------------------------


@requires("scm", "read")
def asn_list(request: HttpRequest) -> HttpResponse:
    """/scm/receiving/asns/: ship notices by expected date, filtered by state."""
    q = request.GET.get("q", "").strip()
    state = request.GET.get("state", "")
    state = state if state in ASN_STATES else ""
    rows = queries.asns(q=q, state=state).order_by("expected_on", "pk")
    return render(
        request,
        "receiving/asn_list.html",
        {"page": paginated(request, rows, PER_PAGE), "q": q, "state": state, "states": ASN_STATES},
    )


@requires("scm", "write")
def asn_create(request: HttpRequest) -> HttpResponse:
    """/scm/receiving/asns/new/: record a ship notice by hand."""
    form = AsnForm(request.POST or None, initial={"purchase_order": request.GET.get("po", "")})
    if request.method == "POST" and form.is_valid():
        try:
            notice = asn_services.create_asn(**form.service_arguments())
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Ship notice {notice.number} recorded.")
            return redirect("receiving-asn", notice.pk)
    return render(request, "receiving/asn_form.html", {"form": form})


@requires("scm", "read")
def asn_detail(request: HttpRequest, asn_id: int) -> HttpResponse:
    """/scm/receiving/asns/<id>/: the notice's package lines; receive or cancel it."""
    notice = _or_404(queries.asn, asn_id)
    return render(request, "receiving/asn_detail.html", {"notice": notice})


@require_POST
@requires("scm", "write")
def asn_cancel(request: HttpRequest, asn_id: int) -> HttpResponse:
    """Cancel an expected ship notice."""
    notice = _or_404(queries.asn, asn_id)
    try:
        asn_services.cancel_asn(notice.pk)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Ship notice {notice.number} cancelled.")
    return redirect("receiving-asn", notice.pk)


# --- settings -------------------------------------------------------------------------------


@requires("scm", "read")
def settings_page(request: HttpRequest) -> HttpResponse:
    """/scm/receiving/settings/: the over-receipt tolerance."""
    current = services.settings_row()
    form = SettingsForm(
        initial={"over_receipt_tolerance_percent": current.over_receipt_tolerance_percent}
    )
    return render(request, "receiving/settings.html", {"form": form})


@require_POST
@requires("scm", "write")
def settings_save(request: HttpRequest) -> HttpResponse:
    """Save the over-receipt tolerance (errors next to the field)."""
    form = SettingsForm(request.POST)
    if form.is_valid():
        try:
            services.update_settings(**form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Receiving settings saved.")
            return redirect("receiving-settings")
    return render(request, "receiving/settings.html", {"form": form})
