"""Activity use cases: create, update, complete, cancel, reopen; exact errors, nothing written."""

from __future__ import annotations

import datetime as dt

import pytest

from valuechain.crm.activities import services
from valuechain.crm.activities.models import Activity
from valuechain.crm.customers.models import Interaction
from valuechain.platform.errors import DomainError
from valuechain.platform.events.models import OutboxEvent
from valuechain.platform.tenancy.context import tenant_context

NOON = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


def _refused(code: str, field: str | None, data: dict) -> None:
    before = Activity.objects.count()
    with pytest.raises(DomainError) as caught:
        services.create_activity(data)
    assert caught.value.code == code
    assert caught.value.field == field
    assert Activity.objects.count() == before


def test_create_task_defaults_to_the_acting_member(in_tenant_a, admin_a, ada):
    task = services.create_activity(
        {
            "kind": "task",
            "subject": "  Send   the offer ",
            "due_at": "2026-03-02T12:00:00Z",
            "reminder_at": "2026-03-02T09:00:00Z",
            "person_id": ada.pk,
        }
    )
    task.refresh_from_db()
    assert task.subject == "Send the offer"
    assert task.assignee_id == admin_a.user_id
    assert task.status == "open"
    assert task.priority == "normal"
    assert task.due_at == NOON
    assert task.scheduled_at == NOON
    assert task.reminded_at is None
    assert task.interaction_id is None
    assert OutboxEvent.objects.filter(type="ActivityCreated").count() == 1


def test_a_bare_due_date_means_the_end_of_that_day(in_tenant_a):
    task = services.create_activity({"subject": "Call back", "due_at": "2026-03-02"})
    assert task.kind == "task"
    assert task.due_at == dt.datetime(2026, 3, 2, 23, 59, tzinfo=dt.UTC)  # TIME_ZONE is UTC


def test_meeting_is_scheduled_by_its_start(in_tenant_a, sales_a):
    meeting = services.create_activity(
        {
            "kind": "meeting",
            "subject": "Demo",
            "starts_at": NOON,
            "ends_at": NOON + dt.timedelta(hours=1),
            "assignee_id": sales_a.user_id,
        }
    )
    assert meeting.scheduled_at == NOON
    assert meeting.assignee_id == sales_a.user_id


def test_note_is_done_at_once_and_goes_on_the_timeline(in_tenant_a, admin_a, ada):
    note = services.create_activity(
        {
            "kind": "note",
            "subject": "Prefers e-mail",
            "description": "Not before 10.",
            "person_id": ada.pk,
        }
    )
    assert note.status == "done"
    assert note.completed_by_id == admin_a.user_id
    interaction = Interaction.objects.get(pk=note.interaction_id)
    assert (interaction.kind, interaction.direction, interaction.channel) == (
        "note",
        "internal",
        "sales_rep",
    )
    assert interaction.person_id == ada.pk
    assert interaction.subject == "Prefers e-mail"
    assert interaction.body == "Not before 10."
    assert f"{interaction.related_type.app_label}.{interaction.related_type.model}" == (
        "activities.activity"
    )
    assert interaction.related_id == str(note.pk)
    assert interaction.actor_name == "admin@alpha.test"


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        ({"subject": ""}, "subject_required", "subject"),
        ({"subject": "x" * 301}, "subject_too_long", "subject"),
        ({"subject": "x", "kind": "email"}, "invalid_kind", "kind"),
        ({"subject": "x", "priority": "urgent"}, "invalid_priority", "priority"),
        ({"subject": "x", "colour": "red"}, "unknown_field", "colour"),
        ({"subject": "x", "due_at": "tomorrow"}, "invalid_due_at", "due_at"),
        ({"subject": "x", "due_at": 5}, "invalid_due_at", "due_at"),
        ({"subject": "x", "assignee_id": "abc"}, "invalid_assignee_id", "assignee_id"),
        ({"subject": "x", "person_id": 999999}, "unknown_person", "person_id"),
        ({"subject": "x", "account_id": 999999}, "unknown_account", "account_id"),
        (
            {"subject": "x", "starts_at": "2026-03-02T12:00:00Z"},
            "schedule_not_allowed",
            "starts_at",
        ),
        (
            {"subject": "x", "kind": "meeting", "due_at": "2026-03-02T12:00:00Z"},
            "due_not_allowed",
            "due_at",
        ),
        ({"subject": "x", "kind": "meeting"}, "starts_at_required", "starts_at"),
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
                "reminder_at": "2026-03-02T12:01:00Z",
            },
            "reminder_after_due",
            "reminder_at",
        ),
        (
            {"subject": "x", "reminder_at": "2026-03-02T12:00:00Z"},
            "reminder_needs_due",
            "reminder_at",
        ),
        ({"subject": "x", "kind": "note", "due_at": "2026-03-02"}, "note_not_scheduled", "due_at"),
        (
            {"subject": "x", "related_type": "sales.nothing", "related_id": "1"},
            "invalid_related_type",
            "related_type",
        ),
        ({"subject": "x", "related_type": "customers.account"}, "invalid_related", "related_type"),
        (
            {"subject": "x", "related_type": "customers.account", "related_id": "999"},
            "unknown_related",
            "related_id",
        ),
    ],
)
def test_create_refuses_bad_input(in_tenant_a, data, code, field):
    _refused(code, field, data)


def test_assignee_must_be_a_member_of_this_tenant(in_tenant_a, admin_b):
    _refused("assignee_not_member", "assignee_id", {"subject": "x", "assignee_id": admin_b.user_id})


def test_another_tenants_customer_is_unknown(tenant_b, admin_b, in_tenant_a, ada):
    with tenant_context(tenant_b, actor=admin_b.user):
        _refused("unknown_person", "person_id", {"subject": "x", "person_id": ada.pk})


def test_complete_call_writes_one_touch_point_even_after_reopening(in_tenant_a, admin_a, ada):
    call = services.create_activity(
        {"kind": "call", "subject": "Follow up", "person_id": ada.pk, "due_at": NOON}
    )
    done = services.complete_activity(call.pk, outcome="Wants 20 units")
    assert done.status == "done"
    assert done.completed_by_id == admin_a.user_id
    assert done.completed_at is not None
    interaction = Interaction.objects.get(pk=done.interaction_id)
    assert (interaction.kind, interaction.direction, interaction.body) == (
        "call",
        "outbound",
        "Wants 20 units",
    )
    services.reopen_activity(call.pk)
    again = services.complete_activity(call.pk)
    assert again.interaction_id == interaction.pk
    assert Interaction.objects.filter(related_id=str(call.pk)).count() == 1
    names = list(OutboxEvent.objects.order_by("pk").values_list("type", flat=True))
    assert names.count("ActivityCompleted") == 2
    assert "ActivityReopened" in names


def test_completing_a_task_leaves_the_timeline_alone(in_tenant_a, ada):
    task = services.create_activity({"subject": "Prepare offer", "person_id": ada.pk})
    services.complete_activity(task.pk)
    assert Interaction.objects.count() == 0


def test_state_changes_refuse_the_wrong_state(in_tenant_a):
    task = services.create_activity({"subject": "x"})
    with pytest.raises(DomainError) as caught:
        services.reopen_activity(task.pk)
    assert (caught.value.code, caught.value.status) == ("already_open", 409)
    services.cancel_activity(task.pk)
    for action in (services.complete_activity, services.cancel_activity):
        with pytest.raises(DomainError) as caught:
            action(task.pk)
        assert (caught.value.code, caught.value.status) == ("not_open", 409)
    assert Activity.objects.get(pk=task.pk).status == "cancelled"
    note = services.create_activity({"kind": "note", "subject": "n"})
    with pytest.raises(DomainError) as caught:
        services.reopen_activity(note.pk)
    assert caught.value.code == "note_not_reopenable"
    with pytest.raises(DomainError) as caught:
        services.complete_activity(999999)
    assert (caught.value.code, caught.value.status) == ("not_found", 404)


def test_update_is_a_patch_and_rechecks_the_schedule(in_tenant_a, sales_a):
    task = services.create_activity(
        {"subject": "x", "due_at": NOON, "reminder_at": NOON - dt.timedelta(hours=1)}
    )
    Activity.objects.filter(pk=task.pk).update(reminded_at=NOON)
    moved = services.update_activity(
        task.pk,
        {"reminder_at": NOON - dt.timedelta(minutes=30), "assignee_id": sales_a.user_id},
    )
    assert moved.reminded_at is None  # a moved reminder fires again
    assert moved.subject == "x"
    assert moved.assignee_id == sales_a.user_id
    with pytest.raises(DomainError) as caught:
        services.update_activity(task.pk, {"due_at": NOON - dt.timedelta(hours=2)})
    assert (caught.value.code, caught.value.field) == ("reminder_after_due", "reminder_at")
    with pytest.raises(DomainError) as caught:
        services.update_activity(task.pk, {"kind": "call"})
    assert caught.value.code == "kind_immutable"
    assert Activity.objects.get(pk=task.pk).due_at == NOON
