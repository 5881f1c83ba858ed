"""Use cases of webhooks: manage endpoints, fan events out to them, deliver signed POSTs.

Each dispatched event gets one WebhookDelivery per active endpoint that subscribes to its
type (the fan-out is an ordinary event handler, so it happens once per event). A delivery
job claims the delivery in a short transaction, POSTs with no transaction or lock open,
then records the answer in another short transaction: a 2xx succeeds, anything else is
retried with exponential backoff until ``settings.WEBHOOK_MAX_ATTEMPTS``, then fails.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import secrets
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from valuechain.platform.errors import DomainError
from valuechain.platform.events.domain import (
    ALL_EVENT_TYPES,
    is_event_type,
    signature_header,
    truncate,
)
from valuechain.platform.events.models import OutboxEvent, WebhookDelivery, WebhookEndpoint
from valuechain.platform.events.services import publish
from valuechain.platform.jobs.queue import backoff_delay
from valuechain.platform.tenancy.context import system_context

logger = logging.getLogger(__name__)

TEST_EVENT_TYPE = "WebhookTestRequested"
URL_MAX_LENGTH = 500
DESCRIPTION_MAX_LENGTH = 200
RETRY_BASE_SECONDS = float(getattr(settings, "WEBHOOK_RETRY_BASE_SECONDS", 30))
RETRY_CAP_SECONDS = 6 * 3600.0
# A claimed delivery is leased for this long: no one else sends it meanwhile.
CLAIM_LEASE = timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS + 60)
# The sweeper re-enqueues deliveries overdue by more than this (a lost or crashed job).
SWEEP_GRACE = timedelta(minutes=2)
USER_AGENT = "valuechain-webhooks/1"


def default_transport() -> httpx.BaseTransport | None:
    """The real network (httpx's default transport)."""
    return None


# Tests replace this with a factory returning httpx.MockTransport.
transport_factory: Callable[[], httpx.BaseTransport | None] = default_transport


# --- validation ---------------------------------------------------------------------------


def _private_networks_allowed() -> bool:
    """Loopback and private addresses are refused in production unless explicitly allowed."""
    return bool(settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS)


def _is_internal_address(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return bool(
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
    )


def _refuse_internal_literal(host: str) -> None:
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        internal = True
    else:
        try:
            internal = _is_internal_address(host)
        except ValueError:
            return  # a host name: checked again, resolved, when sending
    if internal:
        raise DomainError(
            "url_not_public",
            "Webhook URLs must point to a public address, not a private or local network.",
            field="url",
        )


def validate_url(url: str) -> str:
    """A clean http(s) URL for a webhook, or DomainError on field ``url``."""
    url = (url or "").strip()
    if not url:
        raise DomainError("invalid_url", "Enter the URL that receives the webhooks.", field="url")
    if len(url) > URL_MAX_LENGTH:
        raise DomainError(
            "invalid_url", f"The URL is longer than {URL_MAX_LENGTH} characters.", field="url"
        )
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise DomainError(
            "invalid_url_scheme",
            "Webhook URLs must start with https:// (or http://); "
            f"{(parts.scheme or 'no scheme')!r} is not allowed.",
            field="url",
        )
    if parts.username or parts.password:
        raise DomainError(
            "invalid_url",
            "Put no user name or password in the URL; receivers verify the signature instead.",
            field="url",
        )
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as exc:
        raise DomainError(
            "invalid_url", f"{url!r} is not a valid URL with a host name.", field="url"
        ) from exc
    if not _private_networks_allowed():
        _refuse_internal_literal(parts.hostname or "")
    return url


def validate_event_types(event_types: Iterable[str] | None) -> list[str]:
    """Sorted, distinct event type names, or ``["*"]``; DomainError on field ``event_types``."""
    if event_types is None or isinstance(event_types, str):
        raise DomainError(
            "invalid_event_types", "Give the event types as a list.", field="event_types"
        )
    cleaned = sorted({str(name).strip() for name in event_types if str(name).strip()})
    if not cleaned:
        raise DomainError(
            "no_event_types",
            "Choose at least one event type, or * for every event.",
            field="event_types",
        )
    wrong = [name for name in cleaned if name != ALL_EVENT_TYPES and not is_event_type(name)]
    if wrong:
        raise DomainError(
            "invalid_event_type",
            f"Not an event type: {', '.join(wrong)}. Event types look like OrderConfirmed; "
            "* means every event.",
            field="event_types",
            details={"invalid": wrong},
        )
    return [ALL_EVENT_TYPES] if ALL_EVENT_TYPES in cleaned else cleaned


def _validate_description(description: str) -> str:
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX_LENGTH:
        raise DomainError(
            "invalid_description",
            f"Keep the description under {DESCRIPTION_MAX_LENGTH} characters.",
            field="description",
        )
    return description


def new_secret() -> str:
    """A fresh signing secret."""
    return "whsec_" + secrets.token_urlsafe(32)


# --- endpoints ------------------------------------------------------------------------------


def _endpoint_payload(endpoint: WebhookEndpoint) -> dict[str, Any]:
    """What endpoint events carry: never the secret."""
    return {
        "id": endpoint.pk,
        "url": endpoint.url,
        "event_types": list(endpoint.event_types),
        "is_active": endpoint.is_active,
        "description": endpoint.description,
    }


def _locked_endpoint(endpoint_id: int) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.select_for_update().filter(pk=endpoint_id).first()
    if endpoint is None:
        raise DomainError("not_found", "No such webhook endpoint.", status=404)
    return endpoint


@transaction.atomic
def create_endpoint(
    *, url: str, event_types: Iterable[str], description: str = "", is_active: bool = True
) -> WebhookEndpoint:
    """Add a webhook endpoint with a new signing secret; publishes WebhookEndpointCreated."""
    endpoint = WebhookEndpoint.objects.create(
        url=validate_url(url),
        event_types=validate_event_types(event_types),
        description=_validate_description(description),
        is_active=bool(is_active),
        secret=new_secret(),
    )
    publish("WebhookEndpointCreated", _endpoint_payload(endpoint))
    return endpoint


@transaction.atomic
def update_endpoint(
    endpoint_id: int,
    *,
    url: str | None = None,
    event_types: Iterable[str] | None = None,
    description: str | None = None,
    is_active: bool | None = None,
) -> WebhookEndpoint:
    """Change the given fields of an endpoint; publishes WebhookEndpointUpdated if any changed."""
    endpoint = _locked_endpoint(endpoint_id)
    wanted: dict[str, Any] = {}
    if url is not None:
        wanted["url"] = validate_url(url)
    if event_types is not None:
        wanted["event_types"] = validate_event_types(event_types)
    if description is not None:
        wanted["description"] = _validate_description(description)
    if is_active is not None:
        wanted["is_active"] = bool(is_active)
    changed = sorted(name for name, value in wanted.items() if getattr(endpoint, name) != value)
    if not changed:
        return endpoint
    for name in changed:
        setattr(endpoint, name, wanted[name])
    endpoint.save(update_fields=[*changed, "updated_at"])
    publish("WebhookEndpointUpdated", {**_endpoint_payload(endpoint), "changed": changed})
    return endpoint


@transaction.atomic
def rotate_secret(endpoint_id: int) -> WebhookEndpoint:
    """Give an endpoint a new signing secret; the old one stops working at once."""
    endpoint = _locked_endpoint(endpoint_id)
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret", "updated_at"])
    publish("WebhookSecretRotated", {"id": endpoint.pk, "url": endpoint.url})
    return endpoint


@transaction.atomic
def delete_endpoint(endpoint_id: int) -> None:
    """Remove an endpoint and its delivery log; publishes WebhookEndpointDeleted."""
    endpoint = _locked_endpoint(endpoint_id)
    publish("WebhookEndpointDeleted", _endpoint_payload(endpoint))
    endpoint.delete()


@transaction.atomic
def send_test_event(endpoint_id: int) -> OutboxEvent:
    """Publish a WebhookTestRequested event that is delivered to this endpoint only."""
    endpoint = _locked_endpoint(endpoint_id)
    return publish(
        TEST_EVENT_TYPE,
        {
            "endpoint_id": endpoint.pk,
            "url": endpoint.url,
            "message": "A test event sent from valuechain; no action needed.",
        },
    )


@transaction.atomic
def redeliver(delivery_id: Any) -> WebhookDelivery:
    """Send a delivery's event to its endpoint again, as a new delivery."""
    original = (
        WebhookDelivery.objects.select_related("endpoint", "event").filter(pk=delivery_id).first()
    )
    if original is None:
        raise DomainError("not_found", "No such webhook delivery.", status=404)
    return _new_deliveries(original.event, [original.endpoint])[0]


# --- fan-out and delivery ---------------------------------------------------------------------


def _new_deliveries(event: OutboxEvent, endpoints: list[WebhookEndpoint]) -> list[WebhookDelivery]:
    from valuechain.platform.events.tasks import deliver_webhook

    now = timezone.now()
    deliveries = [
        WebhookDelivery.objects.create(
            endpoint=endpoint, event=event, status="pending", next_attempt_at=now
        )
        for endpoint in endpoints
    ]
    for delivery in deliveries:
        deliver_webhook.enqueue_for(delivery.tenant_id, str(delivery.pk))
    return deliveries


def fan_out(event: OutboxEvent) -> list[WebhookDelivery]:
    """Create (and enqueue) one delivery per active endpoint that wants the event."""
    if event.type == TEST_EVENT_TYPE:
        endpoints = list(WebhookEndpoint.objects.filter(pk=event.payload.get("endpoint_id")))
    else:
        endpoints = [
            endpoint
            for endpoint in WebhookEndpoint.objects.filter(is_active=True).order_by("pk")
            if endpoint.wants(event.type)
        ]
    return _new_deliveries(event, endpoints) if endpoints else []


def events_with_endpoints(events: list[OutboxEvent]) -> set[Any]:
    """Pks of the events some active endpoint of the current tenant wants (one query).

    The fan-out's relevance predicate: for the other events it would create nothing. A
    test event is addressed to one endpoint by its payload, so it is always relevant.
    """
    wanted = {event.pk for event in events if event.type == TEST_EVENT_TYPE}
    others = [event for event in events if event.type != TEST_EVENT_TYPE]
    if not others:
        return wanted
    endpoints = list(WebhookEndpoint.objects.filter(is_active=True).only("pk", "event_types"))
    wanted.update(
        event.pk for event in others if any(endpoint.wants(event.type) for endpoint in endpoints)
    )
    return wanted


def event_body(event: OutboxEvent, tenant_slug: str) -> str:
    """The JSON a receiver gets: id, type, occurred_at, tenant and data."""
    return json.dumps(
        {
            "id": str(event.pk),
            "type": event.type,
            "occurred_at": event.occurred_at.isoformat(),
            "tenant": tenant_slug,
            "data": event.payload,
        },
        separators=(",", ":"),
        sort_keys=True,
    )


@dataclass(frozen=True)
class Outgoing:
    """A claimed delivery: everything needed to send it without touching the database."""

    delivery_id: str
    attempt: int
    url: str
    secret: str
    event_type: str
    body: str


@dataclass(frozen=True)
class Answer:
    """What came back from a receiver (or why nothing did)."""

    status_code: int | None
    body: str
    error: str

    @property
    def succeeded(self) -> bool:
        """True for a 2xx answer."""
        return self.status_code is not None and 200 <= self.status_code < 300


def _claim(delivery_id: str, now: datetime) -> Outgoing | None:
    """Take a due delivery for one attempt (short transaction); None when not due or taken."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("endpoint", "event", "tenant")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status not in ("pending", "retrying"):
            return None
        if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
            return None  # not due yet, or another worker holds the lease
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.next_attempt_at = now + CLAIM_LEASE
        delivery.save(
            update_fields=["attempts", "last_attempt_at", "next_attempt_at", "updated_at"]
        )
        return Outgoing(
            delivery_id=str(delivery.pk),
            attempt=delivery.attempts,
            url=delivery.endpoint.url,
            secret=delivery.endpoint.secret,
            event_type=delivery.event.type,
            body=event_body(delivery.event, delivery.tenant.slug),
        )


def _check_destination(url: str) -> None:
    """Refuse to connect to internal addresses a public host name resolves to (production)."""
    if _private_networks_allowed():
        return
    host = urlsplit(url).hostname or ""
    _refuse_internal_literal(host)
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError as exc:
        raise httpx.ConnectError(f"cannot resolve {host}: {exc}") from exc
    if any(_is_internal_address(str(address).split("%")[0]) for address in addresses):
        raise httpx.ConnectError(f"{host} resolves to a private or local address")


def send(outgoing: Outgoing, timestamp: int | None = None) -> Answer:
    """POST the signed body; never raises for network trouble. Call with no transaction open."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Valuechain-Event": outgoing.event_type,
        "X-Valuechain-Delivery": outgoing.delivery_id,
        "X-Valuechain-Signature": signature_header(outgoing.secret, timestamp, outgoing.body),
    }
    try:
        _check_destination(outgoing.url)
        with (
            httpx.Client(
                transport=transport_factory(),
                timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
                follow_redirects=False,
            ) as client,
            client.stream(
                "POST", outgoing.url, content=outgoing.body.encode(), headers=headers
            ) as response,
        ):
            received = b""
            for chunk in response.iter_bytes():
                received += chunk
                if len(received) >= 4 * 2048:  # enough for 2 KB of text in any encoding
                    break
            body = truncate(received.decode("utf-8", errors="replace"))
            status = response.status_code
    except httpx.HTTPError as exc:
        return Answer(None, "", f"{type(exc).__name__}: {exc}"[:2000])
    error = "" if 200 <= status < 300 else f"The receiver answered HTTP {status}."
    return Answer(status, body, error)


def _record(delivery_id: str, answer: Answer, now: datetime) -> WebhookDelivery | None:
    """Store an attempt's outcome; schedule the next attempt or give up."""
    from valuechain.platform.events.tasks import deliver_webhook

    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None:
            return None
        delivery.response_code = answer.status_code
        delivery.response_body = answer.body
        delivery.error = answer.error
        if answer.succeeded:
            delivery.status = "succeeded"
            delivery.delivered_at = now
            delivery.next_attempt_at = None
        elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:  # read per call: tests change it
            delivery.status = "failed"
            delivery.next_attempt_at = None
        else:
            delay = backoff_delay(delivery.attempts, RETRY_BASE_SECONDS, RETRY_CAP_SECONDS)
            delivery.status = "retrying"
            delivery.next_attempt_at = now + timedelta(seconds=delay)
            deliver_webhook.schedule(str(delivery.pk), delay=delay)
        delivery.save()
    return delivery


def deliver(delivery_id: str, now: datetime | None = None) -> WebhookDelivery | None:
    """One attempt at a due delivery: claim, send outside any transaction, record the answer."""
    started = now or timezone.now()  # backoff counts from the start of the attempt
    outgoing = _claim(delivery_id, started)
    if outgoing is None:
        return None
    answer = send(outgoing)
    return _record(delivery_id, answer, started)


def sweep_deliveries(now: datetime | None = None, limit: int = 500) -> int:
    """Re-enqueue deliveries overdue past the grace period (lost or crashed jobs)."""
    from valuechain.platform.events.tasks import deliver_webhook

    now = now or timezone.now()
    with system_context(channel="job"):
        due = list(
            WebhookDelivery.unscoped.filter(
                status__in=["pending", "retrying"], next_attempt_at__lte=now - SWEEP_GRACE
            )
            .order_by("next_attempt_at")
            .values_list("pk", "tenant_id")[:limit]
        )
    for delivery_id, tenant_id in due:
        deliver_webhook.enqueue_for(tenant_id, str(delivery_id))
    return len(due)
