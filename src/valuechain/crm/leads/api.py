"""API routes of leads (crm area): capture, qualify, assign, convert, duplicates, scoring rules."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Status

from valuechain.crm.leads import conversion, queries, scoring, services
from valuechain.crm.leads.models import Lead, LeadStatusChange, ScoringRule
from valuechain.crm.leads.schemas import (
    ConversionOut,
    ConvertIn,
    DuplicateOut,
    LeadCreatedOut,
    LeadIn,
    LeadListFilters,
    LeadOut,
    LeadPatch,
    OwnerIn,
    ScoringRuleIn,
    ScoringRuleOut,
    ScoringRulePatch,
    StatusChangeOut,
    StatusIn,
)
from valuechain.platform.api import ListParams, Page, area_router, paginate
from valuechain.platform.customfields.services import apply_custom_filters

router = area_router("crm", tags=["leads"])


# --- scoring rules (before /leads/{id} so the paths read naturally) ------------------------


@router.get("/leads/scoring-rules", response=Page[ScoringRuleOut], summary="List scoring rules")
def list_scoring_rules(request: HttpRequest, params: Query[ListParams]) -> dict[str, Any]:
    """The tenant's scoring rules (empty until the first lead is scored or defaults are made)."""
    return paginate(
        queries.scoring_rules(), params, sortable=("name", "points"), default_sort=("pk",)
    )


@router.post(
    "/leads/scoring-rules", response={201: ScoringRuleOut}, summary="Create a scoring rule"
)
def create_scoring_rule(request: HttpRequest, data: ScoringRuleIn) -> Status[ScoringRule]:
    """Add a rule; open leads are scored again."""
    return Status(201, scoring.create_scoring_rule(**data.dict()))


@router.get("/leads/scoring-rules/{rule_id}", response=ScoringRuleOut, summary="Get a scoring rule")
def get_scoring_rule(request: HttpRequest, rule_id: int) -> ScoringRule:
    """One scoring rule."""
    return queries.scoring_rules().get(pk=rule_id)


@router.patch(
    "/leads/scoring-rules/{rule_id}", response=ScoringRuleOut, summary="Change a scoring rule"
)
def update_scoring_rule(request: HttpRequest, rule_id: int, data: ScoringRulePatch) -> ScoringRule:
    """Change a rule; open leads are scored again."""
    return scoring.update_scoring_rule(rule_id, **data.dict(exclude_unset=True))


@router.delete(
    "/leads/scoring-rules/{rule_id}", response={204: None}, summary="Delete a scoring rule"
)
def delete_scoring_rule(request: HttpRequest, rule_id: int) -> Status[None]:
    """Remove a rule; open leads are scored again."""
    scoring.delete_scoring_rule(rule_id)
    return Status(204, None)


# --- leads ---------------------------------------------------------------------------------


@router.get("/leads", response=Page[LeadOut], summary="List leads")
def list_leads(
    request: HttpRequest, filters: Query[LeadListFilters], params: Query[ListParams]
) -> dict[str, Any]:
    """The leads the member may see, newest first unless sorted otherwise (e.g. ``-score``)."""
    return paginate(
        apply_custom_filters(queries.leads(filters.as_filters()), "leads.lead", request.GET),
        params,
        sortable=queries.LEAD_SORTS,
        default_sort=("-created_at",),
    )


@router.post("/leads", response={201: LeadCreatedOut}, summary="Create a lead")
def create_lead(request: HttpRequest, data: LeadIn) -> Status[Lead]:
    """Capture a lead; the answer lists the people, accounts and leads it may duplicate."""
    lead = queries.lead(services.create_lead(**data.dict()).pk)
    lead.duplicates = queries.duplicates(lead)  # type: ignore[attr-defined]
    return Status(201, lead)


@router.get("/leads/{lead_id}", response=LeadOut, summary="Get a lead")
def get_lead(request: HttpRequest, lead_id: int) -> Lead:
    """One lead with its score explained."""
    return queries.lead(lead_id)


@router.patch("/leads/{lead_id}", response=LeadOut, summary="Change a lead")
def update_lead(request: HttpRequest, lead_id: int, data: LeadPatch) -> Lead:
    """Change the given fields of an open lead; it is scored again."""
    queries.lead(lead_id)  # 404 for leads the member may not see
    services.update_lead(lead_id, **data.dict(exclude_unset=True))
    return queries.lead(lead_id)


@router.get(
    "/leads/{lead_id}/duplicates", response=list[DuplicateOut], summary="A lead's duplicates"
)
def lead_duplicates(request: HttpRequest, lead_id: int) -> list[Any]:
    """People, accounts and other leads with the same normalised e-mail or phone."""
    return queries.duplicates(queries.lead(lead_id))


@router.post(
    "/leads/{lead_id}/status", response={201: StatusChangeOut}, summary="Change a lead's status"
)
def change_status(request: HttpRequest, lead_id: int, data: StatusIn) -> Status[LeadStatusChange]:
    """Move the lead along new -> contacted -> qualified / unqualified (with a reason)."""
    queries.lead(lead_id)
    return Status(201, services.change_status(lead_id, data.status, reason=data.reason))


@router.get(
    "/leads/{lead_id}/status", response=Page[StatusChangeOut], summary="A lead's status history"
)
def status_history(request: HttpRequest, lead_id: int, params: Query[ListParams]) -> dict[str, Any]:
    """The lead's status moves, newest first."""
    return paginate(
        queries.status_history(queries.lead(lead_id)),
        params,
        sortable=("changed_at",),
        default_sort=("-changed_at",),
    )


@router.post("/leads/{lead_id}/owner", response=LeadOut, summary="Assign a lead")
def assign_owner(request: HttpRequest, lead_id: int, data: OwnerIn) -> Lead:
    """Give the lead to a member of the tenant (or to nobody)."""
    queries.lead(lead_id)
    services.assign_owner(lead_id, data.owner_id)
    return queries.lead(lead_id)


@router.post("/leads/{lead_id}/convert", response={201: ConversionOut}, summary="Convert a lead")
def convert_lead(request: HttpRequest, lead_id: int, data: ConvertIn) -> Status[dict[str, Any]]:
    """One step: account (from the company) + contact + opportunity; 409 when converted."""
    queries.lead(lead_id)
    done = conversion.convert_lead(lead_id, **data.dict())
    return Status(
        201,
        {
            "lead": queries.lead(lead_id),
            "account_id": None if done.account is None else done.account.pk,
            "person_id": done.person.pk,
            "opportunity_id": done.opportunity_id,
        },
    )
