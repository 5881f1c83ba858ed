"""Pure rules of manufacturing: bill-of-materials explosion, proportional consumption and
the productivity figures (output per day, units per labour hour, yield, OEE).

Plain Python and Decimal only, so every figure can be checked by hand in a unit test.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

BOM_KINDS = ("manufacture", "kit", "packaging")
WORK_ORDER_STATES = ("planned", "released", "in_progress", "done", "cancelled")
TRANSITIONS = {
    "planned": ("released", "cancelled"),
    "released": ("in_progress", "done", "cancelled"),
    "in_progress": ("done",),
    "done": (),
    "cancelled": (),
}
QUANTUM = Decimal("0.0001")  # as quantities are stored
RATIO = Decimal("0.0001")  # figures such as 0.8125 (81.25 %)
ZERO = Decimal(0)
HUNDRED = Decimal(100)


class BomCycle(Exception):
    """A bill of materials contains itself, directly or further down."""

    def __init__(self, path: list[int]) -> None:
        super().__init__(" → ".join(str(p) for p in path))
        self.path = path


@dataclass(frozen=True)
class Component:
    """One input of a bill: a variant, its quantity per output batch and its scrap factor."""

    variant_id: int
    quantity: Decimal
    scrap_percent: Decimal = ZERO

    @property
    def gross(self) -> Decimal:
        """The quantity with the expected scrap added: 10 at 5 % scrap is 10.5."""
        return self.quantity * (HUNDRED + self.scrap_percent) / HUNDRED


@dataclass(frozen=True)
class Bill:
    """A bill of materials as explosion sees it: what one batch of output needs."""

    output_quantity: Decimal
    components: tuple[Component, ...]
    kind: str = "manufacture"


@dataclass
class Explosion:
    """Explosion result: the leaves to take from stock and every line met on the way."""

    leaves: dict[int, Decimal] = field(default_factory=dict)
    lines: list[tuple[int, int, Decimal]] = field(default_factory=list)  # level, variant, qty


def q(value: Decimal) -> Decimal:
    """A quantity rounded as it is stored (4 decimals, half up)."""
    return value.quantize(QUANTUM, rounding=ROUND_HALF_UP)


def explode(
    variant_id: int,
    quantity: Decimal,
    bills: Mapping[int, Bill],
    *,
    expand: Callable[[int, Bill], bool] | None = None,
) -> Explosion:
    """Explode ``quantity`` of a variant through its bill and the bills of its components.

    Each level needs ``quantity / output_quantity * component quantity * (1 + scrap %)``.
    A component is exploded further when it has a bill (and ``expand`` agrees), otherwise it
    is a leaf. Leaves are summed per variant and rounded to 4 decimals at the end only, so
    rounding never compounds down the levels. Raises BomCycle when a bill contains itself.
    """
    result = Explosion()
    totals: dict[int, Decimal] = defaultdict(Decimal)

    def walk(current: int, needed: Decimal, level: int, path: list[int]) -> None:
        bill = bills[current]
        for component in bill.components:
            if component.variant_id in path or component.variant_id == current:
                raise BomCycle([*path, current, component.variant_id])
            amount = needed / bill.output_quantity * component.gross
            result.lines.append((level, component.variant_id, q(amount)))
            sub = bills.get(component.variant_id)
            if sub is not None and (expand is None or expand(component.variant_id, sub)):
                walk(component.variant_id, amount, level + 1, [*path, current])
            else:
                totals[component.variant_id] += amount

    if variant_id not in bills:
        return result
    walk(variant_id, quantity, 1, [])
    result.leaves = {variant: q(amount) for variant, amount in totals.items()}
    return result


def find_cycle(bills: Mapping[int, Bill]) -> list[int] | None:
    """The first cycle among the bills (as a path of variant ids), or None."""
    for variant_id in sorted(bills):
        try:
            explode(variant_id, Decimal(1), bills)
        except BomCycle as cycle:
            return cycle.path
    return None


def consumption_due(
    required: Decimal, ordered: Decimal, done: Decimal, consumed: Decimal
) -> Decimal:
    """What to consume now so the components taken follow the output proportionally.

    ``done`` is good + scrap produced so far, including this record. The cumulative target is
    ``required * done / ordered`` (never above ``required``); what was consumed before is
    subtracted, so rounding errors do not pile up over many partial records.
    """
    if ordered <= 0:
        return ZERO
    target = q(min(required, required * done / ordered))
    return max(target - consumed, ZERO)


# --- productivity ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Output:
    """Produced quantities recorded at a moment."""

    at: datetime
    good: Decimal
    scrap: Decimal


@dataclass(frozen=True)
class Interval:
    """A run of work: from ``start`` to ``stop``."""

    start: datetime
    stop: datetime

    @property
    def hours(self) -> Decimal:
        """The length in hours (exact to the second)."""
        seconds = Decimal(int((self.stop - self.start).total_seconds()))
        return max(seconds, ZERO) / Decimal(3600)


@dataclass(frozen=True)
class Productivity:
    """A work centre's figures over a period; ratios are None when nothing makes them."""

    good: Decimal
    scrap: Decimal
    run_hours: Decimal
    planned_hours: Decimal
    units_per_labour_hour: Decimal | None
    yield_rate: Decimal | None
    availability: Decimal | None
    performance: Decimal | None
    quality: Decimal | None
    oee: Decimal | None
    per_day: list[tuple[date, Decimal]]


def ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """numerator ÷ denominator to 4 decimals, None when the denominator is 0."""
    if denominator <= 0:
        return None
    return (numerator / denominator).quantize(RATIO, rounding=ROUND_HALF_UP)


def output_per_day(outputs: Iterable[Output]) -> list[tuple[date, Decimal]]:
    """Good quantity per calendar day, in date order."""
    days: dict[date, Decimal] = defaultdict(Decimal)
    for output in outputs:
        days[output.at.date()] += output.good
    return sorted(days.items())


def yield_rate(good: Decimal, scrap: Decimal) -> Decimal | None:
    """Good ÷ (good + scrap): 90 good and 10 scrap is 0.9."""
    return ratio(good, good + scrap)


def oee(
    *,
    planned_hours: Decimal,
    run_hours: Decimal,
    capacity_per_hour: Decimal,
    good: Decimal,
    scrap: Decimal,
) -> tuple[Decimal | None, Decimal | None, Decimal | None, Decimal | None]:
    """Availability, performance, quality and OEE (their product).

    Availability is run time ÷ planned time, performance is the units made ÷ what the
    capacity allows in the run time, quality is good ÷ all units made. OEE is computed from
    the unrounded parts and rounded once.
    """
    total = good + scrap
    availability = ratio(run_hours, planned_hours)
    performance = ratio(total, run_hours * capacity_per_hour)
    quality = ratio(good, total)
    if planned_hours <= 0 or run_hours <= 0 or capacity_per_hour <= 0 or total <= 0:
        return availability, performance, quality, None
    exact = (run_hours / planned_hours) * (total / (run_hours * capacity_per_hour)) * (good / total)
    return availability, performance, quality, exact.quantize(RATIO, rounding=ROUND_HALF_UP)


def productivity(
    *,
    outputs: Iterable[Output],
    intervals: Iterable[Interval],
    planned_hours: Decimal,
    capacity_per_hour: Decimal,
) -> Productivity:
    """Every figure of a work centre over a period, from its output records and run times."""
    records = list(outputs)
    good = sum((o.good for o in records), ZERO)
    scrap = sum((o.scrap for o in records), ZERO)
    run_hours = sum((i.hours for i in intervals), ZERO)
    availability, performance, quality, overall = oee(
        planned_hours=planned_hours,
        run_hours=run_hours,
        capacity_per_hour=capacity_per_hour,
        good=good,
        scrap=scrap,
    )
    return Productivity(
        good=good,
        scrap=scrap,
        run_hours=run_hours.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
        planned_hours=planned_hours,
        units_per_labour_hour=ratio(good, run_hours),
        yield_rate=yield_rate(good, scrap),
        availability=availability,
        performance=performance,
        quality=quality,
        oee=overall,
        per_day=output_per_day(records),
    )


def working_days(start: date, end: date) -> int:
    """Monday-to-Friday days from ``start`` to ``end`` inclusive."""
    if end < start:
        return 0
    days = (end - start).days + 1
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    for offset in range(rest):
        if (start.toordinal() + weeks * 7 + offset) % 7 not in (0, 6):  # ordinal 7k is Sunday
            count += 1
    return count
