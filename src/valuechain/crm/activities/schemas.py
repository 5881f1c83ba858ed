"""API shapes of activities."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from valuechain.crm.activities.queries import ActivityFilters


class ActivityIn(Schema):
    """A new task, call, meeting or note."""

    kind: str = Field("task", description="task, call, meeting, note")
    subject: str = Field(..., max_length=300)
    description: str = ""
    priority: str = Field("normal", description="low, normal, high")
    due_at: dt.datetime | None = Field(None, description="Tasks and calls")
    starts_at: dt.datetime | None = Field(None, description="Meetings (required)")
    ends_at: dt.datetime | None = Field(None, description="Meetings")
    assignee_id: int | None = Field(None, description="A member; defaults to you")
    reminder_at: dt.datetime | None = Field(None, description="At or before due_at/starts_at")
    person_id: int | None = None
    account_id: int | None = None
    related_type: str = Field("", description="app_label.model of a linked record")
    related_id: str = Field("", max_length=64)
    outcome: str = ""


class ActivityPatch(Schema):
    """Fields to change; the ones left out stay as they are (the kind never changes)."""

    subject: str | None = Field(None, max_length=300)
    description: str | None = None
    priority: str | None = None
    due_at: dt.datetime | None = None
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    assignee_id: int | None = None
    reminder_at: dt.datetime | None = None
    person_id: int | None = None
    account_id: int | None = None
    related_type: str | None = None
    related_id: str | None = Field(None, max_length=64)
    outcome: str | None = None


class CompleteIn(Schema):
    """What came of it (optional)."""

    outcome: str | None = None


class ActivityOut(Schema):
    """An activity."""

    id: int
    kind: str
    subject: str
    description: str
    status: str
    priority: str
    due_at: dt.datetime | None
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    scheduled_at: dt.datetime | None
    assignee_id: int | None
    assignee_email: str | None
    reminder_at: dt.datetime | None
    reminded_at: dt.datetime | None
    person_id: int | None
    account_id: int | None
    related_type: str | None
    related_id: str
    completed_at: dt.datetime | None
    completed_by_id: int | None
    outcome: str
    interaction_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_related_type(obj: Any) -> str | None:
        """app_label.model of the linked record."""
        related = obj.related_type
        return None if related is None else f"{related.app_label}.{related.model}"

    @staticmethod
    def resolve_assignee_email(obj: Any) -> str | None:
        """The assignee's e-mail address."""
        return None if obj.assignee is None else obj.assignee.email


class ActivityListFilters(Schema):
    """Filters of the activity list; left out, they filter nothing."""

    kind: str | None = Field(None, description="task, call, meeting, note")
    status: str | None = Field(None, description="open, done, cancelled")
    priority: str | None = None
    assignee: str | None = Field(None, description="A user id, 'me' or 'none'")
    due: str | None = Field(
        None, description="today, overdue (open, due before today), upcoming, none"
    )
    due_from: dt.datetime | None = Field(None, description="Planned on or after")
    due_to: dt.datetime | None = Field(None, description="Planned before")
    person_id: int | None = None
    account_id: int | None = None
    related_type: str | None = Field(None, description="app_label.model")
    related_id: str | None = None
    q: str | None = Field(None, description="Text in subject or description")

    def as_filters(self, me_id: int | None) -> ActivityFilters:
        """The query-side filters, 'me' meaning ``me_id``."""
        return ActivityFilters(**self.dict(), me_id=me_id)


class MyDayOut(Schema):
    """One member's day."""

    date: dt.date
    overdue: list[ActivityOut]
    due_today: list[ActivityOut]
    meetings: list[ActivityOut]
    done_today: list[ActivityOut]
