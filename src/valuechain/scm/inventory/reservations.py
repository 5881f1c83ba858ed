"""Use cases of reservations: holding stock for demands across the network, releasing it,
and shipping reserved stock to the customer.

Same rules as ``services.py``: one transaction; balance rows are locked (primary-key order)
before the reservations; a shortage raises ``insufficient_stock`` (409) and reserves nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.tenancy.context import require_tenant_id
from valuechain.scm.inventory import domain, services
from valuechain.scm.inventory.models import (
    Location,
    Reservation,
    StockBalance,
    StockMove,
    Warehouse,
)
from valuechain.scm.inventory.services import (
    MoveSpec,
    as_bin,
    clean_quantity,
    insufficient,
    lock_balances,
    number,
    policy,
    post,
    save_balances,
    virtual_location,
)


@dataclass(frozen=True)
class Demand:
    """One line that needs stock: who asks (source) for how much of which variant."""

    source_type: str  # e.g. "orders.salesorderline"
    source_id: int
    variant_id: int
    quantity: Decimal


@dataclass(frozen=True)
class Allocation:
    """Part of a demand reserved in one warehouse."""

    source_id: int
    warehouse_id: int
    quantity: Decimal


@dataclass(frozen=True)
class ReservationOutcome:
    """What reserve() did: the allocations made and what was left on backorder per source."""

    allocations: list[Allocation] = field(default_factory=list)
    backordered: dict[int, Decimal] = field(default_factory=dict)


def _sellable_rows(variant_ids: Iterable[int], warehouse_ids: Sequence[int] | None) -> Any:
    rows = StockBalance.objects.filter(
        variant_id__in=sorted(set(variant_ids)),
        location__kind__in=domain.SELLABLE_LOCATION_KINDS,
        location__is_active=True,
        location__warehouse__is_active=True,
    )
    if warehouse_ids is not None:
        rows = rows.filter(location__warehouse_id__in=list(warehouse_ids))
    return rows


@transaction.atomic
def reserve(
    demands: Sequence[Demand],
    *,
    reference: str = "",
    allow_split: bool = True,
    allow_backorder: bool = False,
    warehouse_ids: Sequence[int] | None = None,
    ship_to_country: str = "",
    ship_to_postal_code: str = "",
    ship_to_latitude: float | None = None,
    ship_to_longitude: float | None = None,
) -> ReservationOutcome:
    """Allocate demands across the network (priority or nearest first) and hold the stock.

    All or nothing per call: without backorder, any shortage raises ``insufficient_stock``
    (409, details: variant_id, requested, available) and nothing is reserved.
    """
    if not demands:
        return ReservationOutcome()
    amounts = [clean_quantity(d.quantity) for d in demands]
    settings = policy()
    day = services.today()  # through the module: tests move the clock there
    rows = list(
        _sellable_rows({d.variant_id for d in demands}, warehouse_ids)
        .select_related("location", "lot")
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    # per (variant, warehouse): the pickable bins, unexpired, with what is free
    bins: dict[tuple[int, int], list[domain.Bin]] = defaultdict(list)
    by_pk: dict[int, StockBalance] = {}
    for row in rows:
        by_pk[row.pk] = row
        bins[(row.variant_id, int(row.location.warehouse_id or 0))].append(as_bin(row))
    stock = {
        key: sum(
            (
                b.available
                for b in group
                if b.available > 0 and not domain.is_expired(b.expires_on, day)
            ),
            domain.ZERO,
        )
        for key, group in bins.items()
    }
    site_ids = {wh for (_, wh) in bins}
    if warehouse_ids is not None:
        site_ids |= set(warehouse_ids)
    sites = [
        domain.Site(
            id=w.pk,
            priority=w.priority,
            country=w.country,
            postal_code=w.postal_code,
            latitude=float(w.latitude) if w.latitude is not None else None,
            longitude=float(w.longitude) if w.longitude is not None else None,
        )
        for w in Warehouse.objects.filter(pk__in=site_ids, is_active=True)
    ]
    ranked = domain.rank_sites(
        sites,
        ship_to_country=ship_to_country,
        ship_to_postal_code=ship_to_postal_code,
        ship_to_latitude=ship_to_latitude,
        ship_to_longitude=ship_to_longitude,
    )
    needs = [
        domain.Need(source_id=index, variant_id=d.variant_id, quantity=amount)
        for index, (d, amount) in enumerate(zip(demands, amounts, strict=True))
    ]
    try:
        plan = domain.allocate(
            needs, stock, ranked, allow_split=allow_split, allow_backorder=allow_backorder
        )
    except domain.Shortage as short:
        raise insufficient(short.variant_id, short.requested, short.available) from short

    free = {row.pk: row.available for row in rows}
    reservations: list[Reservation] = []
    per_site: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for index, variant_id, warehouse_id, quantity in plan.allocations:
        demand = demands[index]
        group = [as_bin(by_pk[b.id], free[b.id]) for b in bins[(variant_id, warehouse_id)]]
        for pk, take in domain.pick(quantity, group, fefo=settings.fefo, today=day):
            free[pk] -= take
            row = by_pk[pk]
            row.reserved += take
            row.outgoing += take
            reservations.append(
                Reservation(
                    balance=row,
                    variant_id=variant_id,
                    quantity=take,
                    source_type=demand.source_type,
                    source_id=demand.source_id,
                    reference=reference[:100],
                )
            )
        per_site[(demand.source_id, warehouse_id)] += quantity
    changed = {r.balance_id for r in reservations}
    save_balances(by_pk[pk] for pk in sorted(changed))
    tenant_id = require_tenant_id()
    for reservation in reservations:
        reservation.tenant_id = tenant_id  # bulk_create skips save(), which stamps it
    Reservation.objects.bulk_create(reservations)
    backordered: dict[int, Decimal] = defaultdict(Decimal)
    for index, quantity in plan.backordered.items():
        backordered[demands[index].source_id] += quantity
    outcome = ReservationOutcome(
        allocations=[
            Allocation(source_id=s, warehouse_id=w, quantity=q) for (s, w), q in per_site.items()
        ],
        backordered=dict(backordered),
    )
    publish(
        "StockReserved",
        {
            "reference": reference,
            "source_type": demands[0].source_type,
            "allocations": [
                {
                    "source_id": a.source_id,
                    "warehouse_id": a.warehouse_id,
                    "quantity": str(a.quantity),
                }
                for a in outcome.allocations
            ],
            "backordered": {str(k): str(v) for k, v in outcome.backordered.items()},
        },
    )
    return outcome


def _locked_reservations(source_type: str, source_ids: Sequence[int]) -> list[Reservation]:
    """Active reservations of the sources, their balances locked first (pk order)."""
    ids = sorted({int(s) for s in source_ids})
    active = Reservation.objects.filter(source_type=source_type, source_id__in=ids, state="active")
    lock_balances(active.values_list("balance_id", flat=True))
    return list(
        active.select_for_update(of=("self",))
        .select_related("balance__location", "balance__lot")
        .order_by("pk")
    )


@transaction.atomic
def release(source_type: str, source_ids: Sequence[int]) -> Decimal:
    """Release every active reservation of these sources; return the quantity released."""
    reservations = _locked_reservations(source_type, source_ids)
    rows = lock_balances(r.balance_id for r in reservations)
    total = domain.ZERO
    for reservation in reservations:
        open_quantity = reservation.open_quantity
        row = rows[reservation.balance_id]
        row.reserved -= open_quantity
        row.outgoing -= open_quantity
        reservation.state = "released"
        reservation.save(update_fields=["state", "updated_at"])
        total += open_quantity
    save_balances(rows.values())
    if reservations:
        publish(
            "StockReleased",
            {
                "source_type": source_type,
                "source_ids": sorted({r.source_id for r in reservations}),
                "quantity": str(total),
            },
        )
    return total


def reserved_moves(
    source_type: str,
    source_id: int,
    amount: Decimal,
    *,
    kind: str,
    to_location: Location,
    reference: str = "",
    prefer: Sequence[int] = (),
    refuse_expired: bool = False,
    what: str = "line",
    verb: str = "ship",
) -> list[MoveSpec]:
    """The moves taking ``amount`` of a source's reserved stock to ``to_location``.

    Locks the balances, then the reservations, and counts them taken (``shipped`` is the
    reservation's "taken out" counter, whatever took it): those named in ``prefer`` first, in
    that order, then the oldest. Refused with ``not_reserved`` (409) when the source holds
    less, and with ``lot_expired`` (409) when ``refuse_expired`` and a reserved lot has
    expired since. The caller posts the moves.
    """
    rank = {int(pk): index for index, pk in enumerate(prefer)}
    reservations = sorted(
        _locked_reservations(source_type, [source_id]),
        key=lambda r: (rank.get(r.pk, len(rank)), r.pk),
    )
    held = sum((r.open_quantity for r in reservations), domain.ZERO)
    if held < amount:
        raise DomainError(
            "not_reserved",
            f"Only {number(held)} is reserved for this {what}, {number(amount)} to {verb}.",
            status=409,
            details={"source_id": source_id, "requested": number(amount), "reserved": number(held)},
        )
    day = services.today()  # through the module: tests move the clock there
    specs: list[MoveSpec] = []
    remaining = amount
    for reservation in reservations:
        if remaining <= 0:
            break
        take = min(reservation.open_quantity, remaining)
        balance = reservation.balance
        lot = balance.lot
        if refuse_expired and lot is not None and domain.is_expired(lot.expires_on, day):
            raise DomainError(
                "lot_expired",
                f"Lot {lot.number} expired on {lot.expires_on}; release and reserve again.",
                status=409,
                details={"lot": lot.number, "source_id": source_id},
            )
        specs.append(
            MoveSpec(
                kind,
                reservation.variant_id,
                take,
                balance.location,
                to_location,
                lot_id=balance.lot_id,
                reference=reference or reservation.reference,
                source_type=source_type,
                source_id=source_id,
                reserved=True,
            )
        )
        reservation.shipped += take
        if reservation.open_quantity == 0:
            reservation.state = "consumed"
        reservation.save(update_fields=["shipped", "state", "updated_at"])
        remaining -= take
    return specs


@transaction.atomic
def ship(
    source_type: str,
    source_id: int,
    quantity: Decimal,
    *,
    reference: str = "",
    prefer: Sequence[int] = (),
) -> list[StockMove]:
    """Ship reserved stock of a source to the customer, consuming its reservations.

    Takes the reservations named in ``prefer`` first, in that order (the ones picked, so the
    stock leaves the bin and lot it was taken from), then the rest oldest first. Refused with
    ``not_reserved`` (409) when the source holds less than the quantity, and with
    ``lot_expired`` (409) under FEFO when a reserved lot has expired since (release and
    reserve again to pick a fresh lot).
    """
    amount = clean_quantity(quantity)
    specs = reserved_moves(
        source_type,
        source_id,
        amount,
        kind="shipment",
        to_location=virtual_location("customer"),
        reference=reference,
        prefer=prefer,
        refuse_expired=policy().fefo,
    )
    moves = post(specs)
    publish(
        "StockShipped",
        {
            "source_type": source_type,
            "source_id": source_id,
            "quantity": str(amount),
            "reference": reference,
            "move_ids": [m.pk for m in moves],
        },
    )
    return moves
