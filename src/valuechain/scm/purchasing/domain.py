"""Pure rules of purchasing: purchase-order states and their transitions, line amounts.

Plain Python and Decimal only (no Django).
"""

from __future__ import annotations

from decimal import Decimal

# The life of a purchase order. "to_approve" is skipped when no approval rule applies.
PO_STATES = (
    "draft",
    "to_approve",
    "sent",
    "partially_received",
    "received",
    "closed",
    "cancelled",
)
# Goods can still arrive against an order in these states.
RECEIVABLE_STATES = ("sent", "partially_received")
PO_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("to_approve", "sent", "cancelled"),
    "to_approve": ("draft", "sent", "cancelled"),
    "sent": ("partially_received", "received", "closed", "cancelled"),
    "partially_received": ("received", "closed"),
    "received": ("closed", "partially_received"),  # back when goods go back to the supplier
    "closed": (),
    "cancelled": (),
}
CENT = Decimal("0.01")


def can_move(state: str, to: str) -> bool:
    """Whether a purchase order in ``state`` may enter ``to``."""
    return to in PO_TRANSITIONS.get(state, ())


def line_net(quantity: Decimal, unit_price: Decimal) -> Decimal:
    """A line's net amount, rounded to the cent (half-even, like every amount here)."""
    return (quantity * unit_price).quantize(CENT)


def receipt_state(ordered: Decimal, received: Decimal) -> str:
    """The state an order's receipts put it in: nothing, part or all of it received."""
    if received <= 0:
        return "sent"
    return "received" if received >= ordered else "partially_received"
