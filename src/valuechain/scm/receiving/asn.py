"""Use cases of advance ship notices: a supplier (or, later, an EDI 856) announces goods on
the way against a purchase order; receiving from the notice books its lines.

A notice is ``expected`` until a receipt references it (``received``) or it is cancelled.
The supplier's ASN number is unique per supplier. Receiving goes through
``services.receive`` with the notice's lines, so every receiving rule applies unchanged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction

from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.inputs import clean_text
from valuechain.scm.barcodes import gs1
from valuechain.scm.inventory import services as inventory
from valuechain.scm.purchasing.domain import RECEIVABLE_STATES
from valuechain.scm.purchasing.models import PurchaseOrder
from valuechain.scm.receiving import services
from valuechain.scm.receiving.models import AdvanceShipNotice, AdvanceShipNoticeLine, Receipt


def _sscc(value: Any, field: str) -> str:
    text = str(value or "").strip()
    if text.startswith("00") and len(text) == 20:
        text = text[2:]  # scanned with its application identifier
    if not text:
        return ""
    try:
        return gs1.validate_sscc(text)
    except gs1.GS1Error as error:
        raise DomainError("invalid_sscc", error.message, field=field) from None


def _notice_lines(order: PurchaseOrder, lines: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    if not lines:
        raise DomainError("no_lines", "A ship notice needs at least one line.", field="lines")
    own = set(order.lines.values_list("pk", flat=True))
    cleaned = []
    for index, raw in enumerate(lines):
        where = f"lines[{index}]"
        line_id = raw.get("po_line_id")
        if isinstance(line_id, bool) or line_id not in own:
            raise DomainError(
                "unknown_line",
                f"That is not a line of purchase order {order.number}.",
                field=f"{where}.po_line_id",
            )
        try:
            quantity = inventory.clean_quantity(raw.get("quantity"))
        except DomainError as error:
            raise DomainError(error.code, error.message, field=f"{where}.quantity") from None
        lot_number = clean_text(raw.get("lot_number"), "lot_number", 40)
        expires_on = services.clean_date(raw.get("expires_on"), f"{where}.expires_on")
        if expires_on is not None and not lot_number:
            raise DomainError(
                "lot_required", "An expiry date needs a lot number.", field=f"{where}.lot_number"
            )
        cleaned.append(
            {
                "po_line_id": line_id,
                "quantity": quantity,
                "lot_number": lot_number,
                "expires_on": expires_on,
                "sscc": _sscc(raw.get("sscc"), f"{where}.sscc"),
            }
        )
    return cleaned


@transaction.atomic
def create_asn(
    *,
    purchase_order_id: int,
    number: Any,
    expected_on: Any,
    lines: Sequence[Mapping[str, Any]],
    note: str = "",
) -> AdvanceShipNotice:
    """Record a supplier's ship notice against a sent or partially received purchase order.

    Refused: ``purchase_order_not_found``, ``invalid_state``, ``number_required``,
    ``expected_on_required``, ``no_lines``, ``unknown_line``, ``invalid_quantity``,
    ``invalid_sscc``, ``duplicate_asn`` (409: the supplier sent that number already).
    """
    order = PurchaseOrder.objects.filter(pk=purchase_order_id).first()
    if order is None:
        raise services.not_found("purchase order", "purchase_order_id")
    if order.state not in RECEIVABLE_STATES:
        raise DomainError(
            "invalid_state",
            f"Purchase order {order.number} is {order.state.replace('_', ' ')}: no goods are"
            " expected against it.",
            field="purchase_order_id",
            status=409,
        )
    asn_number = clean_text(number, "number", 40, required=True)
    when = services.clean_date(expected_on, "expected_on")
    if when is None:
        raise DomainError(
            "expected_on_required", "Enter the expected delivery date.", field="expected_on"
        )
    cleaned = _notice_lines(order, lines)
    duplicate = DomainError(
        "duplicate_asn",
        f"The supplier's ship notice {asn_number} is recorded already.",
        field="number",
        status=409,
    )
    if AdvanceShipNotice.objects.filter(supplier_id=order.supplier_id, number=asn_number).exists():
        raise duplicate
    try:
        with transaction.atomic():
            notice = AdvanceShipNotice.objects.create(
                supplier_id=order.supplier_id,
                purchase_order=order,
                number=asn_number,
                expected_on=when,
                note=clean_text(note, "note", 200),
            )
    except IntegrityError:  # a concurrent create of the same number won
        raise duplicate from None
    for entry in cleaned:  # save() stamps the tenant (bulk_create would not)
        AdvanceShipNoticeLine.objects.create(notice=notice, **entry)
    publish(
        "ShipNoticeReceived",
        {
            "asn_id": notice.pk,
            "number": notice.number,
            "purchase_order_id": order.pk,
            "expected_on": when.isoformat(),
        },
    )
    return notice


def _locked_notice(asn_id: int) -> AdvanceShipNotice:
    notice = AdvanceShipNotice.objects.select_for_update().filter(pk=asn_id).first()
    if notice is None:
        raise services.not_found("ship notice", "asn_id")
    return notice


@transaction.atomic
def cancel_asn(asn_id: int) -> AdvanceShipNotice:
    """Cancel an expected ship notice (the supplier withdrew it); ``asn_not_expected`` else."""
    notice = _locked_notice(asn_id)
    if notice.state != "expected":
        raise DomainError(
            "asn_not_expected",
            f"Ship notice {notice.number} is {notice.state} already.",
            field="asn_id",
            status=409,
        )
    notice.state = "cancelled"
    notice.save(update_fields=["state", "updated_at"])
    publish("ShipNoticeCancelled", {"asn_id": notice.pk, "number": notice.number})
    return notice


def receipt_lines_of(notice: AdvanceShipNotice, sscc: str = "") -> list[dict[str, Any]]:
    """The notice's lines (or one package's, by SSCC) as ``services.receive`` takes them."""
    rows = notice.lines.order_by("pk")
    if sscc:
        rows = rows.filter(sscc=_sscc(sscc, "sscc"))
    return [
        {
            "po_line_id": row.po_line_id,
            "quantity": row.quantity,
            "lot_number": row.lot_number,
            "expires_on": row.expires_on,
        }
        for row in rows
    ]


def receive_asn(asn_id: int, *, sscc: str = "", received_at: dt.datetime | None = None) -> Receipt:
    """Receive what a ship notice announced (all of it, or the package with that SSCC)."""
    notice = AdvanceShipNotice.objects.filter(pk=asn_id).first()
    if notice is None:
        raise services.not_found("ship notice", "asn_id")
    lines = receipt_lines_of(notice, sscc)
    if not lines:
        raise DomainError(
            "unknown_sscc", f"No package {sscc} on ship notice {notice.number}.", field="sscc"
        )
    return services.receive(
        notice.purchase_order_id, lines, asn_id=notice.pk, received_at=received_at
    )
