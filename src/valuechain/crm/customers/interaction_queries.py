"""The read side of touch points: interaction lists, a party's timeline, the unmatched queue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from valuechain.crm.customers.models import (
    INTERACTION_CHANNELS,
    INTERACTION_KINDS,
    INTERACTION_STATUSES,
    Account,
    Interaction,
    Person,
)
from valuechain.platform.errors import DomainError

INTERACTION_SORTS = ("occurred_at", "created_at")


@dataclass(frozen=True)
class InteractionFilters:
    """What a list of interactions can be narrowed by; None filters nothing."""

    channel: str | None = None
    kind: str | None = None
    status: str | None = None
    person_id: int | None = None
    account_id: int | None = None
    occurred_from: dt.datetime | None = None
    occurred_to: dt.datetime | None = None


def _checked(value: str | None, field: str, allowed: tuple[str, ...]) -> str | None:
    if value and value not in allowed:
        raise DomainError(
            f"invalid_{field}",
            f"{value!r} is not a valid {field}; use one of {', '.join(allowed)}.",
            field=field,
        )
    return value or None


def interactions(filters: InteractionFilters | None = None) -> QuerySet[Interaction]:
    """The tenant's interactions, newest first, with party, actor and related type loaded."""
    filters = filters or InteractionFilters()
    queryset = Interaction.objects.select_related("person", "account", "actor", "related_type")
    channel = _checked(filters.channel, "channel", INTERACTION_CHANNELS)
    kind = _checked(filters.kind, "kind", INTERACTION_KINDS)
    status = _checked(filters.status, "status", INTERACTION_STATUSES)
    if channel:
        queryset = queryset.filter(channel=channel)
    if kind:
        queryset = queryset.filter(kind=kind)
    if status:
        queryset = queryset.filter(status=status)
    if filters.person_id is not None:
        queryset = queryset.filter(person_id=filters.person_id)
    if filters.account_id is not None:
        queryset = queryset.filter(account_id=filters.account_id)
    if filters.occurred_from is not None:
        queryset = queryset.filter(occurred_at__gte=filters.occurred_from)
    if filters.occurred_to is not None:
        queryset = queryset.filter(occurred_at__lt=filters.occurred_to)
    return queryset.order_by("-occurred_at", "-pk")


def interaction(interaction_id: int) -> Interaction:
    """One interaction of the tenant; DoesNotExist (a 404) otherwise."""
    return interactions().get(pk=interaction_id)


def unmatched() -> QuerySet[Interaction]:
    """Interactions waiting for a person to attach them to a customer, newest first."""
    return interactions(InteractionFilters(status="unmatched"))


def timeline(party: Account | Person, channel: str | None = None) -> QuerySet[Interaction]:
    """A party's interactions newest first; an account's include those of its people."""
    queryset = interactions(InteractionFilters(channel=channel))
    if isinstance(party, Account):
        return queryset.filter(Q(account=party) | Q(person__account=party))
    return queryset.filter(person=party)
