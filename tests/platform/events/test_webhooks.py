"""Webhook delivery: signed POSTs, retries with backoff, failure after max attempts, the log."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from valuechain.platform.errors import DomainError
from valuechain.platform.events import services, webhooks
from valuechain.platform.events.domain import verify_signature_header
from valuechain.platform.events.models import OutboxEvent, WebhookDelivery, WebhookEndpoint

URL = "https://hooks.example.test/valuechain"


@pytest.fixture
def endpoint(in_tenant_a, django_capture_on_commit_callbacks):
    """An endpoint for every event of tenant A, created with no receiver answering yet."""
    return WebhookEndpoint.objects.create(
        url=URL, event_types=["*"], secret="whsec_test", description="Shop"
    )


def _publish(event_type, payload, capture):
    with capture(execute=True):
        return services.publish(event_type, payload)


def test_delivery_is_a_signed_json_post(
    endpoint, receiver, in_tenant_a, django_capture_on_commit_callbacks
):
    event = _publish(
        "OrderConfirmed", {"order": "SO-1", "total": "12.50"}, django_capture_on_commit_callbacks
    )
    [request] = receiver.requests
    body = request.content.decode()
    assert json.loads(body) == {
        "id": str(event.pk),
        "type": "OrderConfirmed",
        "occurred_at": event.occurred_at.isoformat(),
        "tenant": "alpha",
        "data": {"order": "SO-1", "total": "12.50"},
    }
    [delivery] = WebhookDelivery.objects.all()
    assert request.method == "POST"
    assert str(request.url) == URL
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-Valuechain-Event"] == "OrderConfirmed"
    assert request.headers["X-Valuechain-Delivery"] == str(delivery.pk)
    header = request.headers["X-Valuechain-Signature"]
    timestamp = int(header.split(",")[0].removeprefix("t="))
    expected = hmac.new(b"whsec_test", f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    assert header == f"t={timestamp},v1={expected}"
    assert verify_signature_header("whsec_test", header, body, now=timestamp)
    assert not verify_signature_header("whsec_other", header, body, now=timestamp)
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("succeeded", 1, 200)
    assert delivery.response_body == "answer 200"
    assert delivery.delivered_at is not None


def test_only_subscribed_active_endpoints_get_a_delivery(
    endpoint, receiver, in_tenant_a, django_capture_on_commit_callbacks
):
    WebhookEndpoint.objects.create(
        url="https://other.example.test/x", event_types=["OrderShipped"], secret="s"
    )
    WebhookEndpoint.objects.create(
        url="https://paused.example.test/x", event_types=["*"], secret="s", is_active=False
    )
    _publish("OrderConfirmed", {}, django_capture_on_commit_callbacks)
    assert [str(r.url) for r in receiver.requests] == [URL]


def test_500_is_retried_with_backoff_then_succeeds(
    endpoint, receiver, in_tenant_a, django_capture_on_commit_callbacks
):
    receiver.statuses = [500, 503, 200]
    started = timezone.now()
    _publish("OrderConfirmed", {}, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("retrying", 1, 500)
    assert delivery.error == "The receiver answered HTTP 500."
    first_wait = (delivery.next_attempt_at - delivery.last_attempt_at).total_seconds()
    assert first_wait == webhooks.RETRY_BASE_SECONDS
    [scheduled] = HUEY.scheduled()  # the next attempt waits in the queue
    eta = scheduled.eta.replace(tzinfo=dt.UTC)
    assert started + dt.timedelta(seconds=29) < eta <= timezone.now() + dt.timedelta(seconds=30)

    assert webhooks.deliver(str(delivery.pk)) is None  # too early: nothing is sent
    assert len(receiver.requests) == 1

    webhooks.deliver(str(delivery.pk), now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("retrying", 2, 503)
    second_wait = (delivery.next_attempt_at - delivery.last_attempt_at).total_seconds()
    assert second_wait == 2 * webhooks.RETRY_BASE_SECONDS

    webhooks.deliver(str(delivery.pk), now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("succeeded", 3, 200)
    assert delivery.error == ""
    assert delivery.next_attempt_at is None
    assert len(receiver.requests) == 3
    ids = {r.headers["X-Valuechain-Delivery"] for r in receiver.requests}
    assert ids == {str(delivery.pk)}


def test_failed_after_max_attempts(
    endpoint, receiver, in_tenant_a, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    receiver.statuses = [500, 500, 500, 200]
    _publish("OrderConfirmed", {}, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    for _ in range(2):
        webhooks.deliver(str(delivery.pk), now=delivery.next_attempt_at)
        delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 3, None)
    assert webhooks.deliver(str(delivery.pk), now=timezone.now() + dt.timedelta(days=1)) is None
    assert len(receiver.requests) == 3


def test_network_errors_are_recorded_and_retried(
    endpoint, receiver, in_tenant_a, django_capture_on_commit_callbacks
):
    import httpx

    receiver.failure = httpx.ConnectError("connection refused")
    _publish("OrderConfirmed", {}, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "retrying"
    assert delivery.response_code is None
    assert delivery.error == "ConnectError: connection refused"


def test_response_body_is_truncated_to_2_kb(
    endpoint, in_tenant_a, monkeypatch, django_capture_on_commit_callbacks
):
    import httpx

    monkeypatch.setattr(
        webhooks,
        "transport_factory",
        lambda: httpx.MockTransport(lambda request: httpx.Response(200, text="x" * 10_000)),
    )
    _publish("OrderConfirmed", {}, django_capture_on_commit_callbacks)
    assert len(WebhookDelivery.objects.get().response_body) == 2048


def test_sweeper_resends_deliveries_whose_job_was_lost(
    endpoint, receiver, in_tenant_a, django_capture_on_commit_callbacks
):
    event = services.publish("OrderConfirmed", {})  # never committed: no dispatch ran
    [delivery] = webhooks.fan_out(event)  # enqueued only on commit, which never comes
    assert receiver.requests == []
    assert webhooks.sweep_deliveries(now=timezone.now()) == 0  # within the grace period
    with django_capture_on_commit_callbacks(execute=True):
        assert webhooks.sweep_deliveries(now=timezone.now() + webhooks.SWEEP_GRACE) == 1
    delivery.refresh_from_db()
    assert delivery.status == "succeeded"
    assert len(receiver.requests) == 1


def test_test_event_goes_to_that_endpoint_only(
    endpoint, receiver, in_tenant_a, django_capture_on_commit_callbacks
):
    other = WebhookEndpoint.objects.create(
        url="https://other.example.test/x", event_types=["*"], secret="s"
    )
    with django_capture_on_commit_callbacks(execute=True):
        event = webhooks.send_test_event(other.pk)
    assert event.type == "WebhookTestRequested"
    assert [str(r.url) for r in receiver.requests] == ["https://other.example.test/x"]


def test_redeliver_sends_the_same_event_again(
    endpoint, receiver, in_tenant_a, django_capture_on_commit_callbacks
):
    event = _publish("OrderConfirmed", {}, django_capture_on_commit_callbacks)
    first = WebhookDelivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        again = webhooks.redeliver(first.pk)
    again.refresh_from_db()
    assert again.pk != first.pk
    assert (again.event_id, again.status, again.attempts) == (event.pk, "succeeded", 1)
    bodies = [json.loads(r.content)["id"] for r in receiver.requests]
    assert bodies == [str(event.pk), str(event.pk)]


def test_endpoint_services_publish_events(
    in_tenant_a, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        created = webhooks.create_endpoint(url=URL, event_types=["OrderConfirmed", "*"])
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.update_endpoint(created.pk, description="Shop", url=URL)
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.update_endpoint(created.pk, description="Shop")  # no change: no event
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.rotate_secret(created.pk)
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.delete_endpoint(created.pk)
    events = list(OutboxEvent.objects.order_by("occurred_at"))
    assert [e.type for e in events] == [
        "WebhookEndpointCreated",
        "WebhookEndpointUpdated",
        "WebhookSecretRotated",
        "WebhookEndpointDeleted",
    ]
    assert events[0].payload == {
        "id": created.pk,
        "url": URL,
        "event_types": ["*"],
        "is_active": True,
        "description": "",
    }
    assert events[1].payload["changed"] == ["description"]
    assert all("secret" not in json.dumps(e.payload) for e in events)
    assert created.secret.startswith("whsec_") and len(created.secret) > 30
    # The endpoint got the events that happened while it existed (not its own deletion).
    received = [json.loads(r.content)["type"] for r in receiver.requests]
    assert received == ["WebhookEndpointCreated", "WebhookEndpointUpdated", "WebhookSecretRotated"]


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("", "invalid_url"),
        ("ftp://example.com/x", "invalid_url_scheme"),
        ("javascript:alert(1)", "invalid_url_scheme"),
        ("file:///etc/passwd", "invalid_url_scheme"),
        ("https://", "invalid_url"),
        ("https://user:pw@example.com/x", "invalid_url"),
        ("https://exa mple.com/x", "invalid_url"),
    ],
)
def test_bad_urls_are_refused(in_tenant_a, url, code):
    with pytest.raises(DomainError) as error:
        webhooks.create_endpoint(url=url, event_types=["*"])
    assert (error.value.code, error.value.field) == (code, "url")


def test_private_addresses_are_refused_in_production(in_tenant_a, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False  # what production mode defaults to
    for url in (
        "http://127.0.0.1:8000/x",
        "http://localhost/x",
        "http://10.0.0.5/x",
        "http://169.254.169.254/latest",
    ):
        with pytest.raises(DomainError) as error:
            webhooks.create_endpoint(url=url, event_types=["*"])
        assert error.value.code == "url_not_public"
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    assert webhooks.create_endpoint(url="http://10.0.0.5/x", event_types=["*"]).pk


@pytest.mark.parametrize(
    ("event_types", "code"),
    [
        ([], "no_event_types"),
        (["order confirmed"], "invalid_event_type"),
        ("*", "invalid_event_types"),
    ],
)
def test_bad_event_types_are_refused(in_tenant_a, event_types, code):
    with pytest.raises(DomainError) as error:
        webhooks.create_endpoint(url=URL, event_types=event_types)
    assert (error.value.code, error.value.field) == (code, "event_types")


class _Recorder(BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], str]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        self.received.append((dict(self.headers), self.rfile.read(length).decode()))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def test_delivery_over_a_real_socket(in_tenant_a, django_capture_on_commit_callbacks):
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/hook"
        secret = WebhookEndpoint.objects.create(
            url=url, event_types=["*"], secret="whsec_real"
        ).secret
        _publish("OrderConfirmed", {"n": 1}, django_capture_on_commit_callbacks)
    finally:
        server.shutdown()
        server.server_close()
    [(headers, body)] = _Recorder.received
    timestamp = int(headers["X-Valuechain-Signature"].split(",")[0][2:])
    assert verify_signature_header(secret, headers["X-Valuechain-Signature"], body, now=timestamp)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.response_code) == ("succeeded", 204)
