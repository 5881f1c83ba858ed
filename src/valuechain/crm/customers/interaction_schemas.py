"""API shapes of touch points (interactions)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from valuechain.crm.customers.interaction_queries import InteractionFilters


class InteractionIn(Schema):
    """One interaction; name the party (person_id/account_id) or give one identifier."""

    channel: str = Field(
        ...,
        description="web, mobile, store, sales_rep, direct_mail, field_service, email, "
        "service_centre, call_centre, social",
    )
    kind: str = Field(
        "other", description="note, call, meeting, email, visit, purchase, message, other"
    )
    direction: str = Field("inbound", description="inbound, outbound, internal")
    occurred_at: dt.datetime | None = Field(None, description="Defaults to now")
    actor_name: str = Field("", max_length=200, description="An external actor, e.g. a clerk")
    subject: str = Field("", max_length=300)
    body: str = ""
    payload: dict[str, Any] = Field(default_factory=dict)
    person_id: int | None = None
    account_id: int | None = None
    related_type: str = Field("", description="app_label.model of a linked record")
    related_id: str = Field("", max_length=64)
    source: str = Field("", max_length=100, description="The sending system, e.g. pos")
    external_id: str | None = Field(
        None, max_length=200, description="Its id there; (source, external_id) is idempotent"
    )
    identifier_kind: str = Field("", description="email, phone, loyalty_card, social_handle")
    identifier_value: str = Field("", description="Phones in international form (+49…)")


class InteractionBulkIn(Schema):
    """Up to 5,000 interactions (fields as in a single one); all are saved or none."""

    items: list[dict[str, Any]]


class InteractionOut(Schema):
    """An interaction on a customer's timeline (or waiting in the unmatched list)."""

    id: int
    channel: str
    kind: str
    direction: str
    occurred_at: dt.datetime
    actor_id: int | None
    actor_name: str
    subject: str
    body: str
    payload: dict[str, Any]
    person_id: int | None
    account_id: int | None
    related_type: str | None
    related_id: str
    source: str
    external_id: str | None
    identifier_kind: str
    identifier_value: str
    status: str
    created_at: dt.datetime

    @staticmethod
    def resolve_related_type(obj: Any) -> str | None:
        """app_label.model of the linked record."""
        related = obj.related_type
        return None if related is None else f"{related.app_label}.{related.model}"


class IngestRowOut(Schema):
    """What happened to one row of a batch."""

    index: int
    id: int
    result: str = Field(..., description="created or duplicate")


class IngestOut(Schema):
    """The outcome of a batch: counts and one entry per row, in the order sent."""

    created: int
    duplicates: int
    unmatched: int
    rejected: int
    rows: list[IngestRowOut]


class InteractionListFilters(Schema):
    """Filters of the interaction list; left out, they filter nothing."""

    channel: str | None = None
    kind: str | None = None
    status: str | None = Field(None, description="matched, unmatched, dismissed")
    person_id: int | None = None
    account_id: int | None = None
    occurred_from: dt.datetime | None = Field(None, description="On or after")
    occurred_to: dt.datetime | None = Field(None, description="Before")

    def as_filters(self) -> InteractionFilters:
        """The query-side filters."""
        return InteractionFilters(**self.dict())


class TimelineFilters(Schema):
    """A timeline can be narrowed to one channel."""

    channel: str | None = None


class ResolveIn(Schema):
    """Whom an unmatched interaction belongs to."""

    party_kind: str = Field(..., description="person or account")
    party_id: int
    remember_identifier: bool = Field(
        False, description="Add the identifier to the party so later interactions match"
    )


class ResolveOut(Schema):
    """How many interactions were attached."""

    attached: int


class IdentifierIn(Schema):
    """A loyalty card or social handle of a party."""

    kind: str = Field(..., description="loyalty_card or social_handle")
    value: str = Field(..., max_length=200)


class IdentifierOut(Schema):
    """A loyalty card or social handle, normalised."""

    id: int
    kind: str
    value: str
    person_id: int | None
    account_id: int | None
