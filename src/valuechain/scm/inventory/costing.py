"""Pure rules of inventory valuation: moving average, FIFO layers, landed-cost shares.

Nothing here touches the database. Values are ``Decimal`` in the tenant's base currency:
a move's or layer's value has 2 decimals (cents, rounded half up), a unit cost 6. The value
is authoritative; the unit cost is value / quantity for information, so quantity x unit cost
may differ from the value by rounding while sums of values stay exact.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

COSTING_METHODS = ("average", "fifo")
LANDED_COST_KINDS = ("freight", "duty", "insurance", "other")
LANDED_COST_STATES = ("draft", "posted")
ALLOCATION_METHODS = ("value", "weight", "quantity")

CENT = Decimal("0.01")
UNIT = Decimal("0.000001")
ZERO = Decimal(0)


def money(value: Decimal) -> Decimal:
    """A value rounded half up to cents."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def unit_cost(value: Decimal, quantity: Decimal) -> Decimal:
    """Value per unit to 6 decimals; 0 for no quantity."""
    if quantity == 0:
        return ZERO.quantize(UNIT)
    return (value / quantity).quantize(UNIT, rounding=ROUND_HALF_UP)


def share_of(value: Decimal, part: Decimal, whole: Decimal) -> Decimal:
    """The cents of ``value`` that ``part`` of ``whole`` carries (all of it for the whole)."""
    if part == whole:
        return value
    return money(value * part / whole)


# --- moving average ------------------------------------------------------------------------


def average_out(quantity: Decimal, value: Decimal, last_cost: Decimal, take: Decimal) -> Decimal:
    """The value leaving a moving-average stock of ``quantity`` worth ``value``.

    A proportional share of the value (all of it when everything leaves), so what stays
    plus what left is always the value before. Beyond what is on hand (negative stock
    allowed) the missing part leaves at the last known unit cost.
    """
    if quantity <= 0:
        return money(take * last_cost)
    if take <= quantity:
        return share_of(value, take, quantity)
    return value + money((take - quantity) * last_cost)


# --- FIFO ---------------------------------------------------------------------------------


@dataclass
class Layer:
    """What remains of one receipt's cost layer (negative: stock issued before it came)."""

    id: int
    remaining_quantity: Decimal
    remaining_value: Decimal


@dataclass(frozen=True)
class Take:
    """Quantity and value taken from (or, negative, added to) a layer."""

    layer_id: int
    quantity: Decimal
    value: Decimal


def fifo_out(
    layers: Sequence[Layer], take: Decimal, last_cost: Decimal
) -> tuple[list[Take], Decimal]:
    """What leaving ``take`` consumes of the positive layers, oldest first, and the value
    of the part no layer covers (negative stock: at the last known unit cost)."""
    takes: list[Take] = []
    remaining = take
    for layer in layers:
        if remaining <= 0:
            break
        if layer.remaining_quantity <= 0:
            continue
        quantity = min(layer.remaining_quantity, remaining)
        value = share_of(layer.remaining_value, quantity, layer.remaining_quantity)
        takes.append(Take(layer.id, quantity, value))
        remaining -= quantity
    uncovered = money(remaining * last_cost) if remaining > 0 else ZERO
    return takes, uncovered


def fifo_fill(negatives: Sequence[Layer], quantity: Decimal) -> list[Take]:
    """How much of an incoming quantity fills the negative layers, oldest first.

    Each take moves the filled part of the negative layer's (negative) value onto the new
    layer, so the total value is unchanged and the negative layer ends at zero when filled.
    """
    takes: list[Take] = []
    remaining = quantity
    for layer in negatives:
        if remaining <= 0:
            break
        short = -layer.remaining_quantity
        if short <= 0:
            continue
        fill = min(short, remaining)
        value = share_of(layer.remaining_value, fill, short)  # negative
        takes.append(Take(layer.id, fill, value))
        remaining -= fill
    return takes


# --- landed costs ------------------------------------------------------------------------


def allocate(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split ``total`` (cents) by weights; the shares add up to it exactly.

    Largest remainder in cents: each share gets its floor, the leftover cents go to the
    largest remainders (earliest first on ties): 100.00 by (1, 1, 1) is 33.34, 33.33, 33.33.
    Raises ValueError without a positive weight.
    """
    if not weights or any(w < 0 for w in weights) or sum(weights) <= 0:
        raise ValueError("weights must be non-negative and add up to more than zero")
    cents = int((money(total) / CENT).to_integral_value())
    sign = -1 if cents < 0 else 1
    cents = abs(cents)
    weight_sum = sum(Fraction(w) for w in weights)
    exact = [cents * Fraction(w) / weight_sum for w in weights]
    parts = [math.floor(x) for x in exact]
    leftover = cents - sum(parts)
    for index in sorted(range(len(parts)), key=lambda i: (parts[i] - exact[i], i))[:leftover]:
        parts[index] += 1
    return [sign * Decimal(p) * CENT for p in parts]


def on_hand_part(amount: Decimal, remaining: Decimal, received: Decimal) -> Decimal:
    """The part of a receipt's landed cost that stays in stock: in proportion to what of
    the receipt is still on hand (capped at all of it); the rest went out already (COGS)."""
    if remaining <= 0 or received <= 0:
        return ZERO
    return share_of(amount, min(remaining, received), received)
