"""API shapes of events and webhooks."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from ninja import Field, Schema

from valuechain.platform.events.models import OutboxEvent


class EventOut(Schema):
    """One outbox event and how far its dispatch got."""

    id: uuid.UUID
    type: str
    payload: dict[str, Any]
    occurred_at: dt.datetime
    dispatched_at: dt.datetime | None
    attempts: int
    last_error: str
    status: str = Field(..., description="dispatched, pending, retrying or failed")

    @staticmethod
    def resolve_status(obj: OutboxEvent) -> str:
        return obj.status


class EventFilters(Schema):
    """Filters of the event log."""

    type: str | None = Field(None, description="An event type, e.g. WebhookEndpointCreated")


class WebhookEndpointIn(Schema):
    """A new webhook endpoint."""

    url: str = Field(..., description="http(s) URL that receives the POSTs", max_length=500)
    event_types: list[str] = Field(..., description='Event types, or ["*"] for every event')
    description: str = Field("", max_length=200)
    is_active: bool = True


class WebhookEndpointPatch(Schema):
    """Changes to a webhook endpoint; fields left out stay as they are."""

    url: str | None = Field(None, max_length=500)
    event_types: list[str] | None = None
    description: str | None = Field(None, max_length=200)
    is_active: bool | None = None


class WebhookEndpointOut(Schema):
    """A webhook endpoint; ``secret`` only for members who may manage webhooks."""

    id: int
    url: str
    event_types: list[str]
    description: str
    is_active: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    secret: str | None = Field(
        None, description="Signing secret (HMAC-SHA256); shown to admin:write only"
    )


class WebhookDeliveryOut(Schema):
    """One delivery of one event to one endpoint."""

    id: uuid.UUID
    event_id: uuid.UUID
    event_type: str
    status: str = Field(..., description="pending, succeeded, failed or retrying")
    attempts: int
    response_code: int | None
    response_body: str
    error: str
    next_attempt_at: dt.datetime | None
    last_attempt_at: dt.datetime | None
    delivered_at: dt.datetime | None
    created_at: dt.datetime

    @staticmethod
    def resolve_event_type(obj: Any) -> str:
        return str(obj.event.type)


class TestEventOut(Schema):
    """The test event queued for an endpoint."""

    event_id: uuid.UUID
    type: str
