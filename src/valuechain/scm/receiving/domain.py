"""Pure rules of receiving: the over-receipt tolerance, lead-time statistics from receipts and
the choice of the purchase-order line a scanned item counts against.

Plain Python and Decimal only (no Django).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

ASN_STATES = ("expected", "received", "cancelled")
# A fully received order still takes what the over-receipt tolerance allows (a late extra
# carton); beyond it the refusal is ``over_receipt``, whatever the order's state says.
ACCEPTS_GOODS_STATES = ("sent", "partially_received", "received")
ZERO = Decimal(0)
HUNDRED = Decimal(100)
DAY_PLACES = Decimal("0.01")  # as SupplierProduct stores lead times
QUANTITY_PLACES = Decimal("0.0001")


def allowed_quantity(ordered: Decimal, tolerance_percent: Decimal) -> Decimal:
    """The most that may be received against ``ordered``: 100 at 10 % → 110.0000."""
    return (ordered * (HUNDRED + tolerance_percent) / HUNDRED).quantize(
        QUANTITY_PLACES, rounding=ROUND_HALF_EVEN
    )


def exceeds_tolerance(
    ordered: Decimal, received: Decimal, adding: Decimal, tolerance_percent: Decimal
) -> bool:
    """Whether receiving ``adding`` more goes beyond the tolerance (exactly at it passes)."""
    return received + adding > allowed_quantity(ordered, tolerance_percent)


@dataclass(frozen=True)
class LeadTimeStats:
    """Mean and sample standard deviation of lead times in days, over ``count`` receipts."""

    count: int
    mean: Decimal
    std: Decimal


def lead_time_days(ordered_on: date, received_on: date) -> int:
    """Whole days from ordering (sending the order) to receiving; never below zero."""
    return max((received_on - ordered_on).days, 0)


def lead_time_stats(samples: Sequence[int | Decimal]) -> LeadTimeStats:
    """Mean and **sample** standard deviation (n - 1) of lead-time samples, to the 1/100 day.

    The sample deviation estimates the supplier's spread for safety stock; with one receipt
    there is no spread to measure yet, so it is 0.
    """
    values = [Decimal(v) for v in samples]
    count = len(values)
    if not count:
        return LeadTimeStats(0, ZERO, ZERO)
    mean = sum(values, ZERO) / count
    std = ZERO
    if count > 1:
        variance = sum(((v - mean) ** 2 for v in values), ZERO) / (count - 1)
        std = variance.sqrt()
    return LeadTimeStats(
        count,
        mean.quantize(DAY_PLACES, rounding=ROUND_HALF_EVEN),
        std.quantize(DAY_PLACES, rounding=ROUND_HALF_EVEN),
    )


@dataclass(frozen=True)
class OpenLine:
    """A purchase-order line as scanning sees it: what is ordered, received and pending."""

    line_id: int
    variant_id: int
    ordered: Decimal
    received: Decimal
    pending: Decimal = ZERO


def line_for_item(lines: Sequence[OpenLine], variant_id: int) -> OpenLine | None:
    """The line a scanned item counts against: the first (by position) of its variant with
    something still open after what is pending, else the last line of that variant."""
    candidates = [line for line in lines if line.variant_id == variant_id]
    for line in candidates:
        if line.received + line.pending < line.ordered:
            return line
    return candidates[-1] if candidates else None
