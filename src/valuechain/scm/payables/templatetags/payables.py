"""Template filters of the payables pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def words(value: object) -> str:
    """A state or match code as words: to_approve -> to approve, qty_over -> qty over."""
    return str(value or "").replace("_", " ")
