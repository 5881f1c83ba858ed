"""Background jobs of activities: the reminder sweep, every minute."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from valuechain.crm.activities.reminders import send_due_reminders


@db_periodic_task(crontab(minute="*"), name="send_activity_reminders")
def send_activity_reminders() -> int:
    """Every minute: e-mail the assignees of activities whose reminder time has come."""
    return send_due_reminders()
