"""Template filters every page may use to show stored codes to people."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def words(value: object) -> str:
    """A state or code as words: partially_received -> partially received, qty_over -> qty over."""
    return str(value or "").replace("_", " ")
