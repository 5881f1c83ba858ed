"""Pure rules of inventory: location and move kinds, allocation across the network, picking.

Nothing here touches the database: services read the candidate stock (locked), hand it to
these functions and write what they decide. Quantities are ``Decimal``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

# Locations inside a warehouse; stock at these has balances.
INTERNAL_LOCATION_KINDS = (
    "receiving",
    "stock",
    "quality",
    "packing",
    "shipping",
    "scrap",
    "transit",
)
# Locations outside every warehouse (the other side of receipts, shipments, adjustments and
# production); they have no balances, the ledger alone records what crossed them.
VIRTUAL_LOCATION_KINDS = ("supplier", "customer", "adjustment", "production")
LOCATION_KINDS = INTERNAL_LOCATION_KINDS + VIRTUAL_LOCATION_KINDS
# Only stock in these kinds can be reserved for orders.
SELLABLE_LOCATION_KINDS = ("stock",)
# Stock at these internal kinds is not "on hand" of the warehouse: scrapped goods, and goods
# on their way in (counted as incoming instead).
NOT_ON_HAND_KINDS = ("scrap", "transit")

MOVE_KINDS = (
    "receipt",
    "shipment",
    "transfer",
    "adjustment",
    "scrap",
    "return",
    "consume",  # production takes components (the manufacturing issue)
    "produce",  # production yields finished goods and by-products
)

RESERVATION_STATES = ("active", "released", "consumed")
SUPPLY_REASONS = ("reorder", "mto")
SUPPLY_STATES = ("open", "ordered", "done", "cancelled")
OPEN_SUPPLY_STATES = ("open", "ordered")  # still expected to arrive: counted as incoming
TRANSFER_STATES = ("in_transit", "received")
COUNT_STATES = ("open", "applied", "cancelled")

QUANTUM = Decimal("0.0001")
ZERO = Decimal(0)


def location_code(warehouse_code: str, kind: str) -> str:
    """The code of a warehouse's location of one kind: ``WH1/STOCK``."""
    return f"{warehouse_code}/{kind.upper()}"


def is_expired(expires_on: date | None, today: date) -> bool:
    """A lot is expired the day after its expiry date (GS1 AI 17: usable up to that day)."""
    return expires_on is not None and expires_on < today


# --- allocation across warehouses ---------------------------------------------------------


@dataclass(frozen=True)
class Site:
    """A warehouse as allocation sees it."""

    id: int
    priority: int
    country: str = ""
    postal_code: str = ""
    latitude: float | None = None
    longitude: float | None = None


def _common_prefix(a: str, b: str) -> int:
    a, b = a.replace(" ", "").upper(), b.replace(" ", "").upper()
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, earth radius 6371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def rank_sites(
    sites: Iterable[Site],
    *,
    ship_to_country: str = "",
    ship_to_postal_code: str = "",
    ship_to_latitude: float | None = None,
    ship_to_longitude: float | None = None,
) -> list[Site]:
    """The order warehouses are tried in.

    Without a ship-to: by priority (lower first), then id. With coordinates on both sides:
    nearest first by great-circle distance (sites without coordinates after those with).
    With a country / postal code: same country first, then the longest common postal-code
    prefix (``10115`` is nearer ``10xxx`` than ``80xxx``); ties by priority, then id.
    """
    country = ship_to_country.strip().upper()
    postal = ship_to_postal_code.strip()
    has_point = ship_to_latitude is not None and ship_to_longitude is not None

    def key(site: Site) -> tuple[float, float, int, int]:
        if has_point:
            if site.latitude is None or site.longitude is None:
                return (1.0, 0.0, site.priority, site.id)
            km = distance_km(
                float(ship_to_latitude or 0),
                float(ship_to_longitude or 0),
                site.latitude,
                site.longitude,
            )
            return (0.0, km, site.priority, site.id)
        if country or postal:
            same_country = not country or site.country.upper() == country
            prefix = _common_prefix(site.postal_code, postal) if same_country and postal else 0
            return (0.0 if same_country else 1.0, -float(prefix), site.priority, site.id)
        return (0.0, 0.0, site.priority, site.id)

    return sorted(sites, key=key)


@dataclass(frozen=True)
class Need:
    """One demand line to allocate: a source asks for a quantity of a variant."""

    source_id: int
    variant_id: int
    quantity: Decimal


class Shortage(Exception):
    """Not enough stock for a variant under the rules of the call."""

    def __init__(self, variant_id: int, requested: Decimal, available: Decimal) -> None:
        super().__init__(f"variant {variant_id}: requested {requested}, available {available}")
        self.variant_id = variant_id
        self.requested = requested
        self.available = available


@dataclass
class Plan:
    """What allocation decided: (source, variant, warehouse, quantity) and backorders."""

    allocations: list[tuple[int, int, int, Decimal]] = field(default_factory=list)
    backordered: dict[int, Decimal] = field(default_factory=dict)


def allocate(
    needs: Sequence[Need],
    stock: dict[tuple[int, int], Decimal],
    sites: Sequence[Site],
    *,
    allow_split: bool = True,
    allow_backorder: bool = False,
) -> Plan:
    """Allocate needs to warehouses in the order of ``sites`` from ``stock``.

    ``stock[(variant_id, warehouse_id)]`` is what is available there (negative counts as 0).
    With ``allow_split`` a need takes from the first warehouse, then the next, until filled;
    without it, a need is served whole by the first warehouse that has all of it. What
    cannot be served is backordered when allowed; otherwise ``Shortage`` is raised for the
    first variant short, with the total requested of that variant in the call and what the
    rules could give it (sum over warehouses when splitting, the best single warehouse
    otherwise). Several needs of the same variant draw on the same stock in order.
    """
    left = {key: max(value, ZERO) for key, value in stock.items()}
    initial = dict(left)
    plan = Plan()
    for need in needs:
        if need.quantity <= 0:
            continue
        remaining = need.quantity
        if allow_split:
            for site in sites:
                have = left.get((need.variant_id, site.id), ZERO)
                take = min(have, remaining)
                if take > 0:
                    plan.allocations.append((need.source_id, need.variant_id, site.id, take))
                    left[(need.variant_id, site.id)] = have - take
                    remaining -= take
                if remaining <= 0:
                    break
        else:
            whole = next(
                (s for s in sites if left.get((need.variant_id, s.id), ZERO) >= remaining), None
            )
            if whole is not None:
                plan.allocations.append((need.source_id, need.variant_id, whole.id, remaining))
                left[(need.variant_id, whole.id)] -= remaining
                remaining = ZERO
            elif allow_backorder:
                best = max(
                    sites, key=lambda s: left.get((need.variant_id, s.id), ZERO), default=None
                )
                have = left.get((need.variant_id, best.id), ZERO) if best else ZERO
                if best is not None and have > 0:
                    plan.allocations.append((need.source_id, need.variant_id, best.id, have))
                    left[(need.variant_id, best.id)] = ZERO
                    remaining -= have
        if remaining > 0:
            if not allow_backorder:
                requested = sum(
                    (n.quantity for n in needs if n.variant_id == need.variant_id), ZERO
                )
                per_site = [initial.get((need.variant_id, s.id), ZERO) for s in sites]
                available = sum(per_site, ZERO) if allow_split else max(per_site, default=ZERO)
                raise Shortage(need.variant_id, requested, available)
            plan.backordered[need.source_id] = (
                plan.backordered.get(need.source_id, ZERO) + remaining
            )
    return plan


# --- picking inside a warehouse -----------------------------------------------------------


@dataclass(frozen=True)
class Bin:
    """A balance row a quantity can be taken from: its id, lot expiry and what is free."""

    id: int
    available: Decimal
    expires_on: date | None = None
    pick_order: int = 0


def pick(
    quantity: Decimal, bins: Sequence[Bin], *, fefo: bool, today: date
) -> list[tuple[int, Decimal]]:
    """Take ``quantity`` from bins; return (bin id, quantity) pairs, possibly short.

    Expired lots are never taken. Under FEFO the earliest-expiring lots go first (stock
    without a lot or expiry last); otherwise bins are taken in walking order, then id
    (oldest row first).
    """
    usable = [b for b in bins if b.available > 0 and not is_expired(b.expires_on, today)]
    if fefo:
        usable.sort(key=lambda b: (b.expires_on is None, b.expires_on or today, b.pick_order, b.id))
    else:
        usable.sort(key=lambda b: (b.pick_order, b.id))
    taken: list[tuple[int, Decimal]] = []
    remaining = quantity
    for b in usable:
        if remaining <= 0:
            break
        take = min(b.available, remaining)
        taken.append((b.id, take))
        remaining -= take
    return taken


# --- replenishment -------------------------------------------------------------------------


def reorder_quantity(
    *, available: Decimal, incoming: Decimal, minimum: Decimal, maximum: Decimal
) -> Decimal:
    """Min/max rule: when available + incoming falls below min, order up to max; else 0."""
    position = available + incoming
    if position >= minimum:
        return ZERO
    return max(maximum - position, ZERO)
