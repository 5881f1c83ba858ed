"""Pure rules of quality: stages, states, tolerance checks, the outcome of an inspection and
defect rates.

Nothing here touches the database. Quantities and measured values are ``Decimal``; a value
equal to a tolerance bound is inside the tolerance.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

# Where a plan applies: goods received from suppliers, output of work orders, or both.
PLAN_STAGES = ("receipt", "production", "both")
# Where an inspection happens (a plan of stage "both" serves either).
INSPECTION_STAGES = ("receipt", "production")
CHECK_KINDS = ("pass_fail", "measurement")
INSPECTION_STATES = ("pending", "passed", "failed", "partial")
# What can happen to rejected goods held in the quality location.
DISPOSITION_KINDS = ("release", "scrap", "return")
QUANTUM = Decimal("0.0001")
HUNDRED = Decimal(100)


def stages_covering(stage: str) -> tuple[str, ...]:
    """The plan stages that apply to an inspection stage: its own and "both"."""
    return (stage, "both")


def bounds(
    target: Decimal, lower_tolerance: Decimal, upper_tolerance: Decimal
) -> tuple[Decimal, Decimal]:
    """The lowest and highest accepted value: target - lower tolerance, target + upper."""
    return target - lower_tolerance, target + upper_tolerance


def within_tolerance(
    value: Decimal, target: Decimal, lower_tolerance: Decimal, upper_tolerance: Decimal
) -> bool:
    """Whether a measured value lies inside the tolerance (a value on a bound passes)."""
    low, high = bounds(target, lower_tolerance, upper_tolerance)
    return low <= value <= high


def outcome_state(accepted: Decimal, rejected: Decimal) -> str:
    """passed (nothing rejected), failed (nothing accepted) or partial (some of each)."""
    if rejected == 0:
        return "passed"
    if accepted == 0:
        return "failed"
    return "partial"


def sample_quantity(quantity: Decimal, sample_size: Decimal | None) -> Decimal:
    """How many units to inspect: the plan's sample size, at most the quantity (None: all)."""
    if sample_size is None:
        return quantity
    return min(quantity, sample_size)


def rate_percent(part: Decimal, whole: Decimal) -> Decimal:
    """part / whole as a percentage with 2 decimals (0 when nothing was inspected)."""
    if whole == 0:
        return Decimal("0.00")
    return (part * HUNDRED / whole).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class ReasonCount:
    """A defect reason and the quantity rejected for it."""

    code: str
    name: str
    quantity: Decimal


def top_reasons(rows: Iterable[ReasonCount], limit: int = 3) -> list[ReasonCount]:
    """The reasons with the most rejected quantity, largest first (ties by code)."""
    return sorted(rows, key=lambda r: (-r.quantity, r.code))[:limit]
