"""``{% load audit %}{% audit_history obj %}``: a record's change history on any record page."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.db import models

from valuechain.platform.audit import queries

register = template.Library()

DEFAULT_LIMIT = 20
VALUE_DISPLAY_LIMIT = 120


@register.inclusion_tag("audit/history.html")
def audit_history(obj: models.Model, limit: int = DEFAULT_LIMIT) -> dict[str, Any]:
    """The latest ``limit`` changes of ``obj``, with a link to the full log when there are more."""
    history = queries.history_for(obj)
    entries = list(history[: limit + 1])
    more = len(entries) > limit
    return {
        "entries": entries[:limit],
        "more": more,
        "total": history.count() if more else len(entries),
        "model_label": queries.label_of(type(obj)._meta.concrete_model or type(obj)),
        "object_id": str(obj.pk),
        "anchor": f"{obj._meta.model_name}-{obj.pk}",
    }


@register.filter
def audit_value(value: Any) -> str:
    """A stored audit value for people: '—' for empty, JSON for lists and dicts, shortened."""
    if value is None or value == "":
        return "—"
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else str(value)
    if len(text) > VALUE_DISPLAY_LIMIT:
        return text[: VALUE_DISPLAY_LIMIT - 1] + "…"
    return text
