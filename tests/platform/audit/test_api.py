"""GET /api/v1/audit and /api/v1/audit/{model}/{object_id}: filters, errors, isolation, access."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from valuechain.platform.models import FxRate
from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import tenant_context, use_context

DAY = dt.date(2026, 1, 5)
PASSWORD = "correct horse battery staple"


@pytest.fixture
def rates(tenant_a, admin_a, tenant_b):
    """Tenant A: a rate created in the UI and updated through the API; tenant B: one rate."""
    with tenant_context(tenant_a, actor=admin_a.user, channel="ui"):
        usd = FxRate.objects.create(base="EUR", quote="USD", rate=Decimal("1.1"), valid_on=DAY)
        with use_context(channel="api"):
            usd.rate = Decimal("1.2")
            usd.save()
        gbp = FxRate.objects.create(base="EUR", quote="GBP", rate=Decimal("0.8"), valid_on=DAY)
    with tenant_context(tenant_b, channel="cli"):
        chf = FxRate.objects.create(base="EUR", quote="CHF", rate=Decimal("0.9"), valid_on=DAY)
    return usd, gbp, chf


def test_list_shows_the_tenants_entries_newest_first(client_a, rates, admin_a):
    usd, gbp, _ = rates
    response = client_a.get("/api/v1/audit")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [(i["action"], i["object_id"]) for i in body["items"]] == [
        ("create", str(gbp.pk)),
        ("update", str(usd.pk)),
        ("create", str(usd.pk)),
    ]
    update = body["items"][1]
    assert update["model"] == "platform.fxrate"
    assert update["changes"] == {"rate": {"old": "1.1000000000", "new": "1.2000000000"}}
    assert update["channel"] == "api"
    assert update["actor_id"] == admin_a.user_id
    assert update["actor_email"] == "admin@alpha.test"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("channel=api", ["update"]),
        ("action=create", ["create", "create"]),
        ("model=platform.fxrate&action=update", ["update"]),
        ("model=platform.documentsequence", []),
    ],
)
def test_list_filters(client_a, rates, query, expected):
    response = client_a.get(f"/api/v1/audit?{query}")
    assert response.status_code == 200
    assert [item["action"] for item in response.json()["items"]] == expected


def test_filter_by_object_and_actor(client_a, rates, admin_a):
    usd, _, _ = rates
    body = client_a.get(f"/api/v1/audit?object_id={usd.pk}&actor_id={admin_a.user_id}").json()
    assert [i["action"] for i in body["items"]] == ["update", "create"]
    assert client_a.get("/api/v1/audit?actor_id=999999").json()["count"] == 0


def test_sort_by_at_ascending(client_a, rates):
    body = client_a.get("/api/v1/audit?sort=at&limit=1").json()
    assert (body["count"], body["limit"], body["items"][0]["action"]) == (3, 1, "create")


@pytest.mark.parametrize(
    ("query", "code", "field"),
    [
        ("model=nope.nothing", "unknown_model", "model"),
        ("model=audit.auditentry", "unknown_model", "model"),
        ("channel=fax", "invalid_channel", "channel"),
        ("action=rename", "invalid_action", "action"),
        ("sort=object_repr", "invalid_sort", "sort"),
    ],
)
def test_bad_filters_are_422_with_the_field(client_a, rates, query, code, field):
    response = client_a.get(f"/api/v1/audit?{query}")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == code
    assert body["details"]["field"] == field


def test_history_of_one_record(client_a, rates):
    usd, _, _ = rates
    response = client_a.get(f"/api/v1/audit/platform.fxrate/{usd.pk}")
    assert response.status_code == 200
    body = response.json()
    assert [(i["action"], i["object_id"]) for i in body["items"]] == [
        ("update", str(usd.pk)),
        ("create", str(usd.pk)),
    ]


def test_history_of_another_tenants_record_is_empty(client_a, rates):
    _, _, chf = rates
    response = client_a.get(f"/api/v1/audit/platform.fxrate/{chf.pk}")
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_history_of_unknown_model_is_422(client_a, rates):
    response = client_a.get("/api/v1/audit/platform.nothing/1")
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_model"


def test_audit_needs_admin_read(tenant_a, rates):
    user = tenancy.create_user("rep@alpha.test", PASSWORD)
    tenancy.add_member(tenant_a, user, "sales_rep")
    client = Client()
    client.force_login(user)
    response = client.get("/api/v1/audit")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert Client().get("/api/v1/audit").status_code == 401


def test_list_query_count_does_not_grow_with_rows(client_a, tenant_a, admin_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client_a.get("/api/v1/audit").status_code == 200
        return len(queries)

    with tenant_context(tenant_a, actor=admin_a.user):
        FxRate.objects.create(base="EUR", quote="USD", rate=Decimal("1"), valid_on=DAY)
    few = count_queries()
    with tenant_context(tenant_a, actor=admin_a.user):
        for index in range(10):
            FxRate.objects.create(
                base="EUR", quote="GBP", rate=Decimal("1"), valid_on=DAY + dt.timedelta(index)
            )
    assert count_queries() == few
