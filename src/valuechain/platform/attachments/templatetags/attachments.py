"""``{% attachments record %}``: a record's files with an upload form, on any detail page."""

from __future__ import annotations

from typing import Any

from django import template

from valuechain.platform.attachments.panel import panel_context
from valuechain.platform.attachments.queries import label_of

register = template.Library()


@register.inclusion_tag("attachments/_panel.html", takes_context=True)
def attachments(context: template.Context, record: Any) -> dict[str, Any]:
    """The attachments panel of ``record`` (its type must be registered as attachable)."""
    ctx = panel_context(context.get("request"), label_of(record), record.pk)
    ctx["csrf_token"] = context.get("csrf_token")
    return ctx
