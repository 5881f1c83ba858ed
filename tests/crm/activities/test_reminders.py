"""Reminders: due ones are mailed once to the assignee, across tenants; cron command; workers."""

from __future__ import annotations

import datetime as dt
import threading
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from valuechain.crm.activities import services
from valuechain.crm.activities.models import Activity
from valuechain.crm.activities.reminders import send_due_reminders
from valuechain.crm.activities.tasks import send_activity_reminders
from valuechain.platform.events.models import OutboxEvent
from valuechain.platform.tenancy.context import system_context, tenant_context


def _task(tenant, actor, subject: str, remind_in: dt.timedelta, **extra) -> Activity:
    now = timezone.now()
    with tenant_context(tenant, actor=actor):
        return services.create_activity(
            {
                "subject": subject,
                "due_at": now + dt.timedelta(hours=2),
                "reminder_at": now + remind_in,
                **extra,
            }
        )


def test_due_reminders_are_sent_once(tenant_a, admin_a, tenant_b, admin_b, ada):
    due = _task(tenant_a, admin_a.user, "Call Ada", -dt.timedelta(minutes=1), person_id=ada.pk)
    other = _task(tenant_b, admin_b.user, "Beta thing", -dt.timedelta(minutes=5))
    _task(tenant_a, admin_a.user, "Not yet", dt.timedelta(minutes=30))
    cancelled = _task(tenant_a, admin_a.user, "Cancelled", -dt.timedelta(minutes=5))
    with tenant_context(tenant_a, actor=admin_a.user):
        services.cancel_activity(cancelled.pk)
    assert send_due_reminders() == 2
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("admin@alpha.test", "Reminder: Call Ada"),
        ("admin@beta.test", "Reminder: Beta thing"),
    ]
    body = next(m.body for m in mail.outbox if m.to == ["admin@alpha.test"])
    assert "Customer: Ada Lovelace" in body
    assert f"/crm/activities/{due.pk}/" in body
    with system_context():
        stamped = dict(Activity.unscoped.values_list("subject", "reminded_at"))
        assert OutboxEvent.unscoped.filter(type="ActivityReminderSent").count() == 2
    assert stamped["Call Ada"] is not None and stamped["Beta thing"] is not None
    assert stamped["Not yet"] is None and stamped["Cancelled"] is None
    assert send_due_reminders() == 0
    assert len(mail.outbox) == 2
    assert other.pk


def test_unassigned_activities_have_no_one_to_remind(tenant_a, admin_a):
    _task(tenant_a, admin_a.user, "Nobody's", -dt.timedelta(minutes=1), assignee_id=None)
    assert send_activity_reminders.call_local() == 0
    assert mail.outbox == []


def test_cli_command(tenant_a, admin_a):
    _task(tenant_a, admin_a.user, "Cron", -dt.timedelta(minutes=1))
    out = StringIO()
    call_command("send-reminders", stdout=out)
    assert out.getvalue().strip() == "Sent 1 reminder."
    out = StringIO()
    call_command("send-reminders", stdout=out)
    assert out.getvalue().strip() == "Sent 0 reminders."


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_send_each_reminder_once(tenant_a, admin_a):
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED needs PostgreSQL")
    for index in range(20):
        _task(tenant_a, admin_a.user, f"r{index}", -dt.timedelta(minutes=1))
    barrier = threading.Barrier(2)
    counts: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            counts.append(send_due_reminders())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(counts) == 20
    assert len(mail.outbox) == 20
    assert len({m.subject for m in mail.outbox}) == 20
