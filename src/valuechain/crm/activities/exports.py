"""Columns of the activities list export."""

from __future__ import annotations

from valuechain.platform.dataexchange.registry import column

ACTIVITY_COLUMNS = (
    column("Id", "pk"),
    column("Kind", "kind"),
    column("Subject", "subject"),
    column("Status", "status"),
    column("Priority", "priority"),
    column("Scheduled at", "scheduled_at"),
    column("Person", "person.full_name"),
    column("Account", "account.name"),
    column("Assignee e-mail", "assignee.email"),
    column("Completed at", "completed_at"),
    column("Outcome", "outcome"),
)
