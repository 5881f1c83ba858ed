"""Reminders: e-mail each assignee once when an open activity's reminder time has come.

The sweep looks across tenants (system context), then handles each tenant's rows in its own
context and transaction. On PostgreSQL the rows are locked with ``SKIP LOCKED``, so two
workers (or the worker and ``valuechain send-reminders`` from cron) never both take a row;
``reminded_at`` is stamped in the same transaction, so a reminder is sent once.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from valuechain.crm.activities.models import Activity
from valuechain.platform.events.services import publish
from valuechain.platform.tenancy.context import system_context, tenant_context

logger = logging.getLogger(__name__)
SWEEP_LIMIT = 500


def due_reminders(now: dt.datetime) -> dict[int, list[int]]:
    """Ids of activities whose reminder is due and unsent, per tenant id (any tenant)."""
    with system_context(channel="job"):
        rows = (
            Activity.unscoped.filter(
                status="open",
                reminded_at__isnull=True,
                reminder_at__lte=now,
                assignee__isnull=False,
            )
            .order_by("tenant_id", "pk")
            .values_list("tenant_id", "pk")[:SWEEP_LIMIT]
        )
        found: dict[int, list[int]] = defaultdict(list)
        for tenant_id, pk in rows:
            found[tenant_id].append(pk)
    return dict(found)


def reminder_text(activity: Activity) -> tuple[str, str]:
    """The subject and body of one reminder e-mail."""
    when = activity.scheduled_at
    local = timezone.localtime(when).strftime("%Y-%m-%d %H:%M %Z") if when else "no date"
    label = "starts" if activity.kind == "meeting" else "is due"
    party = activity.person or activity.account
    lines = [
        f'Your {activity.kind} "{activity.subject}" {label} {local}.',
        *([f"Customer: {party}"] if party else []),
        *(["", activity.description] if activity.description else []),
        "",
        f"Open it: /crm/activities/{activity.pk}/",
    ]
    return f"Reminder: {activity.subject}"[:200], "\n".join(lines)


@transaction.atomic
def _remind_tenant(ids: list[int], now: dt.datetime) -> int:
    """Lock the rows no other worker holds, mail their assignees, stamp ``reminded_at``."""
    rows = (
        Activity.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("assignee", "person", "account")
        .filter(pk__in=ids, status="open", reminded_at__isnull=True)
        .order_by("pk")
    )
    sent = 0
    for activity in rows:
        assignee = activity.assignee
        if assignee is None or not assignee.email:
            continue
        subject, body = reminder_text(activity)
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [assignee.email])
        except Exception:  # one bad mailbox must not stop the others; retried next sweep
            logger.exception("Could not send the reminder of activity %s", activity.pk)
            continue
        activity.reminded_at = now
        activity.save(update_fields=["reminded_at", "updated_at"])
        publish(
            "ActivityReminderSent",
            {"activity_id": activity.pk, "assignee_id": activity.assignee_id},
        )
        sent += 1
    return sent


def send_due_reminders(now: dt.datetime | None = None) -> int:
    """Send every due, unsent reminder of every tenant; returns how many were sent."""
    now = now or timezone.now()
    sent = 0
    for tenant_id, ids in due_reminders(now).items():
        with tenant_context(tenant_id, channel="job"):
            sent += _remind_tenant(ids, now)
    return sent
