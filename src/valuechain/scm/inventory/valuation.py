"""Use cases of inventory valuation: every move valued as it is posted, the costing method.

``services.post`` hands its moves to ``save_valued`` after locking the balances; this locks
the ``StockValuation`` rows of the variants and warehouses involved (primary-key order, so
the lock order stays balances → valuations → layers everywhere) and sets ``unit_cost`` and
``value`` on each move before it is written. The valued stock of a warehouse is what sits at
its internal locations except scrap (in transit counts under the receiving warehouse, whose
TRANSIT location it is). A move between two locations of the same warehouse carries the
current unit cost but changes no value. Values are base currency, 2 decimals; unit costs 6.

This module must not import ``services`` (services imports it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from valuechain.platform.errors import DomainError
from valuechain.platform.inputs import clean_choice
from valuechain.scm.inventory import costing, domain
from valuechain.scm.inventory.models import (
    CostLayer,
    InventorySettings,
    Location,
    StockMove,
    StockValuation,
)

if TYPE_CHECKING:  # pragma: no cover
    from valuechain.scm.inventory.services import MoveSpec

ValuationKey = tuple[int, int]  # variant id, warehouse id
# Internal location kinds whose stock is valued: scrapped goods have left the valuation.
VALUED_LOCATION_KINDS = tuple(k for k in domain.INTERNAL_LOCATION_KINDS if k != "scrap")
MAX_UNIT_COST = Decimal("99999999999999")


def valued_warehouse(location: Location) -> int | None:
    """The warehouse whose valuation stock at this location counts in, None outside it."""
    return location.warehouse_id if location.kind in VALUED_LOCATION_KINDS else None


def costing_method() -> str:
    """The tenant's costing method: ``average`` (default) or ``fifo``."""
    method = InventorySettings.objects.values_list("costing_method", flat=True).first()
    return method or "average"


def clean_unit_cost(value: Any, field: str = "unit_cost") -> Decimal | None:
    """None, or a cost per unit >= 0 rounded half up to 6 decimals (base currency)."""
    if value is None or value == "":
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        number = Decimal("NaN")
    if not number.is_finite() or number < 0 or number > MAX_UNIT_COST:
        raise DomainError(
            f"invalid_{field}",
            "The unit cost must be a number of at least 0.",
            field=field,
        )
    return number.quantize(costing.UNIT, rounding="ROUND_HALF_UP")


def checked_method(current: str, wanted: Any) -> str:
    """The new costing method; refused (``valued_stock_exists``, 409) while stock is valued."""
    method = clean_choice(wanted, "costing_method", costing.COSTING_METHODS)
    if method != current and (
        StockValuation.objects.exclude(quantity=0, value=0).exists()
        or CostLayer.objects.exclude(remaining_quantity=0, remaining_value=0).exists()
    ):
        raise DomainError(
            "valued_stock_exists",
            "The costing method can only change while no stock is valued; "
            "issue or count the stock to zero first.",
            field="costing_method",
            status=409,
        )
    return method


def current_cost(variant_id: int, warehouse_id: int) -> Decimal:
    """The unit cost a move into the warehouse gets when none is given (0 if never valued)."""
    found = StockValuation.objects.filter(variant_id=variant_id, warehouse_id=warehouse_id)
    return found.values_list("unit_cost", flat=True).first() or costing.ZERO


# --- locking --------------------------------------------------------------------------


def _find(key: ValuationKey) -> int | None:
    """The valuation row id of a variant and warehouse, if any."""
    rows = StockValuation.objects.filter(variant_id=key[0], warehouse_id=key[1])
    return rows.values_list("pk", flat=True).first()


def lock_valuations(keys: Iterable[ValuationKey]) -> dict[ValuationKey, StockValuation]:
    """The valuation rows of the keys, created when missing (race-safe) and locked in pk
    order; callers hold the balance locks first."""
    ids: dict[ValuationKey, int] = {}
    for key in sorted(set(keys)):
        pk = _find(key)
        if pk is None:
            try:
                with transaction.atomic():
                    pk = StockValuation.objects.create(variant_id=key[0], warehouse_id=key[1]).pk
            except IntegrityError:
                pk = _find(key)
                if pk is None:  # pragma: no cover - the clash row must exist now
                    raise
        ids[key] = pk
    if not ids:
        return {}
    rows = StockValuation.objects.select_for_update().filter(pk__in=ids.values()).order_by("pk")
    by_pk = {row.pk: row for row in rows}
    return {key: by_pk[pk] for key, pk in ids.items()}


def _refresh_cost(row: StockValuation) -> None:
    """Keep the unit cost at value / quantity while stock is on hand (else the last one)."""
    if row.quantity > 0:
        row.unit_cost = costing.unit_cost(row.value, row.quantity)


# --- taking value out and putting it in --------------------------------------------------


def _layers(row: StockValuation, positive: bool) -> list[CostLayer]:
    """The row's FIFO layers with stock left (or short), oldest first."""
    rows = CostLayer.objects.filter(variant_id=row.variant_id, warehouse_id=row.warehouse_id)
    rows = (
        rows.filter(remaining_quantity__gt=0) if positive else rows.filter(remaining_quantity__lt=0)
    )
    return list(rows.order_by("pk"))


def _take(method: str, row: StockValuation, quantity: Decimal) -> tuple[Decimal, CostLayer | None]:
    """The value ``quantity`` takes out of the row (and its layers under FIFO)."""
    short: CostLayer | None = None
    if method == "fifo":
        layers = _layers(row, positive=True)
        takes, uncovered = costing.fifo_out(
            [costing.Layer(x.pk, x.remaining_quantity, x.remaining_value) for x in layers],
            quantity,
            row.unit_cost,
        )
        by_pk = {x.pk: x for x in layers}
        for take in takes:
            layer = by_pk[take.layer_id]
            layer.remaining_quantity -= take.quantity
            layer.remaining_value -= take.value
            layer.save(update_fields=["remaining_quantity", "remaining_value", "updated_at"])
        value = sum((t.value for t in takes), costing.ZERO) + uncovered
        covered = sum((t.quantity for t in takes), costing.ZERO)
        if covered < quantity:  # negative stock: a negative layer the next receipt fills
            short = CostLayer.objects.create(
                variant_id=row.variant_id,
                warehouse_id=row.warehouse_id,
                quantity=covered - quantity,
                unit_cost=row.unit_cost,
                value=-uncovered,
                remaining_quantity=covered - quantity,
                remaining_value=-uncovered,
            )
    else:
        value = costing.average_out(row.quantity, row.value, row.unit_cost, quantity)
    row.quantity -= quantity
    row.value -= value
    _refresh_cost(row)
    return value, short


def _put(
    method: str, row: StockValuation, quantity: Decimal, value: Decimal, cost: Decimal
) -> CostLayer | None:
    """Add ``quantity`` worth ``value`` to the row (a new layer under FIFO)."""
    layer = None
    if method == "fifo":
        remaining_quantity, remaining_value = quantity, value
        negatives = _layers(row, positive=False)
        by_pk = {x.pk: x for x in negatives}
        fills = costing.fifo_fill(
            [costing.Layer(x.pk, x.remaining_quantity, x.remaining_value) for x in negatives],
            quantity,
        )
        for fill in fills:
            short = by_pk[fill.layer_id]
            short.remaining_quantity += fill.quantity
            short.remaining_value -= fill.value
            short.save(update_fields=["remaining_quantity", "remaining_value", "updated_at"])
            remaining_quantity -= fill.quantity
            remaining_value += fill.value
        layer = CostLayer.objects.create(
            variant_id=row.variant_id,
            warehouse_id=row.warehouse_id,
            quantity=quantity,
            unit_cost=cost,
            value=value,
            remaining_quantity=remaining_quantity,
            remaining_value=remaining_value,
        )
    row.quantity += quantity
    row.value += value
    if row.quantity > 0:
        row.unit_cost = costing.unit_cost(row.value, row.quantity)
    else:
        row.unit_cost = cost  # nothing on hand: the last known cost is this one
    return layer


def save_valued(specs: Sequence[MoveSpec], moves: Sequence[StockMove]) -> None:
    """Value each move (unit cost and value), change valuations and layers, save the moves.

    Out of a warehouse at its FIFO / average cost; into one at the spec's ``unit_cost``,
    else the cost of what left the other warehouse (transfers), else the current cost.
    """
    method = costing_method()
    keys: list[ValuationKey] = []
    for spec in specs:
        for location in (spec.from_location, spec.to_location):
            warehouse_id = valued_warehouse(location)
            if warehouse_id is not None:
                keys.append((spec.variant_id, warehouse_id))
    rows = lock_valuations(keys)
    created: list[tuple[CostLayer, StockMove]] = []
    for spec, move in zip(specs, moves, strict=True):
        out_wh = valued_warehouse(spec.from_location)
        in_wh = valued_warehouse(spec.to_location)
        quantity = spec.quantity
        if out_wh is not None and out_wh == in_wh:  # inside one warehouse: no value change
            cost = rows[(spec.variant_id, out_wh)].unit_cost
            move.unit_cost, move.value = cost, costing.money(quantity * cost)
            continue
        value: Decimal | None = None
        cost = costing.ZERO
        if out_wh is not None:
            value, short = _take(method, rows[(spec.variant_id, out_wh)], quantity)
            cost = costing.unit_cost(value, quantity)
            if short is not None:
                created.append((short, move))
        if in_wh is not None:
            row = rows[(spec.variant_id, in_wh)]
            if value is None:
                given = getattr(spec, "unit_cost", None)
                cost = row.unit_cost if given is None else given
                value = costing.money(quantity * cost)
            layer = _put(method, row, quantity, value, cost)
            if layer is not None:
                created.append((layer, move))
        move.unit_cost = cost
        move.value = value if value is not None else costing.ZERO
    now = timezone.now()
    for row in rows.values():
        row.updated_at = now
    StockValuation.objects.bulk_update(
        list(rows.values()), ["quantity", "value", "unit_cost", "updated_at"]
    )
    for move in moves:
        move.save()
    for layer, move in created:
        CostLayer.objects.filter(pk=layer.pk).update(move=move)
