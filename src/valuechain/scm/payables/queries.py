"""The read side of payables: bill lists and pages with the match table, payments, the
aging list of what is owed, returns to vendor and credit notes.

Lists select their joins, so a page costs a fixed number of queries whatever its length.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from valuechain.platform.fx import tenant_base_currency
from valuechain.scm.payables import domain
from valuechain.scm.payables.bills import BILLABLE_ORDER_STATES, match, proposed_lines
from valuechain.scm.payables.models import (
    BillLine,
    ReturnToVendor,
    SupplierBill,
    SupplierCreditNote,
    SupplierPayment,
)
from valuechain.scm.payables.services import base_places, not_found
from valuechain.scm.payables.vendor_returns import (
    RETURNABLE_ORDER_STATES,
    returnable,
    returned_by_source,
)
from valuechain.scm.purchasing.models import PurchaseOrder, PurchaseOrderLine

BILL_SORTS = ("number", "bill_date", "due_date", "total", "state", "supplier_code", "created_at")
PAYMENT_SORTS = ("number", "paid_on", "amount", "created_at")
RETURN_SORTS = ("number", "state", "created_at")
CREDIT_NOTE_SORTS = ("number", "state", "expected_amount", "created_at")
ZERO = Decimal(0)


def today() -> dt.date:
    """Today in the server's time zone (due dates are days)."""
    return timezone.localdate()


# --- bills ----------------------------------------------------------------------------------


def bills(
    *,
    q: str = "",
    state: str = "",
    supplier_id: int | None = None,
    purchase_order_id: int | None = None,
    due_before: dt.date | None = None,
    overdue: bool = False,
) -> QuerySet[SupplierBill]:
    """Bills with supplier and order; ``q`` searches our number and the supplier's."""
    rows = SupplierBill.objects.select_related("supplier__account", "purchase_order").annotate(
        supplier_code=F("supplier__code")
    )
    if q:
        rows = rows.filter(
            Q(number__icontains=q)
            | Q(supplier_invoice_number__icontains=q)
            | Q(supplier__code__icontains=q)
        )
    if state:
        rows = rows.filter(state=state)
    if supplier_id:
        rows = rows.filter(supplier_id=supplier_id)
    if purchase_order_id:
        rows = rows.filter(purchase_order_id=purchase_order_id)
    if due_before:
        rows = rows.filter(due_date__lte=due_before)
    if overdue:
        rows = rows.filter(state__in=domain.PAYABLE_STATES, due_date__lt=today())
    return rows


def bill(bill_id: int) -> SupplierBill:
    """One bill with its lines (and their order lines) or 404 bill_not_found."""
    row = (
        SupplierBill.objects.select_related("supplier__account", "purchase_order", "approved_by")
        .prefetch_related("lines__po_line")
        .filter(pk=bill_id)
        .first()
    )
    if row is None:
        raise not_found("bill")
    return row


@dataclass(frozen=True)
class MatchRow:
    """A bill line with its match, for the page and the API."""

    line: BillLine
    match: domain.LineMatch


def match_table(row: SupplierBill) -> list[MatchRow]:
    """Each line of the bill beside its order line (PO | accepted | billed), matched now."""
    lines = sorted(row.lines.all(), key=lambda line: line.position)
    order_lines = {line.po_line.pk: line.po_line for line in lines if line.po_line is not None}
    return [
        MatchRow(line, result)
        for line, result in zip(lines, match(row, lines, order_lines), strict=True)
    ]


def bill_proposal(purchase_order_id: int) -> list[dict[str, Any]]:
    """The lines a new bill of the order starts with (accepted less billed, PO prices)."""
    return proposed_lines(purchase_order_id)


def billable_orders() -> QuerySet[PurchaseOrder]:
    """Orders a bill can be made from, newest first."""
    return (
        PurchaseOrder.objects.select_related("supplier")
        .filter(state__in=BILLABLE_ORDER_STATES)
        .order_by("-order_date", "-pk")
    )


def payments(
    *, bill_id: int | None = None, supplier_id: int | None = None
) -> QuerySet[SupplierPayment]:
    """Payments with their bill and supplier."""
    rows = SupplierPayment.objects.select_related("bill", "supplier")
    if bill_id:
        rows = rows.filter(bill_id=bill_id)
    if supplier_id:
        rows = rows.filter(supplier_id=supplier_id)
    return rows


# --- aging ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgingRow:
    """One open bill in the due list."""

    bill: SupplierBill
    open_amount: Decimal
    base_open_amount: Decimal
    days_overdue: int
    bucket: str


def aging(*, supplier_id: int | None = None, on: dt.date | None = None) -> list[AgingRow]:
    """Open bills, overdue first (the longest overdue at the top), then by due date; open
    amounts also in the base currency at each bill's rate, for the bucket totals."""
    day = on or today()
    places = base_places()
    rows = bills(supplier_id=supplier_id).filter(state__in=domain.PAYABLE_STATES)
    return [
        AgingRow(
            bill=row,
            open_amount=row.open_amount,
            base_open_amount=domain.to_base(row.open_amount, row.fx_rate, places),
            days_overdue=domain.days_overdue(row.due_date, day),
            bucket=domain.aging_bucket(row.due_date, day),
        )
        for row in rows.order_by("due_date", "pk")
    ]


def aging_totals(rows: list[AgingRow]) -> dict[str, Any]:
    """Base-currency totals per aging bucket and overall."""
    # Zero in the base currency's minor units, so an empty bucket reads 0.00, not 0.
    zero = domain.round_money(ZERO, base_places())
    buckets = {label: zero for _, label in domain.AGING_BUCKETS}
    for row in rows:
        buckets[row.bucket] += row.base_open_amount
    return {
        "currency": tenant_base_currency(),
        "buckets": buckets,
        "total": sum(buckets.values(), zero),
    }


# --- returns to vendor ----------------------------------------------------------------------


def vendor_returns(
    *, q: str = "", state: str = "", supplier_id: int | None = None
) -> QuerySet[ReturnToVendor]:
    """Returns with supplier, order and warehouse; ``q`` searches number, order, reason."""
    rows = ReturnToVendor.objects.select_related(
        "supplier", "purchase_order", "warehouse", "credit_note"
    )
    if q:
        rows = rows.filter(
            Q(number__icontains=q) | Q(purchase_order__number__icontains=q) | Q(reason__icontains=q)
        )
    if state:
        rows = rows.filter(state=state)
    if supplier_id:
        rows = rows.filter(supplier_id=supplier_id)
    return rows


def vendor_return(return_id: int) -> ReturnToVendor:
    """One return with its lines and credit note, or 404 vendor_return_not_found."""
    row = (
        ReturnToVendor.objects.select_related(
            "supplier", "purchase_order", "warehouse", "credit_note"
        )
        .prefetch_related("lines__variant", "lines__lot", "lines__po_line")
        .filter(pk=return_id)
        .first()
    )
    if row is None:
        raise not_found("vendor_return")
    return row


def credit_note_of(row: ReturnToVendor) -> SupplierCreditNote | None:
    """The return's credit note, once it shipped."""
    # A missing reverse one-to-one raises a subclass of AttributeError.
    return getattr(row, "credit_note", None)


@dataclass(frozen=True)
class ReturnableLine:
    """An order line with what may still go back to the supplier."""

    line: PurchaseOrderLine
    on_hold: Decimal  # rejected, not yet returned
    accepted: Decimal  # accepted, not yet returned from stock


def returnable_lines(purchase_order_id: int) -> list[ReturnableLine]:
    """The order's lines with rejected goods on hold and accepted goods still returnable.

    Quality keeps rejected goods in the warehouse's quality location until they go back.
    """
    lines = list(PurchaseOrderLine.objects.filter(order_id=purchase_order_id).order_by("position"))
    done = returned_by_source([line.pk for line in lines])
    return [
        ReturnableLine(line, returnable(line, "quality", done), returnable(line, "stock", done))
        for line in lines
    ]


def returnable_orders() -> QuerySet[PurchaseOrder]:
    """Orders with delivered goods, newest first."""
    return (
        PurchaseOrder.objects.select_related("supplier")
        .filter(state__in=RETURNABLE_ORDER_STATES, lines__received_quantity__gt=0)
        .distinct()
        .order_by("-order_date", "-pk")
    )


def credit_notes(
    *, state: str = "", supplier_id: int | None = None
) -> QuerySet[SupplierCreditNote]:
    """Credit notes with their supplier, return and the bill they were applied to."""
    rows = SupplierCreditNote.objects.select_related("supplier", "vendor_return", "applied_bill")
    if state:
        rows = rows.filter(state=state)
    if supplier_id:
        rows = rows.filter(supplier_id=supplier_id)
    return rows


def open_bills_for(note: SupplierCreditNote) -> QuerySet[SupplierBill]:
    """The open bills a received credit note could be set off against."""
    return SupplierBill.objects.filter(
        supplier_id=note.supplier_id, currency=note.currency, state__in=domain.PAYABLE_STATES
    ).order_by("due_date", "pk")
