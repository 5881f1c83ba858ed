"""``{% custom_values target record.custom %}``: a record's custom values with their labels."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

from valuechain.platform.customfields.queries import display_values

register = template.Library()


@register.inclusion_tag("customfields/_values.html")
def custom_values(target: str, values: Mapping[str, Any] | None) -> dict[str, Any]:
    """The target's active fields that have a value in ``values``, in form order."""
    return {"custom_values": display_values(target, values)}
