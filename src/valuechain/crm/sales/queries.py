"""The read side of sales: opportunity lists and pages, the Kanban board, history, search.

Every opportunity list and detail passes through ``record_rules.restrict()`` so the
territories context can narrow what a rep sees. Lists cost a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from valuechain.crm.sales import domain
from valuechain.crm.sales.models import (
    LossReason,
    Opportunity,
    OpportunityLine,
    Pipeline,
    Stage,
    StageChange,
)
from valuechain.crm.sales.pipeline_services import default_pipeline
from valuechain.platform.errors import DomainError
from valuechain.platform.identity.record_rules import restrict
from valuechain.platform.money import Money
from valuechain.platform.web.registry import SearchHit

OPPORTUNITY_SORTS = (
    "name",
    "amount",
    "expected_close_date",
    "probability",
    "created_at",
    "updated_at",
    "closed_at",
)
BOARD_CARDS_PER_STAGE = 50


@dataclass(frozen=True)
class OpportunityFilters:
    """What a list of opportunities can be narrowed by; None filters nothing."""

    pipeline_id: int | None = None
    stage_id: int | None = None
    owner_id: int | None = None
    account_id: int | None = None
    person_id: int | None = None
    status: str | None = None
    forecast_category: str | None = None
    close_from: dt.date | None = None
    close_to: dt.date | None = None
    search: str | None = None


def opportunities(filters: OpportunityFilters | None = None) -> QuerySet[Opportunity]:
    """The opportunities the current member may see, with their related rows loaded."""
    filters = filters or OpportunityFilters()
    queryset = restrict(
        Opportunity.objects.select_related(
            "pipeline", "stage", "account", "person", "owner", "lost_reason"
        )
    )
    if filters.status:
        if filters.status not in domain.STATUSES:
            raise DomainError(
                "invalid_status",
                f"{filters.status!r} is not a status; use one of {', '.join(domain.STATUSES)}.",
                field="status",
            )
        queryset = queryset.filter(status=filters.status)
    if filters.forecast_category:
        if filters.forecast_category not in domain.FORECAST_CATEGORIES:
            raise DomainError(
                "invalid_forecast_category",
                f"Use one of {', '.join(domain.FORECAST_CATEGORIES)}.",
                field="forecast_category",
            )
        queryset = queryset.filter(forecast_category=filters.forecast_category)
    for name in ("pipeline_id", "stage_id", "owner_id", "account_id", "person_id"):
        value = getattr(filters, name)
        if value is not None:
            queryset = queryset.filter(**{name: value})
    if filters.close_from is not None:
        queryset = queryset.filter(expected_close_date__gte=filters.close_from)
    if filters.close_to is not None:
        queryset = queryset.filter(expected_close_date__lte=filters.close_to)
    if filters.search:
        text = filters.search.strip()
        queryset = queryset.filter(
            Q(name__icontains=text)
            | Q(account__name__icontains=text)
            | Q(next_step__icontains=text)
        )
    return queryset.order_by("-created_at", "-pk")


def opportunity(opportunity_id: int) -> Opportunity:
    """One opportunity the current member may see; DoesNotExist (a 404) otherwise."""
    return opportunities().get(pk=opportunity_id)


def lines(opportunity: Opportunity) -> QuerySet[OpportunityLine]:
    """The product lines of an opportunity, in order."""
    return OpportunityLine.objects.filter(opportunity=opportunity).order_by("position", "pk")


def line_total(line: OpportunityLine) -> Decimal:
    """Quantity times unit price of one line, exact."""
    return domain.line_total(line.quantity, line.unit_price)


@dataclass(frozen=True)
class HistoryEntry:
    """A stage the opportunity was in, with how long it stayed (so far for the current one)."""

    stage_id: int
    stage_name: str
    from_stage_name: str | None
    entered_at: dt.datetime
    left_at: dt.datetime | None
    seconds: int
    changed_by: str

    @property
    def duration(self) -> str:
        """The time in the stage for people (``3d 4h``)."""
        return domain.format_duration(self.seconds)


def history(opportunity: Opportunity) -> list[HistoryEntry]:
    """The stages the opportunity went through, oldest first, with time spent in each."""
    changes = list(
        StageChange.objects.filter(opportunity=opportunity)
        .select_related("from_stage", "to_stage", "changed_by")
        .order_by("changed_at", "pk")
    )
    now = timezone.now()
    entries = []
    for index, change in enumerate(changes):
        following = changes[index + 1] if index + 1 < len(changes) else None
        seconds = (
            following.seconds_in_previous
            if following is not None
            else domain.seconds_between(change.changed_at, now)
        )
        entries.append(
            HistoryEntry(
                stage_id=change.to_stage_id,
                stage_name=change.to_stage.name,
                from_stage_name=change.from_stage.name if change.from_stage else None,
                entered_at=change.changed_at,
                left_at=following.changed_at if following is not None else None,
                seconds=seconds,
                changed_by=change.changed_by.get_username() if change.changed_by else "",
            )
        )
    return entries


def time_per_stage(entries: list[HistoryEntry]) -> dict[str, int]:
    """Total seconds spent per stage name (a deal may visit a stage more than once)."""
    totals: dict[str, int] = defaultdict(int)
    for entry in entries:
        totals[entry.stage_name] += entry.seconds
    return dict(totals)


# --- pipelines -----------------------------------------------------------------------------


def pipelines() -> QuerySet[Pipeline]:
    """The tenant's pipelines with their stages, the default created when there is none."""
    default_pipeline()
    return Pipeline.objects.prefetch_related("stages").order_by("position", "name", "pk")


def pipeline(pipeline_id: int) -> Pipeline:
    """One pipeline with its stages; DoesNotExist (a 404) otherwise."""
    return pipelines().get(pk=pipeline_id)


def stages(pipeline: Pipeline) -> list[Stage]:
    """The stages of a pipeline in order."""
    return list(Stage.objects.filter(pipeline=pipeline).order_by("position", "pk"))


def loss_reasons(*, active_only: bool = True) -> QuerySet[LossReason]:
    """The tenant's loss reasons in order."""
    rows = LossReason.objects.order_by("position", "name", "pk")
    return rows.filter(is_active=True) if active_only else rows


# --- the board -------------------------------------------------------------------------------


@dataclass
class BoardColumn:
    """One stage of the board: its cards, how many deals it holds and their sum per currency."""

    stage: Stage
    cards: list[Opportunity] = field(default_factory=list)
    count: int = 0
    totals: list[Money] = field(default_factory=list)

    @property
    def hidden(self) -> int:
        """Deals in the stage beyond the cards shown."""
        return self.count - len(self.cards)


def board(pipeline: Pipeline, filters: OpportunityFilters | None = None) -> list[BoardColumn]:
    """The Kanban columns of a pipeline: stages in order with counts, sums and cards.

    Three queries whatever the size: stages, one aggregate per (stage, currency), and the
    cards (at most ``BOARD_CARDS_PER_STAGE`` per stage are shown, soonest close first).
    """
    base = filters or OpportunityFilters()
    scoped = opportunities(
        OpportunityFilters(**{**base.__dict__, "pipeline_id": pipeline.pk, "stage_id": None})
    )
    columns = {stage.pk: BoardColumn(stage) for stage in stages(pipeline)}
    for row in (
        scoped.order_by()
        .values("stage_id", "currency")
        .annotate(n=Count("pk"), total=Sum("amount"))
    ):
        column = columns.get(row["stage_id"])
        if column is not None:
            column.count += row["n"]
            column.totals.append(Money(row["total"] or Decimal(0), row["currency"]).rounded())
    for card in scoped.order_by("stage_id", "expected_close_date", "-pk"):
        column = columns.get(card.stage_id)
        if column is not None and len(column.cards) < BOARD_CARDS_PER_STAGE:
            column.cards.append(card)
    for column in columns.values():
        column.totals.sort(key=lambda money: money.currency)
    return list(columns.values())


# --- 360 panel and search ----------------------------------------------------------------------


def open_for_party(party_kind: str, party: Any) -> list[Opportunity]:
    """A party's open opportunities, soonest close first (at most 20)."""
    key = "account" if party_kind == "account" else "person"
    return list(
        opportunities(OpportunityFilters(status="open"))
        .filter(**{key: party})
        .order_by("expected_close_date", "-pk")[:20]
    )


def open_amount_for_party(party_kind: str, party: Any) -> list[Money]:
    """The sum of a party's open opportunities, per currency."""
    key = "account" if party_kind == "account" else "person"
    rows = (
        opportunities(OpportunityFilters(status="open"))
        .filter(**{key: party})
        .order_by()
        .values("currency")
        .annotate(total=Sum("amount"))
        .order_by("currency")
    )
    return [Money(row["total"] or Decimal(0), row["currency"]).rounded() for row in rows]


def search_opportunities(query: str, limit: int) -> list[SearchHit]:
    """Global-search provider: opportunities by name or account name."""
    text = query.strip()
    if not text:
        return []
    found = opportunities(OpportunityFilters(search=text)).order_by("name", "pk")[:limit]
    return [
        SearchHit(
            kind="opportunity",
            title=item.name,
            detail=f"{item.stage.name} · {item.money.currency} {item.money.amount}",
            url=reverse("sales-opportunity-detail", args=[item.pk]),
        )
        for item in found
    ]
