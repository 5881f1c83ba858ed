"""Use cases moving stock inside the network: transfers, counts, scrap, adjustments, returns,
and the generic ``post_move`` the manufacturing issue calls for consume / produce.

Same rules as ``services.py``: one transaction, balance rows locked in primary-key order
before the document row, ``insufficient_stock`` for unreserved stock that is not there
(unless the tenant allows negative stock), a past-tense event per use case.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.inputs import clean_text
from valuechain.platform.numbering import next_number
from valuechain.scm.catalog.models import Variant
from valuechain.scm.inventory import domain
from valuechain.scm.inventory.models import (
    CycleCount,
    CycleCountLine,
    Location,
    StockBalance,
    StockMove,
    Transfer,
    Warehouse,
)
from valuechain.scm.inventory.services import (
    BalanceKey,
    MoveSpec,
    clean_quantity,
    ensure_balances,
    existing_lot,
    get_lot,
    insufficient,
    location_of,
    lock_balances,
    not_found,
    pick_unreserved,
    policy,
    post,
    virtual_location,
)

TRANSFER_SOURCE = "inventory.transfer"
COUNT_SOURCE = "inventory.cyclecount"


def _location(location_id: int, label: str = "location") -> Location:
    row = Location.objects.select_related("warehouse").filter(pk=location_id).first()
    if row is None:
        raise DomainError("not_found", f"No such {label}.", field=label, status=404)
    return row


def _internal(location: Location, field: str = "location") -> Location:
    if location.kind not in domain.INTERNAL_LOCATION_KINDS:
        raise DomainError("invalid_location", "Choose a location inside a warehouse.", field=field)
    return location


# --- generic move (production and manual moves) ------------------------------------------


@transaction.atomic
def post_move(
    *,
    kind: str,
    variant: Variant,
    quantity: Decimal,
    from_location: Location,
    to_location: Location,
    lot_number: str = "",
    expires_on: date | None = None,
    reference: str = "",
    source_type: str = "",
    source_id: int | None = None,
) -> StockMove:
    """Post one move between two locations, at least one of them inside a warehouse.

    ``consume`` goes from stock to the PRODUCTION location, ``produce`` the other way (a new
    lot may be named, with its expiry); ``transfer`` moves between internal locations. Stock
    leaving an internal location must be free unless negative stock is allowed.
    """
    if kind not in domain.MOVE_KINDS:
        raise DomainError("invalid_kind", f"Unknown move kind {kind!r}.", field="kind")
    amount = clean_quantity(quantity)
    internal = domain.INTERNAL_LOCATION_KINDS
    if from_location.pk == to_location.pk or (
        from_location.kind not in internal and to_location.kind not in internal
    ):
        raise DomainError(
            "invalid_location",
            "A move goes between two different locations, one inside a warehouse.",
            field="to_location",
        )
    if kind == "consume" and to_location.kind != "production":
        raise DomainError(
            "invalid_location", "Consumption goes to production.", field="to_location"
        )
    if kind == "produce" and from_location.kind != "production":
        raise DomainError(
            "invalid_location", "Output comes from production.", field="from_location"
        )
    if lot_number:
        lot = (
            get_lot(variant.pk, lot_number, expires_on)
            if from_location.kind not in internal
            else existing_lot(variant.pk, lot_number)
        )
    else:
        lot = None
    (move,) = post(
        [
            MoveSpec(
                kind,
                variant.pk,
                amount,
                from_location,
                to_location,
                lot_id=lot.pk if lot else None,
                reference=reference,
                source_type=source_type,
                source_id=source_id,
            )
        ]
    )
    publish(
        "StockMoved",
        {
            "move_id": move.pk,
            "kind": kind,
            "variant_id": variant.pk,
            "quantity": str(amount),
            "from": from_location.code,
            "to": to_location.code,
        },
    )
    return move


# --- scrap, adjustments, returns ----------------------------------------------------------


@transaction.atomic
def scrap(
    *,
    variant: Variant,
    warehouse: Warehouse,
    quantity: Decimal,
    lot_number: str = "",
    location: Location | None = None,
    reference: str = "",
) -> StockMove:
    """Move free stock to the warehouse's scrap location (expired lots may be scrapped)."""
    amount = clean_quantity(quantity)
    source = _internal(location) if location else location_of(warehouse, "stock")
    lot = existing_lot(variant.pk, lot_number)
    (move,) = post(
        [
            MoveSpec(
                "scrap",
                variant.pk,
                amount,
                source,
                location_of(warehouse, "scrap"),
                lot_id=lot.pk if lot else None,
                reference=reference,
            )
        ]
    )
    publish(
        "StockScrapped", {"move_id": move.pk, "variant_id": variant.pk, "quantity": str(amount)}
    )
    return move


@transaction.atomic
def adjust(
    *,
    variant: Variant,
    location: Location,
    quantity: Decimal,
    lot_number: str = "",
    expires_on: date | None = None,
    reference: str = "",
    source_type: str = "",
    source_id: int | None = None,
) -> StockMove:
    """Correct the books by a signed quantity (found: +, lost: -) against ADJUSTMENT."""
    amount = clean_quantity(quantity, signed=True)
    _internal(location)
    lot = get_lot(variant.pk, lot_number, expires_on) if lot_number else None
    adjustment = virtual_location("adjustment")
    ends = (adjustment, location) if amount > 0 else (location, adjustment)
    (move,) = post(
        [
            MoveSpec(
                "adjustment",
                variant.pk,
                abs(amount),
                ends[0],
                ends[1],
                lot_id=lot.pk if lot else None,
                reference=reference,
                source_type=source_type,
                source_id=source_id,
            )
        ]
    )
    publish(
        "StockAdjusted",
        {
            "move_id": move.pk,
            "variant_id": variant.pk,
            "quantity": str(amount),
            "reference": reference,
        },
    )
    return move


@transaction.atomic
def return_goods(
    *,
    variant: Variant,
    warehouse: Warehouse,
    quantity: Decimal,
    lot_number: str = "",
    expires_on: date | None = None,
    to_quality: bool = False,
    reference: str = "",
    source_type: str = "",
    source_id: int | None = None,
) -> StockMove:
    """Take goods back from a customer into stock (or quality control, to inspect first)."""
    amount = clean_quantity(quantity)
    target = location_of(warehouse, "quality" if to_quality else "stock")
    lot = get_lot(variant.pk, lot_number, expires_on) if lot_number else None
    (move,) = post(
        [
            MoveSpec(
                "return",
                variant.pk,
                amount,
                virtual_location("customer"),
                target,
                lot_id=lot.pk if lot else None,
                reference=reference,
                source_type=source_type,
                source_id=source_id,
            )
        ]
    )
    publish(
        "StockReturned",
        {"move_id": move.pk, "variant_id": variant.pk, "quantity": str(amount), "to": target.code},
    )
    return move


# --- transfers ------------------------------------------------------------------------


@transaction.atomic
def ship_transfer(
    *,
    variant: Variant,
    from_warehouse: Warehouse,
    to_warehouse: Warehouse,
    quantity: Decimal,
    lot_number: str = "",
    expected_on: date | None = None,
    reference: str = "",
) -> Transfer:
    """Ship leg: free stock leaves the source's stock for the destination's in-transit
    location (FEFO when on, expired lots never); it counts as incoming at the destination."""
    amount = clean_quantity(quantity)
    if from_warehouse.pk == to_warehouse.pk:
        raise DomainError(
            "same_warehouse", "Choose two different warehouses.", field="to_warehouse"
        )
    settings = policy()
    lot = existing_lot(variant.pk, lot_number)
    sources = list(
        Location.objects.filter(warehouse=from_warehouse, kind__in=domain.SELLABLE_LOCATION_KINDS)
    )
    transit = location_of(to_warehouse, "transit")
    stock = location_of(to_warehouse, "stock")
    # lock the source rows and the destination rows they may feed at once, in pk order,
    # so two transfers in opposite directions cannot deadlock
    candidates = StockBalance.objects.filter(variant=variant, location__in=sources)
    if lot is not None:
        candidates = candidates.filter(lot=lot)
    pairs = list(candidates.values_list("pk", "lot_id"))
    keys = [(variant.pk, loc.pk, lot_id) for _, lot_id in pairs for loc in (transit, stock)]
    lock_balances([pk for pk, _ in pairs] + list(ensure_balances(keys).values()))
    taken, available = pick_unreserved(variant.pk, sources, amount, fefo=settings.fefo, lot=lot)
    if sum((q for _, q in taken), domain.ZERO) < amount:
        raise insufficient(variant.pk, amount, available)
    transfer = Transfer.objects.create(
        number=next_number("stock-transfer", prefix="TR-"),
        from_warehouse=from_warehouse,
        to_warehouse=to_warehouse,
        variant=variant,
        lot=lot,
        quantity=amount,
        expected_on=expected_on,
        shipped_at=timezone.now(),
    )
    incoming: dict[BalanceKey, Decimal] = {}
    specs = []
    for row, q in taken:
        specs.append(
            MoveSpec(
                "transfer",
                variant.pk,
                q,
                row.location,
                transit,
                lot_id=row.lot_id,
                reference=reference or transfer.number,
                source_type=TRANSFER_SOURCE,
                source_id=transfer.pk,
            )
        )
        key = (variant.pk, stock.pk, row.lot_id)
        incoming[key] = incoming.get(key, domain.ZERO) + q
    post(specs, incoming=incoming)
    publish(
        "TransferShipped",
        {
            "transfer_id": transfer.pk,
            "number": transfer.number,
            "variant_id": variant.pk,
            "quantity": str(amount),
            "from_warehouse_id": from_warehouse.pk,
            "to_warehouse_id": to_warehouse.pk,
        },
    )
    return transfer


@transaction.atomic
def receive_transfer(transfer_id: int) -> Transfer:
    """Receive leg: everything in transit for the transfer goes into the destination's stock."""
    found = Transfer.objects.filter(pk=transfer_id).first()
    if found is None:
        raise not_found("transfer")
    transit = location_of(found.to_warehouse_id, "transit")
    stock = location_of(found.to_warehouse_id, "stock")
    legs = list(
        StockMove.objects.filter(
            source_type=TRANSFER_SOURCE, source_id=found.pk, to_location=transit
        ).order_by("pk")
    )
    keys: list[BalanceKey] = []
    for leg in legs:
        keys += [(leg.variant_id, transit.pk, leg.lot_id), (leg.variant_id, stock.pk, leg.lot_id)]
    lock_balances(ensure_balances(keys).values())
    transfer = Transfer.objects.select_for_update().get(pk=transfer_id)
    if transfer.state != "in_transit":
        raise DomainError("already_received", "The transfer was received already.", status=409)
    incoming: dict[BalanceKey, Decimal] = {}
    specs = []
    for leg in legs:
        specs.append(
            MoveSpec(
                "transfer",
                leg.variant_id,
                leg.quantity,
                transit,
                stock,
                lot_id=leg.lot_id,
                reference=leg.reference,
                source_type=TRANSFER_SOURCE,
                source_id=transfer.pk,
                check=False,  # in transit is this transfer's alone
            )
        )
        key = (leg.variant_id, stock.pk, leg.lot_id)
        incoming[key] = incoming.get(key, domain.ZERO) - leg.quantity
    post(specs, incoming=incoming, allow_negative=True)
    transfer.state = "received"
    transfer.received_at = timezone.now()
    transfer.save(update_fields=["state", "received_at", "updated_at"])
    publish("TransferReceived", {"transfer_id": transfer.pk, "number": transfer.number})
    return transfer


# --- cycle counts ---------------------------------------------------------------------


def _counted(value: Any, index: int) -> Decimal:
    if value in (0, "0") or (isinstance(value, Decimal) and value == 0):
        return domain.ZERO
    try:
        return clean_quantity(value, "counted")
    except DomainError as exc:
        exc.details["field"] = exc.field = f"lines.{index}.counted"
        raise


@transaction.atomic
def create_count(
    *, warehouse: Warehouse, lines: list[dict[str, Any]], note: str = ""
) -> CycleCount:
    """Record a count: lines of location id, variant id, optional lot number, counted quantity.

    The books' quantity is stored on each line at once (``expected``); applying the count
    posts the differences against what the books say then.
    """
    if not lines:
        raise DomainError("lines_required", "Count at least one item.", field="lines")
    count = CycleCount.objects.create(
        number=next_number("cycle-count", prefix="CC-"),
        warehouse=warehouse,
        note=clean_text(note, "note", 200),
    )
    seen = set()
    for index, line in enumerate(lines):
        location = _location(int(line["location_id"]))
        if location.warehouse_id != warehouse.pk:
            raise DomainError(
                "invalid_location",
                f"Line {index + 1}: the location is not in {warehouse.code}.",
                field=f"lines.{index}.location_id",
            )
        variant = Variant.objects.filter(pk=int(line["variant_id"])).first()
        if variant is None:
            raise DomainError(
                "not_found",
                f"Line {index + 1}: no such item.",
                field=f"lines.{index}.variant_id",
                status=404,
            )
        number = str(line.get("lot_number") or "").strip()
        lot = get_lot(variant.pk, number, line.get("expires_on")) if number else None
        key = (location.pk, variant.pk, lot.pk if lot else None)
        if key in seen:
            raise DomainError(
                "duplicate_line",
                f"Line {index + 1} counts the same item twice.",
                field=f"lines.{index}",
            )
        seen.add(key)
        counted = _counted(line.get("counted"), index)
        rows = StockBalance.objects.filter(variant=variant, location=location)
        rows = rows.filter(lot=lot) if lot else rows.filter(lot__isnull=True)
        expected = rows.values_list("on_hand", flat=True).first() or domain.ZERO
        CycleCountLine.objects.create(
            count=count,
            location=location,
            variant=variant,
            lot=lot,
            counted=counted,
            expected=expected,
        )
    publish("CycleCountRecorded", {"count_id": count.pk, "number": count.number})
    return count


@transaction.atomic
def apply_count(count_id: int) -> CycleCount:
    """Post an adjustment move per line whose count differs from the books (audited: the
    moves carry the count number, the actor and source ``inventory.cyclecount``).

    A count below the reserved quantity is refused (``count_below_reserved``, 409) unless
    negative stock is allowed: release those reservations first.
    """
    found = CycleCount.objects.filter(pk=count_id).first()
    if found is None:
        raise not_found("count")
    lines = list(
        CycleCountLine.objects.filter(count=found).select_related("location").order_by("pk")
    )
    ids = ensure_balances((line.variant_id, line.location_id, line.lot_id) for line in lines)
    rows = lock_balances(ids.values())
    count = CycleCount.objects.select_for_update().get(pk=count_id)
    if count.state != "open":
        raise DomainError("invalid_transition", f"The count is {count.state} already.", status=409)
    allow_negative = policy().allow_negative_stock
    adjustment = virtual_location("adjustment")
    specs = []
    for line in lines:
        balance = rows[ids[(line.variant_id, line.location_id, line.lot_id)]]
        difference = line.counted - balance.on_hand
        if line.counted < balance.reserved and not allow_negative:
            raise DomainError(
                "count_below_reserved",
                f"{line.location.code}: counted {line.counted.normalize():f}, but "
                f"{balance.reserved.normalize():f} is reserved; release it first.",
                status=409,
                details={"line_id": line.pk},
            )
        line.expected = balance.on_hand
        line.difference = difference
        line.save(update_fields=["expected", "difference", "updated_at"])
        if difference:
            ends = (adjustment, line.location) if difference > 0 else (line.location, adjustment)
            specs.append(
                MoveSpec(
                    "adjustment",
                    line.variant_id,
                    abs(difference),
                    ends[0],
                    ends[1],
                    lot_id=line.lot_id,
                    reference=count.number,
                    source_type=COUNT_SOURCE,
                    source_id=count.pk,
                    check=False,
                )
            )
    post(specs, allow_negative=True)
    count.state = "applied"
    count.applied_at = timezone.now()
    count.save(update_fields=["state", "applied_at", "updated_at"])
    publish(
        "CycleCountApplied",
        {"count_id": count.pk, "number": count.number, "adjustments": len(specs)},
    )
    return count


@transaction.atomic
def cancel_count(count_id: int) -> CycleCount:
    """Drop an open count without touching stock."""
    count = CycleCount.objects.select_for_update().filter(pk=count_id).first()
    if count is None:
        raise not_found("count")
    if count.state != "open":
        raise DomainError("invalid_transition", f"The count is {count.state} already.", status=409)
    count.state = "cancelled"
    count.save(update_fields=["state", "updated_at"])
    publish("CycleCountCancelled", {"count_id": count.pk})
    return count
