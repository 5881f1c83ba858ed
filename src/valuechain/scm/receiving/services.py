"""Use cases of receiving: goods received against a purchase order, the quality outcome of
inspected lines, and the tenant's over-receipt tolerance.

``receive`` runs in one transaction and has purchasing lock the purchase order, then its
lines in primary-key order (``purchasing.receipts.lock_for_receipt``), before it checks the
tolerance against the locked running quantities: two receipts of the same last units queue
on those rows and the second one sees the first one's quantities, so nothing is booked
twice. Stock moves go through ``inventory.services.receive`` (balance rows are locked after
the order lines), inspections through ``quality.services``, and the order lines' quantities
and the order's state through ``purchasing.receipts``. Errors are DomainError with a stable
code and the field. ASNs live in ``asn.py``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.inputs import clean_number, clean_text
from valuechain.platform.numbering import next_number
from valuechain.platform.tenancy.context import current
from valuechain.scm.catalog.models import Variant
from valuechain.scm.inventory import services as inventory
from valuechain.scm.procurement import services as procurement
from valuechain.scm.purchasing import receipts as purchasing
from valuechain.scm.purchasing.models import PurchaseOrder, PurchaseOrderLine
from valuechain.scm.quality import services as quality
from valuechain.scm.receiving import domain
from valuechain.scm.receiving.models import (
    AdvanceShipNotice,
    Receipt,
    ReceiptLine,
    ReceivingSettings,
)

SOURCE_TYPE = "receiving.receiptline"
SEQUENCE_KEY = "receipt"
SEQUENCE_PREFIX = "REC-"
MAX_TOLERANCE = Decimal(1000)


def not_found(label: str, field: str | None = None) -> DomainError:
    """The 404 of a record that does not exist in the current tenant."""
    code = label.replace(" ", "_")
    return DomainError(f"{code}_not_found", f"No such {label}.", field=field, status=404)


def quantity_text(value: Decimal) -> str:
    """A quantity without trailing zeros: 5, 2.5."""
    return inventory.number(value)


# --- settings -------------------------------------------------------------------------------


def settings_row() -> ReceivingSettings:
    """The tenant's receiving settings (defaults until saved)."""
    row = ReceivingSettings.objects.first()
    return row or ReceivingSettings(over_receipt_tolerance_percent=Decimal("0.00"))


def tolerance_percent() -> Decimal:
    """The over-receipt tolerance in percent of the ordered quantity (0 by default)."""
    return settings_row().over_receipt_tolerance_percent


@transaction.atomic
def update_settings(*, over_receipt_tolerance_percent: Any) -> ReceivingSettings:
    """Set the over-receipt tolerance (0 to 1000 %, two decimals)."""
    value = clean_number(
        over_receipt_tolerance_percent,
        "over_receipt_tolerance_percent",
        places=2,
        maximum=MAX_TOLERANCE,
    )
    row = ReceivingSettings.objects.select_for_update().first()
    if row is None:
        try:
            with transaction.atomic():
                row = ReceivingSettings.objects.create()
        except IntegrityError:  # a concurrent first save created it
            row = ReceivingSettings.objects.select_for_update().get()
    row.over_receipt_tolerance_percent = value.quantize(Decimal("0.01"))
    row.save()
    publish("ReceivingSettingsChanged", {"over_receipt_tolerance_percent": str(value)})
    return row


# --- receiving ------------------------------------------------------------------------------


def clean_date(value: Any, field: str) -> dt.date | None:
    """A date from a date or an ISO text; None for nothing; ``invalid_<field>`` otherwise."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise DomainError(
            f"invalid_{field.rsplit('.', 1)[-1]}", "Write the date as YYYY-MM-DD.", field=field
        ) from None


def _clean_lines(lines: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Each line's PO line id, quantity, lot and expiry, with the field path of any error."""
    if not lines:
        raise DomainError("no_lines", "Receive at least one line.", field="lines")
    cleaned = []
    for index, raw in enumerate(lines):
        where = f"lines[{index}]"
        line_id = raw.get("po_line_id")
        if isinstance(line_id, bool) or not isinstance(line_id, int):
            raise DomainError(
                "unknown_line", "Choose a line of the purchase order.", field=f"{where}.po_line_id"
            )
        try:
            quantity = inventory.clean_quantity(raw.get("quantity"))
        except DomainError as error:
            raise DomainError(error.code, error.message, field=f"{where}.quantity") from None
        lot_number = clean_text(raw.get("lot_number"), "lot_number", 40)
        expires_on = clean_date(raw.get("expires_on"), f"{where}.expires_on")
        if expires_on is not None and not lot_number:
            raise DomainError(
                "lot_required", "An expiry date needs a lot number.", field=f"{where}.lot_number"
            )
        cleaned.append(
            {
                "index": index,
                "po_line_id": line_id,
                "quantity": quantity,
                "lot_number": lot_number,
                "expires_on": expires_on,
            }
        )
    return cleaned


def _check_receivable(order: PurchaseOrder) -> None:
    if order.state not in domain.ACCEPTS_GOODS_STATES:
        raise DomainError(
            "invalid_state",
            f"Purchase order {order.number} is {order.state.replace('_', ' ')}: goods can only"
            " be received against a sent or (partially) received order.",
            field="purchase_order_id",
            status=409,
            details={"state": order.state},
        )


def _check_tolerance(
    cleaned: list[dict[str, Any]], lines: dict[int, PurchaseOrderLine], tolerance: Decimal
) -> None:
    """Refuse the first line whose receipts would go beyond the tolerance (exactly at it passes)."""
    adding: dict[int, Decimal] = defaultdict(Decimal)
    for entry in cleaned:
        line = lines[entry["po_line_id"]]
        adding[line.pk] += entry["quantity"]
        if domain.exceeds_tolerance(
            line.quantity, line.received_quantity, adding[line.pk], tolerance
        ):
            allowed = domain.allowed_quantity(line.quantity, tolerance)
            open_now = max(allowed - line.received_quantity, domain.ZERO)
            raise DomainError(
                "over_receipt",
                f"Line {line.position} ({line.sku}): {quantity_text(line.received_quantity)} of"
                f" {quantity_text(line.quantity)} received already; at most"
                f" {quantity_text(open_now)} more can be received"
                f" ({quantity_text(tolerance)} % tolerance).",
                field=f"lines[{entry['index']}].quantity",
                status=409,
                details={
                    "po_line_id": line.pk,
                    "ordered": quantity_text(line.quantity),
                    "received": quantity_text(line.received_quantity),
                    "allowed": quantity_text(allowed),
                    "requested": quantity_text(adding[line.pk]),
                },
            )


def _locked_asn(asn_id: int, order: PurchaseOrder) -> AdvanceShipNotice:
    asn = AdvanceShipNotice.objects.select_for_update().filter(pk=asn_id).first()
    if asn is None or asn.purchase_order_id != order.pk:
        raise not_found("ship notice", "asn_id")
    if asn.state != "expected":
        raise DomainError(
            "asn_not_expected",
            f"Ship notice {asn.number} is {asn.state} already.",
            field="asn_id",
            status=409,
        )
    return asn


def _ordered_on(order: PurchaseOrder) -> dt.date:
    """When the lead time starts: the day the order went to the supplier, else its date."""
    return timezone.localdate(order.sent_at) if order.sent_at else order.order_date


def _book_line(
    receipt: Receipt, order: PurchaseOrder, line: PurchaseOrderLine, entry: dict[str, Any]
) -> ReceiptLine:
    """Book one quantity into quality (inspected items) or stock, and open its inspection."""
    plan = quality.plan_for(line.variant_id, "receipt")
    kind = "quality" if plan is not None else "stock"
    location = inventory.location_of(order.warehouse_id, kind)
    unit_cost = line.unit_price * order.fx_rate
    row = ReceiptLine.objects.create(
        receipt=receipt,
        po_line=line,
        variant_id=line.variant_id,
        quantity=entry["quantity"],
        lot_number=entry["lot_number"],
        expires_on=entry["expires_on"],
        location=location,
        unit_cost=unit_cost.quantize(Decimal("0.000001")),
    )
    move = inventory.receive(
        variant=Variant.objects.get(pk=line.variant_id),
        warehouse=order.warehouse,
        quantity=entry["quantity"],
        lot_number=entry["lot_number"],
        expires_on=entry["expires_on"],
        location=location,
        reference=receipt.number,
        source_type=SOURCE_TYPE,
        source_id=row.pk,
        unit_cost=row.unit_cost,
    )
    row.stock_move = move
    row.lot_id = move.lot_id
    if plan is None:
        row.accepted_quantity = entry["quantity"]
    else:
        inspection = quality.open_inspection(
            stage="receipt",
            source_type=SOURCE_TYPE,
            source_id=row.pk,
            variant_id=line.variant_id,
            warehouse_id=order.warehouse_id,
            quantity=entry["quantity"],
            lot_id=move.lot_id,
            supplier_id=order.supplier_id,
            reference=receipt.number,
        )
        row.inspection_id = inspection.pk
    row.save()
    return row


@transaction.atomic
def receive(
    purchase_order_id: int,
    lines: Sequence[Mapping[str, Any]],
    asn_id: int | None = None,
    *,
    note: str = "",
    received_at: dt.datetime | None = None,
) -> Receipt:
    """Receive goods against a purchase order: ``lines`` of ``{po_line_id, quantity,
    lot_number, expires_on}``; inspected items go to the quality location.

    Refused: ``purchase_order_not_found``, ``invalid_state`` (draft, to approve, closed,
    cancelled; a received order still takes what the tolerance allows),
    ``no_lines``, ``unknown_line``, ``invalid_quantity``, ``over_receipt`` (beyond the
    tolerance), ``ship_notice_not_found``, ``asn_not_expected``.
    """
    cleaned = _clean_lines(lines)
    note = clean_text(note, "note", 200)
    locked = purchasing.lock_for_receipt(purchase_order_id)
    if locked is None:
        raise not_found("purchase order", "purchase_order_id")
    order, order_lines = locked
    _check_receivable(order)
    by_id = {line.pk: line for line in order_lines}
    for entry in cleaned:
        if entry["po_line_id"] not in by_id:
            raise DomainError(
                "unknown_line",
                f"Line {entry['po_line_id']} is not a line of purchase order {order.number}.",
                field=f"lines[{entry['index']}].po_line_id",
            )
    asn = _locked_asn(asn_id, order) if asn_id is not None else None
    _check_tolerance(cleaned, by_id, tolerance_percent())
    when = received_at or timezone.now()
    receipt = Receipt.objects.create(
        number=next_number(SEQUENCE_KEY, prefix=SEQUENCE_PREFIX),
        purchase_order=order,
        warehouse_id=order.warehouse_id,
        asn=asn,
        received_at=when,
        received_by_id=current().actor_id,
        lead_time_days=domain.lead_time_days(_ordered_on(order), timezone.localdate(when)),
        note=note,
    )
    booked = [_book_line(receipt, order, by_id[e["po_line_id"]], e) for e in cleaned]
    received: dict[int, Decimal] = defaultdict(Decimal)
    accepted: dict[int, Decimal] = defaultdict(Decimal)
    for row in booked:
        received[row.po_line_id] += row.quantity
        if row.inspection_id is None:
            accepted[row.po_line_id] += row.quantity
    purchasing.record_received(order, order_lines, received, accepted)
    if asn is not None:
        asn.state = "received"
        asn.save(update_fields=["state", "updated_at"])
    for variant_id in sorted({row.variant_id for row in booked}):
        _learn_lead_time(order.supplier_id, variant_id)
    publish(
        "GoodsReceived",
        {
            "receipt_id": receipt.pk,
            "number": receipt.number,
            "purchase_order_id": order.pk,
            "warehouse_id": order.warehouse_id,
            "asn_id": asn.pk if asn else None,
            "lines": [
                {
                    "receipt_line_id": row.pk,
                    "po_line_id": row.po_line_id,
                    "variant_id": row.variant_id,
                    "quantity": str(row.quantity),
                    "lot": row.lot_number,
                    "inspection_id": row.inspection_id,
                }
                for row in booked
            ],
        },
    )
    return receipt


def lead_time_samples(supplier_id: int, variant_id: int) -> list[int]:
    """One sample per receipt of the supplier's orders that brought the variant."""
    return list(
        Receipt.objects.filter(
            purchase_order__supplier_id=supplier_id, lines__variant_id=variant_id
        )
        .distinct()
        .order_by("pk")
        .values_list("lead_time_days", flat=True)
    )


def _learn_lead_time(supplier_id: int, variant_id: int) -> None:
    """Write the measured mean and spread onto the supplier's record of the variant."""
    stats = domain.lead_time_stats(lead_time_samples(supplier_id, variant_id))
    procurement.record_lead_time(
        supplier_id=supplier_id, variant_id=variant_id, mean_days=stats.mean, std_days=stats.std
    )


# --- the outcome of an inspection -----------------------------------------------------------


def inspection_completed(inspection: Any, accepted: Decimal, rejected: Decimal) -> None:
    """Quality's outcome of an inspected receipt line: add it to the line and its PO line.

    Called by quality in the transaction that completes the inspection, before the accepted
    goods move: the receipt line, then the PO line are locked before inventory's balance
    rows, the order a receipt takes them in.
    """
    row = ReceiptLine.objects.select_for_update().filter(pk=inspection.source_id).first()
    if row is None:
        raise not_found("receipt line")
    line = purchasing.record_inspected(row.po_line_id, accepted, rejected)
    row.accepted_quantity += accepted
    row.rejected_quantity += rejected
    row.save(update_fields=["accepted_quantity", "rejected_quantity", "updated_at"])
    publish(
        "ReceiptLineInspected",
        {
            "receipt_line_id": row.pk,
            "po_line_id": line.pk,
            "accepted": str(accepted),
            "rejected": str(rejected),
        },
    )
