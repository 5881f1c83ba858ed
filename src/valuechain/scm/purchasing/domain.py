"""Pure rules of purchasing: purchase-order states and their transitions, line amounts.

Plain Python and Decimal only (no Django).
"""

from __future__ import annotations

from collections.abc import Iterable
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
ZERO = Decimal(0)


def can_move(state: str, to: str) -> bool:
    """Whether a purchase order in ``state`` may enter ``to``."""
    return to in PO_TRANSITIONS.get(state, ())


def line_net(quantity: Decimal, unit_price: Decimal) -> Decimal:
    """A line's net amount, rounded to the cent (half-even, like every amount here)."""
    return (quantity * unit_price).quantize(CENT)


def order_receipt_totals(lines: Iterable[tuple[Decimal, Decimal]]) -> tuple[Decimal, Decimal]:
    """Ordered and received totals of an order from (ordered, received) per line.

    A line's excess is not counted, so 110 of one line never makes up for 10 missing on
    another: the order is received only when every line is.
    """
    ordered = received = ZERO
    for line_ordered, line_received in lines:
        ordered += line_ordered
        received += min(line_received, line_ordered)
    return ordered, received


def receipt_state(ordered: Decimal, received: Decimal) -> str:
    """The state an order's receipts put it in: nothing, part or all of it received."""
    if received <= 0:
        return "sent"
    return "received" if received >= ordered else "partially_received"


# --- approval -------------------------------------------------------------------------------

# States in which the header and the lines may still change.
EDITABLE_STATES = ("draft",)
# States a buyer may still cancel from: nothing has arrived yet.
CANCELLABLE_STATES = ("draft", "to_approve", "sent")


def approval_role(amount: Decimal, rules: list[tuple[Decimal, str]]) -> str | None:
    """The role that must approve an order of ``amount`` (base currency), or None.

    A rule ``(threshold, role)`` applies from its threshold on (an order of exactly the
    threshold needs approval); of several, the highest threshold reached decides, so a large
    order goes to the most senior approver only (one approval, not a chain).
    """
    reached = [(threshold, role) for threshold, role in rules if amount >= threshold]
    if not reached:
        return None
    return max(reached, key=lambda rule: rule[0])[1]


def may_approve(*, role: str | None, user_id: int | None, buyer_id: int | None, needed: str) -> str:
    """Why this user may not approve (an error code), or "" when they may.

    The approver holds the role the rule names (an administrator may stand in for any role)
    and is not the buyer who placed the order: nobody approves their own purchase.
    """
    if role is None or user_id is None:
        return "approver_required"
    if role != needed and role != "admin":
        return "approver_role_required"
    if buyer_id is not None and buyer_id == user_id:
        return "own_order"
    return ""


def base_amount(amount: Decimal, rate: Decimal) -> Decimal:
    """An amount of the order's currency in the base currency at the fixed rate, to the cent."""
    return (amount * rate).quantize(CENT)
