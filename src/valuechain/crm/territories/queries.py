"""The read side of territories: lists with filters, one territory's team, rules and counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from valuechain.crm.territories.models import (
    AssignmentRule,
    Territory,
    TerritoryMember,
    TerritoryRecord,
)

TERRITORY_SORTS = ("name", "priority", "created_at", "updated_at")


@dataclass(frozen=True)
class TerritoryFilters:
    """What the territory list can be narrowed by; None filters nothing."""

    name: str | None = None
    is_active: bool | None = None
    country: str | None = None
    user_id: int | None = None


def _count(rows: QuerySet[Any]) -> Any:
    """A correlated count per territory: no join fan-out between team and records."""
    counted = (
        rows.filter(territory_id=OuterRef("pk"))
        .order_by()
        .values("territory_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def territories(filters: TerritoryFilters | None = None) -> QuerySet[Territory]:
    """The tenant's territories with their team and record counts."""
    filters = filters or TerritoryFilters()
    queryset = Territory.objects.annotate(
        member_count=_count(TerritoryMember.objects.all()),
        account_count=_count(TerritoryRecord.objects.filter(record_type="account")),
        lead_count=_count(TerritoryRecord.objects.filter(record_type="lead")),
    )
    if filters.name:
        queryset = queryset.filter(name__icontains=filters.name.strip())
    if filters.is_active is not None:
        queryset = queryset.filter(is_active=filters.is_active)
    if filters.country:
        code = filters.country.strip().upper()
        # JSON containment differs by database; the list is short, so match the quoted code.
        queryset = queryset.filter(countries__icontains=f'"{code}"')
    if filters.user_id is not None:
        queryset = queryset.filter(
            pk__in=TerritoryMember.objects.filter(user_id=filters.user_id).values("territory_id")
        )
    return queryset.order_by("-priority", "name", "pk")


def territory(territory_id: int) -> Territory:
    """One territory of the tenant with its counts; DoesNotExist (a 404) otherwise."""
    return territories().get(pk=territory_id)


def members(territory_id: int) -> QuerySet[TerritoryMember]:
    """A territory's team, managers first, with the users loaded."""
    return (
        TerritoryMember.objects.filter(territory_id=territory_id)
        .select_related("user")
        .order_by("-role", "user__email", "pk")
    )


def member(territory_id: int, member_id: int) -> TerritoryMember:
    """One team member of the territory; DoesNotExist otherwise."""
    return members(territory_id).get(pk=member_id)


def rules(territory_id: int) -> QuerySet[AssignmentRule]:
    """A territory's assignment rules."""
    return AssignmentRule.objects.filter(territory_id=territory_id).order_by("applies_to", "pk")


def rule(territory_id: int, rule_id: int) -> AssignmentRule:
    """One assignment rule of the territory; DoesNotExist otherwise."""
    return rules(territory_id).get(pk=rule_id)


def record_counts(territory_id: int) -> dict[str, int]:
    """How many accounts and leads are linked to the territory."""
    counts: dict[str, Any] = dict.fromkeys(("account", "lead"), 0)
    rows = (
        TerritoryRecord.objects.filter(territory_id=territory_id)
        .values("record_type")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        counts[row["record_type"]] = row["n"]
    return counts
