"""The sales forecast: quotas per rep and the forecast report by month or quarter.

The report reads the opportunities the current member may see (``record_rules.restrict``):
open deals by expected close date, won deals by the day they closed; lost deals count
nowhere. Amounts are converted to the tenant's base currency with the FX table at the
deal's date (the newest rate on or before it); a deal whose rate is missing is left out
and listed in ``unconverted``. The arithmetic lives in ``domain.build_forecast``.

Territories: ``group_by=territory`` asks the resolver the territories context registers
with ``register_territory_resolver`` (owner ids -> {owner id: (key, label)}); until one is
registered every deal falls in "No territory".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from valuechain.crm.sales import domain
from valuechain.crm.sales.models import Pipeline, Quota
from valuechain.crm.sales.pipeline_services import pure
from valuechain.crm.sales.queries import OpportunityFilters, opportunities
from valuechain.crm.sales.services import clean_amount, clean_currency, clean_owner_id
from valuechain.platform import fx
from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.money import Money

GROUPINGS = ("rep", "pipeline", "territory")
NO_OWNER = "Unassigned"
NO_TERRITORY = ("none", "No territory")

TerritoryResolver = Callable[[Iterable[int]], dict[int, tuple[str, str]]]
_territory_resolver: list[TerritoryResolver] = []


def register_territory_resolver(resolver: TerritoryResolver) -> None:
    """Let the territories context say which territory each owner (rep) belongs to."""
    _territory_resolver[:] = [resolver]


# --- quotas ------------------------------------------------------------------------------------


def quotas(*, owner_id: int | None = None, year: int | None = None) -> QuerySet[Quota]:
    """The tenant's monthly quotas, optionally of one rep or one year."""
    rows = Quota.objects.all()
    if owner_id is not None:
        rows = rows.filter(owner_id=owner_id)
    if year is not None:
        rows = rows.filter(period_start__year=year)
    return rows.order_by("period_start", "owner_id", "pk")


@transaction.atomic
def set_quota(data: Mapping[str, Any]) -> list[Quota]:
    """Set a rep's quota for a month (``2026-03``) or a quarter (``2026-Q1``, split evenly).

    Setting a month again replaces its amount; the rows are locked in month order.
    """
    owner_id = clean_owner_id(data.get("owner_id"))
    if owner_id is None:
        raise DomainError("owner_required", "Choose the rep.", field="owner_id")
    key = str(data.get("period") or "").strip().upper()
    months = pure(domain.months_of, key)
    currency = clean_currency(data.get("currency"))
    total = Money(clean_amount(data.get("amount"), currency), currency)
    parts = total.allocate([1] * len(months))
    existing = {
        row.period_start: row
        for row in Quota.objects.select_for_update()
        .filter(owner_id=owner_id, period_start__in=months)
        .order_by("pk")
    }
    rows = []
    for month, part in zip(months, parts, strict=True):
        row = existing.get(month) or Quota(owner_id=owner_id, period_start=month)
        row.amount, row.currency = part.amount, currency
        row.save()
        rows.append(row)
    publish(
        "QuotaSet",
        {"owner_id": owner_id, "period": key, "amount": str(total.amount), "currency": currency},
    )
    return rows


# --- the report --------------------------------------------------------------------------------


@dataclass
class ForecastReport:
    """A computed forecast with the labels of its groups, ready for the page and the API."""

    period: str
    group_by: str
    currency: str
    date_from: dt.date
    date_to: dt.date
    periods: list[str]
    result: domain.Forecast
    labels: dict[str, str]
    unconverted: list[int] = field(default_factory=list)

    def _money(self, value: Decimal | None) -> str | None:
        if value is None:
            return None
        return str(Money(value, self.currency).rounded().amount)

    def row(self, cell: domain.ForecastCell) -> dict[str, Any]:
        """One cell as plain data with decimal strings."""
        attainment = cell.attainment
        return {
            "period": cell.period,
            "group": cell.group,
            "group_label": self.labels.get(cell.group, cell.group),
            "open_count": cell.open_count,
            "won_count": cell.won_count,
            "open_amount": self._money(cell.open_amount),
            "weighted": self._money(cell.weighted),
            "pipeline": self._money(cell.pipeline),
            "best_case": self._money(cell.best_case),
            "commit": self._money(cell.commit),
            "closed_won": self._money(cell.closed_won),
            "quota": self._money(cell.quota),
            "attainment": None if attainment is None else str(attainment),
        }

    def cells(self) -> list[domain.ForecastCell]:
        """The cells of the periods asked for, by period then group label."""
        order = {key: index for index, key in enumerate(self.periods)}
        return sorted(
            (c for c in self.result.cells.values() if c.period in order),
            key=lambda c: (order[c.period], self.labels.get(c.group, c.group), c.group),
        )

    def totals(self) -> list[domain.ForecastCell]:
        """One cell per period adding up every group."""
        totals = {key: domain.ForecastCell(key, "total") for key in self.periods}
        for cell in self.cells():
            total = totals[cell.period]
            for name in ("open_amount", "weighted", "pipeline", "best_case", "commit"):
                setattr(total, name, getattr(total, name) + getattr(cell, name))
            total.closed_won += cell.closed_won
            total.open_count += cell.open_count
            total.won_count += cell.won_count
            if cell.quota is not None:
                total.quota = (total.quota or Decimal(0)) + cell.quota
        return [totals[key] for key in self.periods]

    def as_dict(self) -> dict[str, Any]:
        """The API shape."""
        return {
            "period": self.period,
            "group_by": self.group_by,
            "currency": self.currency,
            "date_from": self.date_from,
            "date_to": self.date_to,
            "rows": [self.row(cell) for cell in self.cells()],
            "totals": [self.row(cell) for cell in self.totals()],
            "unconverted": self.unconverted,
        }


def _default_range(today: dt.date) -> tuple[dt.date, dt.date]:
    return dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)


def _user_labels(user_ids: Iterable[int]) -> dict[str, str]:
    users = get_user_model().objects.filter(pk__in=set(user_ids))
    labels = {}
    for user in users:
        name = f"{user.first_name} {user.last_name}".strip()
        labels[str(user.pk)] = name or user.get_username()
    return labels


class _Converter:
    """Converts amounts to the report currency, one rate look-up per (currency, day)."""

    def __init__(self, currency: str) -> None:
        self.currency = currency
        self.rates: dict[tuple[str, dt.date], Decimal | None] = {}

    def __call__(self, amount: Decimal, currency: str, day: dt.date) -> Decimal | None:
        if currency == self.currency:
            return amount
        key = (currency, day)
        if key not in self.rates:
            try:
                self.rates[key] = fx.rate_on(currency, self.currency, day)
            except DomainError:
                self.rates[key] = None
        rate = self.rates[key]
        return None if rate is None else amount * rate


def forecast(
    *,
    period: str = "month",
    group_by: str = "rep",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    pipeline_id: int | None = None,
    owner_id: int | None = None,
) -> ForecastReport:
    """The forecast per period and group (rep, pipeline or territory) in the base currency."""
    if period not in domain.PERIODS:
        raise DomainError("invalid_period", "The period is month or quarter.", field="period")
    if group_by not in GROUPINGS:
        raise DomainError(
            "invalid_group_by", f"Group by one of {', '.join(GROUPINGS)}.", field="group_by"
        )
    default_from, default_to = _default_range(timezone.localdate())
    start, end = date_from or default_from, date_to or default_to
    if start > end:
        raise DomainError("invalid_date_range", "date_from is after date_to.", field="date_from")
    if (end - start).days > 3 * 366:
        raise DomainError(
            "invalid_date_range", "A forecast spans at most three years.", field="date_to"
        )
    currency = fx.tenant_base_currency()
    convert = _Converter(currency)
    rows = (
        opportunities(OpportunityFilters(pipeline_id=pipeline_id, owner_id=owner_id))
        .exclude(status="lost")
        .order_by()
        .values_list(
            "pk",
            "owner_id",
            "pipeline_id",
            "amount",
            "currency",
            "probability",
            "status",
            "forecast_category",
            "expected_close_date",
            "closed_at",
        )
    )
    raw = []
    for pk, owner, pipe, amount, cur, probability, status, category, close, closed_at in rows:
        day = timezone.localtime(closed_at).date() if status == "won" and closed_at else close
        if day is None or not start <= day <= end:
            continue
        raw.append((pk, owner, pipe, amount, cur, probability, status, category, day))
    owners = {row[1] for row in raw if row[1] is not None}
    territory = _territories(owners) if group_by == "territory" else {}
    deals, unconverted = [], []
    for pk, owner, pipe, amount, cur, probability, status, category, day in raw:
        converted = convert(amount, cur, day)
        if converted is None:
            unconverted.append(pk)
            continue
        deals.append(
            domain.Deal(
                group=_group(group_by, owner, pipe, territory),
                close_date=day,
                amount=converted,
                probability=probability,
                status=status,
                category=category,
            )
        )
    quota_rows = _quota_rows(group_by, start, end, owner_id, territory, convert)
    result = domain.build_forecast(deals, period, quota_rows)
    labels = _labels(group_by, result, territory)
    return ForecastReport(
        period=period,
        group_by=group_by,
        currency=currency,
        date_from=start,
        date_to=end,
        periods=domain.periods_between(start, end, period),
        result=result,
        labels=labels,
        unconverted=sorted(unconverted),
    )


def _territories(owner_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    if not _territory_resolver:
        return {}
    return _territory_resolver[0](list(owner_ids))


def _group(group_by: str, owner: int | None, pipe: int, territory: dict[int, Any]) -> str:
    if group_by == "pipeline":
        return str(pipe)
    if group_by == "territory":
        return territory.get(owner, NO_TERRITORY)[0] if owner is not None else NO_TERRITORY[0]
    return str(owner) if owner is not None else "none"


def _quota_rows(
    group_by: str,
    start: dt.date,
    end: dt.date,
    owner_id: int | None,
    territory: dict[int, tuple[str, str]],
    convert: _Converter,
) -> list[tuple[str, dt.date, Decimal]]:
    """Quotas of the months in range, per rep (or per rep's territory); none per pipeline."""
    if group_by == "pipeline":
        return []
    first_month = dt.date(start.year, start.month, 1)
    rows = Quota.objects.filter(period_start__gte=first_month, period_start__lte=end)
    if owner_id is not None:
        rows = rows.filter(owner_id=owner_id)
    result = []
    for quota in rows.order_by("period_start", "owner_id"):
        amount = convert(quota.amount, quota.currency, quota.period_start)
        if amount is None:
            continue
        if group_by == "territory":
            group = territory.get(quota.owner_id, NO_TERRITORY)[0]
        else:
            group = str(quota.owner_id)
        result.append((group, quota.period_start, amount))
    return result


def _labels(
    group_by: str, result: domain.Forecast, territory: dict[int, tuple[str, str]]
) -> dict[str, str]:
    groups = {cell.group for cell in result.cells.values()}
    if group_by == "pipeline":
        names = Pipeline.objects.filter(pk__in=[int(g) for g in groups]).values_list("pk", "name")
        return {str(pk): name for pk, name in names}
    if group_by == "territory":
        labels = dict(territory.values())
        labels[NO_TERRITORY[0]] = NO_TERRITORY[1]
        return labels
    labels = _user_labels(int(g) for g in groups if g != "none")
    labels["none"] = NO_OWNER
    return labels


def open_opportunities_without_date() -> int:
    """How many open deals the forecast leaves out because they have no close date."""
    return (
        opportunities(OpportunityFilters(status="open"))
        .filter(expected_close_date__isnull=True)
        .count()
    )
