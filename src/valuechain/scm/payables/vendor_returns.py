"""Use cases of returns to vendor: prepare one, ship it (goods leave the warehouse for the
supplier, the order lines count them as returned, a credit note is expected), cancel it,
and receive the supplier's credit note.

Rejected goods leave the warehouse's quality location, where quality control keeps them on
hold; accepted goods found faulty later leave stock and lower what the supplier may bill.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.inputs import clean_choice, clean_text
from valuechain.platform.money import minor_units
from valuechain.platform.numbering import next_number
from valuechain.scm.inventory import movements
from valuechain.scm.inventory import services as inventory
from valuechain.scm.inventory.models import Lot
from valuechain.scm.payables import domain
from valuechain.scm.payables.models import (
    ReturnToVendor,
    ReturnToVendorLine,
    SupplierCreditNote,
)
from valuechain.scm.payables.services import clean_amount, clean_date, clean_quantity, not_found
from valuechain.scm.purchasing import receipts
from valuechain.scm.purchasing.models import PurchaseOrder, PurchaseOrderLine
from valuechain.scm.quality import services as quality

ZERO = Decimal(0)
RETURNABLE_ORDER_STATES = ("sent", "partially_received", "received", "closed")
SHIPPED = ("shipped", "credited")
MAX_LINES = 500


def returned_by_source(po_line_ids: list[int]) -> dict[tuple[int, str], Decimal]:
    """Per (order line, source), what shipped returns took back already."""
    rows = (
        ReturnToVendorLine.objects.filter(
            po_line_id__in=po_line_ids, vendor_return__state__in=SHIPPED
        )
        .values("po_line_id", "source")
        .annotate(total=Sum("quantity"))
    )
    return {(row["po_line_id"], row["source"]): row["total"] for row in rows}


def returnable(
    line: PurchaseOrderLine, source: str, done: Mapping[tuple[int, str], Decimal]
) -> Decimal:
    """What may still go back from a source: rejected (quality) or accepted (stock) goods
    less what shipped returns took from there."""
    base = line.rejected_quantity if source == "quality" else line.accepted_quantity
    return base - done.get((line.pk, source), ZERO)


def _lot(value: Any, variant_id: int, field: str) -> Lot | None:
    """The variant's lot of the given id (None when none is given), or 404."""
    if value in (None, ""):
        return None
    lot = Lot.objects.filter(pk=value, variant_id=variant_id).first()
    if lot is None:
        raise not_found("lot", field)
    return lot


@transaction.atomic
def create_return(
    *,
    purchase_order_id: int,
    reason: str,
    lines: list[dict[str, Any]],
    note: str = "",
) -> ReturnToVendor:
    """Prepare a return of an order's goods (draft); nothing moves until it ships."""
    order = PurchaseOrder.objects.filter(pk=purchase_order_id).first()
    if order is None:
        raise not_found("purchase_order", "purchase_order_id")
    if order.state not in RETURNABLE_ORDER_STATES:
        raise DomainError(
            "order_not_returnable",
            f"{order.number} is {order.state.replace('_', ' ')}: nothing was delivered.",
            field="purchase_order_id",
            status=409,
        )
    text = clean_text(reason, "reason", 200, required=True)
    if not isinstance(lines, list | tuple) or not lines:
        raise DomainError("lines_required", "A return needs at least one line.", field="lines")
    if len(lines) > MAX_LINES:
        raise DomainError("too_many_lines", f"At most {MAX_LINES} lines.", field="lines")
    order_lines = {line.pk: line for line in PurchaseOrderLine.objects.filter(order=order)}
    rows = []
    for index, row in enumerate(lines):
        prefix = f"lines[{index}]."
        if not isinstance(row, Mapping):
            raise DomainError("invalid_lines", "Each line is an object.", field="lines")
        po_line = order_lines.get(row.get("po_line_id"))
        if po_line is None:
            raise DomainError(
                "po_line_not_found",
                "This line is not on the return's purchase order.",
                field=prefix + "po_line_id",
                status=404,
            )
        rows.append(
            ReturnToVendorLine(
                po_line=po_line,
                variant_id=po_line.variant_id,
                lot=_lot(row.get("lot_id"), po_line.variant_id, prefix + "lot_id"),
                source=clean_choice(
                    row.get("source") or "quality", prefix + "source", domain.RETURN_SOURCES
                ),
                quantity=clean_quantity(row.get("quantity"), prefix + "quantity"),
                unit_price=po_line.unit_price,
                reason=clean_text(row.get("reason"), prefix + "reason", 200),
            )
        )
    vendor_return = ReturnToVendor.objects.create(
        number=next_number("rtv", prefix="RTV-"),
        supplier_id=order.supplier_id,
        purchase_order=order,
        warehouse_id=order.warehouse_id,
        reason=text,
        note=clean_text(note, "note", 2000),
    )
    for made in rows:
        made.vendor_return = vendor_return
        made.tenant_id = vendor_return.tenant_id  # bulk_create skips save(), which stamps it
    ReturnToVendorLine.objects.bulk_create(rows)
    publish("ReturnToVendorPrepared", _payload(vendor_return))
    return vendor_return


def _locked_return(return_id: Any) -> ReturnToVendor:
    """The return, locked for update, or 404 vendor_return_not_found."""
    vendor_return = ReturnToVendor.objects.select_for_update().filter(pk=return_id).first()
    if vendor_return is None:
        raise not_found("vendor_return")
    return vendor_return


def _wrong_state(vendor_return: ReturnToVendor, action: str) -> DomainError:
    """The 409 of an action the return's state does not allow."""
    return DomainError(
        "invalid_state",
        f"{vendor_return.number} is {vendor_return.state}: it cannot be {action}.",
        status=409,
        details={"state": vendor_return.state},
    )


@transaction.atomic
def ship_return(return_id: int) -> ReturnToVendor:
    """Send the goods back: each line moves from the quality location (rejected goods) or
    stock to the supplier, adds to its order line's returned quantity, and the return's
    credit note is expected for quantity x PO unit price."""
    vendor_return = _locked_return(return_id)
    if vendor_return.state != "draft":
        raise _wrong_state(vendor_return, "shipped")
    lines = list(vendor_return.lines.select_related("variant", "lot").order_by("pk"))
    ids = sorted({line.po_line_id for line in lines})
    holds = _holds(vendor_return, lines)
    order_lines = receipts.lock_lines(ids)
    done = returned_by_source(ids)
    wanted: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for index, line in enumerate(lines):
        key = (line.po_line_id, line.source)
        wanted[key] += line.quantity
        left = returnable(order_lines[line.po_line_id], line.source, done)
        if wanted[key] > left:
            what = "rejected and on hold" if line.source == "quality" else "accepted"
            raise DomainError(
                "return_exceeds_quantity",
                f"Only {left.normalize():f} of {line.variant.sku} are {what} on this order "
                f"line; {wanted[key].normalize():f} would go back.",
                field=f"lines[{index}].quantity",
                status=409,
                details={"returnable": str(left)},
            )
    supplier_side = inventory.virtual_location("supplier")
    for line in lines:
        move = movements.post_move(
            kind="return",
            variant=line.variant,
            quantity=line.quantity,
            from_location=inventory.location_of(vendor_return.warehouse_id, line.source),
            to_location=supplier_side,
            lot_number=line.lot.number if line.lot else "",
            reference=vendor_return.number,
            source_type="payables.returntovendorline",
            source_id=line.pk,
        )
        if line.source == "quality":
            _record_with_quality(line, holds, move)
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for line in lines:
        totals[line.po_line_id] += line.quantity
    receipts.record_returned(order_lines, totals)
    order = PurchaseOrder.objects.get(pk=vendor_return.purchase_order_id)
    places = minor_units(order.currency)
    SupplierCreditNote.objects.create(
        number=next_number("scn", prefix="SCN-"),
        supplier_id=vendor_return.supplier_id,
        vendor_return=vendor_return,
        currency=order.currency,
        expected_amount=sum(
            (domain.line_amount(line.quantity, line.unit_price, places) for line in lines), ZERO
        ),
    )
    vendor_return.state = "shipped"
    vendor_return.shipped_at = timezone.now()
    vendor_return.save()
    publish("ReturnToVendorShipped", _payload(vendor_return))
    return vendor_return


def _holds(vendor_return: ReturnToVendor, lines: list[ReturnToVendorLine]) -> list[dict[str, Any]]:
    """Quality's held rejected goods of the return's order lines, their inspections locked.

    Locked before the order lines, in primary-key order: completing an inspection locks
    the inspection and then the order line, so both take the rows in the same order.
    """
    wanted = {line.po_line_id for line in lines if line.source == "quality"}
    if not wanted:
        return []
    return quality.lock_held_for_return(
        supplier_id=vendor_return.supplier_id,
        warehouse_id=vendor_return.warehouse_id,
        po_line_ids=wanted,
    )


def _record_with_quality(line: ReturnToVendorLine, holds: list[dict[str, Any]], move: Any) -> None:
    """Tell quality which held inspections the returned goods came from (oldest first), so
    they no longer count as on hold there."""
    left = line.quantity
    for hold in holds:
        if left <= 0:
            break
        if hold["po_line_id"] != line.po_line_id or (
            line.lot_id is not None and hold["lot_id"] != line.lot_id
        ):
            continue
        take = min(left, hold["quantity"])
        if take <= 0:
            continue
        quality.record_return(
            hold["inspection_id"], take, move=move, note=line.vendor_return.number
        )
        hold["quantity"] -= take
        left -= take


@transaction.atomic
def cancel_return(return_id: int) -> ReturnToVendor:
    """Drop a return that has not shipped."""
    vendor_return = _locked_return(return_id)
    if vendor_return.state != "draft":
        raise _wrong_state(vendor_return, "cancelled")
    vendor_return.state = "cancelled"
    vendor_return.save()
    publish("ReturnToVendorCancelled", _payload(vendor_return))
    return vendor_return


@transaction.atomic
def receive_credit_note(
    credit_note_id: int,
    *,
    supplier_credit_number: str,
    amount: Decimal | str | int,
    received_on: dt.date | str,
) -> SupplierCreditNote:
    """Record the supplier's credit note: its number and the amount it actually credits
    (the difference to the expected amount is kept); the return becomes credited."""
    note = SupplierCreditNote.objects.select_for_update().filter(pk=credit_note_id).first()
    if note is None:
        raise not_found("credit_note")
    if note.state != "expected":
        raise DomainError(
            "invalid_state",
            f"{note.number} is {note.state}: it was received already.",
            status=409,
            details={"state": note.state},
        )
    note.supplier_credit_number = clean_text(
        supplier_credit_number, "supplier_credit_number", 60, required=True
    )
    note.amount = clean_amount(amount, note.currency, positive=True)
    note.received_on = clean_date(received_on, "received_on")
    note.state = "received"
    note.save()
    if note.vendor_return_id is not None:
        vendor_return = _locked_return(note.vendor_return_id)
        vendor_return.state = "credited"
        vendor_return.save()
    publish(
        "SupplierCreditNoteReceived",
        {
            "credit_note_id": note.pk,
            "amount": str(note.amount),
            "expected": str(note.expected_amount),
            "currency": note.currency,
        },
    )
    return note


def _payload(vendor_return: ReturnToVendor) -> dict[str, Any]:
    """The outbox event payload of a return."""
    return {
        "return_id": vendor_return.pk,
        "number": vendor_return.number,
        "purchase_order_id": vendor_return.purchase_order_id,
        "supplier_id": vendor_return.supplier_id,
        "state": vendor_return.state,
    }
