"""Pages of the customer 360° view: the whole page and its htmx timeline fragment."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from valuechain.crm.customers import customer360
from valuechain.crm.customers.interaction_forms import TIMELINE_CHANNELS
from valuechain.crm.customers.models import Account, Person
from valuechain.platform.errors import DomainError
from valuechain.platform.identity.decorators import requires


def _party(kind: str, party_id: int) -> Account | Person:
    try:
        return customer360.customer(customer360.CustomerRef(kind, party_id))
    except (Account.DoesNotExist, Person.DoesNotExist) as exc:
        raise Http404(f"No such {kind}.") from exc


def _timeline_context(request: HttpRequest, party: Account | Person) -> dict[str, Any]:
    """The filter and one timeline page; a bad channel or cursor starts from the top."""
    permissions: frozenset[str] = getattr(request, "permissions", frozenset())
    kind = customer360.party_kind(party)
    try:
        channel = customer360.checked_channel(request.GET.get("channel"))
        before = customer360.checked_cursor(request.GET.get("cursor"))
    except DomainError:
        channel, before = None, None
    page = customer360.timeline(party, permissions, channel=channel, before=before)
    return {
        "party": party,
        "kind": kind,
        "timeline": page,
        "channel": channel or "",
        "channels": TIMELINE_CHANNELS,
        "appending": before is not None,
        "timeline_url": reverse(f"customers-{kind}-360-timeline", args=[party.pk]),
    }


@requires("crm", "read")
def customer_360(request: HttpRequest, kind: str, party_id: int) -> HttpResponse:
    """/crm/people/<id>/360/ and /crm/accounts/<id>/360/: everything about one customer."""
    party = _party(kind, party_id)
    permissions: frozenset[str] = getattr(request, "permissions", frozenset())
    context = _timeline_context(request, party)
    figures = customer360.key_figures(party, permissions)
    context.update(
        {
            "profile": customer360.profile(party),
            "contacts": customer360.contacts(party),
            "figures": figures,
            "extra_figures": [
                (name.replace("_", " ").capitalize(), value)
                for name, value in figures.items()
                if name not in customer360.BUILTIN_FIGURES
            ],
            "panels": customer360.panel_data(party, permissions),
            "detail_url": reverse(f"customers-{kind}-detail", args=[party.pk]),
        }
    )
    return render(request, "customers/customer360.html", context)


@requires("crm", "read")
def customer_360_timeline(request: HttpRequest, kind: str, party_id: int) -> HttpResponse:
    """htmx fragment: the filtered timeline, or the next page of it (``cursor``)."""
    party = _party(kind, party_id)
    context = _timeline_context(request, party)
    template = (
        "customers/customer360_entries.html"
        if context["appending"]
        else "customers/customer360_timeline.html"
    )
    return render(request, template, context)
