"""The automation API: every endpoint, bad input (error shape, nothing written), query counts."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from valuechain.crm.automation import services
from valuechain.crm.automation.models import EmailTemplate, Rule, RuleRun
from valuechain.crm.customers import services as customers
from valuechain.platform.errors import DomainError
from valuechain.platform.events import webhooks
from valuechain.platform.tenancy.context import tenant_context

from .conftest import set_field

BASE = "/api/v1/automation"


def _post(client: Client, path: str, data: object):
    return client.post(f"{BASE}{path}", data=json.dumps(data), content_type="application/json")


def _patch(client: Client, path: str, data: object):
    return client.patch(f"{BASE}{path}", data=json.dumps(data), content_type="application/json")


def _error(response, status: int, code: str, field: str | None = None):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert body["message"]
    if field is not None:
        assert body["details"]["field"] == field
    return body


def _refresh(row) -> None:
    with tenant_context(row.tenant_id):  # PostgreSQL's row-level security needs the tenant
        row.refresh_from_db()


def _count(tenant, model) -> int:
    with tenant_context(tenant):
        return int(model.objects.count())


RULE = {
    "name": "Big retail",
    "event_type": "AccountUpdated",
    "target_type": "customers.account",
    "conditions": [{"field": "industry", "operator": "equals", "value": "Retail"}],
    "actions": [set_field("size_band", "5000+")],
}


@pytest.fixture
def acme(tenant_a, admin_a):
    with tenant_context(tenant_a, actor=admin_a.user):
        return customers.create_account(name="Acme", industry="Retail")


@pytest.fixture
def saved(tenant_a, admin_a):
    with tenant_context(tenant_a, actor=admin_a.user):
        return services.create_rule(RULE)


def test_catalogue_lists_targets_events_fields_and_actions(client_a):
    response = client_a.get(f"{BASE}/events")
    assert response.status_code == 200
    body = response.json()
    assert body["max_depth"] == 3
    assert "changed_to" in body["operators"]
    assert body["action_types"] == [
        "create_task",
        "assign_owner",
        "send_email",
        "update_field",
        "call_webhook",
    ]
    account = next(t for t in body["targets"] if t["target_type"] == "customers.account")
    assert {"event_type": "AccountUpdated", "is_update": True} in account["events"]
    assert {"event_type": "AccountCreated", "is_update": False} in account["events"]
    stage = next(f for f in account["fields"] if f["name"] == "lifecycle_stage")
    assert stage["type"] == "choice"
    assert stage["writable"] is True
    assert "prospect" in stage["choices"]
    assert account["email_fields"] == ["owner_email", "primary_email"]
    keys = [t["target_type"] for t in body["targets"]]
    assert keys[:2] == ["customers.account", "customers.person"]


def test_create_get_patch_delete_rule(client_a, tenant_a):
    response = _post(client_a, "/rules", RULE)
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "Big retail"
    assert body["conditions"] == [{"field": "industry", "operator": "equals", "value": "Retail"}]
    assert (body["run_count"], body["failed_count"], body["is_active"]) == (0, 0, True)
    rule_id = body["id"]
    assert client_a.get(f"{BASE}/rules/{rule_id}").json()["match"] == "all"
    patched = _patch(client_a, f"/rules/{rule_id}", {"is_active": False, "match": "any"})
    assert patched.status_code == 200
    assert (patched.json()["is_active"], patched.json()["match"]) == (False, "any")
    assert client_a.delete(f"{BASE}/rules/{rule_id}").status_code == 204
    assert _count(tenant_a, Rule) == 0


def test_list_rules_filters_and_query_count(
    client_a, tenant_a, admin_a, django_assert_max_num_queries
):
    with tenant_context(tenant_a, actor=admin_a.user):
        for n in range(5):
            services.create_rule({**RULE, "name": f"Rule {n}", "position": 10 - n})
        services.create_rule({**RULE, "name": "Off", "is_active": False})
    with django_assert_max_num_queries(8):
        response = client_a.get(f"{BASE}/rules?limit=3")
    body = response.json()
    assert body["count"] == 6
    assert [item["name"] for item in body["items"]] == ["Rule 4", "Rule 3", "Rule 2"]
    inactive = client_a.get(f"{BASE}/rules?is_active=false").json()
    assert [item["name"] for item in inactive["items"]] == ["Off"]
    by_name = client_a.get(f"{BASE}/rules?sort=-name&name=rule").json()
    assert by_name["items"][0]["name"] == "Rule 4"
    _error(client_a.get(f"{BASE}/rules?sort=secret"), 422, "invalid_sort", "sort")


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"name": " "}, "name_required", "name"),
        ({"target_type": "customers.dog"}, "unknown_target", "target_type"),
        ({"event_type": "OrderShipped"}, "unknown_event_type", "event_type"),
        ({"match": "most"}, "invalid_match", "match"),
        ({"actions": []}, "no_actions", "actions"),
        (
            {"conditions": [{"field": "salary", "operator": "equals", "value": 1}]},
            "unknown_field",
            "conditions.0.field",
        ),
        (
            {"conditions": [{"field": "industry", "operator": "greater_than", "value": "a"}]},
            "invalid_operator",
            "conditions.0.operator",
        ),
        (
            {
                "event_type": "AccountCreated",
                "conditions": [{"field": "industry", "operator": "changed_to", "value": "a"}],
            },
            "invalid_operator",
            "conditions.0.operator",
        ),
        ({"actions": [{"type": "explode", "params": {}}]}, "invalid_action_type", "actions.0.type"),
        ({"actions": [set_field("website", "x")]}, "unknown_field", "actions.0.params.field"),
        ({"actions": [set_field("size_band", "huge")]}, "invalid_value", "actions.0.params.value"),
        ({"actions": [set_field("owner_id", 999999)]}, "invalid_user", "actions.0.params.value"),
        (
            {"actions": [{"type": "assign_owner", "params": {"mode": "user", "user_ids": []}}]},
            "invalid_value",
            "actions.0.params.user_ids",
        ),
        (
            {
                "actions": [
                    {"type": "assign_owner", "params": {"mode": "user", "user_ids": [999999]}}
                ]
            },
            "invalid_user",
            "actions.0.params.user_ids",
        ),
        (
            {
                "actions": [
                    {"type": "assign_owner", "params": {"mode": "sometimes", "user_ids": [1]}}
                ]
            },
            "invalid_value",
            "actions.0.params.mode",
        ),
        (
            {"actions": [{"type": "send_email", "params": {"template_id": 999999}}]},
            "unknown_template",
            "actions.0.params.template_id",
        ),
        (
            {"actions": [{"type": "call_webhook", "params": {"endpoint_id": 999999}}]},
            "unknown_endpoint",
            "actions.0.params.endpoint_id",
        ),
        (
            {"actions": [{"type": "create_task", "params": {"subject": ""}}]},
            "invalid_value",
            "actions.0.params.subject",
        ),
        (
            {"actions": [{"type": "create_task", "params": {"subject": "Hi {{ record.pay }}"}}]},
            "unknown_placeholder",
            "actions.0.params.subject",
        ),
        (
            {"actions": [{"type": "create_task", "params": {"subject": "a", "due_in_days": 400}}]},
            "invalid_value",
            "actions.0.params.due_in_days",
        ),
        ({"unknown": 1}, "unknown_field", "unknown"),
    ],
)
def test_create_rule_refusals_write_nothing(client_a, tenant_a, change, code, field):
    if "unknown" in change:
        with tenant_context(tenant_a):
            with pytest.raises(DomainError) as error:
                services.create_rule({**RULE, **change})
            assert (error.value.code, error.value.field) == (code, field)
    else:
        _error(_post(client_a, "/rules", {**RULE, **change}), 422, code, field)
    assert _count(tenant_a, Rule) == 0


def test_create_rule_schema_errors(client_a, tenant_a):
    body = _error(_post(client_a, "/rules", {"name": "x"}), 422, "validation_error")
    assert {e["field"] for e in body["details"]["errors"]} >= {"data.event_type", "data.actions"}
    _error(_post(client_a, "/rules", {**RULE, "position": -1}), 422, "validation_error")
    assert _count(tenant_a, Rule) == 0


def test_template_of_another_record_type_is_refused(client_a, tenant_a, admin_a):
    with tenant_context(tenant_a, actor=admin_a.user):
        template = services.create_template(
            {"name": "P", "target_type": "customers.person", "subject": "s", "body": "b"}
        )
    action = {"type": "send_email", "params": {"template_id": template.pk}}
    _error(
        _post(client_a, "/rules", {**RULE, "actions": [action]}),
        422,
        "template_target_mismatch",
        "actions.0.params.template_id",
    )


def test_patch_refusals_leave_the_rule_unchanged(client_a, saved):
    _error(_patch(client_a, f"/rules/{saved.pk}", {"match": "most"}), 422, "invalid_match", "match")
    _error(
        _patch(client_a, f"/rules/{saved.pk}", {"actions": [set_field("industry", "")]}),
        422,
        "invalid_value",
        "actions.0.params.value",
    )
    _refresh(saved)
    assert (saved.match, saved.actions) == ("all", RULE["actions"])
    _error(_patch(client_a, "/rules/999999", {"name": "x"}), 404, "not_found")
    _error(client_a.delete(f"{BASE}/rules/999999"), 404, "not_found")
    _error(client_a.get(f"{BASE}/rules/999999"), 404, "not_found")


def test_runs_list_filters_by_status_with_query_guard(
    client_a,
    saved,
    acme,
    tenant_a,
    admin_a,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    with tenant_context(tenant_a, actor=admin_a.user):
        for n in range(3):
            with django_capture_on_commit_callbacks(execute=True):
                customers.update_account(acme.pk, legal_name=f"L{n}")
    with django_assert_max_num_queries(9):  # session and member (6), rule, count, page
        response = client_a.get(f"{BASE}/rules/{saved.pk}/runs")
    body = response.json()
    statuses = [item["status"] for item in body["items"]]
    assert body["count"] == len(statuses) == _count(tenant_a, RuleRun)
    assert "succeeded" in statuses
    only = client_a.get(f"{BASE}/rules/{saved.pk}/runs?status=succeeded").json()
    assert {item["status"] for item in only["items"]} == {"succeeded"}
    first = only["items"][-1]
    assert first["record_id"] == str(acme.pk)
    assert first["results"][0]["type"] == "update_field"
    assert first["conditions"][0]["passed"] is True
    _error(
        client_a.get(f"{BASE}/rules/{saved.pk}/runs?status=odd"), 422, "invalid_status", "status"
    )
    _error(client_a.get(f"{BASE}/rules/999999/runs"), 404, "not_found")


def test_dry_run_reports_conditions_and_actions_and_writes_nothing(client_a, saved, acme, tenant_a):
    response = _post(client_a, f"/rules/{saved.pk}/test", {"record_id": acme.pk})
    assert response.status_code == 200
    body = response.json()
    assert body["would_fire"] is True
    assert body["record_label"] == "Acme"
    assert body["conditions"] == [
        {
            "field": "industry",
            "operator": "equals",
            "value": "Retail",
            "actual": "Retail",
            "passed": True,
        }
    ]
    assert body["actions"] == [{"type": "update_field", "description": "Set size_band to '5000+'."}]
    _refresh(acme)
    assert acme.size_band == ""
    assert _count(tenant_a, RuleRun) == 0
    _error(
        _post(client_a, f"/rules/{saved.pk}/test", {"record_id": 999999}),
        422,
        "unknown_record",
        "record_id",
    )
    _error(_post(client_a, "/rules/999999/test", {"record_id": acme.pk}), 404, "not_found")
    _error(_post(client_a, f"/rules/{saved.pk}/test", {}), 422, "validation_error")


def test_dry_run_changed_to_uses_the_given_changes(client_a, tenant_a, admin_a, acme):
    with tenant_context(tenant_a, actor=admin_a.user):
        rule = services.create_rule(
            {
                **RULE,
                "conditions": [{"field": "industry", "operator": "changed_to", "value": "retail"}],
            }
        )
    assumed = _post(client_a, f"/rules/{rule.pk}/test", {"record_id": acme.pk}).json()
    assert (assumed["would_fire"], assumed["assumed_changed"]) == (True, ["industry"])
    other = _post(
        client_a, f"/rules/{rule.pk}/test", {"record_id": acme.pk, "changed": ["name"]}
    ).json()
    assert other["would_fire"] is False


def test_templates_crud_and_errors(client_a, tenant_a, admin_a, django_assert_max_num_queries):
    data = {
        "name": "Welcome",
        "target_type": "customers.person",
        "subject": "Hi {{ record.first_name }}",
        "body": "Dear {{ record.name }}",
    }
    created = _post(client_a, "/email-templates", data)
    assert created.status_code == 201
    template_id = created.json()["id"]
    _error(_post(client_a, "/email-templates", data), 422, "duplicate_name", "name")
    _error(
        _post(client_a, "/email-templates", {**data, "name": "B", "body": "{{ record.salary }}"}),
        422,
        "unknown_placeholder",
        "body",
    )
    _error(
        _post(client_a, "/email-templates", {**data, "name": "C", "subject": "{% include x %}"}),
        422,
        "invalid_placeholder",
        "subject",
    )
    _error(
        _post(client_a, "/email-templates", {**data, "name": "D", "target_type": "x.y"}),
        422,
        "unknown_target",
        "target_type",
    )
    _error(
        _post(client_a, "/email-templates", {**data, "name": "E", "body": " "}),
        422,
        "body_required",
        "body",
    )
    assert _count(tenant_a, EmailTemplate) == 1
    with django_assert_max_num_queries(8):
        listing = client_a.get(f"{BASE}/email-templates")
    assert [item["name"] for item in listing.json()["items"]] == ["Welcome"]
    assert (
        client_a.get(f"{BASE}/email-templates/{template_id}").json()["subject"] == data["subject"]
    )
    patched = _patch(client_a, f"/email-templates/{template_id}", {"subject": "Hello"})
    assert patched.json()["subject"] == "Hello"
    with tenant_context(tenant_a, actor=admin_a.user):
        rule = services.create_rule(
            {
                **RULE,
                "target_type": "customers.person",
                "event_type": "PersonUpdated",
                "conditions": [],
                "actions": [{"type": "send_email", "params": {"template_id": template_id}}],
            }
        )
    _error(client_a.delete(f"{BASE}/email-templates/{template_id}"), 409, "template_in_use")
    _error(
        _patch(
            client_a,
            f"/email-templates/{template_id}",
            {"target_type": "customers.account", "subject": "s", "body": "b"},
        ),
        409,
        "template_in_use",
        "target_type",
    )
    with tenant_context(tenant_a, actor=admin_a.user):
        services.delete_rule(rule.pk)
    assert client_a.delete(f"{BASE}/email-templates/{template_id}").status_code == 204
    _error(client_a.get(f"{BASE}/email-templates/{template_id}"), 404, "not_found")
    _error(client_a.delete(f"{BASE}/email-templates/{template_id}"), 404, "not_found")


def test_webhook_action_accepts_the_tenants_endpoint_only(client_a, tenant_b, admin_b, tenant_a):
    with tenant_context(tenant_b, actor=admin_b.user):
        theirs = webhooks.create_endpoint(url="https://b.example/h", event_types=["*"])
    action = {"type": "call_webhook", "params": {"endpoint_id": theirs.pk}}
    _error(
        _post(client_a, "/rules", {**RULE, "actions": [action]}),
        422,
        "unknown_endpoint",
        "actions.0.params.endpoint_id",
    )
    assert _count(tenant_a, Rule) == 0


def test_other_tenant_cannot_see_or_change_rules(client_b, saved):
    _error(client_b.get(f"{BASE}/rules/{saved.pk}"), 404, "not_found")
    _error(_patch(client_b, f"/rules/{saved.pk}", {"name": "x"}), 404, "not_found")
    assert client_b.get(f"{BASE}/rules").json()["count"] == 0
    _refresh(saved)
    assert saved.name == "Big retail"


def test_readers_cannot_write(tenant_a, saved):
    from tests.conftest import make_member

    member = make_member(tenant_a, "planner@alpha.test", role="planner")
    client = Client()
    client.force_login(member.user)
    assert client.get(f"{BASE}/rules").status_code == 200
    _error(_post(client, "/rules", RULE), 403, "permission_denied")
    assert _count(tenant_a, Rule) == 1
