"""Pure rules of activities: kinds, schedules, reminders and the "my day" buckets.

No Django here; the services turn ``InvalidSchedule`` into a DomainError naming the field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

KINDS = ("task", "call", "meeting", "note")
STATUSES = ("open", "done", "cancelled")
PRIORITIES = ("low", "normal", "high")
DUE_KINDS = ("task", "call")  # planned by a due date
TIMELINE_KINDS = ("call", "meeting", "note")  # leave a touch point on the customer timeline
TOUCH_DIRECTIONS = {"call": "outbound", "meeting": "outbound", "note": "internal"}


class InvalidSchedule(Exception):
    """A schedule rule is broken; ``code`` and ``field`` say which and where."""

    def __init__(self, code: str, message: str, field: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Schedule:
    """When an activity is planned: a due date (task, call) or a slot (meeting), a reminder."""

    kind: str
    due_at: dt.datetime | None = None
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    reminder_at: dt.datetime | None = None


def check_schedule(schedule: Schedule) -> dt.datetime | None:
    """Refuse an impossible schedule; return the moment the activity is planned for."""
    kind = schedule.kind
    if kind in DUE_KINDS:
        if schedule.starts_at is not None or schedule.ends_at is not None:
            raise InvalidSchedule(
                "schedule_not_allowed",
                f"A {kind} has a due date, not a start and end; use a meeting for a slot.",
                "starts_at" if schedule.starts_at is not None else "ends_at",
            )
        planned = schedule.due_at
    elif kind == "meeting":
        if schedule.due_at is not None:
            raise InvalidSchedule(
                "due_not_allowed", "A meeting has a start and end, not a due date.", "due_at"
            )
        if schedule.starts_at is None:
            raise InvalidSchedule(
                "starts_at_required", "Enter when the meeting starts.", "starts_at"
            )
        if schedule.ends_at is not None and schedule.ends_at < schedule.starts_at:
            raise InvalidSchedule(
                "ends_before_start", "The meeting cannot end before it starts.", "ends_at"
            )
        planned = schedule.starts_at
    else:  # a note records what happened; nothing is planned
        for name in ("due_at", "starts_at", "ends_at", "reminder_at"):
            if getattr(schedule, name) is not None:
                raise InvalidSchedule(
                    "note_not_scheduled", "A note records something; it has no dates.", name
                )
        return None
    if schedule.reminder_at is not None:
        if planned is None:
            raise InvalidSchedule(
                "reminder_needs_due",
                "Set a due date before a reminder.",
                "reminder_at",
            )
        if schedule.reminder_at > planned:
            raise InvalidSchedule(
                "reminder_after_due",
                "The reminder must come at or before the due date (or the meeting's start).",
                "reminder_at",
            )
    return planned


def day_bounds(day: dt.date, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """The first moment of ``day`` and of the next day, in the time zone ``tz``."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    following = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, following


def end_of_day(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """23:59 of ``day`` in ``tz``: what a due date without a time means."""
    return dt.datetime.combine(day, dt.time(23, 59), tzinfo=tz)


def is_overdue(due: dt.datetime | None, today_starts: dt.datetime) -> bool:
    """Due before today began (dates, not hours: a task due at 09:00 today is "today")."""
    return due is not None and due < today_starts
