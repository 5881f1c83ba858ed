"""The touch-point API: single and bulk ingest, lists, timelines, unmatched review, isolation."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from valuechain.crm.customers import interactions, services
from valuechain.crm.customers.models import Interaction
from valuechain.platform.tenancy.context import tenant_context


def _post(client: Client, path: str, data: object):
    return client.post(f"/api/v1{path}", data=json.dumps(data), content_type="application/json")


def _error(response, status: int, code: str, field: str | None = None):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert body["message"]
    if field is not None:
        assert body["details"]["field"] == field
    return body


@pytest.fixture
def ada(tenant_a, admin_a):
    with tenant_context(tenant_a, actor=admin_a.user):
        account = services.create_account(name="Acme")
        person = services.create_person(
            first_name="Ada", last_name="Lovelace", account_id=account.pk
        )
        services.add_email("person", person.pk, email="ada@example.com")
        return person


def _count(tenant) -> int:
    with tenant_context(tenant):
        return int(Interaction.objects.count())


def test_post_single_201_then_200_for_the_duplicate(client_a, tenant_a, ada):
    row = {
        "channel": "email",
        "kind": "email",
        "occurred_at": "2026-03-01T09:30:00Z",
        "subject": "Order question",
        "identifier_kind": "email",
        "identifier_value": "ADA@example.com",
        "source": "mailbox",
        "external_id": "<m1@example.com>",
        "payload": {"thread": 7},
    }
    first = _post(client_a, "/interactions", row)
    assert first.status_code == 201, first.content
    body = first.json()
    assert {
        k: body[k] for k in ("channel", "kind", "direction", "status", "person_id", "subject")
    } == {
        "channel": "email",
        "kind": "email",
        "direction": "inbound",
        "status": "matched",
        "person_id": ada.pk,
        "subject": "Order question",
    }
    assert body["occurred_at"].startswith("2026-03-01T09:30:00")
    assert body["payload"] == {"thread": 7}
    again = _post(client_a, "/interactions", row)
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]
    assert client_a.get(f"/api/v1/interactions/{body['id']}").json()["id"] == body["id"]
    assert _count(tenant_a) == 1


def test_post_single_errors(client_a, tenant_a, ada):
    _error(
        _post(client_a, "/interactions", {"channel": "fax", "person_id": ada.pk}),
        422,
        "invalid_channel",
        "channel",
    )
    _error(_post(client_a, "/interactions", {"channel": "web"}), 422, "party_required", "person_id")
    _error(client_a.get("/api/v1/interactions/999999"), 404, "not_found")
    assert _count(tenant_a) == 0


def test_bulk_1000_rows_idempotent(client_a, tenant_a, ada):
    rows = [
        {
            "channel": "store",
            "kind": "purchase",
            "source": "pos",
            "external_id": f"r{i}",
            "person_id": ada.pk,
        }
        if i % 4
        else {
            "channel": "store",
            "source": "pos",
            "external_id": f"r{i}",
            "identifier_kind": "loyalty_card",
            "identifier_value": f"X{i}",
        }
        for i in range(1000)
    ]
    response = _post(client_a, "/interactions/bulk", {"items": rows})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["duplicates"], body["unmatched"], body["rejected"]) == (
        1000,
        0,
        250,
        0,
    )
    assert len(body["rows"]) == 1000
    again = _post(client_a, "/interactions/bulk", {"items": rows}).json()
    assert (again["created"], again["duplicates"], again["unmatched"]) == (0, 1000, 0)
    assert _count(tenant_a) == 1000
    unmatched = client_a.get("/api/v1/interactions/unmatched?limit=1").json()
    assert unmatched["count"] == 250


def test_bulk_invalid_rows_422_with_details(client_a, tenant_a, ada):
    rows = [
        {"channel": "web", "person_id": ada.pk},
        {"channel": "web", "occurred_at": "yesterday", "person_id": ada.pk},
    ]
    body = _error(
        _post(client_a, "/interactions/bulk", {"items": rows}), 422, "invalid_rows", "items"
    )
    assert body["details"]["rows"] == [
        {
            "index": 1,
            "code": "invalid_occurred_at",
            "message": "'yesterday' is not a date and time (ISO 8601, e.g. 2026-01-31T14:00:00Z).",
            "field": "occurred_at",
        }
    ]
    assert _count(tenant_a) == 0


def test_list_filters_and_timelines(client_a, tenant_a, admin_a, ada):
    with tenant_context(tenant_a, actor=admin_a.user):
        interactions.record_interaction(
            {
                "channel": "web",
                "kind": "visit",
                "person_id": ada.pk,
                "occurred_at": "2026-01-01T00:00:00Z",
            }
        )
        interactions.log_activity("person", ada.pk, kind="call", subject="Hi")
        interactions.record_interaction(
            {"channel": "social", "identifier_kind": "social_handle", "identifier_value": "@x"}
        )
    listed = client_a.get("/api/v1/interactions?channel=web").json()
    assert [row["kind"] for row in listed["items"]] == ["visit"]
    assert client_a.get("/api/v1/interactions?status=unmatched").json()["count"] == 1
    assert (
        client_a.get("/api/v1/interactions?occurred_to=2026-02-01T00:00:00Z").json()["count"] == 1
    )
    _error(client_a.get("/api/v1/interactions?channel=fax"), 422, "invalid_channel", "channel")
    timeline = client_a.get(f"/api/v1/people/{ada.pk}/timeline").json()
    assert [row["kind"] for row in timeline["items"]] == ["call", "visit"]
    account_timeline = client_a.get(
        f"/api/v1/accounts/{ada.account_id}/timeline?channel=sales_rep"
    ).json()
    assert [row["kind"] for row in account_timeline["items"]] == ["call"]
    oldest_first = client_a.get("/api/v1/interactions?sort=occurred_at").json()
    assert oldest_first["items"][0]["kind"] == "visit"


def test_resolve_and_dismiss(client_a, tenant_a, admin_a, ada):
    with tenant_context(tenant_a, actor=admin_a.user):
        first, _ = interactions.record_interaction(
            {"channel": "store", "identifier_kind": "loyalty_card", "identifier_value": "C-1"}
        )
        _second, _ = interactions.record_interaction(
            {"channel": "store", "identifier_kind": "loyalty_card", "identifier_value": "c1"}
        )
        third, _ = interactions.record_interaction(
            {"channel": "store", "identifier_kind": "loyalty_card", "identifier_value": "c2"}
        )
    resolved = _post(
        client_a,
        f"/interactions/{first.pk}/resolve",
        {"party_kind": "person", "party_id": ada.pk, "remember_identifier": True},
    )
    assert resolved.json() == {"attached": 2}
    _error(
        _post(
            client_a,
            f"/interactions/{first.pk}/resolve",
            {"party_kind": "person", "party_id": ada.pk},
        ),
        409,
        "not_unmatched",
    )
    later = _post(
        client_a,
        "/interactions",
        {"channel": "store", "identifier_kind": "loyalty_card", "identifier_value": "C1"},
    )
    assert later.json()["person_id"] == ada.pk
    assert _post(client_a, f"/interactions/{third.pk}/dismiss", {}).json()["status"] == "dismissed"
    assert client_a.get("/api/v1/interactions/unmatched").json()["count"] == 0


def test_identifier_endpoints(client_a, tenant_a, ada):
    added = _post(
        client_a, f"/people/{ada.pk}/identifiers", {"kind": "social_handle", "value": "@Ada"}
    )
    assert added.status_code == 201
    assert added.json()["value"] == "ada"
    _error(
        _post(
            client_a,
            f"/accounts/{ada.account_id}/identifiers",
            {"kind": "social_handle", "value": "ada"},
        ),
        409,
        "identifier_taken",
        "value",
    )
    assert client_a.delete(f"/api/v1/identifiers/{added.json()['id']}").status_code == 204


def test_other_tenant_sees_nothing(client_a, client_b, tenant_a, ada):
    created = _post(client_a, "/interactions", {"channel": "web", "person_id": ada.pk}).json()
    assert client_b.get("/api/v1/interactions").json()["count"] == 0
    _error(client_b.get(f"/api/v1/interactions/{created['id']}"), 404, "not_found")
    _error(
        _post(client_b, "/interactions", {"channel": "web", "person_id": ada.pk}),
        422,
        "unknown_person",
        "person_id",
    )


def test_query_counts_do_not_grow(client_a, tenant_a, admin_a, ada):
    def _fill(count):
        with tenant_context(tenant_a, actor=admin_a.user):
            interactions.ingest_interactions(
                [
                    {
                        "channel": "web",
                        "person_id": ada.pk,
                        "related_type": "customers.account",
                        "related_id": "1",
                    }
                ]
                * count
            )

    def _queries(path):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client_a.get(path).status_code == 200
        return len(captured)

    _fill(1)
    paths = [
        "/api/v1/interactions",
        f"/api/v1/people/{ada.pk}/timeline",
        f"/api/v1/accounts/{ada.account_id}/timeline",
    ]
    one = [_queries(path) for path in paths]
    _fill(49)
    assert [_queries(path) for path in paths] == one
