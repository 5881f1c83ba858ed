"""The lead target (leads context): events carry ``lead_id``; writes go through leads' services.

``status`` changes through ``leads.services.change_status`` (its transition rules apply),
the owner through ``leads.services.assign_owner``, other fields through ``update_lead``.
"""

from __future__ import annotations

from typing import Any

from valuechain.crm.automation.domain import FieldSpec
from valuechain.crm.automation.targets import (
    EventBinding,
    Target,
    changed_fields,
    changed_list,
    key,
)


def _load_lead(record_id: Any, restricted: bool) -> Any:
    from valuechain.crm.leads.models import Lead
    from valuechain.platform.identity.record_rules import restrict

    rows = Lead.objects.select_related("owner")
    if restricted:
        rows = restrict(rows)
    try:
        return rows.filter(pk=int(record_id)).first()
    except (TypeError, ValueError):
        return None


def _read_lead(lead: Any) -> dict[str, Any]:
    return {
        "name": f"{lead.first_name} {lead.last_name}".strip(),
        "first_name": lead.first_name,
        "last_name": lead.last_name,
        "company": lead.company,
        "job_title": lead.job_title,
        "email": lead.email,
        "phone": lead.phone,
        "country": lead.country,
        "region": lead.region,
        "industry": lead.industry,
        "size_band": lead.size_band,
        "source": lead.source,
        "status": lead.status,
        "score": lead.score,
        "campaign": lead.campaign,
        "consent_granted": lead.consent_granted,
        "owner_id": lead.owner_id,
        "owner_email": lead.owner.email if lead.owner_id else "",
        "created_at": lead.created_at.date().isoformat() if lead.created_at else None,
    }


def _write_lead(record_id: Any, name: str, value: Any) -> None:
    from valuechain.crm.leads import services

    if name == "status":
        services.change_status(int(record_id), value)
    elif name == "owner_id":
        services.assign_owner(int(record_id), value)
    else:
        services.update_lead(int(record_id), **{name: value})


def lead_target() -> Target:
    """The lead target."""
    from valuechain.crm.customers.domain import SIZE_BANDS
    from valuechain.crm.leads.domain import SOURCES, STATUSES

    return Target(
        key="leads.lead",
        label="Lead",
        events=(
            EventBinding("LeadCreated", key("lead_id")),
            EventBinding("LeadUpdated", key("lead_id"), changed_list),
            EventBinding("LeadStatusChanged", key("lead_id"), changed_fields("status")),
            EventBinding("LeadAssigned", key("lead_id"), changed_fields("owner_id")),
            EventBinding("LeadConverted", key("lead_id"), changed_fields("status")),
        ),
        fields=(
            FieldSpec("name", "Full name", "string"),
            FieldSpec("first_name", "First name", "string", writable=True),
            FieldSpec("last_name", "Last name", "string", writable=True),
            FieldSpec("company", "Company", "string", writable=True),
            FieldSpec("job_title", "Job title", "string", writable=True),
            FieldSpec("email", "E-mail", "email"),
            FieldSpec("phone", "Phone", "string"),
            FieldSpec("country", "Country", "string"),
            FieldSpec("region", "Region", "string"),
            FieldSpec("industry", "Industry", "string", writable=True),
            FieldSpec("size_band", "Size band", "choice", tuple(SIZE_BANDS), writable=True),
            FieldSpec("source", "Source", "choice", tuple(SOURCES)),
            FieldSpec("status", "Status", "choice", tuple(STATUSES), writable=True),
            FieldSpec("score", "Score", "number"),
            FieldSpec("campaign", "Campaign", "string"),
            FieldSpec("consent_granted", "Consent granted", "boolean"),
            FieldSpec("owner_id", "Owner", "user", writable=True),
            FieldSpec("owner_email", "Owner's e-mail", "email"),
            FieldSpec("created_at", "Created on", "date"),
        ),
        load=_load_lead,
        read=_read_lead,
        write=_write_lead,
        email_fields=("email",),
    )
