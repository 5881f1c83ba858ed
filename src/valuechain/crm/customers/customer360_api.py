"""API routes of the customer 360° view (crm area): the whole view and its timeline pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Schema

from valuechain.crm.customers import customer360
from valuechain.platform.api import area_router

router = area_router("crm", tags=["customer 360"])


class TimelineParams(Schema):
    """Filter and keyset paging of the merged timeline."""

    channel: str | None = Field(None, description="Only interactions on this channel.")
    cursor: str | None = Field(None, description="`next_cursor` of the previous page.")
    limit: int = Field(customer360.TIMELINE_DEFAULT_LIMIT, ge=1, le=customer360.TIMELINE_MAX_LIMIT)


class TimelineEntryOut(Schema):
    """One timeline row; ``source`` says which context contributed it."""

    id: str = Field(..., examples=["interaction-42"])
    source: str
    occurred_at: dt.datetime
    kind: str
    title: str
    detail: str
    channel: str
    url: str
    ids: dict[str, Any]


class TimelineOut(Schema):
    """A page of the merged timeline, newest first; no ``next_cursor`` on the last page."""

    items: list[TimelineEntryOut]
    next_cursor: str | None
    channel: str | None


class Customer360Out(Schema):
    """The customer 360° view: profile, contacts, key figures, panels and timeline."""

    id: str = Field(..., examples=["person-7"])
    kind: str
    profile: dict[str, Any]
    contacts: dict[str, Any]
    key_figures: dict[str, Any]
    panels: dict[str, Any]
    timeline: TimelineOut
    page_url: str


def _permissions(request: HttpRequest) -> frozenset[str]:
    return getattr(request, "permissions", frozenset())


@router.get(
    "/customers/{customer_id}/360", response=Customer360Out, summary="A customer's 360° view"
)
def get_customer_360(
    request: HttpRequest, customer_id: str, params: Query[TimelineParams]
) -> dict[str, Any]:
    """``person-<id>``, ``account-<id>`` or a person's id; the first timeline page included."""
    return customer360.customer_360(
        customer360.parse_customer_id(customer_id),
        _permissions(request),
        channel=params.channel,
        cursor=params.cursor,
        limit=params.limit,
    )


@router.get(
    "/customers/{customer_id}/360/timeline",
    response=TimelineOut,
    summary="More of a customer's merged timeline",
)
def get_customer_timeline(
    request: HttpRequest, customer_id: str, params: Query[TimelineParams]
) -> dict[str, Any]:
    """The next page (pass ``cursor``) without reloading the rest of the view."""
    channel = customer360.checked_channel(params.channel)
    before = customer360.checked_cursor(params.cursor)
    party = customer360.customer(customer360.parse_customer_id(customer_id))
    page = customer360.timeline(
        party, _permissions(request), channel=channel, before=before, limit=params.limit
    )
    return customer360.timeline_out(page)
