"""Rule and template use cases: events, audit, no-op updates, refusals that write nothing."""

from __future__ import annotations

import pytest

from valuechain.crm.automation import services
from valuechain.crm.automation.models import EmailTemplate, Rule
from valuechain.platform.audit.models import AuditEntry
from valuechain.platform.errors import DomainError
from valuechain.platform.events.models import OutboxEvent

from .conftest import rule, set_field


def _types():
    return list(OutboxEvent.objects.order_by("occurred_at").values_list("type", flat=True))


def test_rule_lifecycle_publishes_events_and_is_audited(in_tenant_a):
    created = rule(name="R", actions=[set_field("industry", "X")])
    services.update_rule(created.pk, name="R2")
    services.update_rule(created.pk, name="R2")  # nothing changed: no event
    services.set_rule_active(created.pk, False)
    services.delete_rule(created.pk)
    assert _types() == ["RuleCreated", "RuleUpdated", "RuleUpdated", "RuleDeleted"]
    updated = OutboxEvent.objects.filter(type="RuleUpdated").order_by("occurred_at")
    assert [event.payload["changed"] for event in updated] == [["name"], ["is_active"]]
    actions = list(
        AuditEntry.objects.filter(object_id=str(created.pk), content_type__model="rule")
        .order_by("at", "pk")
        .values_list("action", flat=True)
    )
    assert actions[0] == "create" and actions[-1] == "delete"


def test_update_rule_checks_the_whole_rule(in_tenant_a):
    created = rule(
        name="R",
        event_type="AccountUpdated",
        conditions=[{"field": "industry", "operator": "changed_to", "value": "x"}],
        actions=[set_field("industry", "X")],
    )
    # Moving to a creation event makes the changed_to condition invalid.
    with pytest.raises(DomainError) as error:
        services.update_rule(created.pk, event_type="AccountCreated")
    assert (error.value.code, error.value.field) == ("invalid_operator", "conditions.0.operator")
    created.refresh_from_db()
    assert created.event_type == "AccountUpdated"
    with pytest.raises(DomainError) as error:
        services.update_rule(created.pk, colour="red")
    assert error.value.code == "unknown_field"


def test_is_active_must_be_a_boolean_and_position_in_range(in_tenant_a):
    for change, code in [
        ({"is_active": "yes"}, "invalid_is_active"),
        ({"position": "x"}, "invalid_position"),
    ]:
        with pytest.raises(DomainError) as error:
            rule(name="R", actions=[set_field("industry", "X")], **change)
        assert error.value.code == code
    assert Rule.objects.count() == 0


def test_template_rename_clash_and_events(in_tenant_a):
    data = {"target_type": "customers.account", "subject": "S", "body": "B"}
    first = services.create_template({**data, "name": "One"})
    services.create_template({**data, "name": "Two"})
    with pytest.raises(DomainError) as error:
        services.update_template(first.pk, name="Two")
    assert (error.value.code, error.value.field) == ("duplicate_name", "name")
    first.refresh_from_db()
    assert first.name == "One"
    services.update_template(first.pk, body="New {{ record.name }}")
    services.delete_template(first.pk)
    assert _types() == [
        "EmailTemplateCreated",
        "EmailTemplateCreated",
        "EmailTemplateUpdated",
        "EmailTemplateDeleted",
    ]
    assert EmailTemplate.objects.count() == 1
