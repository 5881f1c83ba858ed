"""The inventory calls bar codes makes, in one place: receipts, transfers, counts.

Everything goes through the inventory use cases: ``services.receive`` for receipts,
``movements.post_move(kind="transfer")`` for moves between two locations (balance rows
locked in primary-key order, stock that is not there refused), ``movements.create_count``
and ``apply_count`` for counts (differences posted as audited adjustments).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from valuechain.platform.errors import DomainError
from valuechain.scm.barcodes import queries
from valuechain.scm.catalog.models import Variant
from valuechain.scm.inventory import movements
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
    return _move(
        variant, lot.number if lot else "", quantity, source, to_location, reference, "rfid"
    )


def move_items(
    items: Sequence[dict[str, Any]], *, from_location: Location, to_location: Location
) -> list[StockMove]:
    """Move scanned items (``variant_id``, ``lot``, ``quantity``) in one transaction."""
    variants = Variant.objects.in_bulk([int(item["variant_id"]) for item in items])
    with transaction.atomic():
        return [
            _move(
                variants[int(item["variant_id"])],
                str(item.get("lot") or ""),
                Decimal(item["quantity"]),
                from_location,
                to_location,
                f"scan {from_location.code}",
                "scan",
            )
            for item in items
        ]


def _move(
    variant: Variant,
    lot_number: str,
    quantity: Decimal,
    source: Location,
    target: Location,
    reference: str,
    channel: str,
) -> StockMove:
    _internal(source)
    _internal(target)
    if source.pk == target.pk:
        raise DomainError("same_location", "Source and target are the same location.")
    return movements.post_move(
        kind="transfer",
        variant=variant,
        quantity=quantity,
        from_location=source,
        to_location=target,
        lot_number=lot_number,
        reference=reference[:100],
        source_type=f"barcodes.{channel}",
    )


def count_location(location: Location, counted: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Count one location: the scanned lines, and zero for everything the books have there
    that was not scanned; the count is applied at once (differences become adjustments)."""
    _internal(location)
    assert location.warehouse is not None
    lines = [
        {
            "location_id": location.pk,
            "variant_id": int(line["variant_id"]),
            "lot_number": str(line.get("lot") or ""),
            "counted": Decimal(line["quantity"]),
        }
        for line in counted
    ]
    seen = {(line["variant_id"], line["lot_number"]) for line in lines}
    for variant_id, lot_number in queries.stock_at(location.pk):
        if (variant_id, lot_number) not in seen:
            lines.append(
                {
                    "location_id": location.pk,
                    "variant_id": variant_id,
                    "lot_number": lot_number,
                    "counted": Decimal(0),
                }
            )
    if not lines:
        raise DomainError("lines_required", "Scan at least one item before finishing.")
    with transaction.atomic():
        count = movements.create_count(
            warehouse=location.warehouse, lines=lines, note=f"scan {location.code}"
        )
        count = movements.apply_count(count.pk)
    adjusted = queries.adjusted_lines(count.pk)
    return {"count_id": count.pk, "number": count.number, "lines": len(lines), "adjusted": adjusted}
