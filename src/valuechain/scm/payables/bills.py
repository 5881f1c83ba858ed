"""Use cases of supplier bills: record one (from a purchase order or free), post it through
the three-way match, approve or refuse a mismatch, cancel.

Posting locks the bill, then its purchase-order lines in primary-key order, reads what those
lines have accepted and already billed, and adds this bill's quantities, so two bills posted
at the same time for one line are matched one after the other, never both against the same
accepted quantity.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.inputs import clean_text
from valuechain.platform.money import minor_units, normalize_currency
from valuechain.platform.numbering import next_number
from valuechain.scm.payables import domain
from valuechain.scm.payables.models import BillLine, ReturnToVendorLine, SupplierBill
from valuechain.scm.payables.services import (
    base_places,
    check_approver,
    clean_amount,
    clean_date,
    clean_price,
    clean_quantity,
    document_rate,
    not_found,
    tolerances,
)
from valuechain.scm.procurement.models import Supplier
from valuechain.scm.purchasing import receipts
from valuechain.scm.purchasing.models import PurchaseOrder, PurchaseOrderLine

ZERO = Decimal(0)
# Orders a supplier may bill: sent to them, and not cancelled.
BILLABLE_ORDER_STATES = ("sent", "partially_received", "received", "closed")
# Bills whose quantities count on their order lines.
COUNTED_STATES = ("to_approve", "posted", "approved", "partially_paid", "paid")
MAX_LINES = 500


def returned_from_stock(po_line_ids: Iterable[int]) -> dict[int, Decimal]:
    """Per order line, accepted goods shipped back from stock (they lower what is billable)."""
    rows = (
        ReturnToVendorLine.objects.filter(
            po_line_id__in=list(po_line_ids),
            source="stock",
            vendor_return__state__in=("shipped", "credited"),
        )
        .values("po_line_id")
        .annotate(total=Sum("quantity"))
    )
    return {row["po_line_id"]: row["total"] for row in rows}


def billable(line: PurchaseOrderLine, from_stock: Mapping[int, Decimal]) -> Decimal:
    """What the supplier may bill for an order line: accepted less returned from stock."""
    return domain.billable_quantity(line.accepted_quantity, from_stock.get(line.pk, ZERO))


# --- recording ------------------------------------------------------------------------------


def _order(purchase_order_id: Any) -> PurchaseOrder:
    """The purchase order to bill, or 404 / order_not_billable."""
    order = PurchaseOrder.objects.select_related("supplier").filter(pk=purchase_order_id).first()
    if order is None:
        raise not_found("purchase_order", "purchase_order_id")
    if order.state not in BILLABLE_ORDER_STATES:
        raise DomainError(
            "order_not_billable",
            f"{order.number} is {order.state.replace('_', ' ')}: only orders sent to the "
            "supplier can be billed.",
            field="purchase_order_id",
            status=409,
        )
    return order


def _check_invoice_number_free(supplier: Supplier, number: str) -> None:
    """Refuse an invoice number the supplier has on a bill that is not cancelled."""
    taken = (
        SupplierBill.objects.filter(supplier=supplier, supplier_invoice_number__iexact=number)
        .exclude(state="cancelled")
        .values_list("number", flat=True)
        .first()
    )
    if taken:
        raise duplicate_invoice(supplier, number, taken)


def duplicate_invoice(supplier: Supplier, number: str, taken: str = "") -> DomainError:
    """The refusal of a supplier invoice number booked before."""
    where = f" (bill {taken})" if taken else ""
    return DomainError(
        "duplicate_supplier_invoice",
        f"Invoice {number} of supplier {supplier.code} is already booked{where}; cancel that "
        "bill first if it was wrong.",
        field="supplier_invoice_number",
        status=409,
        details={"bill": taken},
    )


def _lines(
    rows: Any, order: PurchaseOrder | None, currency: str
) -> list[tuple[PurchaseOrderLine | None, str, Decimal, Decimal]]:
    """(order line, description, quantity, unit price) of each row, checked."""
    if not isinstance(rows, list | tuple) or not rows:
        raise DomainError("lines_required", "A bill needs at least one line.", field="lines")
    if len(rows) > MAX_LINES:
        raise DomainError("too_many_lines", f"At most {MAX_LINES} lines.", field="lines")
    order_lines = (
        {line.pk: line for line in PurchaseOrderLine.objects.filter(order=order)}
        if order is not None
        else {}
    )
    cleaned = []
    for index, row in enumerate(rows):
        prefix = f"lines[{index}]."
        if not isinstance(row, Mapping):
            raise DomainError("invalid_lines", "Each line is an object.", field="lines")
        po_line_id = row.get("po_line_id")
        po_line = None
        if po_line_id not in (None, ""):
            po_line = order_lines.get(po_line_id)
            if po_line is None:
                raise DomainError(
                    "po_line_not_found",
                    "This line is not on the bill's purchase order.",
                    field=prefix + "po_line_id",
                    status=404,
                )
        elif order is not None:
            raise DomainError(
                "po_line_required",
                "Name the purchase-order line each line bills.",
                field=prefix + "po_line_id",
            )
        quantity = clean_quantity(row.get("quantity"), prefix + "quantity")
        price = row.get("unit_price")
        if price in (None, "") and po_line is not None:
            price = po_line.unit_price
        unit_price = clean_price(price, prefix + "unit_price")
        description = clean_text(
            row.get("description") or (po_line.description if po_line else ""),
            prefix + "description",
            200,
            required=True,
        )
        cleaned.append((po_line, description, quantity, unit_price))
    return cleaned


@transaction.atomic
def create_bill(
    *,
    supplier_invoice_number: str,
    bill_date: dt.date | str,
    lines: list[dict[str, Any]],
    purchase_order_id: int | None = None,
    supplier_id: int | None = None,
    currency: str = "",
    tax_amount: Decimal | str | int = ZERO,
    note: str = "",
) -> SupplierBill:
    """Record a supplier's invoice as a draft bill, in the order's currency at the rate of
    the bill date; due on the bill date plus the order's payment terms (else the supplier's)."""
    order = _order(purchase_order_id) if purchase_order_id not in (None, "") else None
    if order is not None:
        if supplier_id not in (None, "") and supplier_id != order.supplier_id:
            raise DomainError(
                "supplier_mismatch",
                f"{order.number} is an order to {order.supplier.code}, not to this supplier.",
                field="supplier_id",
            )
        supplier = order.supplier
    else:
        found = Supplier.objects.filter(pk=supplier_id).first() if supplier_id else None
        if found is None:
            raise not_found("supplier", "supplier_id")
        supplier = found
    bill_currency = normalize_currency(
        currency or (order.currency if order else supplier.currency), "currency"
    )
    if order is not None and bill_currency != order.currency:
        raise DomainError(
            "currency_mismatch",
            f"{order.number} is in {order.currency}; a bill for it must be too (not "
            f"{bill_currency}).",
            field="currency",
        )
    invoice_number = clean_text(
        supplier_invoice_number, "supplier_invoice_number", 60, required=True
    )
    day = clean_date(bill_date, "bill_date")
    tax = clean_amount(tax_amount, bill_currency, "tax_amount")
    checked = _lines(lines, order, bill_currency)
    _check_invoice_number_free(supplier, invoice_number)
    terms = order.payment_terms_days if order is not None else supplier.payment_terms_days
    rate = document_rate(bill_currency, day)
    places = minor_units(bill_currency)
    amounts = [domain.line_amount(q, p, places) for _, _, q, p in checked]
    net = sum(amounts, ZERO)
    bill = SupplierBill(
        number=next_number("bill", prefix="BILL-"),
        supplier=supplier,
        purchase_order=order,
        supplier_invoice_number=invoice_number,
        bill_date=day,
        due_date=domain.due_date(day, terms),
        payment_terms_days=terms,
        currency=bill_currency,
        fx_rate=rate,
        net_total=net,
        tax_amount=tax,
        total=net + tax,
        note=clean_text(note, "note", 2000),
    )
    _set_base_totals(bill)
    try:
        with transaction.atomic():
            bill.save()
    except IntegrityError:  # booked by a concurrent request since the check above
        raise duplicate_invoice(supplier, invoice_number) from None
    BillLine.objects.bulk_create(
        BillLine(
            tenant_id=bill.tenant_id,
            bill=bill,
            position=position,
            po_line=po_line,
            description=description,
            quantity=quantity,
            unit_price=unit_price,
            amount=amount,
        )
        for position, ((po_line, description, quantity, unit_price), amount) in enumerate(
            zip(checked, amounts, strict=True), start=1
        )
    )
    publish("SupplierBillRecorded", _payload(bill))
    return bill


def _set_base_totals(bill: SupplierBill) -> None:
    """Base amounts at the bill's rate; the base total is their sum so the parts add up."""
    places = base_places()
    bill.base_net_total = domain.to_base(bill.net_total, bill.fx_rate, places)
    bill.base_tax_amount = domain.to_base(bill.tax_amount, bill.fx_rate, places)
    bill.base_total = bill.base_net_total + bill.base_tax_amount


def proposed_lines(purchase_order_id: int) -> list[dict[str, Any]]:
    """What a bill for the order would hold now: per line accepted less billed, at PO prices."""
    order = _order(purchase_order_id)
    order_lines = list(PurchaseOrderLine.objects.filter(order=order).order_by("position"))
    from_stock = returned_from_stock(line.pk for line in order_lines)
    proposal = []
    for line in order_lines:
        left = billable(line, from_stock) - line.billed_quantity
        if left > 0:
            proposal.append(
                {
                    "po_line_id": line.pk,
                    "position": line.position,
                    "sku": line.sku,
                    "description": line.description,
                    "quantity": left,
                    "unit_price": line.unit_price,
                }
            )
    return proposal


@transaction.atomic
def create_bill_from_order(
    *,
    purchase_order_id: int,
    supplier_invoice_number: str,
    bill_date: dt.date | str,
    tax_amount: Decimal | str | int = ZERO,
    note: str = "",
) -> SupplierBill:
    """A draft bill of everything accepted and not yet billed on the order, at PO prices."""
    lines = proposed_lines(purchase_order_id)
    if not lines:
        raise DomainError(
            "nothing_to_bill",
            "Every accepted quantity of this order is billed already.",
            field="purchase_order_id",
            status=409,
        )
    return create_bill(
        purchase_order_id=purchase_order_id,
        supplier_invoice_number=supplier_invoice_number,
        bill_date=bill_date,
        tax_amount=tax_amount,
        note=note,
        lines=[
            {
                "po_line_id": row["po_line_id"],
                "quantity": row["quantity"],
                "unit_price": row["unit_price"],
            }
            for row in lines
        ],
    )


# --- matching -------------------------------------------------------------------------------


def match(
    bill: SupplierBill,
    lines: list[BillLine],
    order_lines: Mapping[int, PurchaseOrderLine],
) -> list[domain.LineMatch]:
    """The three-way match of each bill line against the order lines as they are now.

    A counted bill's own quantities are already in ``billed_quantity``: they are taken out,
    so "billed before" means by the other bills, and lines of this bill before this one.
    """
    rules = tolerances()
    from_stock = returned_from_stock(order_lines)
    counted = bill.state in COUNTED_STATES
    own: dict[int, Decimal] = defaultdict(Decimal)
    if counted:
        for line in lines:
            if line.po_line_id is not None:
                own[line.po_line_id] += line.quantity
    seen: dict[int, Decimal] = defaultdict(Decimal)
    results = []
    for line in lines:
        po_line = order_lines.get(line.po_line_id) if line.po_line_id else None
        if po_line is None:
            results.append(domain.unmatched_line(line.quantity, line.unit_price))
            continue
        before = po_line.billed_quantity - own[po_line.pk] + seen[po_line.pk]
        seen[po_line.pk] += line.quantity
        results.append(
            domain.match_line(
                ordered=po_line.quantity,
                po_price=po_line.unit_price,
                received=po_line.received_quantity,
                accepted=billable(po_line, from_stock),
                previously_billed=before,
                quantity=line.quantity,
                unit_price=line.unit_price,
                tolerances=rules,
            )
        )
    return results


def _locked_bill(bill_id: Any) -> SupplierBill:
    """The bill, locked for update, or 404 bill_not_found."""
    bill = SupplierBill.objects.select_for_update().filter(pk=bill_id).first()
    if bill is None:
        raise not_found("bill")
    return bill


def _locked_order_lines(lines: Iterable[BillLine]) -> dict[int, PurchaseOrderLine]:
    """The bill's order lines, locked in primary-key order (the contract's lock order)."""
    return receipts.lock_lines(line.po_line_id for line in lines if line.po_line_id is not None)


def _wrong_state(bill: SupplierBill, action: str) -> DomainError:
    """The 409 of an action the bill's state does not allow."""
    return DomainError(
        "invalid_state",
        f"{bill.number} is {bill.state.replace('_', ' ')}: it cannot be {action}.",
        status=409,
        details={"state": bill.state},
    )


def _add_billed(
    lines: Iterable[BillLine], order_lines: Mapping[int, PurchaseOrderLine], sign: int
) -> None:
    """Add (sign 1) or take back (sign -1) the bill's quantities on its locked order lines."""
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for line in lines:
        if line.po_line_id is not None:
            totals[line.po_line_id] += line.quantity
    receipts.record_billed(order_lines, totals, sign)


@transaction.atomic
def post_bill(bill_id: int) -> SupplierBill:
    """Post a draft: matched within tolerance it is owed (posted), otherwise to_approve."""
    bill = _locked_bill(bill_id)
    if bill.state != "draft":
        raise _wrong_state(bill, "posted")
    lines = list(bill.lines.order_by("position"))
    order_lines = _locked_order_lines(lines)
    results = match(bill, lines, order_lines)
    for line, result in zip(lines, results, strict=True):
        line.match_status = result.status
    BillLine.objects.bulk_update(lines, ["match_status"])
    _add_billed(lines, order_lines, 1)
    bill.state = "posted" if domain.all_matched(results) else "to_approve"
    bill.posted_at = timezone.now()
    bill.save()
    publish(
        "SupplierBillPosted",
        {**_payload(bill), "mismatches": [r.status for r in results if not r.ok]},
    )
    return bill


@transaction.atomic
def approve_bill(bill_id: int) -> SupplierBill:
    """Accept a mismatched bill as it is (the approver role); it becomes owed."""
    actor_id = check_approver()
    bill = _locked_bill(bill_id)
    if bill.state != "to_approve":
        raise _wrong_state(bill, "approved")
    bill.state = "approved"
    bill.approved_by_id = actor_id
    bill.approved_at = timezone.now()
    bill.save()
    publish("SupplierBillApproved", _payload(bill))
    return bill


@transaction.atomic
def refuse_bill(bill_id: int, reason: str = "") -> SupplierBill:
    """Refuse a mismatched bill (the approver role): it is cancelled, its quantities freed."""
    actor_id = check_approver()
    bill = _locked_bill(bill_id)
    if bill.state != "to_approve":
        raise _wrong_state(bill, "refused")
    text = clean_text(reason, "reason", 200, required=True)
    lines = list(bill.lines.all())
    _add_billed(lines, _locked_order_lines(lines), -1)
    bill.state = "cancelled"
    bill.refused_by_id = actor_id
    bill.refused_at = timezone.now()
    bill.refusal_reason = text
    bill.save()
    publish("SupplierBillRefused", {**_payload(bill), "reason": text})
    return bill


@transaction.atomic
def cancel_bill(bill_id: int) -> SupplierBill:
    """Cancel a bill nothing was paid or credited on (a payment or credit moves it past
    posted/approved, where cancelling is no longer allowed); a counted one frees its quantities."""
    bill = _locked_bill(bill_id)
    if not domain.can_move(bill.state, "cancelled") or bill.state == "to_approve":
        raise _wrong_state(bill, "cancelled")
    if bill.state in COUNTED_STATES:
        lines = list(bill.lines.all())
        _add_billed(lines, _locked_order_lines(lines), -1)
    bill.state = "cancelled"
    bill.save()
    publish("SupplierBillCancelled", _payload(bill))
    return bill


def _payload(bill: SupplierBill) -> dict[str, Any]:
    """The outbox event payload of a bill."""
    return {
        "bill_id": bill.pk,
        "number": bill.number,
        "supplier_id": bill.supplier_id,
        "purchase_order_id": bill.purchase_order_id,
        "state": bill.state,
        "total": str(bill.total),
        "currency": bill.currency,
    }
