"""The webhooks and events API: CRUD, validation errors, deliveries, test events, isolation."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from valuechain.platform.events import webhooks
from valuechain.platform.events.models import OutboxEvent, WebhookEndpoint
from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import tenant_context

URL = "https://hooks.example.test/valuechain"
PASSWORD = "correct horse battery staple"


def _post(client, path, data):
    return client.post(path, data=json.dumps(data), content_type="application/json")


def _patch(client, path, data):
    return client.patch(path, data=json.dumps(data), content_type="application/json")


@pytest.fixture
def endpoint_b(tenant_b):
    with tenant_context(tenant_b):
        return webhooks.create_endpoint(url="https://b.example.test/hook", event_types=["*"])


def test_create_returns_the_endpoint_with_its_secret(
    client_a, tenant_a, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(
            client_a,
            "/api/v1/webhooks",
            {"url": URL, "event_types": ["OrderConfirmed"], "description": "Shop"},
        )
    assert response.status_code == 201
    body = response.json()
    assert body["url"] == URL
    assert body["event_types"] == ["OrderConfirmed"]
    assert body["is_active"] is True
    assert body["secret"].startswith("whsec_")
    with tenant_context(tenant_a):
        endpoint = WebhookEndpoint.objects.get(pk=body["id"])
        assert endpoint.secret == body["secret"]
        [event] = OutboxEvent.objects.all()
    assert event.type == "WebhookEndpointCreated"
    assert event.dispatched_at is not None


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        ({"url": "ftp://example.com/x", "event_types": ["*"]}, "invalid_url_scheme", "url"),
        ({"url": "not a url", "event_types": ["*"]}, "invalid_url_scheme", "url"),
        ({"url": "https://", "event_types": ["*"]}, "invalid_url", "url"),
        ({"url": URL, "event_types": []}, "no_event_types", "event_types"),
        ({"url": URL, "event_types": ["bad type"]}, "invalid_event_type", "event_types"),
    ],
)
def test_invalid_input_is_422_with_the_field(client_a, data, code, field):
    response = _post(client_a, "/api/v1/webhooks", data)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == code
    assert body["details"]["field"] == field
    assert body["message"]


def test_wrong_types_are_422_validation_errors(client_a):
    response = _post(client_a, "/api/v1/webhooks", {"url": URL, "event_types": "*"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    [error] = body["details"]["errors"]
    assert (error["field"], error["type"]) == ("data.event_types", "list_type")


def test_list_get_patch_delete(client_a, tenant_a):
    with tenant_context(tenant_a):
        endpoint = webhooks.create_endpoint(url=URL, event_types=["*"])
    listed = client_a.get("/api/v1/webhooks").json()
    assert listed["count"] == 1
    assert listed["items"][0]["secret"] is None  # lists never carry secrets
    detail = client_a.get(f"/api/v1/webhooks/{endpoint.pk}").json()
    assert detail["secret"] == endpoint.secret

    patched = _patch(client_a, f"/api/v1/webhooks/{endpoint.pk}", {"is_active": False})
    assert patched.status_code == 200
    assert patched.json()["is_active"] is False
    assert patched.json()["url"] == URL

    bad = _patch(client_a, f"/api/v1/webhooks/{endpoint.pk}", {"url": "gopher://x"})
    assert bad.status_code == 422
    assert bad.json()["details"]["field"] == "url"

    assert client_a.delete(f"/api/v1/webhooks/{endpoint.pk}").status_code == 204
    assert client_a.get(f"/api/v1/webhooks/{endpoint.pk}").status_code == 404
    with tenant_context(tenant_a):
        types = list(OutboxEvent.objects.order_by("occurred_at").values_list("type", flat=True))
    assert types == ["WebhookEndpointCreated", "WebhookEndpointUpdated", "WebhookEndpointDeleted"]


def test_test_event_and_deliveries(
    client_a, tenant_a, receiver, django_capture_on_commit_callbacks
):
    with tenant_context(tenant_a):
        endpoint = webhooks.create_endpoint(url=URL, event_types=["OrderShipped"])
    receiver.statuses = [500]
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(f"/api/v1/webhooks/{endpoint.pk}/test")
    assert response.status_code == 202
    event_id = response.json()["event_id"]
    assert response.json()["type"] == "WebhookTestRequested"

    deliveries = client_a.get(f"/api/v1/webhooks/{endpoint.pk}/deliveries").json()
    assert deliveries["count"] == 1
    [item] = deliveries["items"]
    assert item["event_id"] == event_id
    assert item["event_type"] == "WebhookTestRequested"
    assert (item["status"], item["attempts"], item["response_code"]) == ("retrying", 1, 500)
    assert item["response_body"] == "answer 500"

    with django_capture_on_commit_callbacks(execute=True):
        again = client_a.post(f"/api/v1/webhooks/{endpoint.pk}/deliveries/{item['id']}/redeliver")
    assert again.status_code == 202
    assert again.json()["event_id"] == event_id
    statuses = [
        i["status"]
        for i in client_a.get(f"/api/v1/webhooks/{endpoint.pk}/deliveries").json()["items"]
    ]
    assert sorted(statuses) == ["retrying", "succeeded"]


def test_events_list_filters_by_type(client_a, tenant_a):
    with tenant_context(tenant_a):
        endpoint = webhooks.create_endpoint(url=URL, event_types=["*"])
        webhooks.send_test_event(endpoint.pk)
    body = client_a.get("/api/v1/events?type=WebhookTestRequested").json()
    assert body["count"] == 1
    [event] = body["items"]
    assert event["type"] == "WebhookTestRequested"
    assert event["payload"]["endpoint_id"] == endpoint.pk
    assert event["status"] == "pending"  # the test transaction never commits
    assert client_a.get("/api/v1/events").json()["count"] == 2
    bad = client_a.get("/api/v1/events?type=no such")
    assert (bad.status_code, bad.json()["details"]["field"]) == (422, "type")


def test_endpoints_are_isolated_between_tenants(client_a, client_b, tenant_a, endpoint_b):
    assert client_a.get("/api/v1/webhooks").json()["count"] == 0
    for method, path in [
        ("get", f"/api/v1/webhooks/{endpoint_b.pk}"),
        ("delete", f"/api/v1/webhooks/{endpoint_b.pk}"),
        ("post", f"/api/v1/webhooks/{endpoint_b.pk}/test"),
        ("get", f"/api/v1/webhooks/{endpoint_b.pk}/deliveries"),
    ]:
        assert getattr(client_a, method)(path).status_code == 404, (method, path)
    assert (
        _patch(client_a, f"/api/v1/webhooks/{endpoint_b.pk}", {"is_active": False}).status_code
        == 404
    )
    assert client_a.get("/api/v1/events").json()["count"] == 0
    assert client_b.get("/api/v1/webhooks").json()["count"] == 1
    assert client_b.get(f"/api/v1/webhooks/{endpoint_b.pk}").json()["is_active"] is True


def test_webhooks_need_the_admin_area(tenant_a):
    user = tenancy.create_user("rep@alpha.test", PASSWORD)
    tenancy.add_member(tenant_a, user, "sales_rep")
    client = Client()
    client.force_login(user)
    assert client.get("/api/v1/webhooks").status_code == 403
    assert _post(client, "/api/v1/webhooks", {"url": URL, "event_types": ["*"]}).status_code == 403
    assert client.get("/api/v1/events").status_code == 403


def test_deliveries_and_events_query_count_does_not_grow(
    client_a, tenant_a, receiver, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with tenant_context(tenant_a):
        endpoint = webhooks.create_endpoint(url=URL, event_types=["*"])

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            for path in (f"/api/v1/webhooks/{endpoint.pk}/deliveries", "/api/v1/events"):
                assert client_a.get(path).status_code == 200
            assert client_a.get(f"/settings/webhooks/{endpoint.pk}/").status_code == 200
        return len(queries)

    with tenant_context(tenant_a), django_capture_on_commit_callbacks(execute=True):
        webhooks.send_test_event(endpoint.pk)
    few = count_queries()
    for _ in range(5):
        with tenant_context(tenant_a), django_capture_on_commit_callbacks(execute=True):
            webhooks.send_test_event(endpoint.pk)
    assert count_queries() == few
