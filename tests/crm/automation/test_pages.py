"""Automation pages: list, builder with htmx rows, detail with run log and dry run, templates."""

from __future__ import annotations

import pytest
from django.test import Client
from tests.conftest import make_member

from valuechain.crm.automation import services
from valuechain.crm.automation.models import EmailTemplate, Rule, RuleRun
from valuechain.crm.customers import services as customers
from valuechain.platform.tenancy.context import tenant_context

from .conftest import set_field


@pytest.fixture
def saved_rule(tenant_a, admin_a):
    with tenant_context(tenant_a, actor=admin_a.user):
        return services.create_rule(
            {
                "name": "Big retail",
                "event_type": "AccountUpdated",
                "target_type": "customers.account",
                "conditions": [{"field": "industry", "operator": "equals", "value": "Retail"}],
                "actions": [set_field("size_band", "5000+")],
            }
        )


def _refresh(row) -> None:
    with tenant_context(row.tenant_id):  # PostgreSQL's row-level security needs the tenant
        row.refresh_from_db()


def _count(tenant, model) -> int:
    with tenant_context(tenant):
        return int(model.objects.count())


def test_rule_list_shows_rules_and_menu_entry(client_a, saved_rule, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = client_a.get("/crm/automation/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Big retail" in html
    assert 'href="/crm/automation/"' in html  # the menu entry
    assert "AccountUpdated" in html


def test_rule_list_filters_by_state(client_a, saved_rule, tenant_a, admin_a):
    with tenant_context(tenant_a, actor=admin_a.user):
        services.set_rule_active(saved_rule.pk, False)
    assert "Big retail" in client_a.get("/crm/automation/?state=inactive").content.decode()
    assert "Big retail" not in client_a.get("/crm/automation/?state=active").content.decode()


def test_builder_creates_a_rule_from_rows(client_a, tenant_a):
    response = client_a.post(
        "/crm/automation/rules/new/",
        {
            "name": "Churn watch",
            "trigger": "customers.account|LifecycleStageChanged",
            "match": "all",
            "position": "5",
            "is_active": "on",
            "cond-a1-field": "lifecycle_stage",
            "cond-a1-operator": "changed_to",
            "cond-a1-value": "at_risk",
            "act-b2-type": "update_field",
            "act-b2-field": "industry",
            "act-b2-value": "Watch",
        },
    )
    assert response.status_code == 302
    with tenant_context(tenant_a):
        rule = Rule.objects.get()
    assert response["Location"] == f"/crm/automation/rules/{rule.pk}/"
    assert rule.position == 5
    assert rule.conditions == [
        {"field": "lifecycle_stage", "operator": "changed_to", "value": "at_risk"}
    ]
    assert rule.actions == [
        {"type": "update_field", "params": {"field": "industry", "value": "Watch"}}
    ]


def test_builder_shows_errors_next_to_the_row_and_writes_nothing(client_a, tenant_a):
    response = client_a.post(
        "/crm/automation/rules/new/",
        {
            "name": "Bad",
            "trigger": "customers.account|AccountUpdated",
            "cond-a1-field": "lifecycle_stage",
            "cond-a1-operator": "equals",
            "cond-a1-value": "royalty",
            "act-b2-type": "update_field",
            "act-b2-field": "industry",
            "act-b2-value": "x",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "&#x27;royalty&#x27; is not a value of Lifecycle stage" in html
    assert 'class="form-field has-error"' in html
    assert 'value="royalty"' in html  # the row keeps what was typed
    assert _count(tenant_a, Rule) == 0


def test_builder_top_level_error_lands_on_name(client_a, tenant_a):
    response = client_a.post(
        "/crm/automation/rules/new/",
        {
            "name": "",
            "trigger": "customers.account|AccountUpdated",
            "act-b2-type": "update_field",
            "act-b2-field": "industry",
            "act-b2-value": "x",
        },
    )
    assert response.status_code == 200
    assert "Enter a name." in response.content.decode()
    assert _count(tenant_a, Rule) == 0


def test_builder_htmx_fragments(client_a):
    rows = client_a.get("/crm/automation/builder/rows/?trigger=customers.person|PersonUpdated")
    assert rows.status_code == 200
    assert "Job title" in rows.content.decode()
    condition = client_a.get(
        "/crm/automation/builder/condition/?trigger=customers.person|PersonUpdated"
    )
    assert 'name="cond-' in condition.content.decode()
    action = client_a.get(
        "/crm/automation/builder/action/?trigger=customers.person|PersonUpdated&key=abc1"
        "&act-abc1-type=assign_owner"
    )
    html = action.content.decode()
    assert 'name="act-abc1-user_ids"' in html
    assert "admin@alpha.test" in html
    assert client_a.get("/crm/automation/builder/blank/").content == b""


def test_edit_page_shows_saved_rows_and_saves(client_a, saved_rule, tenant_a):
    page = client_a.get(f"/crm/automation/rules/{saved_rule.pk}/edit/")
    assert page.status_code == 200
    assert 'value="Retail"' in page.content.decode()
    response = client_a.post(
        f"/crm/automation/rules/{saved_rule.pk}/edit/",
        {
            "name": "Big retail 2",
            "trigger": "customers.account|AccountUpdated",
            "is_active": "on",
            "act-b2-type": "update_field",
            "act-b2-field": "size_band",
            "act-b2-value": "1-10",
        },
    )
    assert response.status_code == 302
    _refresh(saved_rule)
    assert (saved_rule.name, saved_rule.conditions) == ("Big retail 2", [])


def test_detail_shows_runs_filters_and_dry_run(
    client_a,
    saved_rule,
    tenant_a,
    admin_a,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    with tenant_context(tenant_a, actor=admin_a.user):
        acme = customers.create_account(name="Acme", industry="Retail")
        with django_capture_on_commit_callbacks(execute=True):
            customers.update_account(acme.pk, legal_name="Acme Ltd")
    with django_assert_max_num_queries(14):
        page = client_a.get(f"/crm/automation/rules/{saved_rule.pk}/")
    html = page.content.decode()
    assert "succeeded" in html and "Acme" in html
    only_failed = client_a.get(f"/crm/automation/rules/{saved_rule.pk}/?status=failed")
    assert "No runs with status failed yet." in only_failed.content.decode()
    dry = client_a.get(f"/crm/automation/rules/{saved_rule.pk}/?record_id={acme.pk}")
    assert "would fire" in dry.content.decode()
    missing = client_a.get(f"/crm/automation/rules/{saved_rule.pk}/?record_id=999999")
    assert "No account 999999." in missing.content.decode()


def test_toggle_and_delete(client_a, saved_rule, tenant_a):
    response = client_a.post(f"/crm/automation/rules/{saved_rule.pk}/toggle/")
    assert response.status_code == 302
    _refresh(saved_rule)
    assert saved_rule.is_active is False
    off_site = client_a.post(
        f"/crm/automation/rules/{saved_rule.pk}/toggle/", {"next": "https://evil.example/"}
    )
    assert off_site["Location"] == "/crm/automation/"
    client_a.post(f"/crm/automation/rules/{saved_rule.pk}/delete/")
    assert _count(tenant_a, Rule) == 0
    assert _count(tenant_a, RuleRun) == 0


def test_template_pages(client_a, tenant_a):
    assert client_a.get("/crm/automation/templates/new/").status_code == 200
    bad = client_a.post(
        "/crm/automation/templates/new/",
        {
            "name": "Hi",
            "target_type": "customers.person",
            "subject": "Hi {{ record.salary }}",
            "body": "Hello",
        },
    )
    assert "is not a field of this record" in bad.content.decode()
    assert _count(tenant_a, EmailTemplate) == 0
    good = client_a.post(
        "/crm/automation/templates/new/",
        {
            "name": "Hi",
            "target_type": "customers.person",
            "subject": "Hi {{ record.first_name }}",
            "body": "Hello",
        },
    )
    assert good.status_code == 302
    with tenant_context(tenant_a):
        template = EmailTemplate.objects.get()
    listing = client_a.get("/crm/automation/templates/")
    assert "Hi {{ record.first_name }}" in listing.content.decode()
    edit = client_a.post(
        f"/crm/automation/templates/{template.pk}/edit/",
        {"name": "Hello", "target_type": "customers.person", "subject": "S", "body": "B"},
    )
    assert edit.status_code == 302
    client_a.post(f"/crm/automation/templates/{template.pk}/delete/")
    assert _count(tenant_a, EmailTemplate) == 0


def test_readers_see_pages_but_cannot_write(tenant_a, saved_rule):
    member = make_member(tenant_a, "planner@alpha.test", role="planner")  # crm:read only
    client = Client()
    client.force_login(member.user)
    assert client.get("/crm/automation/").status_code == 200
    assert client.get("/crm/automation/rules/new/").status_code == 403
    assert client.post(f"/crm/automation/rules/{saved_rule.pk}/toggle/").status_code == 403
    _refresh(saved_rule)
    assert saved_rule.is_active is True


def test_other_tenants_rule_is_404(client_b, saved_rule):
    assert client_b.get(f"/crm/automation/rules/{saved_rule.pk}/").status_code == 404


def test_builder_puts_an_action_error_on_its_input(client_a, tenant_a):
    response = client_a.post(
        "/crm/automation/rules/new/",
        {
            "name": "Spread",
            "trigger": "customers.account|AccountCreated",
            "act-b2-type": "assign_owner",
            "act-b2-mode": "round_robin",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="act-b2-user_ids"' in html
    assert "Choose 1 to 50 users." in html
    assert _count(tenant_a, Rule) == 0
