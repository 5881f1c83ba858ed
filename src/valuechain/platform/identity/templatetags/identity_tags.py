"""Template filters of the identity pages."""

from __future__ import annotations

import datetime as dt

from django import template

register = template.Library()


@register.filter
def duration_words(value: dt.timedelta | None) -> str:
    """'15 minutes', '2 hours', '1 hour 30 minutes' for a timedelta."""
    if not isinstance(value, dt.timedelta):
        return ""
    minutes = max(1, round(value.total_seconds() / 60))
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)
