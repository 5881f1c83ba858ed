"""Webhook pages: list and create with errors next to fields, detail, test button, search."""

from __future__ import annotations

import pytest
from django.test import Client

from valuechain.platform.events import queries, webhooks
from valuechain.platform.events.models import WebhookDelivery, WebhookEndpoint
from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import tenant_context
from valuechain.platform.web.registry import menu_items, search_providers

URL = "https://hooks.example.test/valuechain"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def endpoint(tenant_a, admin_a):
    with tenant_context(tenant_a, actor=admin_a.user, channel="ui"):
        return webhooks.create_endpoint(url=URL, event_types=["*"], description="Shop sync")


def test_list_page_shows_endpoints_and_the_form(client_a, endpoint):
    response = client_a.get("/settings/webhooks/")
    assert response.status_code == 200
    html = response.content.decode()
    assert URL in html
    assert f'href="/settings/webhooks/{endpoint.pk}/"' in html
    assert 'name="url"' in html and 'name="event_types"' in html


def test_create_from_the_page(client_a, tenant_a):
    response = client_a.post(
        "/settings/webhooks/",
        {"url": URL, "event_types": "OrderConfirmed, OrderShipped", "is_active": "on"},
    )
    with tenant_context(tenant_a):
        endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/settings/webhooks/{endpoint.pk}/"
    assert endpoint.event_types == ["OrderConfirmed", "OrderShipped"]
    assert endpoint.is_active is True


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"url": "ftp://x.example/a", "event_types": "*"}, "url", "must start with https://"),
        ({"url": URL, "event_types": "order confirmed"}, "event_types", "Not an event type"),
        ({"url": "", "event_types": "*"}, "url", "This field is required."),
    ],
)
def test_create_errors_show_next_to_the_field(client_a, tenant_a, data, field, message):
    response = client_a.post("/settings/webhooks/", data)
    assert response.status_code == 200
    html = response.content.decode()
    error_at = html.index(f'id="id_{field}_error"')
    assert message in html[error_at : error_at + 300]
    with tenant_context(tenant_a):
        assert not WebhookEndpoint.objects.exists()


def test_detail_page_shows_secret_deliveries_and_history(
    client_a, endpoint, tenant_a, receiver, django_capture_on_commit_callbacks
):
    receiver.statuses = [500]
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(f"/settings/webhooks/{endpoint.pk}/test/")
    assert response.status_code == 302
    html = client_a.get(f"/settings/webhooks/{endpoint.pk}/").content.decode()
    assert endpoint.secret in html
    assert "WebhookTestRequested" in html
    assert "retrying" in html
    assert "The receiver answered HTTP 500." in html
    assert "Send test event" in html
    assert "History" in html and "<strong>url</strong>" in html
    assert 'data-copy-target="webhook-secret"' in html  # handled by the shell's app.js


def test_edit_from_the_detail_page(client_a, endpoint, tenant_a):
    response = client_a.post(
        f"/settings/webhooks/{endpoint.pk}/",
        {"url": URL, "event_types": "OrderConfirmed", "description": "Changed"},
    )
    assert response.status_code == 302
    with tenant_context(tenant_a):
        endpoint.refresh_from_db()
    assert (endpoint.event_types, endpoint.description, endpoint.is_active) == (
        ["OrderConfirmed"],
        "Changed",
        False,
    )
    html = client_a.get(f"/settings/webhooks/{endpoint.pk}/").content.decode()
    assert "<strong>is_active</strong>: True → False" in html
    bad = client_a.post(f"/settings/webhooks/{endpoint.pk}/", {"url": "x", "event_types": "*"})
    assert 'id="id_url_error"' in bad.content.decode()


def test_redeliver_rotate_and_delete_from_the_page(
    client_a, endpoint, tenant_a, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post(f"/settings/webhooks/{endpoint.pk}/test/")
    with tenant_context(tenant_a):
        delivery = WebhookDelivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(
            f"/settings/webhooks/{endpoint.pk}/deliveries/{delivery.pk}/redeliver/"
        )
    assert response.status_code == 302
    assert len(receiver.requests) == 2
    old_secret = endpoint.secret
    client_a.post(f"/settings/webhooks/{endpoint.pk}/rotate-secret/")
    with tenant_context(tenant_a):
        assert WebhookEndpoint.objects.get().secret != old_secret
    assert client_a.post(f"/settings/webhooks/{endpoint.pk}/delete/").status_code == 302
    with tenant_context(tenant_a):
        assert not WebhookEndpoint.objects.exists()


def test_another_tenants_endpoint_is_404(client_b, endpoint):
    assert client_b.get(f"/settings/webhooks/{endpoint.pk}/").status_code == 404
    assert client_b.post(f"/settings/webhooks/{endpoint.pk}/test/").status_code == 404
    assert client_b.post(f"/settings/webhooks/{endpoint.pk}/delete/").status_code == 404
    assert URL not in client_b.get("/settings/webhooks/").content.decode()


def test_readers_see_no_secret_and_cannot_write(tenant_a, endpoint, monkeypatch):
    from valuechain.platform.identity import domain

    monkeypatch.setitem(domain.ROLE_GRANTS, "planner", {"admin": "read"})
    user = tenancy.create_user("reader@alpha.test", PASSWORD)
    tenancy.add_member(tenant_a, user, "planner")
    client = Client()
    client.force_login(user)
    html = client.get(f"/settings/webhooks/{endpoint.pk}/").content.decode()
    assert endpoint.secret not in html
    assert client.post(f"/settings/webhooks/{endpoint.pk}/test/").status_code == 403
    assert client.post("/settings/webhooks/", {"url": URL, "event_types": "*"}).status_code == 403


def test_pages_need_admin_read(tenant_a):
    user = tenancy.create_user("rep@alpha.test", PASSWORD)
    tenancy.add_member(tenant_a, user, "sales_rep")
    client = Client()
    client.force_login(user)
    assert client.get("/settings/webhooks/").status_code == 403


def test_menu_and_search_are_registered(endpoint, tenant_a):
    assert ("Webhooks", "webhook-list", "admin:read") in {
        (i.label, i.url_name, i.permission) for i in menu_items("admin")
    }
    [provider] = [p for p in search_providers() if p.kind == "webhook"]
    assert provider.permission == "admin:read"
    with tenant_context(tenant_a):
        [hit] = provider.provider("shop sync", 10)
        assert queries.search_endpoints("nothing like it", 10) == []
    assert (hit.title, hit.detail, hit.url) == (
        URL,
        "Shop sync",
        f"/settings/webhooks/{endpoint.pk}/",
    )
