"""Pure rules of customer returns (RMA): states and their moves, how much of an order line
may still come back, line conditions and dispositions, and the refund's exact amounts.

- An RMA is **requested** by the customer (or a service agent for them), **authorised**
  (or **rejected**), its goods **received** into the warehouse's quality location,
  **inspected** line by line (condition, disposition), and **closed** with a refund or
  credit record. It can be **cancelled** until the goods arrive.
- A line may return at most what was shipped of its order line less what other RMAs
  already claim (their requested quantity while open, their received quantity once in).
- The refund of a line is the order line's price for the quantity received, computed as
  the order computed it: quantity x unit price less the discount, rounded half-up to the
  currency (net), tax = net x the line's tax rate rounded the same way, gross = net + tax.
  A line returned in full refunds exactly its net / tax / gross amounts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from valuechain.platform.errors import DomainError
from valuechain.scm.orders.domain import line_amounts

ZERO = Decimal(0)
QUANTUM = Decimal("0.0001")
STATES = ("requested", "authorised", "received", "inspected", "closed", "rejected", "cancelled")
TRANSITIONS: Mapping[str, tuple[str, ...]] = {
    "requested": ("authorised", "rejected", "cancelled"),
    "authorised": ("received", "cancelled"),
    "received": ("inspected",),
    "inspected": ("closed",),
    "closed": (),
    "rejected": (),
    "cancelled": (),
}
OPEN_STATES = ("requested", "authorised")  # goods not back yet: the requested quantity counts
DEAD_STATES = ("rejected", "cancelled")  # claim nothing
REASON_CODES = (
    "damaged",
    "defective",
    "wrong_item",
    "not_as_described",
    "no_longer_needed",
    "other",
)
CONDITIONS = ("as_new", "opened", "damaged", "defective")
# What happens to the goods after inspection, and the location kind they end up in:
# restock goes back to sellable stock, scrap to the scrap location; refurbish and
# return_to_vendor stay in quality (repaired there, or waiting for the buyer's return to
# the supplier).
DISPOSITIONS = {
    "restock": "stock",
    "refurbish": "quality",
    "scrap": "scrap",
    "return_to_vendor": "quality",
}
REFUND_METHODS = ("refund", "credit")
REFUND_STATES = ("pending", "paid")


def check_move(current: str, target: str) -> None:
    """Raise ``invalid_state`` (409) unless an RMA in ``current`` may move to ``target``."""
    if target not in TRANSITIONS.get(current, ()):
        raise DomainError(
            "invalid_state",
            f"A return that is {current} cannot be {target}.",
            status=409,
            details={"state": current, "target": target},
        )


def quantity(value: object, field: str) -> Decimal:
    """A positive quantity with at most four decimals (``invalid_quantity``)."""
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        amount = Decimal("NaN")
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(QUANTUM):
        raise DomainError(
            "invalid_quantity",
            "The quantity is a number above zero with at most four decimals.",
            field=field,
        )
    return amount


@dataclass(frozen=True)
class Claim:
    """Another RMA's line on the same order line: its state and quantities."""

    state: str
    requested: Decimal
    received: Decimal


def claimed(claims: Iterable[Claim]) -> Decimal:
    """What other RMAs hold of an order line: requested while open, received once back."""
    total = ZERO
    for claim in claims:
        if claim.state in DEAD_STATES:
            continue
        total += claim.requested if claim.state in OPEN_STATES else claim.received
    return total


def returnable(shipped: Decimal, claims: Iterable[Claim]) -> Decimal:
    """What of an order line may still be returned."""
    return max(ZERO, shipped - claimed(claims))


def check_returnable(
    wanted: Decimal, shipped: Decimal, claims: Iterable[Claim], *, sku: str, field: str
) -> None:
    """Refuse ``exceeds_returnable`` (409) past what was shipped less what others claim."""
    left = returnable(shipped, claims)
    if wanted > left:
        raise DomainError(
            "exceeds_returnable",
            f"Only {left.normalize():f} of {sku} can be returned "
            f"(shipped {shipped.normalize():f}); {wanted.normalize():f} is too many.",
            status=409,
            field=field,
            details={"returnable": str(left), "shipped": str(shipped), "requested": str(wanted)},
        )


def check_received(received: Decimal, authorised: Decimal, *, sku: str, field: str) -> None:
    """Refuse receiving more than was authorised (``exceeds_authorised``, 409)."""
    if received > authorised:
        raise DomainError(
            "exceeds_authorised",
            f"Only {authorised.normalize():f} of {sku} was authorised to come back.",
            status=409,
            field=field,
            details={"authorised": str(authorised), "received": str(received)},
        )


@dataclass(frozen=True)
class RefundAmounts:
    """A refund's exact amounts, in the order's currency."""

    net: Decimal
    tax: Decimal
    gross: Decimal


@dataclass(frozen=True)
class PricedReturn:
    """A returned quantity with its order line's price terms."""

    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    tax_rate: Decimal


def refund_amounts(lines: Iterable[PricedReturn], currency: str) -> RefundAmounts:
    """The sums of each returned line priced as the order priced it (rounded per line)."""
    net = tax = ZERO
    for line in lines:
        if line.quantity <= 0:
            continue
        amounts = line_amounts(
            line.quantity,
            line.unit_price,
            currency=currency,
            discount_percent=line.discount_percent,
            tax_rate=line.tax_rate,
        )
        net += amounts.net
        tax += amounts.tax
    return RefundAmounts(net=net, tax=tax, gross=net + tax)
