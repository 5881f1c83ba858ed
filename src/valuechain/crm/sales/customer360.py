"""The sales context's timeline source on the customer 360° view: a deal's stage moves."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from valuechain.crm.customers.panels import TimelineCursor, TimelineEntry
from valuechain.crm.sales.models import Opportunity, StageChange
from valuechain.platform.identity.record_rules import restrict


def _title(change: StageChange) -> str:
    name = change.opportunity.name
    if change.from_stage_id is None:
        return f"Opportunity {name} created"
    if change.to_stage.is_won:
        return f"Opportunity {name} won"
    if change.to_stage.is_lost:
        return f"Opportunity {name} lost"
    return f"Opportunity {name} moved to {change.to_stage.name}"


def opportunity_entries(
    kind: str,
    party: Any,
    channel: str | None,
    before: TimelineCursor | None,
    limit: int,
) -> list[TimelineEntry]:
    """Timeline source "opportunity": created, moved, won and lost deals (fixed queries)."""
    if channel:
        return []
    visible = restrict(Opportunity.objects.filter(**{kind: party})).values("pk")
    rows = StageChange.objects.filter(opportunity__in=visible).select_related(
        "opportunity", "to_stage"
    )
    if before is not None:
        rows = rows.filter(before.q("opportunity", time_field="changed_at"))
    return [
        TimelineEntry(
            occurred_at=row.changed_at,
            source="opportunity",
            record_id=row.pk,
            kind="opportunity_stage_change",
            title=_title(row),
            url=reverse("sales-opportunity-detail", args=[row.opportunity_id]),
            ids={"opportunity_id": row.opportunity_id, "to_stage_id": row.to_stage_id},
        )
        for row in rows.order_by("-changed_at", "-pk")[:limit]
    ]
