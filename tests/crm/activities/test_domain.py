"""Pure schedule rules, without a database."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from valuechain.crm.activities.domain import (
    InvalidSchedule,
    Schedule,
    check_schedule,
    day_bounds,
    end_of_day,
    is_overdue,
)

T = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


def test_planned_moment_per_kind():
    assert check_schedule(Schedule("task", due_at=T)) == T
    assert check_schedule(Schedule("call")) is None
    assert check_schedule(Schedule("meeting", starts_at=T, ends_at=T)) == T
    assert check_schedule(Schedule("note")) is None
    assert check_schedule(Schedule("task", due_at=T, reminder_at=T)) == T


@pytest.mark.parametrize(
    ("schedule", "code", "field"),
    [
        (Schedule("task", starts_at=T), "schedule_not_allowed", "starts_at"),
        (Schedule("call", ends_at=T), "schedule_not_allowed", "ends_at"),
        (Schedule("meeting", due_at=T, starts_at=T), "due_not_allowed", "due_at"),
        (Schedule("meeting"), "starts_at_required", "starts_at"),
        (
            Schedule("meeting", starts_at=T, ends_at=T - dt.timedelta(minutes=1)),
            "ends_before_start",
            "ends_at",
        ),
        (Schedule("task", reminder_at=T), "reminder_needs_due", "reminder_at"),
        (
            Schedule("meeting", starts_at=T, reminder_at=T + dt.timedelta(seconds=1)),
            "reminder_after_due",
            "reminder_at",
        ),
        (Schedule("note", reminder_at=T), "note_not_scheduled", "reminder_at"),
    ],
)
def test_broken_schedules(schedule, code, field):
    with pytest.raises(InvalidSchedule) as caught:
        check_schedule(schedule)
    assert (caught.value.code, caught.value.field) == (code, field)


def test_days_follow_the_time_zone():
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    start, following = day_bounds(dt.date(2026, 3, 29), berlin)  # DST starts: a 23-hour day
    assert start.astimezone(dt.UTC) == dt.datetime(2026, 3, 28, 23, 0, tzinfo=dt.UTC)
    assert following.astimezone(dt.UTC) - start.astimezone(dt.UTC) == dt.timedelta(hours=23)
    assert end_of_day(dt.date(2026, 3, 2), berlin).astimezone(dt.UTC).hour == 22
    assert is_overdue(T - dt.timedelta(days=1), T) is True
    assert is_overdue(T, T) is False
    assert is_overdue(None, T) is False
