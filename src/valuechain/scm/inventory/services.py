"""The stock ledger of inventory: balances, posting moves, receipts and unreserved issues.

These signatures are what orders, fulfillment, bar codes, POS, receiving and quality call;
callers rely on the names, arguments, return values and error codes written here. The
helpers every inventory use case shares (quantities, not-found and shortage errors,
virtual locations, lots, balance locking) live here too.

Every function runs in one transaction, locks the balance rows it changes in primary-key
order (``select_for_update``), keeps each balance equal to the sum of the ledger, raises
DomainError with a stable code (``insufficient_stock`` is a 409 with the available
quantity in ``details``) and publishes a past-tense event. Locks are always taken in the
same order: balance rows (by primary key), then reservations, then the document (count,
transfer, supply request). The other use cases live beside this module, one per subject:
warehouses, locations and the policy in ``warehouses.py``; reservations and shipping
reserved stock in ``reservations.py``; supply requests in ``supply.py``; transfers,
counts, scrap, adjustments and returns in ``movements.py``; consumption and production in
``production.py``; reorder rules in ``replenishment.py``; costs in ``valuation.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.inputs import clean_text
from valuechain.platform.tenancy.context import current
from valuechain.scm.catalog.models import Variant
from valuechain.scm.inventory import domain, valuation
from valuechain.scm.inventory.models import (
    InventorySettings,
    Location,
    Lot,
    StockBalance,
    StockMove,
    Warehouse,
)

BalanceKey = tuple[int, int, int | None]  # variant id, location id, lot id
MAX_QUANTITY = Decimal("99999999999999")


# --- small helpers ----------------------------------------------------------------------


def today() -> date:
    """The business day expiry is judged against (tests may replace it)."""
    return timezone.localdate()


def policy() -> InventorySettings:
    """The tenant's inventory settings; an unsaved default when none were stored (no write)."""
    return InventorySettings.objects.first() or InventorySettings(
        allow_negative_stock=False, fefo=False
    )


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


# --- receipts -----------------------------------------------------------------------------


def internal_location(location: Location, warehouse: Warehouse | None = None) -> Location:
    """The location, refused (``invalid_location``) unless internal and of that warehouse."""
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
    target = internal_location(location, warehouse) if location else location_of(warehouse, "stock")
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


# --- unreserved picks and issues ----------------------------------------------------


def as_bin(row: StockBalance, free: Decimal | None = None) -> domain.Bin:
    """A balance row as the pure picking rule sees it (what is free, expiry, walking order)."""
    return domain.Bin(
        id=row.pk,
        available=row.available if free is None else free,
        expires_on=row.lot.expires_on if row.lot is not None else None,
        pick_order=row.location.pick_order,
    )


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
    group = [as_bin(row) for row in rows]
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
