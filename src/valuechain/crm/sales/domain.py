"""Pure rules of sales: the default pipeline, line totals, time in stage and the forecast maths.

No Django here: plain Python and Money, unit-tested without a database.

Forecast categories follow Salesforce's habit: every open deal is in ``pipeline`` (may
close), ``best_case`` (likely) or ``commit`` (the rep vouches for it); ``closed`` is won
business and ``omitted`` (lost, or left out) counts nowhere. Figures are cumulative the way
managers read them: *commit* = closed won + commit deals, *best case* = commit + best-case
deals, *pipeline* = every open deal plus closed won.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

STATUSES = ("open", "won", "lost")
FORECAST_CATEGORIES = ("pipeline", "best_case", "commit", "closed", "omitted")
OPEN_CATEGORIES = ("pipeline", "best_case", "commit")
PERIODS = ("month", "quarter")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class StageTemplate:
    """A stage of the default pipeline."""

    name: str
    probability: int
    forecast_category: str = "pipeline"
    is_won: bool = False
    is_lost: bool = False


DEFAULT_PIPELINE_NAME = "Sales"
DEFAULT_STAGES = (
    StageTemplate("Qualification", 10),
    StageTemplate("Needs analysis", 25),
    StageTemplate("Proposal", 50, "best_case"),
    StageTemplate("Negotiation", 75, "commit"),
    StageTemplate("Won", 100, "closed", is_won=True),
    StageTemplate("Lost", 0, "omitted", is_lost=True),
)
DEFAULT_LOSS_REASONS = ("Price", "Competitor", "No budget", "No decision", "Timing", "Other")


class InvalidInput(ValueError):
    """A value breaks a pure rule; services turn it into a DomainError."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


def check_probability(value: object, field: str = "probability") -> int:
    """A whole percentage 0 to 100."""
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        raise InvalidInput("invalid_probability", "The probability is a whole percent.", field)
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError:
        raise InvalidInput(
            "invalid_probability", f"{value!r} is not a percentage.", field
        ) from None
    if not number.is_finite() or number != number.to_integral_value() or not 0 <= number <= 100:
        raise InvalidInput(
            "invalid_probability", "The probability is a whole percent from 0 to 100.", field
        )
    return int(number)


def category_for_status(status: str, category: str) -> str:
    """Won deals are ``closed``, lost ones ``omitted``; open deals keep an open category."""
    if status == "won":
        return "closed"
    if status == "lost":
        return "omitted"
    return category if category in OPEN_CATEGORIES else "pipeline"


def line_total(quantity: Decimal, unit_price: Decimal) -> Decimal:
    """Quantity times unit price, exact."""
    return quantity * unit_price


def lines_total(lines: Iterable[tuple[Decimal, Decimal]]) -> Decimal:
    """The sum of (quantity, unit price) lines, exact."""
    return sum((line_total(quantity, price) for quantity, price in lines), Decimal(0))


def seconds_between(start: dt.datetime, end: dt.datetime) -> int:
    """Whole seconds from start to end, never negative (clocks may disagree by a little)."""
    return max(0, int((end - start).total_seconds()))


def format_duration(seconds: int) -> str:
    """Time in a stage for people: ``3d 4h``, ``5h 12m``, ``7m``."""
    days, rest = divmod(max(0, seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m"


def reorder(current: Sequence[int], wanted: Sequence[int]) -> list[int]:
    """The ids in the wanted order; it must name every current id exactly once."""
    if sorted(current) != sorted(wanted) or len(set(wanted)) != len(wanted):
        raise InvalidInput(
            "invalid_order", "Give every stage of the pipeline exactly once.", "stage_ids"
        )
    return list(wanted)


# --- forecast ---------------------------------------------------------------------------


def weighted(amount: Decimal, probability: int) -> Decimal:
    """Amount times probability (a percent), exact."""
    return amount * Decimal(probability) / HUNDRED


def period_key(day: dt.date, period: str) -> str:
    """``2026-03`` for a month, ``2026-Q1`` for a quarter."""
    if period == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if period == "quarter":
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    raise InvalidInput("invalid_period", "The period is month or quarter.", "period")


def period_start(key: str) -> dt.date:
    """The first day of a period key (``2026-03`` or ``2026-Q1``)."""
    try:
        year_text, rest = key.split("-")
        year = int(year_text)
        if rest.upper().startswith("Q"):
            quarter = int(rest[1:])
            if not 1 <= quarter <= 4:
                raise ValueError(key)
            return dt.date(year, 3 * quarter - 2, 1)
        return dt.date(year, int(rest), 1)
    except ValueError:
        raise InvalidInput(
            "invalid_period", f"{key!r} is not a month (2026-03) or quarter (2026-Q1).", "period"
        ) from None


def months_of(key: str) -> list[dt.date]:
    """The first days of the months a period key covers (one for a month, three a quarter)."""
    start = period_start(key)
    if "Q" not in key.upper():
        return [start]
    return [dt.date(start.year, start.month + offset, 1) for offset in range(3)]


def periods_between(start: dt.date, end: dt.date, period: str) -> list[str]:
    """Every period key from the one holding start to the one holding end, in order."""
    keys: list[str] = []
    day = dt.date(start.year, start.month, 1)
    while day <= end:
        key = period_key(day, period)
        if key not in keys:
            keys.append(key)
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return keys


@dataclass(frozen=True)
class Deal:
    """An opportunity as the forecast sees it (amount already in the report currency)."""

    group: str
    close_date: dt.date
    amount: Decimal
    probability: int
    status: str
    category: str


@dataclass
class ForecastCell:
    """The figures of one period and group."""

    period: str
    group: str
    open_amount: Decimal = Decimal(0)
    weighted: Decimal = Decimal(0)
    pipeline: Decimal = Decimal(0)
    best_case: Decimal = Decimal(0)
    commit: Decimal = Decimal(0)
    closed_won: Decimal = Decimal(0)
    quota: Decimal | None = None
    open_count: int = 0
    won_count: int = 0

    @property
    def attainment(self) -> Decimal | None:
        """Closed won / quota as a percent (2 decimals), None without a quota."""
        return attainment(self.closed_won, self.quota)


@dataclass
class Forecast:
    """The cells of a forecast, plus its totals per period."""

    period: str
    cells: dict[tuple[str, str], ForecastCell] = field(default_factory=dict)

    def cell(self, period: str, group: str) -> ForecastCell:
        """The cell of a period and group, created empty when missing."""
        key = (period, group)
        if key not in self.cells:
            self.cells[key] = ForecastCell(period, group)
        return self.cells[key]


def attainment(closed_won: Decimal, quota: Decimal | None) -> Decimal | None:
    """Closed won as a percent of quota, rounded to 2 decimals; None for no or zero quota."""
    if quota is None or quota == 0:
        return None
    return (closed_won * HUNDRED / quota).quantize(Decimal("0.01"))


def build_forecast(
    deals: Iterable[Deal],
    period: str,
    quotas: Iterable[tuple[str, dt.date, Decimal]] = (),
) -> Forecast:
    """Sum deals into (period, group) cells and attach quotas (group, month start, amount).

    Open deals add to open amount, weighted amount and their category; won deals to closed
    won; the cumulative categories include closed won (see the module docstring). Lost
    deals count nowhere.
    """
    forecast = Forecast(period)
    for deal in deals:
        cell = forecast.cell(period_key(deal.close_date, period), deal.group)
        if deal.status == "won":
            cell.closed_won += deal.amount
            cell.won_count += 1
        elif deal.status == "open":
            cell.open_count += 1
            cell.open_amount += deal.amount
            cell.weighted += weighted(deal.amount, deal.probability)
            if deal.category == "commit":
                cell.commit += deal.amount
            if deal.category in ("commit", "best_case"):
                cell.best_case += deal.amount
            if deal.category in OPEN_CATEGORIES:
                cell.pipeline += deal.amount
    for cell in forecast.cells.values():
        cell.commit += cell.closed_won
        cell.best_case += cell.closed_won
        cell.pipeline += cell.closed_won
    for group, month, amount in quotas:
        cell = forecast.cell(period_key(month, period), group)
        cell.quota = (cell.quota or Decimal(0)) + amount
    return forecast
