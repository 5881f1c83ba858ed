"""Use cases of landed costs: freight, duty, insurance … spread over receipt moves.

A draft names the receipts (by their reference, or by move ids) and the cost lines, each in
its currency, converted to the base currency at the document date (platform/fx.py). Posting
splits the total over the receipts by value, weight or quantity exactly (largest remainder
to the cent) and raises the unit cost of what of each receipt is still in its warehouse:
under FIFO the receipt's layer, under moving average the warehouse's average (capped at the
receipt's quantity). The rest — the part already shipped, consumed, scrapped or moved to
another warehouse — is a COGS adjustment. Locks: valuation rows (pk order), then the
document.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.fx import conversion, tenant_base_currency
from valuechain.platform.inputs import clean_choice, clean_number, clean_text
from valuechain.platform.money import Money, normalize_currency
from valuechain.platform.numbering import next_number
from valuechain.scm.inventory import costing
from valuechain.scm.inventory.models import (
    CostLayer,
    LandedCost,
    LandedCostAllocation,
    LandedCostLine,
    StockMove,
)
from valuechain.scm.inventory.valuation import (
    VALUED_LOCATION_KINDS,
    costing_method,
    lock_valuations,
)

MAX_AMOUNT = Decimal("9999999999999999")


def _not_found() -> DomainError:
    """The 404 of a missing landed cost."""
    return DomainError("not_found", "No such landed cost.", status=404)


def _receipts(reference: str, move_ids: list[int] | None) -> list[StockMove]:
    """The valued receipt moves named by ids, else by reference; refused when none."""
    rows = StockMove.objects.select_related("variant", "to_location").filter(kind="receipt")
    if move_ids:
        ids = sorted({int(pk) for pk in move_ids})
        moves = list(rows.filter(pk__in=ids).order_by("pk"))
        missing = sorted(set(ids) - {m.pk for m in moves})
        if missing:
            raise DomainError(
                "not_found",
                f"No receipt move {missing[0]}.",
                field="move_ids",
                status=404,
                details={"missing": missing},
            )
    elif reference:
        moves = list(rows.filter(reference=reference).order_by("pk"))
    else:
        raise DomainError(
            "receipts_required", "Name the receipts: a reference or move ids.", field="reference"
        )
    moves = [m for m in moves if m.to_location.kind in VALUED_LOCATION_KINDS]
    if not moves:
        raise DomainError(
            "no_receipts", f"No receipt with the reference {reference!r}.", field="reference"
        )
    return moves


def bases(method: str, moves: list[StockMove]) -> list[Decimal]:
    """What each receipt weighs in the split: its value, weight (kg) or quantity."""
    out = []
    for move in moves:
        if method == "value":
            out.append(move.value)
        elif method == "quantity":
            out.append(move.quantity)
        else:
            if move.variant.weight_kg is None:
                raise DomainError(
                    "missing_weight",
                    f"{move.variant.sku} has no weight; enter it on the item or split by "
                    "value or quantity.",
                    field="method",
                    details={"variant_id": move.variant_id, "move_id": move.pk},
                )
            out.append(move.variant.weight_kg * move.quantity)
    if sum(out, costing.ZERO) <= 0:
        raise DomainError(
            "nothing_to_split",
            f"The receipts have no {method} to split the cost by.",
            field="method",
        )
    return out


def _line(index: int, line: dict[str, Any], day: date, base: str) -> LandedCostLine:
    """A cleaned cost line converted to the base currency at the day's rate (unsaved)."""
    prefix = f"lines.{index}"
    try:
        kind = clean_choice(line.get("kind"), "kind", costing.LANDED_COST_KINDS)
        amount = clean_number(
            line.get("amount"), "amount", places=2, maximum=MAX_AMOUNT, positive=True
        )
        currency = normalize_currency(line.get("currency") or base)
    except DomainError as exc:
        exc.details["field"] = exc.field = f"{prefix}.{exc.field or 'currency'}"
        raise
    if currency == base:
        rate, base_amount = Decimal(1), amount
    else:
        converted, rate = conversion(Money(amount, currency), base, day)
        base_amount = converted.amount
    return LandedCostLine(
        kind=kind, amount=amount, currency=currency, rate=rate, base_amount=base_amount
    )


@transaction.atomic
def create_landed_cost(
    *,
    date: date,
    method: str,
    lines: list[dict[str, Any]],
    reference: str = "",
    move_ids: list[int] | None = None,
    note: str = "",
) -> LandedCost:
    """A draft landed cost over the receipts of a reference (or the given receipt moves).

    Lines are dicts of kind (freight, duty, insurance, other), amount (> 0, 2 decimals) and
    currency (default: the base currency), converted at the document date.
    """
    method = clean_choice(method, "method", costing.ALLOCATION_METHODS)
    reference = clean_text(reference, "reference", 100)
    if not lines:
        raise DomainError("lines_required", "Enter at least one cost.", field="lines")
    base = tenant_base_currency()
    rows = [_line(index, line, date, base) for index, line in enumerate(lines)]
    moves = _receipts(reference, move_ids)
    weights = bases(method, moves)
    landed = LandedCost.objects.create(
        number=next_number("landed-cost", prefix="LC-"),
        date=date,
        method=method,
        reference=reference,
        note=clean_text(note, "note", 200),
    )
    for row in rows:
        row.landed_cost = landed
        row.save()
    for move, weight in zip(moves, weights, strict=True):
        LandedCostAllocation.objects.create(
            landed_cost=landed,
            move=move,
            variant_id=move.variant_id,
            warehouse_id=move.to_location.warehouse_id,
            basis=weight,
        )
    publish("LandedCostCreated", {"landed_cost_id": landed.pk, "number": landed.number})
    return landed


@transaction.atomic
def post_landed_cost(landed_cost_id: int) -> LandedCost:
    """Split the total over the receipts and raise the cost of what is still on hand.

    Refused: ``invalid_transition`` (409) when posted already, ``missing_weight`` by weight.
    """
    found = LandedCost.objects.filter(pk=landed_cost_id).first()
    if found is None:
        raise _not_found()
    allocations = list(
        LandedCostAllocation.objects.filter(landed_cost=found)
        .select_related("move__variant", "move__to_location")
        .order_by("pk")
    )
    rows = lock_valuations((a.variant_id, a.warehouse_id) for a in allocations)
    landed = LandedCost.objects.select_for_update().get(pk=landed_cost_id)
    if landed.state != "draft":
        raise DomainError("invalid_transition", "The landed cost is posted already.", status=409)
    total = sum((line.base_amount for line in landed.lines.all()), costing.ZERO)
    weights = bases(landed.method, [a.move for a in allocations])
    shares = costing.allocate(total, weights)
    fifo = costing_method() == "fifo"
    for allocation, weight, share in zip(allocations, weights, shares, strict=True):
        row = rows[(allocation.variant_id, allocation.warehouse_id)]
        received = allocation.move.quantity
        if fifo:
            layer = CostLayer.objects.filter(move_id=allocation.move_id, quantity__gt=0).first()
            remaining = layer.remaining_quantity if layer else costing.ZERO
            kept = costing.on_hand_part(share, remaining, received)
            if layer is not None and kept:
                layer.remaining_value += kept
                layer.save(update_fields=["remaining_value", "updated_at"])
        else:
            kept = costing.on_hand_part(share, row.quantity, received)
        row.value += kept
        if row.quantity > 0:
            row.unit_cost = costing.unit_cost(row.value, row.quantity)
        row.save(update_fields=["value", "unit_cost", "updated_at"])
        allocation.basis = weight
        allocation.amount = share
        allocation.inventory_amount = kept
        allocation.cogs_amount = share - kept
        allocation.save(
            update_fields=["basis", "amount", "inventory_amount", "cogs_amount", "updated_at"]
        )
    landed.state = "posted"
    landed.posted_at = timezone.now()
    landed.save(update_fields=["state", "posted_at", "updated_at"])
    publish(
        "LandedCostPosted",
        {"landed_cost_id": landed.pk, "number": landed.number, "total": str(total)},
    )
    return landed


@transaction.atomic
def delete_landed_cost(landed_cost_id: int) -> None:
    """Drop a draft (posted ones stay: they are part of the valuation)."""
    landed = LandedCost.objects.select_for_update().filter(pk=landed_cost_id).first()
    if landed is None:
        raise _not_found()
    if landed.state != "draft":
        raise DomainError("invalid_transition", "A posted landed cost stays.", status=409)
    landed.delete()
    publish("LandedCostDeleted", {"landed_cost_id": landed_cost_id})
