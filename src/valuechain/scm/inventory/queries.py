"""The read side of inventory: availability, quantities per warehouse, ATP, lists.

Definitions (docs/inventory.md):
- on hand of a warehouse: stock at its internal locations except scrap and in-transit;
- available (sellable): on hand - reserved at stock-kind locations of active warehouses,
  lots not expired (a balance short of stock counts as 0, never below);
- reserved / outgoing: held by active reservations (outgoing = what is committed to leave);
- incoming: in transit to the warehouse plus open or ordered supply requests.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from valuechain.scm.catalog.models import Variant
from valuechain.scm.inventory import domain
from valuechain.scm.inventory.models import (
    CycleCount,
    Location,
    ReorderRule,
    Reservation,
    StockBalance,
    StockMove,
    SupplyRequest,
    Transfer,
    Warehouse,
)

ZERO = Decimal(0)
DEC: DecimalField[Decimal, Decimal] = DecimalField(max_digits=18, decimal_places=4)


def q4(value: Decimal | None) -> Decimal:
    """A quantity with the ledger's 4 places on every database."""
    return (value or ZERO).quantize(domain.QUANTUM)


def _today() -> date:
    from valuechain.scm.inventory.services import today

    return today()


def _unexpired(on: date) -> Q:
    return Q(lot__isnull=True) | Q(lot__expires_on__isnull=True) | Q(lot__expires_on__gte=on)


def sellable_balances(on: date | None = None) -> QuerySet[StockBalance]:
    """Balance rows whose free stock can be reserved or sold on the day."""
    return StockBalance.objects.filter(
        _unexpired(on or _today()),
        location__kind__in=domain.SELLABLE_LOCATION_KINDS,
        location__is_active=True,
        location__warehouse__is_active=True,
    )


def available(variant_ids: Any, *, warehouse_id: int | None = None) -> dict[int, Decimal]:
    """Sellable quantity per variant (every asked id is a key; 0 when none)."""
    ids = sorted({int(v) for v in variant_ids})
    result = dict.fromkeys(ids, ZERO)
    rows = sellable_balances().filter(variant_id__in=ids, on_hand__gt=F("reserved"))
    if warehouse_id is not None:
        rows = rows.filter(location__warehouse_id=warehouse_id)
    for row in (
        rows.order_by()
        .values("variant_id")
        .annotate(free=Sum(F("on_hand") - F("reserved"), output_field=DEC))
    ):
        result[row["variant_id"]] = row["free"] or ZERO
    return {key: q4(value) for key, value in result.items()}


def quantities(variant_id: int) -> list[dict[str, Any]]:
    """Per active warehouse: on hand, reserved, available, incoming, outgoing of the variant.

    Every active warehouse is listed (zeros where there is no stock), by priority then code.
    """
    totals: dict[int, dict[str, Decimal]] = defaultdict(
        lambda: {"on_hand": ZERO, "reserved": ZERO, "incoming": ZERO, "outgoing": ZERO}
    )
    rows = (
        StockBalance.objects.filter(variant_id=variant_id, location__warehouse__isnull=False)
        .order_by()
        .values("location__warehouse_id", "location__kind")
        .annotate(
            on_hand=Sum("on_hand"),
            reserved=Sum("reserved"),
            incoming=Sum("incoming"),
            outgoing=Sum("outgoing"),
        )
    )
    for row in rows:
        bucket = totals[row["location__warehouse_id"]]
        if row["location__kind"] not in domain.NOT_ON_HAND_KINDS:
            bucket["on_hand"] += row["on_hand"] or ZERO
        bucket["reserved"] += row["reserved"] or ZERO
        bucket["outgoing"] += row["outgoing"] or ZERO
        bucket["incoming"] += row["incoming"] or ZERO
    free: dict[int, Decimal] = defaultdict(Decimal)
    for row in (
        sellable_balances()
        .filter(variant_id=variant_id, on_hand__gt=F("reserved"))
        .order_by()
        .values("location__warehouse_id")
        .annotate(free=Sum(F("on_hand") - F("reserved"), output_field=DEC))
    ):
        free[row["location__warehouse_id"]] = row["free"] or ZERO
    result = []
    for warehouse in Warehouse.objects.filter(is_active=True).order_by("priority", "code"):
        bucket = totals[warehouse.pk]
        result.append(
            {
                "warehouse_id": warehouse.pk,
                "warehouse_code": warehouse.code,
                "warehouse_name": warehouse.name,
                "is_store": warehouse.is_store,
                "on_hand": q4(bucket["on_hand"]),
                "reserved": q4(bucket["reserved"]),
                "available": q4(free.get(warehouse.pk, ZERO)),
                "incoming": q4(bucket["incoming"]),
                "outgoing": q4(bucket["outgoing"]),
            }
        )
    return result


def quantities_by_variant(variant_ids: list[int]) -> list[dict[str, Any]]:
    """quantities() for several variants in a fixed number of queries (product page panel):
    one row per variant and warehouse that has any quantity."""
    ids = sorted({int(v) for v in variant_ids})
    sums: dict[tuple[int, int], dict[str, Decimal]] = defaultdict(
        lambda: {"on_hand": ZERO, "reserved": ZERO, "incoming": ZERO, "outgoing": ZERO}
    )
    rows = (
        StockBalance.objects.filter(variant_id__in=ids, location__warehouse__isnull=False)
        .order_by()
        .values("variant_id", "location__warehouse_id", "location__kind")
        .annotate(
            on_hand=Sum("on_hand"),
            reserved=Sum("reserved"),
            incoming=Sum("incoming"),
            outgoing=Sum("outgoing"),
        )
    )
    for row in rows:
        bucket = sums[(row["variant_id"], row["location__warehouse_id"])]
        if row["location__kind"] not in domain.NOT_ON_HAND_KINDS:
            bucket["on_hand"] += row["on_hand"] or ZERO
        for name in ("reserved", "incoming", "outgoing"):
            bucket[name] += row[name] or ZERO
    free: dict[tuple[int, int], Decimal] = {}
    for row in (
        sellable_balances()
        .filter(variant_id__in=ids, on_hand__gt=F("reserved"))
        .order_by()
        .values("variant_id", "location__warehouse_id")
        .annotate(free=Sum(F("on_hand") - F("reserved"), output_field=DEC))
    ):
        free[(row["variant_id"], row["location__warehouse_id"])] = row["free"] or ZERO
    warehouses = {w.pk: w for w in Warehouse.objects.filter(is_active=True)}
    skus = dict(Variant.objects.filter(pk__in=ids).values_list("pk", "sku"))
    result = []
    for (variant_id, warehouse_id), bucket in sums.items():
        warehouse = warehouses.get(warehouse_id)
        if warehouse is None or not any(bucket.values()):
            continue
        result.append(
            {
                "variant_id": variant_id,
                "sku": skus.get(variant_id, ""),
                "warehouse_id": warehouse_id,
                "warehouse_code": warehouse.code,
                "warehouse_priority": warehouse.priority,
                "on_hand": q4(bucket["on_hand"]),
                "reserved": q4(bucket["reserved"]),
                "available": q4(free.get((variant_id, warehouse_id), ZERO)),
                "incoming": q4(bucket["incoming"]),
                "outgoing": q4(bucket["outgoing"]),
            }
        )
    result.sort(key=lambda r: (r["variant_id"], r["warehouse_priority"], r["warehouse_code"]))
    return result


def active_reservations(*, warehouse_id: int, source_type: str) -> list[Reservation]:
    """Open reservations of a warehouse for one kind of source, in walking order (pick lists).

    Each carries ``balance.location``, ``balance.lot`` and ``variant``; what is still to
    pick is ``open_quantity`` (reserved less shipped).
    """
    return list(
        Reservation.objects.filter(
            state="active",
            source_type=source_type,
            balance__location__warehouse_id=warehouse_id,
        )
        .select_related("balance__location", "balance__lot", "variant__product")
        .order_by("balance__location__pick_order", "balance__location__code", "source_id", "pk")
    )


def incoming_by_date(
    variant_ids: list[int], on: date, warehouse_id: int | None = None
) -> dict[int, Decimal]:
    """What arrives by the day: transfers in transit and open supply requests whose expected
    date is on or before it (no date: counted, as due now)."""
    result: dict[int, Decimal] = defaultdict(Decimal)
    due = Q(expected_on__isnull=True) | Q(expected_on__lte=on)
    transfers = Transfer.objects.filter(due, state="in_transit", variant_id__in=variant_ids)
    supplies = SupplyRequest.objects.filter(
        due, state__in=domain.OPEN_SUPPLY_STATES, variant_id__in=variant_ids
    )
    if warehouse_id is not None:
        transfers = transfers.filter(to_warehouse_id=warehouse_id)
        supplies = supplies.filter(warehouse_id=warehouse_id)
    for queryset in (transfers, supplies):
        for row in queryset.order_by().values("variant_id").annotate(q=Sum("quantity")):
            result[row["variant_id"]] += row["q"] or ZERO
    return result


def atp(variant_id: int, on: date, *, warehouse_id: int | None = None) -> dict[str, Any]:
    """Available to promise on a day: free sellable stock not expired by then, plus incoming
    due by then."""
    rows = sellable_balances(on).filter(variant_id=variant_id, on_hand__gt=F("reserved"))
    if warehouse_id is not None:
        rows = rows.filter(location__warehouse_id=warehouse_id)
    free = rows.aggregate(
        q=Coalesce(Sum(F("on_hand") - F("reserved"), output_field=DEC), Value(ZERO, DEC))
    )["q"]
    incoming = incoming_by_date([variant_id], on, warehouse_id).get(variant_id, ZERO)
    return {
        "variant_id": variant_id,
        "date": on,
        "warehouse_id": warehouse_id,
        "available": q4(free),
        "incoming": q4(incoming),
        "atp": q4(free + incoming),
    }


# --- lists --------------------------------------------------------------------------------

WAREHOUSE_SORTS = ("code", "name", "priority", "created_at")
LOCATION_SORTS = ("code", "kind", "pick_order")
MOVE_SORTS = ("moved_at", "kind", "quantity")
BALANCE_SORTS = ("on_hand", "reserved", "updated_at", "location__code")
TRANSFER_SORTS = ("shipped_at", "number", "state")
COUNT_SORTS = ("created_at", "number", "state")
RULE_SORTS = ("created_at", "min_quantity", "max_quantity")
SUPPLY_SORTS = ("created_at", "quantity", "state", "expected_on")


@dataclass(frozen=True)
class MoveFilters:
    """What the ledger list can be narrowed by; None filters nothing."""

    variant_id: int | None = None
    warehouse_id: int | None = None
    location_id: int | None = None
    kind: str | None = None
    lot: str | None = None
    reference: str | None = None
    source_type: str | None = None
    source_id: int | None = None
    since: date | None = None
    until: date | None = None


def warehouses(
    *, q: str = "", is_active: bool | None = None, is_store: bool | None = None
) -> QuerySet[Warehouse]:
    """The tenant's warehouses."""
    rows = Warehouse.objects.all()
    if q:
        rows = rows.filter(Q(code__icontains=q) | Q(name__icontains=q))
    if is_active is not None:
        rows = rows.filter(is_active=is_active)
    if is_store is not None:
        rows = rows.filter(is_store=is_store)
    return rows


def warehouse(warehouse_id: int) -> Warehouse:
    """One warehouse or 404."""
    from valuechain.scm.inventory.services import not_found

    row = Warehouse.objects.filter(pk=warehouse_id).first()
    if row is None:
        raise not_found("warehouse")
    return row


def locations(
    *, warehouse_id: int | None = None, kind: str | None = None, q: str = ""
) -> QuerySet[Location]:
    """Locations, internal and virtual."""
    rows = Location.objects.select_related("warehouse")
    if warehouse_id is not None:
        rows = rows.filter(warehouse_id=warehouse_id)
    if kind:
        rows = rows.filter(kind=kind)
    if q:
        rows = rows.filter(code__icontains=q)
    return rows


def moves(filters: MoveFilters | None = None) -> QuerySet[StockMove]:
    """The ledger, with variant, lot and both locations loaded."""
    f = filters or MoveFilters()
    rows = StockMove.objects.select_related(
        "variant__product", "lot", "from_location", "to_location", "actor"
    )
    if f.variant_id is not None:
        rows = rows.filter(variant_id=f.variant_id)
    if f.warehouse_id is not None:
        rows = rows.filter(
            Q(from_location__warehouse_id=f.warehouse_id)
            | Q(to_location__warehouse_id=f.warehouse_id)
        )
    if f.location_id is not None:
        rows = rows.filter(Q(from_location_id=f.location_id) | Q(to_location_id=f.location_id))
    if f.kind:
        rows = rows.filter(kind=f.kind)
    if f.lot:
        rows = rows.filter(lot__number=f.lot)
    if f.reference:
        rows = rows.filter(reference__icontains=f.reference)
    if f.source_type:
        rows = rows.filter(source_type=f.source_type)
    if f.source_id is not None:
        rows = rows.filter(source_id=f.source_id)
    if f.since:
        rows = rows.filter(moved_at__date__gte=f.since)
    if f.until:
        rows = rows.filter(moved_at__date__lte=f.until)
    return rows


def balances(
    *,
    variant_id: int | None = None,
    warehouse_id: int | None = None,
    location_id: int | None = None,
    q: str = "",
    nonzero: bool = True,
) -> QuerySet[StockBalance]:
    """Balance rows with variant, location and lot loaded (non-zero ones by default)."""
    rows = StockBalance.objects.select_related("variant__product", "location__warehouse", "lot")
    if variant_id is not None:
        rows = rows.filter(variant_id=variant_id)
    if warehouse_id is not None:
        rows = rows.filter(location__warehouse_id=warehouse_id)
    if location_id is not None:
        rows = rows.filter(location_id=location_id)
    if q:
        rows = rows.filter(
            Q(variant__sku__icontains=q)
            | Q(variant__product__name__icontains=q)
            | Q(variant__name__icontains=q)
        )
    if nonzero:
        rows = rows.exclude(on_hand=0, reserved=0, incoming=0, outgoing=0)
    return rows


def overview(*, q: str = "", warehouse_id: int | None = None) -> QuerySet[Any]:
    """Stock by variant and warehouse: sums per (variant, warehouse) for the overview page."""
    rows = balances(q=q, warehouse_id=warehouse_id).exclude(
        location__kind__in=domain.NOT_ON_HAND_KINDS
    )
    return (
        rows.order_by()
        .values(
            "variant_id",
            "variant__sku",
            "variant__name",
            "variant__product__name",
            "location__warehouse_id",
            "location__warehouse__code",
        )
        .annotate(
            on_hand=Sum("on_hand"),
            reserved=Sum("reserved"),
            incoming=Sum("incoming"),
            outgoing=Sum("outgoing"),
        )
    )


def transfers(
    *, state: str | None = None, warehouse_id: int | None = None, variant_id: int | None = None
) -> QuerySet[Transfer]:
    """Inter-warehouse transfers."""
    rows = Transfer.objects.select_related("from_warehouse", "to_warehouse", "variant__product")
    if state:
        rows = rows.filter(state=state)
    if warehouse_id is not None:
        rows = rows.filter(Q(from_warehouse_id=warehouse_id) | Q(to_warehouse_id=warehouse_id))
    if variant_id is not None:
        rows = rows.filter(variant_id=variant_id)
    return rows


def counts(*, state: str | None = None, warehouse_id: int | None = None) -> QuerySet[CycleCount]:
    """Cycle counts."""
    rows = CycleCount.objects.select_related("warehouse")
    if state:
        rows = rows.filter(state=state)
    if warehouse_id is not None:
        rows = rows.filter(warehouse_id=warehouse_id)
    return rows


def reorder_rules(
    *, warehouse_id: int | None = None, variant_id: int | None = None, is_active: bool | None = None
) -> QuerySet[ReorderRule]:
    """Min/max rules."""
    rows = ReorderRule.objects.select_related("warehouse", "variant__product")
    if warehouse_id is not None:
        rows = rows.filter(warehouse_id=warehouse_id)
    if variant_id is not None:
        rows = rows.filter(variant_id=variant_id)
    if is_active is not None:
        rows = rows.filter(is_active=is_active)
    return rows


def supply_requests(
    *,
    state: str | None = None,
    reason: str | None = None,
    warehouse_id: int | None = None,
    variant_id: int | None = None,
    origin_type: str | None = None,
    origin_id: int | None = None,
) -> QuerySet[SupplyRequest]:
    """Supply requests (reorder proposals and MTO requests)."""
    rows = SupplyRequest.objects.select_related("warehouse", "variant__product")
    if state:
        rows = rows.filter(state=state)
    if reason:
        rows = rows.filter(reason=reason)
    if warehouse_id is not None:
        rows = rows.filter(warehouse_id=warehouse_id)
    if variant_id is not None:
        rows = rows.filter(variant_id=variant_id)
    if origin_type:
        rows = rows.filter(origin_type=origin_type)
    if origin_id is not None:
        rows = rows.filter(origin_id=origin_id)
    return rows


def supply_for_origin(origin_type: str, origin_ids: list[int]) -> dict[int, SupplyRequest]:
    """The latest supply request per origin (for order lines showing their MTO status)."""
    result: dict[int, SupplyRequest] = {}
    for row in SupplyRequest.objects.filter(
        origin_type=origin_type, origin_id__in=origin_ids
    ).order_by("pk"):
        if row.origin_id is not None:
            result[row.origin_id] = row
    return result


def ledger_mismatches() -> list[dict[str, Any]]:
    """Balance rows whose on hand differs from the sum of the ledger (should be none)."""
    inflow: dict[tuple[int, int, int | None], Decimal] = defaultdict(Decimal)
    for row in (
        StockMove.objects.order_by()
        .values("variant_id", "to_location_id", "lot_id")
        .annotate(q=Sum("quantity"))
    ):
        inflow[(row["variant_id"], row["to_location_id"], row["lot_id"])] += row["q"]
    for row in (
        StockMove.objects.order_by()
        .values("variant_id", "from_location_id", "lot_id")
        .annotate(q=Sum("quantity"))
    ):
        inflow[(row["variant_id"], row["from_location_id"], row["lot_id"])] -= row["q"]
    reserved: dict[int, Decimal] = defaultdict(Decimal)
    for res in Reservation.objects.filter(state="active").only(
        "balance_id", "quantity", "shipped", "state"
    ):
        reserved[res.balance_id] += res.open_quantity
    problems = []
    for balance in StockBalance.objects.all():
        key = (balance.variant_id, balance.location_id, balance.lot_id)
        ledger = inflow.get(key, ZERO)
        if balance.on_hand != ledger or balance.reserved != reserved.get(balance.pk, ZERO):
            problems.append(
                {
                    "balance_id": balance.pk,
                    "on_hand": balance.on_hand,
                    "ledger": ledger,
                    "reserved": balance.reserved,
                    "reservations": reserved.get(balance.pk, ZERO),
                }
            )
    return problems
