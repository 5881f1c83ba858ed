"""The read side of activities: filtered lists, "my day", a customer's open activities.

"Today" is the local date in the current time zone (``settings.TIME_ZONE`` unless a
request activated another); overdue means due before today began, so a task due at 09:00
today is still "today" at 11:00, as in Odoo's and Salesforce's task lists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from valuechain.crm.activities import domain
from valuechain.crm.activities.models import Activity
from valuechain.platform.errors import DomainError
from valuechain.platform.identity.record_rules import restrict

ACTIVITY_SORTS = (
    "scheduled_at",
    "due_at",
    "starts_at",
    "priority",
    "status",
    "kind",
    "subject",
    "created_at",
    "completed_at",
)
DUE_WINDOWS = ("today", "overdue", "upcoming", "none")


@dataclass(frozen=True)
class ActivityFilters:
    """What a list of activities can be narrowed by; None filters nothing.

    ``assignee`` is a user id, ``"me"`` (resolved against ``me_id``) or ``"none"``.
    """

    kind: str | None = None
    status: str | None = None
    priority: str | None = None
    assignee: str | None = None
    due: str | None = None
    due_from: dt.datetime | None = None
    due_to: dt.datetime | None = None
    person_id: int | None = None
    account_id: int | None = None
    related_type: str | None = None
    related_id: str | None = None
    q: str | None = None
    me_id: int | None = field(default=None, compare=False)


def _checked(value: str | None, name: str, allowed: tuple[str, ...]) -> str | None:
    if value and value not in allowed:
        raise DomainError(
            f"invalid_{name}",
            f"{value!r} is not a valid {name}; use one of {', '.join(allowed)}.",
            field=name,
        )
    return value or None


def today_bounds(now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    """Start of today and of tomorrow in the current time zone."""
    now = timezone.localtime(now or timezone.now())
    return domain.day_bounds(now.date(), timezone.get_current_timezone())


def base() -> QuerySet[Activity]:
    """Every activity of the tenant the actor may see, with its people and link loaded."""
    return restrict(
        Activity.objects.select_related(
            "assignee", "person", "account", "related_type", "completed_by"
        )
    )


def _assignee_filter(queryset: QuerySet[Activity], filters: ActivityFilters) -> QuerySet[Activity]:
    value = (filters.assignee or "").strip().lower()
    if not value:
        return queryset
    if value == "none":
        return queryset.filter(assignee__isnull=True)
    if value == "me":
        return queryset.filter(assignee_id=filters.me_id)
    if not value.isdigit():
        raise DomainError(
            "invalid_assignee",
            "assignee is a user id, 'me' or 'none'.",
            field="assignee",
        )
    return queryset.filter(assignee_id=int(value))


def _due_filter(
    queryset: QuerySet[Activity], due: str | None, now: dt.datetime | None
) -> QuerySet[Activity]:
    if due is None:
        return queryset
    today, tomorrow = today_bounds(now)
    if due == "none":
        return queryset.filter(scheduled_at__isnull=True)
    if due == "today":
        return queryset.filter(scheduled_at__gte=today, scheduled_at__lt=tomorrow)
    if due == "overdue":
        return queryset.filter(status="open", scheduled_at__lt=today)
    return queryset.filter(scheduled_at__gte=tomorrow)  # upcoming


def activities(
    filters: ActivityFilters | None = None, *, now: dt.datetime | None = None
) -> QuerySet[Activity]:
    """The tenant's activities narrowed by the filters, soonest first."""
    filters = filters or ActivityFilters()
    queryset = base()
    kind = _checked(filters.kind, "kind", domain.KINDS)
    status = _checked(filters.status, "status", domain.STATUSES)
    priority = _checked(filters.priority, "priority", domain.PRIORITIES)
    due = _checked(filters.due, "due", DUE_WINDOWS)
    if kind:
        queryset = queryset.filter(kind=kind)
    if status:
        queryset = queryset.filter(status=status)
    if priority:
        queryset = queryset.filter(priority=priority)
    queryset = _assignee_filter(queryset, filters)
    queryset = _due_filter(queryset, due, now)
    if filters.due_from is not None:
        queryset = queryset.filter(scheduled_at__gte=filters.due_from)
    if filters.due_to is not None:
        queryset = queryset.filter(scheduled_at__lt=filters.due_to)
    if filters.person_id is not None:
        queryset = queryset.filter(person_id=filters.person_id)
    if filters.account_id is not None:
        queryset = queryset.filter(account_id=filters.account_id)
    if filters.related_type:
        app_label, _, model = filters.related_type.strip().lower().partition(".")
        queryset = queryset.filter(related_type__app_label=app_label, related_type__model=model)
    if filters.related_id:
        queryset = queryset.filter(related_id=filters.related_id)
    if filters.q:
        queryset = queryset.filter(
            Q(subject__icontains=filters.q) | Q(description__icontains=filters.q)
        )
    return queryset.order_by("scheduled_at", "pk")


def activity(activity_id: int) -> Activity:
    """One activity; DoesNotExist (404) when it is not the tenant's."""
    return base().get(pk=activity_id)


@dataclass
class MyDay:
    """One member's day: what is late, what is due, the meetings, what got done."""

    overdue: list[Activity]
    due_today: list[Activity]
    meetings: list[Activity]
    done_today: list[Activity]
    today: dt.date


def my_day(user_id: int, now: dt.datetime | None = None) -> MyDay:
    """The member's open overdue and due-today tasks and calls, today's meetings, today's done."""
    now = now or timezone.now()
    today, tomorrow = today_bounds(now)
    mine = base().filter(assignee_id=user_id)
    planned = mine.filter(status="open", kind__in=domain.DUE_KINDS)
    return MyDay(
        overdue=list(planned.filter(scheduled_at__lt=today).order_by("scheduled_at", "pk")),
        due_today=list(
            planned.filter(scheduled_at__gte=today, scheduled_at__lt=tomorrow).order_by(
                "scheduled_at", "pk"
            )
        ),
        meetings=list(
            mine.filter(kind="meeting", scheduled_at__gte=today, scheduled_at__lt=tomorrow)
            .exclude(status="cancelled")
            .order_by("scheduled_at", "pk")
        ),
        done_today=list(
            mine.filter(status="done", completed_at__gte=today, completed_at__lt=tomorrow)
            .exclude(kind="meeting", scheduled_at__gte=today, scheduled_at__lt=tomorrow)
            .order_by("-completed_at", "-pk")
        ),
        today=timezone.localtime(now).date(),
    )


def open_for_party(party_kind: str, party_id: int, limit: int = 10) -> list[Activity]:
    """A person's or account's open activities, soonest first (the 360° panel)."""
    rows = base().filter(status="open")
    if party_kind == "account":
        rows = rows.filter(Q(account_id=party_id) | Q(person__account_id=party_id))
    else:
        rows = rows.filter(person_id=party_id)
    return list(rows.order_by("scheduled_at", "pk")[:limit])


def for_record(model_label: str, object_id: str) -> QuerySet[Activity]:
    """The activities linked to one record of any type (``app_label.model``)."""
    app_label, _, model = model_label.partition(".")
    return base().filter(
        related_type__app_label=app_label, related_type__model=model, related_id=str(object_id)
    )
