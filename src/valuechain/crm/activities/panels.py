"""The "Open activities" panel of the customer 360° view."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from valuechain.crm.activities import queries
from valuechain.crm.customers.panels import Panel, register_panel


def open_activities(party_kind: str, party: Any) -> dict[str, Any]:
    """The party's next ten open activities, as JSON-able rows (one query)."""
    today, _ = queries.today_bounds()
    rows = queries.open_for_party(party_kind, party.pk)
    return {
        "items": [
            {
                "id": row.pk,
                "kind": row.kind,
                "subject": row.subject,
                "scheduled_at": row.scheduled_at.isoformat() if row.scheduled_at else None,
                "when": timezone.localtime(row.scheduled_at).strftime("%Y-%m-%d %H:%M")
                if row.scheduled_at
                else "",
                "overdue": bool(row.scheduled_at and row.scheduled_at < today),
                "assignee_id": row.assignee_id,
                "assignee_email": row.assignee.email if row.assignee else None,
            }
            for row in rows
        ]
    }


def register_panels() -> None:
    """Register the panel with customers (called from the app's ready())."""
    register_panel(
        Panel(
            key="open_activities",
            title="Open activities",
            template="activities/_party_panel.html",
            load=open_activities,
            order=20,
        )
    )
