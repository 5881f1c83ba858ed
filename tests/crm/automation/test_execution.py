"""Running rules on events: actions, run log, failures, loop protection."""

from __future__ import annotations

import json

from django.core import mail
from tests.conftest import make_member

from valuechain.crm.automation import executor, services
from valuechain.crm.automation.models import CausedEvent, RuleRun
from valuechain.crm.customers import services as customers
from valuechain.platform.audit.models import AuditEntry
from valuechain.platform.events import webhooks
from valuechain.platform.events.models import OutboxEvent, WebhookDelivery
from valuechain.platform.events.services import publish
from valuechain.platform.tenancy.context import tenant_context

from .conftest import rule, set_field


def _runs(rule_row):
    return list(RuleRun.objects.filter(rule=rule_row).order_by("pk"))


def test_matching_rule_updates_the_field_and_logs_a_success(
    acme, django_capture_on_commit_callbacks
):
    a = rule(
        name="Retail is big",
        conditions=[{"field": "industry", "operator": "changed_to", "value": "retail"}],
        actions=[set_field("size_band", "5000+")],
    )
    with django_capture_on_commit_callbacks(execute=True):
        customers.update_account(acme.pk, industry="Retail")
    acme.refresh_from_db()
    assert acme.size_band == "5000+"
    run, own_echo = _runs(a)
    # Its own update is an AccountUpdated too, which changed size_band, not industry.
    assert (own_echo.status, own_echo.depth) == ("skipped", 1)
    assert run.status == "succeeded"
    assert run.depth == 0
    assert run.record_id == str(acme.pk)
    assert run.results[0]["status"] == "done"
    assert run.conditions[0]["passed"] is True


def test_loop_a_b_a_is_blocked_with_exact_log(acme, django_capture_on_commit_callbacks):
    a = rule(
        name="A",
        conditions=[{"field": "industry", "operator": "changed_to", "value": "wholesale"}],
        actions=[set_field("legal_name", "Acme A")],
    )
    b = rule(
        name="B",
        conditions=[{"field": "legal_name", "operator": "changed_to", "value": "Acme A"}],
        actions=[set_field("industry", "Wholesale")],
    )
    with django_capture_on_commit_callbacks(execute=True):
        customers.update_account(acme.pk, industry="Wholesale")
    assert [(r.status, r.depth) for r in _runs(a)] == [
        ("succeeded", 0),
        ("skipped", 1),
        ("loop_blocked", 2),
    ]
    assert [(r.status, r.depth) for r in _runs(b)] == [
        ("skipped", 0),
        ("succeeded", 1),
        ("skipped", 2),
    ]
    blocked = _runs(a)[2]
    assert "does not fire again because of its own action" in blocked.error
    assert blocked.results == []
    assert blocked.chain == [
        [a.pk, "customers.account", str(acme.pk)],
        [b.pk, "customers.account", str(acme.pk)],
    ]


def test_direct_self_loop_is_blocked(acme, django_capture_on_commit_callbacks):
    # Fires on every update and updates: without protection it would never end.
    a = rule(name="Touch", actions=[set_field("legal_name", "Touched")])
    with django_capture_on_commit_callbacks(execute=True):
        customers.update_account(acme.pk, industry="Retail")
    assert [(r.status, r.depth) for r in _runs(a)] == [("succeeded", 0), ("loop_blocked", 1)]


def test_chain_of_distinct_rules_stops_at_max_depth(acme, django_capture_on_commit_callbacks):
    steps = [
        rule(
            name=f"Step {n}",
            conditions=[{"field": "industry", "operator": "changed_to", "value": f"s{n}"}],
            actions=[set_field("industry", f"s{n + 1}")],
            position=10 - n,  # later steps are looked at first within one event
        )
        for n in range(6)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        customers.update_account(acme.pk, industry="s0")
    acme.refresh_from_db()
    assert acme.industry == "s4"  # steps 0-3 ran at depths 0-3; step 4 was blocked
    blocked = RuleRun.objects.get(rule=steps[4], status="loop_blocked")
    assert blocked.depth == 4
    assert "automation stops after 3" in blocked.error
    assert not RuleRun.objects.filter(rule=steps[5]).exclude(status="skipped").exists()


def test_caused_events_point_at_the_run(acme, django_capture_on_commit_callbacks):
    a = rule(
        name="A",
        conditions=[{"field": "industry", "operator": "changed_to", "value": "retail"}],
        actions=[set_field("legal_name", "X")],
    )
    with django_capture_on_commit_callbacks(execute=True):
        customers.update_account(acme.pk, industry="Retail")
    run = _runs(a)[0]
    caused = list(CausedEvent.objects.filter(run=run))
    assert len(caused) == 1
    assert OutboxEvent.objects.get(pk=caused[0].event_id).type == "AccountUpdated"


def test_failed_action_rolls_back_the_rules_earlier_actions(
    acme, django_capture_on_commit_callbacks
):
    failing = rule(
        name="Half",
        conditions=[{"field": "industry", "operator": "changed_to", "value": "retail"}],
        actions=[
            set_field("legal_name", "Should vanish"),
            set_field("lifecycle_stage", "at_risk"),  # prospect -> at_risk is not allowed
        ],
        position=1,
    )
    other = rule(
        name="Other",
        conditions=[{"field": "industry", "operator": "changed_to", "value": "retail"}],
        actions=[set_field("size_band", "1-10")],
        position=2,
    )
    with django_capture_on_commit_callbacks(execute=True):
        customers.update_account(acme.pk, industry="Retail")
    acme.refresh_from_db()
    assert acme.legal_name == ""
    assert acme.size_band == "1-10"  # the next rule still ran
    run = _runs(failing)[0]
    assert run.status == "failed"
    assert [r["status"] for r in run.results] == ["rolled_back", "failed"]
    assert run.error == run.results[1]["detail"]
    assert "at_risk" in run.error or "stage" in run.error
    assert _runs(other)[0].status == "succeeded"


def test_disabled_rules_and_other_tenants_rules_do_not_run(
    acme, tenant_b, admin_b, django_capture_on_commit_callbacks
):
    off = rule(name="Off", actions=[set_field("legal_name", "No")], is_active=False)
    with tenant_context(tenant_b, actor=admin_b.user):
        theirs = rule(name="Theirs", actions=[set_field("legal_name", "B")])
    with django_capture_on_commit_callbacks(execute=True):
        customers.update_account(acme.pk, industry="Retail")
    acme.refresh_from_db()
    assert acme.legal_name == ""
    assert _runs(off) == []
    with tenant_context(tenant_b):
        assert RuleRun.objects.filter(rule=theirs).count() == 0


def test_event_of_another_record_type_leaves_no_run(acme, django_capture_on_commit_callbacks):
    a = rule(
        name="Accounts", event_type="LifecycleStageChanged", actions=[set_field("industry", "X")]
    )
    person = customers.create_person(last_name="Lovelace")
    with django_capture_on_commit_callbacks(execute=True):
        customers.change_lifecycle_stage("person", person.pk, "acquired")
    assert _runs(a) == []
    with django_capture_on_commit_callbacks(execute=True):
        customers.change_lifecycle_stage("account", acme.pk, "acquired")
    assert [r.status for r in _runs(a)] == ["succeeded"]


def test_send_email_goes_out_after_commit_and_is_marked_sent(
    in_tenant_a, django_capture_on_commit_callbacks
):
    template = services.create_template(
        {
            "name": "Welcome",
            "target_type": "customers.person",
            "subject": "Welcome {{ record.first_name }}",
            "body": "Dear {{ record.name }}, your stage is {{ record.lifecycle_stage }}.",
        }
    )
    a = rule(
        name="Welcome",
        target_type="customers.person",
        event_type="LifecycleStageChanged",
        conditions=[{"field": "lifecycle_stage", "operator": "changed_to", "value": "acquired"}],
        actions=[
            {"type": "send_email", "params": {"template_id": template.pk, "field": "primary_email"}}
        ],
    )
    person = customers.create_person(first_name="Ada", last_name="Lovelace")
    customers.add_email("person", person.pk, email="Ada@Example.com")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        customers.change_lifecycle_stage("person", person.pk, "acquired")
    assert mail.outbox == []  # nothing before the commit
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert (message.to, message.subject) == (["ada@example.com"], "Welcome Ada")
    assert message.body == "Dear Ada Lovelace, your stage is acquired."
    run = _runs(a)[0]
    assert run.status == "succeeded"
    assert run.results[0]["status"] == "sent"
    assert run.results[0]["to"] == "ada@example.com"
    # A retried job does not send twice.
    assert executor.send_email_for_run(run.pk, 0, "ada@example.com", "s", "b") is False
    assert len(mail.outbox) == 1


def test_send_email_without_address_is_skipped_not_failed(
    in_tenant_a, django_capture_on_commit_callbacks
):
    template = services.create_template(
        {"name": "T", "target_type": "customers.person", "subject": "Hi", "body": "Hello"}
    )
    a = rule(
        name="Mail",
        target_type="customers.person",
        event_type="PersonUpdated",
        actions=[
            {"type": "send_email", "params": {"template_id": template.pk, "field": "primary_email"}}
        ],
    )
    person = customers.create_person(last_name="Nomail")
    with django_capture_on_commit_callbacks(execute=True):
        customers.update_person(person.pk, job_title="CTO")
    run = _runs(a)[0]
    assert (run.status, run.results[0]["status"]) == ("succeeded", "skipped")
    assert mail.outbox == []


def test_send_email_to_a_user(in_tenant_a, admin_a, acme, django_capture_on_commit_callbacks):
    template = services.create_template(
        {
            "name": "T",
            "target_type": "customers.account",
            "subject": "{{ record.name }} changed",
            "body": "See {{ record.name }}.",
        }
    )
    rule(
        name="Tell admin",
        actions=[
            {
                "type": "send_email",
                "params": {"template_id": template.pk, "to": "user", "user_id": admin_a.user_id},
            }
        ],
    )
    with django_capture_on_commit_callbacks(execute=True):
        customers.update_account(acme.pk, industry="Food")
    assert [(m.to, m.subject) for m in mail.outbox] == [(["admin@alpha.test"], "Acme changed")]


def test_assign_owner_round_robin(in_tenant_a, tenant_a, django_capture_on_commit_callbacks):
    users = [make_member(tenant_a, f"rep{n}@alpha.test", "sales_rep").user_id for n in range(2)]
    rule(
        name="Spread",
        event_type="AccountCreated",
        actions=[{"type": "assign_owner", "params": {"mode": "round_robin", "user_ids": users}}],
    )
    owners = []
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            account = customers.create_account(name=f"Shop {n}")
        account.refresh_from_db()
        owners.append(account.owner_id)
    assert owners == [users[0], users[1], users[0]]


def test_assign_owner_fixed_user(in_tenant_a, admin_a, acme, django_capture_on_commit_callbacks):
    a = rule(
        name="Mine",
        actions=[
            {"type": "assign_owner", "params": {"mode": "user", "user_ids": [admin_a.user_id]}}
        ],
    )
    with django_capture_on_commit_callbacks(execute=True):
        customers.update_account(acme.pk, industry="Food")
    acme.refresh_from_db()
    assert acme.owner_id == admin_a.user_id
    assert _runs(a)[0].results[0]["owner_id"] == admin_a.user_id


def test_update_goes_through_the_service_with_audit(acme, django_capture_on_commit_callbacks):
    rule(name="Set", actions=[set_field("industry", "Food")], event_type="PartyTagged")
    with django_capture_on_commit_callbacks(execute=True):
        customers.set_tags("account", acme.pk, ["VIP"])
    acme.refresh_from_db()
    assert acme.industry == "Food"
    entry = AuditEntry.objects.filter(object_id=str(acme.pk), channel="job").first()
    assert entry is not None


def test_call_webhook_delivers_a_signed_post(acme, receiver, django_capture_on_commit_callbacks):
    endpoint = webhooks.create_endpoint(
        url="https://hooks.example/in", event_types=["OrderShipped"]
    )
    a = rule(
        name="Hook", actions=[{"type": "call_webhook", "params": {"endpoint_id": endpoint.pk}}]
    )
    with django_capture_on_commit_callbacks(execute=True):
        customers.update_account(acme.pk, industry="Food")
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    body = json.loads(request.content)
    assert body["type"] == "RuleWebhookTriggered"
    assert body["data"]["record"]["name"] == "Acme"
    assert body["data"]["rule_id"] == a.pk
    assert request.headers["X-Valuechain-Signature"].startswith("t=")
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.status == "succeeded"
    assert _runs(a)[0].results[0]["status"] == "queued"


def test_call_webhook_subscribed_endpoint_gets_one_delivery(
    acme, receiver, django_capture_on_commit_callbacks
):
    endpoint = webhooks.create_endpoint(url="https://hooks.example/all", event_types=["*"])
    rule(name="Hook", actions=[{"type": "call_webhook", "params": {"endpoint_id": endpoint.pk}}])
    with django_capture_on_commit_callbacks(execute=True):
        customers.update_account(acme.pk, industry="Food")
    types = [json.loads(r.content)["type"] for r in receiver.requests]
    assert types.count("RuleWebhookTriggered") == 1


def test_create_task_for_the_owner(in_tenant_a, admin_a, acme, django_capture_on_commit_callbacks):
    from valuechain.crm.activities.models import Activity

    customers.update_account(acme.pk, owner_id=admin_a.user_id)
    a = rule(
        name="Follow up",
        event_type="LifecycleStageChanged",
        actions=[
            {
                "type": "create_task",
                "params": {"subject": "Call {{ record.name }}", "due_in_days": 2},
            }
        ],
    )
    with django_capture_on_commit_callbacks(execute=True):
        customers.change_lifecycle_stage("account", acme.pk, "acquired")
    task = Activity.objects.get()
    assert (task.kind, task.subject, task.assignee_id, task.account_id) == (
        "task",
        "Call Acme",
        admin_a.user_id,
        acme.pk,
    )
    assert _runs(a)[0].results[0]["activity_id"] == task.pk


def test_deleted_record_is_skipped(acme, django_capture_on_commit_callbacks):
    a = rule(name="Any", actions=[set_field("industry", "X")])
    event = publish("AccountUpdated", {"account_id": 987654, "changed": ["name"]})
    executor.run_rules_for_event(event)
    run = _runs(a)[0]
    assert (run.status, run.error) == ("skipped", "The record no longer exists.")
    # Running the same event again writes nothing new.
    assert executor.run_rules_for_event(event) == []


def test_opportunity_rules_run_on_sales_events(
    in_tenant_a, admin_a, acme, django_capture_on_commit_callbacks
):
    from valuechain.crm.sales import services as sales

    a = rule(
        name="Won deals commit",
        target_type="sales.opportunity",
        event_type="OpportunityUpdated",
        conditions=[{"field": "amount", "operator": "greater_than", "value": "1000"}],
        actions=[set_field("next_step", "Send contract")],
    )
    with django_capture_on_commit_callbacks(execute=True):
        deal = sales.create_opportunity(
            {"name": "Big deal", "account_id": acme.pk, "amount": "500", "currency": "EUR"}
        )
    with django_capture_on_commit_callbacks(execute=True):
        sales.update_opportunity(deal.pk, {"amount": "5000"})
    deal.refresh_from_db()
    assert deal.next_step == "Send contract"
    assert [r.status for r in _runs(a)][:1] == ["succeeded"]


def test_lead_rules_run_on_lead_events(in_tenant_a, admin_a, django_capture_on_commit_callbacks):
    from valuechain.crm.leads import services as leads
    from valuechain.crm.leads.models import Lead

    a = rule(
        name="Web leads to me",
        target_type="leads.lead",
        event_type="LeadCreated",
        conditions=[{"field": "source", "operator": "equals", "value": "web_form"}],
        actions=[
            {"type": "assign_owner", "params": {"mode": "user", "user_ids": [admin_a.user_id]}},
            set_field("status", "contacted"),
        ],
    )
    with django_capture_on_commit_callbacks(execute=True):
        lead = leads.create_lead(last_name="Hopper", company="Navy", source="web_form")
        other = leads.create_lead(last_name="Turing", source="manual")
    lead = Lead.objects.get(pk=lead.pk)
    assert (lead.owner_id, lead.status) == (admin_a.user_id, "contacted")
    assert Lead.objects.get(pk=other.pk).status == "new"
    assert [r.status for r in _runs(a)] == ["succeeded", "skipped"]
