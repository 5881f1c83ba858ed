"""Template helpers of data exchange: export links that keep the list's filters and sort."""

from __future__ import annotations

from django import template
from django.http import HttpRequest

register = template.Library()


@register.simple_tag(takes_context=True)
def export_url(context: template.Context, fmt: str) -> str:
    """The current list URL with its query string, ``export=<fmt>`` and no page number."""
    request: HttpRequest = context["request"]
    query = request.GET.copy()
    query.pop("page", None)
    query["export"] = fmt
    return f"{request.path}?{query.urlencode()}"
