"""Reporting periods: a date range a report covers, turned into time-zone-aware bounds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from valuechain.platform.errors import DomainError

# A year, a leap day included: longer windows make report queries scan too much history.
MAX_PERIOD_DAYS = 366
DEFAULT_PERIOD_DAYS = 30


@dataclass(frozen=True)
class Period:
    """From the start of ``start`` to the end of ``end``, in the current time zone."""

    start: date
    end: date

    @property
    def since(self) -> datetime:
        """The first moment of the period."""
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def until(self) -> datetime:
        """The first moment after the period."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))


def period(start: date | None, end: date | None) -> Period:
    """A period of at most a year; the last 30 days when not given (invalid_period)."""
    finish = end or timezone.localdate()
    begin = start or finish - timedelta(days=DEFAULT_PERIOD_DAYS - 1)
    if begin > finish:
        raise DomainError("invalid_period", "The period must start before it ends.", field="start")
    if (finish - begin).days + 1 > MAX_PERIOD_DAYS:
        raise DomainError("invalid_period", "A period is at most a year.", field="start")
    return Period(begin, finish)
