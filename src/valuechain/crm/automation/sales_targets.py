"""Targets of leads and sales, registered only when those contexts provide their services.

Opportunity events carry ``opportunity_id`` (OpportunityCreated, OpportunityUpdated with
``changed``, OpportunityStageChanged, OpportunityWon, OpportunityLost, OpportunityReopened);
lead events ``lead_id`` (LeadCreated, LeadStatusChanged, LeadConverted). Each target is
registered only when its context's model and update service can be imported, so this
module works on a build without them.
"""

from __future__ import annotations

import importlib
from typing import Any

from valuechain.crm.automation.domain import FieldSpec
from valuechain.crm.automation.targets import (
    EventBinding,
    Target,
    changed_fields,
    changed_list,
    key,
)


def _has(module: str, *names: str) -> bool:
    try:
        loaded = importlib.import_module(module)
    except ImportError:
        return False
    return all(hasattr(loaded, name) for name in names)


# --- opportunities --------------------------------------------------------------------------


def _load_opportunity(record_id: Any, restricted: bool) -> Any:
    from valuechain.crm.sales.models import Opportunity
    from valuechain.platform.identity.record_rules import restrict

    rows = Opportunity.objects.select_related("owner", "stage", "account", "person")
    if restricted:
        rows = restrict(rows)
    try:
        return rows.filter(pk=int(record_id)).first()
    except (TypeError, ValueError):
        return None


def _read_opportunity(opportunity: Any) -> dict[str, Any]:
    return {
        "name": opportunity.name,
        "amount": str(opportunity.amount),
        "currency": opportunity.currency,
        "expected_close_date": (
            opportunity.expected_close_date.isoformat() if opportunity.expected_close_date else None
        ),
        "stage_id": opportunity.stage_id,
        "stage_name": opportunity.stage.name,
        "status": opportunity.status,
        "probability": opportunity.probability,
        "forecast_category": opportunity.forecast_category,
        "next_step": opportunity.next_step,
        "source": opportunity.source,
        "owner_id": opportunity.owner_id,
        "owner_email": opportunity.owner.email if opportunity.owner_id else "",
        "account_id": opportunity.account_id,
        "account_name": opportunity.account.name if opportunity.account_id else "",
        "person_id": opportunity.person_id,
        "created_at": opportunity.created_at.date().isoformat() if opportunity.created_at else None,
    }


def _write_opportunity(record_id: Any, name: str, value: Any) -> None:
    from valuechain.crm.sales.services import update_opportunity

    update_opportunity(int(record_id), {name: value})


def opportunity_target() -> Target:
    """The opportunity target (sales)."""
    from valuechain.crm.sales.domain import FORECAST_CATEGORIES, STATUSES

    return Target(
        key="sales.opportunity",
        label="Opportunity",
        events=(
            EventBinding("OpportunityCreated", key("opportunity_id")),
            EventBinding("OpportunityUpdated", key("opportunity_id"), changed_list),
            EventBinding(
                "OpportunityStageChanged", key("opportunity_id"), changed_fields("stage_id")
            ),
            EventBinding("OpportunityWon", key("opportunity_id"), changed_fields("status")),
            EventBinding("OpportunityLost", key("opportunity_id"), changed_fields("status")),
            EventBinding("OpportunityReopened", key("opportunity_id"), changed_fields("status")),
        ),
        fields=(
            FieldSpec("name", "Name", "string", writable=True),
            FieldSpec("amount", "Amount", "number"),
            FieldSpec("currency", "Currency", "string"),
            FieldSpec("expected_close_date", "Expected close", "date", writable=True),
            FieldSpec("stage_id", "Stage", "reference"),
            FieldSpec("stage_name", "Stage name", "string"),
            FieldSpec("status", "Status", "choice", tuple(STATUSES)),
            FieldSpec("probability", "Probability %", "number", writable=True),
            FieldSpec(
                "forecast_category",
                "Forecast category",
                "choice",
                tuple(FORECAST_CATEGORIES),
                writable=True,
            ),
            FieldSpec("next_step", "Next step", "string", writable=True),
            FieldSpec("source", "Source", "string", writable=True),
            FieldSpec("owner_id", "Owner", "user", writable=True),
            FieldSpec("owner_email", "Owner's e-mail", "email"),
            FieldSpec("account_id", "Account", "reference"),
            FieldSpec("account_name", "Account name", "string"),
            FieldSpec("person_id", "Contact", "reference"),
            FieldSpec("created_at", "Created on", "date"),
        ),
        load=_load_opportunity,
        read=_read_opportunity,
        write=_write_opportunity,
    )


def sales_targets() -> list[Target]:
    """The lead and opportunity targets available in this build."""
    found: list[Target] = []
    if _has("valuechain.crm.sales.models", "Opportunity") and _has(
        "valuechain.crm.sales.services", "update_opportunity"
    ):
        found.append(opportunity_target())
    if _has("valuechain.crm.leads.models", "Lead") and _has(
        "valuechain.crm.leads.services", "update_lead", "change_status", "assign_owner"
    ):
        from valuechain.crm.automation.lead_targets import lead_target

        found.append(lead_target())
    return found
