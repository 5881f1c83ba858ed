"""The inventory calls bar codes makes, in one place: receipts, transfers between locations.

Everything goes through ``inventory.services``: ``receive`` for receipts, and ``post`` with
a ``transfer`` move spec (the ledger primitive that locks the balance rows in primary-key
order and refuses to take stock that is not there) for moves between two locations.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.scm.catalog.models import Variant
from valuechain.scm.inventory import services as inventory
from valuechain.scm.inventory.domain import INTERNAL_LOCATION_KINDS
from valuechain.scm.inventory.models import Location, Lot, StockMove, Warehouse


def receive(
    *,
    variant: Variant,
    warehouse: Warehouse | None,
    quantity: Decimal,
    lot_number: str,
    expires_on: date | None,
    location: Location | None,
    reference: str,
) -> StockMove:
    """Receive scanned goods into the warehouse (its stock location, or ``location``)."""
    if warehouse is None:
        raise DomainError("warehouse_required", "Choose the warehouse.", field="warehouse_id")
    if location is not None and location.warehouse_id != warehouse.pk:
        location = None  # a location of another warehouse left in the session
    return inventory.receive(
        variant=variant,
        warehouse=warehouse,
        quantity=quantity,
        lot_number=lot_number,
        expires_on=expires_on,
        location=location,
        reference=reference,
        source_type="barcodes.scan",
    )


def _internal(location: Location) -> Location:
    if location.kind not in INTERNAL_LOCATION_KINDS or location.warehouse_id is None:
        raise DomainError(
            "invalid_location", f"{location.code} is not a warehouse location.", field="code"
        )
    return location


def _lot(variant_id: int, number: str) -> Lot | None:
    if not number:
        return None
    lot = (
        Lot.objects.filter(variant_id=variant_id, number=number)
        .order_by("-is_serial", "pk")
        .first()
    )
    if lot is None:
        raise DomainError(
            "lot_not_found", f"No lot {number} of this item.", field="code", status=404
        )
    return lot


def transfer(
    *,
    variant: Variant | None,
    lot: Lot | None,
    quantity: Decimal,
    from_location_id: int,
    to_location: Location,
    reference: str,
) -> StockMove:
    """Move ``quantity`` of a variant (and lot) from one warehouse location to another."""
    assert variant is not None
    source = Location.objects.get(pk=from_location_id)
    moves = _post(
        [(variant.pk, lot.pk if lot else None, quantity)], source, to_location, reference, "rfid"
    )
    return moves[0]


def move_items(
    items: Sequence[dict[str, Any]], *, from_location: Location, to_location: Location
) -> list[StockMove]:
    """Move scanned items (``variant_id``, ``lot``, ``quantity``) in one transaction."""
    lines = []
    for item in items:
        lot = _lot(int(item["variant_id"]), str(item.get("lot") or ""))
        lines.append((int(item["variant_id"]), lot.pk if lot else None, Decimal(item["quantity"])))
    return _post(lines, from_location, to_location, f"scan {from_location.code}", "scan")


def _post(
    lines: Sequence[tuple[int, int | None, Decimal]],
    source: Location,
    target: Location,
    reference: str,
    channel: str,
) -> list[StockMove]:
    _internal(source)
    _internal(target)
    if source.pk == target.pk:
        raise DomainError("same_location", "Source and target are the same location.")
    specs = [
        inventory.MoveSpec(
            "transfer",
            variant_id,
            quantity,
            source,
            target,
            lot_id=lot_id,
            reference=reference[:100],
            source_type=f"barcodes.{channel}",
        )
        for variant_id, lot_id, quantity in lines
    ]
    with transaction.atomic():
        moves = inventory.post(specs)
        publish(
            "ItemsRelocated",
            {
                "by": channel,
                "from_location_id": source.pk,
                "to_location_id": target.pk,
                "moves": [
                    {
                        "move_id": move.pk,
                        "variant_id": move.variant_id,
                        "lot_id": move.lot_id,
                        "quantity": str(move.quantity),
                    }
                    for move in moves
                ],
            },
        )
    return moves
