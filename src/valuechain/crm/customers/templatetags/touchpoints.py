"""``{% load touchpoints %}{% touchpoints party %}``: the log panel and timeline of a party page."""

from __future__ import annotations

from typing import Any

from django import template

from valuechain.crm.customers.interaction_views import touchpoints_context
from valuechain.crm.customers.models import Account, Person

register = template.Library()


@register.inclusion_tag("customers/_touchpoints.html", takes_context=True)
def touchpoints(context: template.Context, party: Account | Person) -> dict[str, Any]:
    """The party's "log a call / meeting / note" panel and its timeline, newest first."""
    return touchpoints_context(context["request"], party)
