"""The activities API: create, list with filters and sorts, change, complete, my day."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from valuechain.crm.activities import services
from valuechain.crm.activities.models import Activity
from valuechain.crm.customers.models import Interaction
from valuechain.platform.tenancy.context import tenant_context


def _post(client: Client, path: str, data: object, **extra):
    return client.post(
        f"/api/v1{path}", data=json.dumps(data), content_type="application/json", **extra
    )


def _error(response, status: int, code: str, field: str | None = None):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert body["message"]
    if field is not None:
        assert body["details"]["field"] == field
    return body


def _count(tenant) -> int:
    with tenant_context(tenant):
        return int(Activity.objects.count())


def _today_at(hour: int) -> dt.datetime:
    now = timezone.localtime()
    return now.replace(hour=hour, minute=0, second=0, microsecond=0)


def test_create_201_and_get(client_a, tenant_a, admin_a, ada):
    response = _post(
        client_a,
        "/activities",
        {
            "kind": "call",
            "subject": "Follow up",
            "due_at": "2026-03-02T12:00:00Z",
            "person_id": ada.pk,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert {
        k: body[k]
        for k in ("kind", "subject", "status", "assignee_id", "assignee_email", "person_id")
    } == {
        "kind": "call",
        "subject": "Follow up",
        "status": "open",
        "assignee_id": admin_a.user_id,
        "assignee_email": "admin@alpha.test",
        "person_id": ada.pk,
    }
    assert body["due_at"].startswith("2026-03-02T12:00:00")
    assert client_a.get(f"/api/v1/activities/{body['id']}").json()["id"] == body["id"]


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        ({"subject": "x", "kind": "visit"}, "invalid_kind", "kind"),
        ({"subject": " "}, "subject_required", "subject"),
        (
            {
                "subject": "x",
                "kind": "meeting",
                "starts_at": "2026-03-02T12:00:00Z",
                "ends_at": "2026-03-02T11:00:00Z",
            },
            "ends_before_start",
            "ends_at",
        ),
        (
            {
                "subject": "x",
                "due_at": "2026-03-02T12:00:00Z",
                "reminder_at": "2026-03-03T12:00:00Z",
            },
            "reminder_after_due",
            "reminder_at",
        ),
        ({"subject": "x", "assignee_id": 987654}, "assignee_not_member", "assignee_id"),
        (
            {"subject": "x", "related_type": "nope.nope", "related_id": "1"},
            "invalid_related_type",
            "related_type",
        ),
    ],
)
def test_create_refuses_bad_input_and_writes_nothing(client_a, tenant_a, data, code, field):
    _error(_post(client_a, "/activities", data), 422, code, field)
    assert _count(tenant_a) == 0


def test_create_validation_errors(client_a, tenant_a):
    body = _error(
        _post(client_a, "/activities", {"subject": "x", "due_at": "soon"}), 422, "validation_error"
    )
    assert body["details"]["errors"][0]["field"] == "data.due_at"
    _error(_post(client_a, "/activities", {"due_at": "2026-03-02"}), 422, "validation_error")
    response = client_a.post("/api/v1/activities", data="{", content_type="application/json")
    assert response.status_code in (400, 422)
    assert _count(tenant_a) == 0


@pytest.fixture
def day(tenant_a, admin_a, sales_a, ada):
    """Activities around today for admin A and the rep."""
    now = timezone.now()
    with tenant_context(tenant_a, actor=admin_a.user):
        rows = {
            "late": services.create_activity(
                {"subject": "late", "due_at": now - dt.timedelta(days=2)}
            ),
            "today": services.create_activity({"subject": "today", "due_at": _today_at(23)}),
            "meeting": services.create_activity(
                {
                    "kind": "meeting",
                    "subject": "meet",
                    "starts_at": _today_at(0) + dt.timedelta(minutes=1),
                }
            ),
            "later": services.create_activity(
                {"subject": "later", "due_at": now + dt.timedelta(days=3)}
            ),
            "theirs": services.create_activity(
                {
                    "subject": "theirs",
                    "due_at": _today_at(23),
                    "assignee_id": sales_a.user_id,
                    "person_id": ada.pk,
                }
            ),
            "done_late": services.create_activity(
                {"subject": "done", "due_at": now - dt.timedelta(days=2)}
            ),
        }
        services.complete_activity(rows["done_late"].pk)
    return rows


def _subjects(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["subject"] for row in response.json()["items"]]


def test_list_filters_and_sorts(client_a, day, sales_a, ada, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client_a.get("/api/v1/activities?assignee=me&due=today")
    assert sorted(_subjects(response)) == ["meet", "today"]
    assert _subjects(client_a.get("/api/v1/activities?assignee=me&due=overdue")) == ["late"]
    assert _subjects(client_a.get(f"/api/v1/activities?assignee={sales_a.user_id}")) == ["theirs"]
    assert _subjects(client_a.get(f"/api/v1/activities?person_id={ada.pk}")) == ["theirs"]
    assert _subjects(client_a.get("/api/v1/activities?status=done")) == ["done"]
    assert _subjects(client_a.get("/api/v1/activities?kind=meeting")) == ["meet"]
    assert _subjects(client_a.get("/api/v1/activities?due=upcoming")) == ["later"]
    assert _subjects(client_a.get("/api/v1/activities?q=LAT")) == ["late", "later"]
    assert _subjects(client_a.get("/api/v1/activities?sort=-subject&limit=2")) == [
        "today",
        "theirs",
    ]
    assert client_a.get("/api/v1/activities?limit=2").json()["count"] == 6
    _error(client_a.get("/api/v1/activities?sort=colour"), 422, "invalid_sort", "sort")
    _error(client_a.get("/api/v1/activities?due=someday"), 422, "invalid_due", "due")
    _error(client_a.get("/api/v1/activities?assignee=bob"), 422, "invalid_assignee", "assignee")
    _error(client_a.get("/api/v1/activities?status=late"), 422, "invalid_status", "status")


def test_list_query_count_does_not_grow(
    client_a, tenant_a, admin_a, ada, django_assert_max_num_queries
):
    with tenant_context(tenant_a, actor=admin_a.user):
        for index in range(30):
            services.create_activity(
                {"subject": f"t{index}", "person_id": ada.pk, "account_id": ada.account_id}
            )
    with django_assert_max_num_queries(8):
        assert len(client_a.get("/api/v1/activities?limit=100").json()["items"]) == 30


def test_my_day(client_a, day):
    body = client_a.get("/api/v1/activities/my-day").json()
    assert [row["subject"] for row in body["overdue"]] == ["late"]
    assert [row["subject"] for row in body["due_today"]] == ["today"]
    assert [row["subject"] for row in body["meetings"]] == ["meet"]
    assert [row["subject"] for row in body["done_today"]] == ["done"]
    assert body["date"] == timezone.localdate().isoformat()


def test_patch_complete_cancel_reopen(client_a, tenant_a, day, ada):
    call_id = _post(
        client_a, "/activities", {"kind": "call", "subject": "c", "person_id": ada.pk}
    ).json()["id"]
    patched = client_a.patch(
        f"/api/v1/activities/{call_id}",
        data=json.dumps({"priority": "high"}),
        content_type="application/json",
    )
    assert patched.json()["priority"] == "high"
    _error(
        client_a.patch(
            f"/api/v1/activities/{call_id}",
            data=json.dumps({"priority": "max"}),
            content_type="application/json",
        ),
        422,
        "invalid_priority",
        "priority",
    )
    done = _post(client_a, f"/activities/{call_id}/complete", {"outcome": "Ordered"})
    assert done.json()["status"] == "done"
    with tenant_context(tenant_a):
        interaction = Interaction.objects.get(pk=done.json()["interaction_id"])
    assert (interaction.kind, interaction.body, interaction.person_id) == (
        "call",
        "Ordered",
        ada.pk,
    )
    _error(_post(client_a, f"/activities/{call_id}/complete", {}), 409, "not_open")
    _error(_post(client_a, f"/activities/{call_id}/cancel", {}), 409, "not_open")
    assert _post(client_a, f"/activities/{call_id}/reopen", {}).json()["status"] == "open"
    assert _post(client_a, f"/activities/{call_id}/cancel", {}).json()["status"] == "cancelled"
    _error(_post(client_a, "/activities/999999/complete", {}), 404, "not_found")


def test_other_tenant_and_permissions(client_b, day, tenant_b, admin_b, token_for):
    theirs = day["late"].pk
    _error(client_b.get(f"/api/v1/activities/{theirs}"), 404, "not_found")
    _error(_post(client_b, f"/activities/{theirs}/complete", {}), 404, "not_found")
    assert client_b.get("/api/v1/activities").json()["count"] == 0
    raw = token_for(admin_b, ["crm:read"])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert Client().get("/api/v1/activities", **auth).status_code == 200
    _error(_post(Client(), "/activities", {"subject": "x"}, **auth), 403, "permission_denied")
    assert _count(tenant_b) == 0
    _error(Client().get("/api/v1/activities"), 401, "not_authenticated")
