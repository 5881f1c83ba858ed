"""API routes of events and webhooks (admin area)."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Query, Status

from valuechain.platform.api import ListParams, Page, area_router, paginate
from valuechain.platform.events import queries, webhooks
from valuechain.platform.events.models import WebhookDelivery, WebhookEndpoint
from valuechain.platform.events.schemas import (
    EventFilters,
    EventOut,
    TestEventOut,
    WebhookDeliveryOut,
    WebhookEndpointIn,
    WebhookEndpointOut,
    WebhookEndpointPatch,
)
from valuechain.platform.identity.domain import allows

router = area_router("admin", tags=["webhooks"])


def _endpoint_out(request: HttpRequest, endpoint: WebhookEndpoint) -> dict[str, Any]:
    """The endpoint's fields; the secret only for callers who may manage webhooks."""
    permissions: frozenset[str] = getattr(request, "permissions", frozenset())
    return {
        "id": endpoint.pk,
        "url": endpoint.url,
        "event_types": endpoint.event_types,
        "description": endpoint.description,
        "is_active": endpoint.is_active,
        "created_at": endpoint.created_at,
        "updated_at": endpoint.updated_at,
        "secret": endpoint.secret if allows(permissions, "admin", "write") else None,
    }


@router.get("/webhooks", response=Page[WebhookEndpointOut], summary="List webhook endpoints")
def list_endpoints(request: HttpRequest, params: Query[ListParams]) -> dict[str, Any]:
    """The tenant's webhook endpoints (without secrets)."""
    page = paginate(
        queries.endpoints(), params, sortable=("url", "created_at"), default_sort=("url",)
    )
    page["items"] = [{**_endpoint_out(request, e), "secret": None} for e in page["items"]]
    return page


@router.post("/webhooks", response={201: WebhookEndpointOut}, summary="Create a webhook endpoint")
def create_endpoint(request: HttpRequest, data: WebhookEndpointIn) -> Status[dict[str, Any]]:
    """Add an endpoint; the answer carries its signing secret."""
    endpoint = webhooks.create_endpoint(**data.dict())
    return Status(201, _endpoint_out(request, endpoint))


@router.get("/webhooks/{endpoint_id}", response=WebhookEndpointOut, summary="Get an endpoint")
def get_endpoint(request: HttpRequest, endpoint_id: int) -> dict[str, Any]:
    """One endpoint, with its secret for admin:write."""
    return _endpoint_out(request, queries.endpoint(endpoint_id))


@router.patch("/webhooks/{endpoint_id}", response=WebhookEndpointOut, summary="Change an endpoint")
def update_endpoint(
    request: HttpRequest, endpoint_id: int, data: WebhookEndpointPatch
) -> dict[str, Any]:
    """Change the given fields of an endpoint."""
    endpoint = webhooks.update_endpoint(endpoint_id, **data.dict(exclude_unset=True))
    return _endpoint_out(request, endpoint)


@router.delete("/webhooks/{endpoint_id}", response={204: None}, summary="Delete an endpoint")
def delete_endpoint(request: HttpRequest, endpoint_id: int) -> Status[None]:
    """Remove an endpoint and its delivery log."""
    webhooks.delete_endpoint(endpoint_id)
    return Status(204, None)


@router.post(
    "/webhooks/{endpoint_id}/test",
    response={202: TestEventOut},
    summary="Send a test event to an endpoint",
)
def send_test_event(request: HttpRequest, endpoint_id: int) -> Status[dict[str, Any]]:
    """Queue a WebhookTestRequested event for this endpoint only."""
    event = webhooks.send_test_event(endpoint_id)
    return Status(202, {"event_id": event.pk, "type": event.type})


@router.get(
    "/webhooks/{endpoint_id}/deliveries",
    response=Page[WebhookDeliveryOut],
    summary="List an endpoint's deliveries",
)
def list_deliveries(
    request: HttpRequest, endpoint_id: int, params: Query[ListParams]
) -> dict[str, Any]:
    """The endpoint's deliveries, newest first."""
    endpoint = queries.endpoint(endpoint_id)
    return paginate(
        queries.deliveries(endpoint),
        params,
        sortable=("created_at", "status"),
        default_sort=("-created_at",),
    )


@router.post(
    "/webhooks/{endpoint_id}/deliveries/{delivery_id}/redeliver",
    response={202: WebhookDeliveryOut},
    summary="Send a delivery again",
)
def redeliver(
    request: HttpRequest, endpoint_id: int, delivery_id: uuid.UUID
) -> Status[WebhookDelivery]:
    """Queue a new delivery of the same event to the same endpoint."""
    endpoint = queries.endpoint(endpoint_id)
    delivery = queries.deliveries(endpoint).get(pk=delivery_id)
    return Status(202, webhooks.redeliver(delivery.pk))


@router.get("/events", response=Page[EventOut], summary="List events")
def list_events(
    request: HttpRequest, filters: Query[EventFilters], params: Query[ListParams]
) -> dict[str, Any]:
    """The tenant's outbox events, newest first, with their dispatch status."""
    return paginate(
        queries.events(filters.type),
        params,
        sortable=("occurred_at", "type"),
        default_sort=("-occurred_at",),
    )
