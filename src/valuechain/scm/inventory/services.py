"""Use cases of inventory: the stock ledger, balances and reservations.

These signatures are what orders, fulfillment, bar codes and POS call; callers rely on the
names, arguments, return values and error codes written here.

Every function runs in one transaction, locks the balance rows it changes in primary-key
order (``select_for_update``), keeps each balance equal to the sum of the ledger, raises
DomainError with a stable code (``insufficient_stock`` is a 409 with the available
quantity in ``details``) and publishes a past-tense event. Locks are always taken in the
same order: balance rows (by primary key), then reservations, then the document (count,
transfer, supply request). Transfers, counts, scrap, adjustments, returns and production
moves live in ``movements.py``; reorder rules and replenishment in ``replenishment.py``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.inputs import clean_choice, clean_code, clean_text
from valuechain.platform.tenancy.context import current, require_tenant_id
from valuechain.scm.catalog.models import Variant
from valuechain.scm.inventory import domain, valuation
from valuechain.scm.inventory.models import (
    InventorySettings,
    Location,
    Lot,
    Reservation,
    StockBalance,
    StockMove,
    SupplyRequest,
    Warehouse,
)

BalanceKey = tuple[int, int, int | None]  # variant id, location id, lot id
MAX_QUANTITY = Decimal("99999999999999")


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


# --- small helpers ----------------------------------------------------------------------


def today() -> date:
    """The business day expiry is judged against (tests may replace it)."""
    return timezone.localdate()


def policy() -> InventorySettings:
    """The tenant's inventory settings; an unsaved default when none were stored (no write)."""
    return InventorySettings.objects.first() or InventorySettings(
        allow_negative_stock=False, fefo=False
    )


@transaction.atomic
def update_settings(
    *,
    allow_negative_stock: bool | None = None,
    fefo: bool | None = None,
    costing_method: str | None = None,
) -> InventorySettings:
    """Change the tenant's inventory policy (negative stock, FEFO picking, costing method)."""
    row = InventorySettings.objects.select_for_update().first()
    if row is None:
        try:
            with transaction.atomic():
                row = InventorySettings.objects.create()
        except IntegrityError:
            row = InventorySettings.objects.select_for_update().get()
    if allow_negative_stock is not None:
        row.allow_negative_stock = bool(allow_negative_stock)
    if fefo is not None:
        row.fefo = bool(fefo)
    if costing_method is not None:
        row.costing_method = valuation.checked_method(row.costing_method, costing_method)
    row.save()
    publish(
        "InventorySettingsChanged",
        {
            "allow_negative_stock": row.allow_negative_stock,
            "fefo": row.fefo,
            "costing_method": row.costing_method,
        },
    )
    return row


def clean_quantity(value: Any, field: str = "quantity", *, signed: bool = False) -> Decimal:
    """A positive decimal with at most 4 places (or non-zero when signed)."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        number = Decimal("NaN")
    bad = (
        not number.is_finite()
        or abs(number) > MAX_QUANTITY
        or number != number.quantize(domain.QUANTUM)
        or (number == 0 if signed else number <= 0)
    )
    if bad:
        what = "a non-zero number" if signed else "a number greater than 0"
        raise DomainError(
            f"invalid_{field}",
            f"The {field.replace('_', ' ')} must be {what} with at most 4 decimals.",
            field=field,
        )
    return number


def not_found(label: str) -> DomainError:
    """The 404 for a missing record."""
    return DomainError("not_found", f"No such {label}.", status=404)


def number(value: Decimal) -> str:
    """A quantity as plain text without trailing zeros: ``4``, ``2.5``."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def insufficient(variant_id: int, requested: Decimal, available: Decimal) -> DomainError:
    """The one shortage error: 409 with the quantities."""
    return DomainError(
        "insufficient_stock",
        f"Only {number(max(available, domain.ZERO))} available, {number(requested)} requested.",
        status=409,
        details={
            "variant_id": variant_id,
            "requested": number(requested),
            "available": number(max(available, domain.ZERO)),
        },
    )


def virtual_location(kind: str) -> Location:
    """The tenant's virtual location of a kind (SUPPLIER, CUSTOMER, …), created on first write."""
    if kind not in domain.VIRTUAL_LOCATION_KINDS:
        raise ValueError(kind)
    code = kind.upper()
    row = Location.objects.filter(code=code, warehouse__isnull=True).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return Location.objects.create(code=code, name=kind.capitalize(), kind=kind)
    except IntegrityError:
        return Location.objects.get(code=code)


def location_of(warehouse: Warehouse | int, kind: str) -> Location:
    """The warehouse's main location of an internal kind (``WH1/STOCK`` …)."""
    warehouse_id = warehouse if isinstance(warehouse, int) else warehouse.pk
    row = Location.objects.filter(warehouse_id=warehouse_id, kind=kind).order_by("pk").first()
    if row is None:
        raise not_found(f"{kind} location in that warehouse")
    return row


def get_lot(variant_id: int, number: str, expires_on: date | None = None) -> Lot:
    """The variant's lot of that number, created when new (race-safe)."""
    number = clean_text(number, "lot_number", 40, required=True)
    lot = Lot.objects.filter(variant_id=variant_id, number=number).first()
    if lot is None:
        try:
            with transaction.atomic():
                lot = Lot.objects.create(
                    variant_id=variant_id, number=number, expires_on=expires_on
                )
        except IntegrityError:
            lot = Lot.objects.get(variant_id=variant_id, number=number)
    if expires_on is not None:
        if lot.expires_on is None:
            Lot.objects.filter(pk=lot.pk).update(expires_on=expires_on)
            lot.expires_on = expires_on
        elif lot.expires_on != expires_on:
            raise DomainError(
                "lot_expiry_mismatch",
                f"Lot {number} expires on {lot.expires_on}, not {expires_on}.",
                field="expires_on",
                status=409,
            )
    return lot


def existing_lot(variant_id: int, number: str) -> Lot | None:
    """The lot of that number, None for an empty number; 404 when it does not exist."""
    if not number:
        return None
    lot = Lot.objects.filter(variant_id=variant_id, number=number.strip()).first()
    if lot is None:
        raise DomainError("lot_not_found", f"No lot {number}.", field="lot_number", status=404)
    return lot


# --- balance rows -------------------------------------------------------------------------


def _find_balance(key: BalanceKey) -> int | None:
    variant_id, location_id, lot_id = key
    rows = StockBalance.objects.filter(variant_id=variant_id, location_id=location_id)
    rows = rows.filter(lot__isnull=True) if lot_id is None else rows.filter(lot_id=lot_id)
    return rows.values_list("pk", flat=True).first()


def ensure_balances(keys: Iterable[BalanceKey]) -> dict[BalanceKey, int]:
    """The balance row id of each key, creating missing rows race-safely (savepoint + retry)."""
    found: dict[BalanceKey, int] = {}
    for key in sorted(set(keys), key=lambda k: (k[0], k[1], k[2] or 0)):
        pk = _find_balance(key)
        if pk is None:
            try:
                with transaction.atomic():
                    pk = StockBalance.objects.create(
                        variant_id=key[0], location_id=key[1], lot_id=key[2]
                    ).pk
            except IntegrityError:
                pk = _find_balance(key)
                if pk is None:  # pragma: no cover - the clash row must exist now
                    raise
        found[key] = pk
    return found


def lock_balances(pks: Iterable[int]) -> dict[int, StockBalance]:
    """Lock balance rows in primary-key order and return them fresh."""
    ids = sorted(set(pks))
    if not ids:
        return {}
    rows = StockBalance.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    return {row.pk: row for row in rows}


def save_balances(rows: Iterable[StockBalance]) -> None:
    """Write the changed quantities of locked rows of the current tenant, in one UPDATE."""
    changed = list(rows)
    if not changed:
        return
    now = timezone.now()
    for row in changed:
        row.updated_at = now
    StockBalance.objects.bulk_update(
        changed, ["on_hand", "reserved", "incoming", "outgoing", "updated_at"]
    )


@dataclass
class MoveSpec:
    """One ledger entry to post."""

    kind: str
    variant_id: int
    quantity: Decimal
    from_location: Location
    to_location: Location
    lot_id: int | None = None
    reference: str = ""
    source_type: str = ""
    source_id: int | None = None
    reserved: bool = False  # the stock leaving was reserved: lower reserved too
    check: bool = True  # refuse to take unreserved stock that is not there
    unit_cost: Decimal | None = None  # base currency; None: the current cost (valuation.py)

    def balance_keys(self) -> list[BalanceKey]:
        """The balance rows this move changes (internal ends only)."""
        return [
            (self.variant_id, loc.pk, self.lot_id)
            for loc in (self.from_location, self.to_location)
            if loc.kind in domain.INTERNAL_LOCATION_KINDS
        ]


def post(
    specs: Sequence[MoveSpec],
    *,
    allow_negative: bool | None = None,
    incoming: dict[BalanceKey, Decimal] | None = None,
) -> list[StockMove]:
    """Lock every balance involved (pk order), apply the moves, write the ledger rows.

    Unreserved stock leaving an internal location must be available (on hand - reserved),
    unless the tenant allows negative stock; the shortage raises ``insufficient_stock``.
    ``incoming`` adds (or, negative, removes) expected quantities on balance rows.
    """
    if allow_negative is None:
        allow_negative = policy().allow_negative_stock
    keys = [key for spec in specs for key in spec.balance_keys()] + list(incoming or {})
    ids = ensure_balances(keys)
    rows = lock_balances(ids.values())
    now = timezone.now()
    actor_id = current().actor_id
    moves: list[StockMove] = []
    for spec in specs:
        if spec.from_location.kind in domain.INTERNAL_LOCATION_KINDS:
            row = rows[ids[(spec.variant_id, spec.from_location.pk, spec.lot_id)]]
            if spec.reserved:
                row.reserved -= spec.quantity
                row.outgoing -= spec.quantity
            elif spec.check and not allow_negative and row.available < spec.quantity:
                raise insufficient(spec.variant_id, spec.quantity, row.available)
            row.on_hand -= spec.quantity
        if spec.to_location.kind in domain.INTERNAL_LOCATION_KINDS:
            rows[ids[(spec.variant_id, spec.to_location.pk, spec.lot_id)]].on_hand += spec.quantity
        moves.append(
            StockMove(
                kind=spec.kind,
                variant_id=spec.variant_id,
                lot_id=spec.lot_id,
                quantity=spec.quantity,
                from_location=spec.from_location,
                to_location=spec.to_location,
                reference=spec.reference[:100],
                source_type=spec.source_type,
                source_id=spec.source_id,
                actor_id=actor_id,
                moved_at=now,
            )
        )
    for key, change in (incoming or {}).items():
        rows[ids[key]].incoming += change
    save_balances(rows.values())
    valuation.save_valued(specs, moves)  # values each move, then writes it
    return moves


# --- warehouses ----------------------------------------------------------------------------


def _coordinate(value: Any, field: str, limit: int) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        number = Decimal("NaN")
    if not number.is_finite() or abs(number) > limit:
        raise DomainError(
            f"invalid_{field}", f"The {field} is a number from -{limit} to {limit}.", field=field
        )
    return number


def _warehouse_values(data: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "name" in data:
        values["name"] = clean_text(data["name"], "name", 200, required=True)
    if "priority" in data:
        priority = data["priority"]
        if (
            isinstance(priority, bool)
            or not isinstance(priority, int)
            or not 0 <= priority <= 10000
        ):
            raise DomainError(
                "invalid_priority",
                "The priority is a whole number from 0 to 10000.",
                field="priority",
            )
        values["priority"] = priority
    if "country" in data:
        country = str(data["country"] or "").strip().upper()
        if country and not re.fullmatch(r"[A-Z]{2}", country):
            raise DomainError(
                "invalid_country", "The country is a two-letter ISO code.", field="country"
            )
        values["country"] = country
    if "postal_code" in data:
        values["postal_code"] = clean_text(data["postal_code"], "postal_code", 20)
    if "latitude" in data:
        values["latitude"] = _coordinate(data["latitude"], "latitude", 90)
    if "longitude" in data:
        values["longitude"] = _coordinate(data["longitude"], "longitude", 180)
    for flag in ("is_store", "is_active"):
        if flag in data:
            values[flag] = bool(data[flag])
    return values


@transaction.atomic
def create_warehouse(
    *,
    code: str,
    name: str,
    priority: int = 10,
    country: str = "",
    postal_code: str = "",
    is_store: bool = False,
    latitude: Any = None,
    longitude: Any = None,
) -> Warehouse:
    """Create a warehouse with one location of every internal kind (CODE/STOCK, …)."""
    warehouse_code = clean_code(code, "warehouse")
    values = _warehouse_values(
        {
            "name": name,
            "priority": priority,
            "country": country,
            "postal_code": postal_code,
            "is_store": is_store,
            "latitude": latitude,
            "longitude": longitude,
        }
    )
    try:
        with transaction.atomic():
            warehouse = Warehouse.objects.create(code=warehouse_code, **values)
            for order, kind in enumerate(domain.INTERNAL_LOCATION_KINDS):
                Location.objects.create(
                    warehouse=warehouse,
                    code=domain.location_code(warehouse_code, kind),
                    name=f"{values['name']} {kind.replace('_', ' ')}",
                    kind=kind,
                    pick_order=order * 100,
                )
    except IntegrityError as exc:
        raise DomainError(
            "duplicate_code",
            f"There already is a warehouse or location with the code {warehouse_code}.",
            field="code",
            status=409,
        ) from exc
    publish("WarehouseCreated", {"warehouse_id": warehouse.pk, "code": warehouse.code})
    return warehouse


@transaction.atomic
def update_warehouse(warehouse_id: int, **changes: Any) -> Warehouse:
    """Change a warehouse's name, priority, place, store flag or active flag."""
    warehouse = Warehouse.objects.select_for_update().filter(pk=warehouse_id).first()
    if warehouse is None:
        raise not_found("warehouse")
    unknown = set(changes) - {
        "name",
        "priority",
        "country",
        "postal_code",
        "latitude",
        "longitude",
        "is_store",
        "is_active",
    }
    if unknown:
        raise DomainError("invalid_field", f"Cannot change {', '.join(sorted(unknown))}.")
    for name, value in _warehouse_values(changes).items():
        setattr(warehouse, name, value)
    warehouse.save()
    publish("WarehouseChanged", {"warehouse_id": warehouse.pk, "fields": sorted(changes)})
    return warehouse


@transaction.atomic
def create_location(
    *, warehouse_id: int, kind: str, suffix: str, name: str = "", pick_order: int = 0
) -> Location:
    """Add a bin under a warehouse (``WH1/STOCK/A-01``) of an internal kind."""
    warehouse = Warehouse.objects.filter(pk=warehouse_id).first()
    if warehouse is None:
        raise not_found("warehouse")
    kind = clean_choice(kind, "kind", domain.INTERNAL_LOCATION_KINDS)
    suffix = str(suffix or "").strip().upper()
    if not re.fullmatch(r"[A-Z0-9][A-Z0-9_.-]{0,17}", suffix):
        raise DomainError(
            "invalid_suffix",
            "The bin name is 1 to 18 letters, digits, '.', '-' or '_'.",
            field="suffix",
        )
    code = f"{domain.location_code(warehouse.code, kind)}/{suffix}"
    try:
        with transaction.atomic():
            location = Location.objects.create(
                warehouse=warehouse,
                code=code,
                name=clean_text(name, "name", 200) or code,
                kind=kind,
                pick_order=max(int(pick_order), 0),
            )
    except IntegrityError as exc:
        raise DomainError(
            "duplicate_code", f"Location {code} exists already.", field="suffix", status=409
        ) from exc
    publish("LocationCreated", {"location_id": location.pk, "code": code})
    return location


# --- receipts -----------------------------------------------------------------------------


def _internal(location: Location, warehouse: Warehouse | None = None) -> Location:
    if location.kind not in domain.INTERNAL_LOCATION_KINDS:
        raise DomainError(
            "invalid_location", "Stock can only be put at a warehouse location.", field="location"
        )
    if warehouse is not None and location.warehouse_id != warehouse.pk:
        raise DomainError(
            "invalid_location", "That location belongs to another warehouse.", field="location"
        )
    return location


@transaction.atomic
def receive(
    *,
    variant: Variant,
    warehouse: Warehouse,
    quantity: Decimal,
    lot_number: str = "",
    expires_on: date | None = None,
    location: Location | None = None,
    reference: str = "",
    source_type: str = "",
    source_id: int | None = None,
    unit_cost: Decimal | None = None,
) -> StockMove:
    """Receive goods from the supplier side into the warehouse's stock (or given) location.

    ``unit_cost`` is per unit in the tenant's base currency (a PO's price converted);
    without it the current cost of the variant in the warehouse (0 if never valued).
    """
    amount = clean_quantity(quantity)
    cost = valuation.clean_unit_cost(unit_cost)
    target = _internal(location, warehouse) if location else location_of(warehouse, "stock")
    lot = get_lot(variant.pk, lot_number, expires_on) if lot_number else None
    if lot is None and expires_on is not None:
        raise DomainError("lot_required", "An expiry date needs a lot number.", field="lot_number")
    (move,) = post(
        [
            MoveSpec(
                "receipt",
                variant.pk,
                amount,
                virtual_location("supplier"),
                target,
                lot_id=lot.pk if lot else None,
                reference=reference,
                source_type=source_type,
                source_id=source_id,
                unit_cost=cost,
            )
        ]
    )
    publish(
        "StockReceived",
        {
            "move_id": move.pk,
            "variant_id": variant.pk,
            "warehouse_id": warehouse.pk,
            "location_id": target.pk,
            "lot": lot.number if lot else "",
            "quantity": str(amount),
            "reference": reference,
        },
    )
    return move


# --- reservations -------------------------------------------------------------------------


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


def _bin(row: StockBalance, free: Decimal | None = None) -> domain.Bin:
    return domain.Bin(
        id=row.pk,
        available=row.available if free is None else free,
        expires_on=row.lot.expires_on if row.lot is not None else None,
        pick_order=row.location.pick_order,
    )


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
    day = today()
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
        bins[(row.variant_id, int(row.location.warehouse_id or 0))].append(_bin(row))
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
        group = [_bin(by_pk[b.id], free[b.id]) for b in bins[(variant_id, warehouse_id)]]
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
    day = today()
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


def pick_unreserved(
    variant_id: int,
    locations: Sequence[Location],
    quantity: Decimal,
    *,
    fefo: bool,
    lot: Lot | None = None,
) -> tuple[list[tuple[StockBalance, Decimal]], Decimal]:
    """Free stock of a variant at the locations to take (FEFO or walking order), and the
    quantity available there; the balances are locked (pk order). Expired lots are skipped."""
    rows_q = StockBalance.objects.filter(
        variant_id=variant_id, location__in=[loc.pk for loc in locations]
    )
    if lot is not None:
        rows_q = rows_q.filter(lot=lot)
    ids = list(rows_q.values_list("pk", flat=True))
    locked = lock_balances(ids)
    rows = list(StockBalance.objects.filter(pk__in=list(locked)).select_related("location", "lot"))
    for row in rows:  # the locked values are the fresh ones
        row.on_hand, row.reserved = locked[row.pk].on_hand, locked[row.pk].reserved
    day = today()
    group = [_bin(row) for row in rows]
    available = sum(
        (
            b.available
            for b in group
            if b.available > 0 and not domain.is_expired(b.expires_on, day)
        ),
        domain.ZERO,
    )
    by_pk = {row.pk: row for row in rows}
    taken = [(by_pk[pk], q) for pk, q in domain.pick(quantity, group, fefo=fefo, today=day)]
    return taken, available


@transaction.atomic
def issue(
    *,
    variant: Variant,
    warehouse: Warehouse,
    quantity: Decimal,
    reference: str = "",
    source_type: str = "",
    source_id: int | None = None,
) -> list[StockMove]:
    """Take unreserved stock out to the customer at once (a store sale), refusing shortages.

    Picks the warehouse's stock locations (FEFO when on, expired lots never); with negative
    stock allowed, what is missing is taken from the no-lot row of the main stock location.
    """
    amount = clean_quantity(quantity)
    settings = policy()
    stock_locations = list(
        Location.objects.filter(warehouse=warehouse, kind__in=domain.SELLABLE_LOCATION_KINDS)
    )
    taken, available = pick_unreserved(variant.pk, stock_locations, amount, fefo=settings.fefo)
    got = sum((q for _, q in taken), domain.ZERO)
    customer = virtual_location("customer")
    specs = [
        MoveSpec(
            "shipment",
            variant.pk,
            q,
            row.location,
            customer,
            lot_id=row.lot_id,
            reference=reference,
            source_type=source_type,
            source_id=source_id,
        )
        for row, q in taken
    ]
    if got < amount:
        if not settings.allow_negative_stock:
            raise insufficient(variant.pk, amount, available)
        specs.append(
            MoveSpec(
                "shipment",
                variant.pk,
                amount - got,
                location_of(warehouse, "stock"),
                customer,
                reference=reference,
                source_type=source_type,
                source_id=source_id,
                check=False,
            )
        )
    moves = post(specs, allow_negative=settings.allow_negative_stock)
    publish(
        "StockIssued",
        {
            "variant_id": variant.pk,
            "warehouse_id": warehouse.pk,
            "quantity": str(amount),
            "reference": reference,
            "source_type": source_type,
            "source_id": source_id,
        },
    )
    return moves


# --- supply requests ----------------------------------------------------------------------


@transaction.atomic
def request_supply(
    *,
    variant: Variant,
    warehouse: Warehouse,
    quantity: Decimal,
    reason: str,
    origin_type: str = "",
    origin_id: int | None = None,
    expected_on: date | None = None,
    note: str = "",
) -> SupplyRequest:
    """Ask for more of a variant at a warehouse: a reorder proposal or an MTO request.

    The quantity counts as incoming at the warehouse's stock location while the request is
    open or ordered. A second open reorder proposal for the same variant and warehouse is
    refused with ``duplicate_proposal`` (409).
    """
    amount = clean_quantity(quantity)
    reason = clean_choice(reason, "reason", domain.SUPPLY_REASONS)
    stock = location_of(warehouse, "stock")
    key: BalanceKey = (variant.pk, stock.pk, None)
    post([], incoming={key: amount})
    try:
        with transaction.atomic():
            request = SupplyRequest.objects.create(
                variant=variant,
                warehouse=warehouse,
                quantity=amount,
                reason=reason,
                origin_type=clean_text(origin_type, "origin_type", 60),
                origin_id=origin_id,
                expected_on=expected_on,
                note=clean_text(note, "note", 200),
            )
    except IntegrityError as exc:
        raise DomainError(
            "duplicate_proposal",
            "There already is an open reorder proposal for this item and warehouse.",
            status=409,
        ) from exc
    publish(
        "SupplyRequested",
        {
            "supply_request_id": request.pk,
            "variant_id": variant.pk,
            "warehouse_id": warehouse.pk,
            "quantity": str(amount),
            "reason": reason,
            "origin_type": request.origin_type,
            "origin_id": origin_id,
        },
    )
    return request


SUPPLY_TRANSITIONS = {
    "open": ("ordered", "done", "cancelled"),
    "ordered": ("done", "cancelled"),
    "done": (),
    "cancelled": (),
}


@transaction.atomic
def change_supply_request(
    request_id: int,
    *,
    state: str | None = None,
    quantity: Any = None,
    expected_on: date | None = None,
) -> SupplyRequest:
    """Move a supply request on (ordered, done, cancelled) or change its quantity or date.

    Done and cancelled requests no longer count as incoming. Refused: ``invalid_transition``.
    """
    found = SupplyRequest.objects.filter(pk=request_id).first()
    if found is None:
        raise not_found("supply request")
    key: BalanceKey = (found.variant_id, location_of(found.warehouse_id, "stock").pk, None)
    ids = ensure_balances([key])
    lock_balances(ids.values())
    request = SupplyRequest.objects.select_for_update().get(pk=request_id)
    if request.state not in domain.OPEN_SUPPLY_STATES:
        raise DomainError(
            "invalid_transition",
            f"The request is {request.state} already.",
            field="state",
            status=409,
        )
    change = domain.ZERO
    if quantity is not None:
        amount = clean_quantity(quantity)
        change += amount - request.quantity
        request.quantity = amount
    if expected_on is not None:
        request.expected_on = expected_on
    if state is not None and state != request.state:
        state = clean_choice(state, "state", domain.SUPPLY_STATES)
        if state not in SUPPLY_TRANSITIONS[request.state]:
            raise DomainError(
                "invalid_transition",
                f"A {request.state} request cannot become {state}.",
                field="state",
                status=409,
            )
        if state not in domain.OPEN_SUPPLY_STATES:
            change -= request.quantity
        request.state = state
    if change:
        post([], incoming={key: change})
    request.save()
    publish(
        "SupplyRequestChanged",
        {
            "supply_request_id": request.pk,
            "state": request.state,
            "quantity": str(request.quantity),
        },
    )
    return request
