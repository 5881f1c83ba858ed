"""The read side of events and webhooks: event log, endpoints, deliveries, search."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.urls import reverse

from valuechain.platform.errors import DomainError
from valuechain.platform.events.domain import is_event_type
from valuechain.platform.events.models import OutboxEvent, WebhookDelivery, WebhookEndpoint
from valuechain.platform.web.registry import SearchHit


def events(event_type: str | None = None) -> QuerySet[OutboxEvent]:
    """The current tenant's events, newest first, optionally of one type."""
    queryset = OutboxEvent.objects.all()
    if event_type:
        if not is_event_type(event_type):
            raise DomainError(
                "invalid_event_type",
                f"{event_type!r} is not an event type (e.g. WebhookEndpointCreated).",
                field="type",
            )
        queryset = queryset.filter(type=event_type)
    return queryset.order_by("-occurred_at")


def endpoints() -> QuerySet[WebhookEndpoint]:
    """The current tenant's webhook endpoints."""
    return WebhookEndpoint.objects.order_by("url", "pk")


def endpoint(endpoint_id: int) -> WebhookEndpoint:
    """One endpoint of the current tenant; DoesNotExist (a 404) otherwise."""
    return WebhookEndpoint.objects.get(pk=endpoint_id)


def deliveries(endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    """An endpoint's deliveries, newest first, with their events."""
    return (
        WebhookDelivery.objects.filter(endpoint=endpoint)
        .select_related("event")
        .order_by("-created_at", "-pk")
    )


def search_endpoints(query: str, limit: int) -> list[SearchHit]:
    """Global-search provider: endpoints whose URL or description contains the query."""
    query = query.strip()
    if not query:
        return []
    found = WebhookEndpoint.objects.filter(
        Q(url__icontains=query) | Q(description__icontains=query)
    ).order_by("url", "pk")[:limit]
    return [
        SearchHit(
            kind="webhook",
            title=endpoint.url,
            detail=endpoint.description or ", ".join(endpoint.event_types),
            url=reverse("webhook-detail", args=[endpoint.pk]),
        )
        for endpoint in found
    ]
