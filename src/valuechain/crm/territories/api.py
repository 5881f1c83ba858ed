"""API routes of territories (crm area): territories, their teams and rules, match preview."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Status

from valuechain.crm.territories import assignment, domain, queries, services
from valuechain.crm.territories.models import AssignmentRule, Territory, TerritoryMember
from valuechain.crm.territories.schemas import (
    MemberIn,
    MemberOut,
    MemberPatch,
    PreviewIn,
    PreviewOut,
    RuleIn,
    RuleOut,
    RulePatch,
    TerritoryIn,
    TerritoryListFilters,
    TerritoryOut,
    TerritoryPatch,
)
from valuechain.platform.api import ListParams, Page, area_router, paginate

router = area_router("crm", tags=["territories"])


@router.get("/territories", response=Page[TerritoryOut], summary="List territories")
def list_territories(
    request: HttpRequest, filters: Query[TerritoryListFilters], params: Query[ListParams]
) -> dict[str, Any]:
    """The tenant's territories, highest priority first unless sorted otherwise."""
    return paginate(
        queries.territories(filters.as_filters()),
        params,
        sortable=queries.TERRITORY_SORTS,
        default_sort=("-priority", "name"),
    )


@router.post("/territories", response={201: TerritoryOut}, summary="Create a territory")
def create_territory(request: HttpRequest, data: TerritoryIn) -> Status[Territory]:
    """Add a territory (administrators and sales managers)."""
    territory = services.create_territory(**data.dict())
    return Status(201, queries.territory(territory.pk))


@router.post(
    "/territories/preview-match", response=PreviewOut, summary="Preview territory and owner"
)
def preview_match(request: HttpRequest, data: PreviewIn) -> dict[str, Any]:
    """The territory and owner a record with these attributes would get; nothing is written."""
    values = data.dict()
    choice = assignment.preview(values.pop("record_type"), domain.RecordAttributes(**values))
    name = None
    if choice.territory_id is not None:
        name = queries.territory(choice.territory_id).name
    return {
        "territory_id": choice.territory_id,
        "territory_name": name,
        "owner_id": choice.owner_id,
    }


@router.get("/territories/{territory_id}", response=TerritoryOut, summary="Get a territory")
def get_territory(request: HttpRequest, territory_id: int) -> Territory:
    """One territory with its criteria and counts."""
    return queries.territory(territory_id)


@router.patch("/territories/{territory_id}", response=TerritoryOut, summary="Change a territory")
def update_territory(request: HttpRequest, territory_id: int, data: TerritoryPatch) -> Territory:
    """Change the given fields; criteria lists replace the old ones."""
    services.update_territory(territory_id, **data.dict(exclude_unset=True))
    return queries.territory(territory_id)


@router.delete("/territories/{territory_id}", response={204: None}, summary="Delete a territory")
def delete_territory(request: HttpRequest, territory_id: int) -> Status[None]:
    """Remove a territory with its team, rules and record links."""
    services.delete_territory(territory_id)
    return Status(204, None)


# --- team -------------------------------------------------------------------------------


@router.get("/territories/{territory_id}/members", response=Page[MemberOut], summary="List a team")
def list_members(
    request: HttpRequest, territory_id: int, params: Query[ListParams]
) -> dict[str, Any]:
    """The territory's team, managers first."""
    queries.territory(territory_id)
    return paginate(
        queries.members(territory_id),
        params,
        sortable=("role", "created_at"),
        default_sort=("-role", "user__email"),
    )


@router.post(
    "/territories/{territory_id}/members", response={201: MemberOut}, summary="Add a team member"
)
def add_member(request: HttpRequest, territory_id: int, data: MemberIn) -> Status[TerritoryMember]:
    """Put a member of the tenant on the team, as member or manager."""
    member = services.add_member(territory_id, user_id=data.user_id, role=data.role)
    return Status(201, queries.member(territory_id, member.pk))


@router.patch(
    "/territories/{territory_id}/members/{member_id}",
    response=MemberOut,
    summary="Change a team member's role",
)
def change_member(
    request: HttpRequest, territory_id: int, member_id: int, data: MemberPatch
) -> TerritoryMember:
    """Make a team member a manager or a plain member."""
    services.change_member_role(territory_id, member_id, data.role)
    return queries.member(territory_id, member_id)


@router.delete(
    "/territories/{territory_id}/members/{member_id}",
    response={204: None},
    summary="Remove a team member",
)
def remove_member(request: HttpRequest, territory_id: int, member_id: int) -> Status[None]:
    """Take the user off the team."""
    services.remove_member(territory_id, member_id)
    return Status(204, None)


# --- rules ------------------------------------------------------------------------------


@router.get(
    "/territories/{territory_id}/rules", response=Page[RuleOut], summary="List assignment rules"
)
def list_rules(
    request: HttpRequest, territory_id: int, params: Query[ListParams]
) -> dict[str, Any]:
    """The territory's assignment rules (one per record type at most)."""
    queries.territory(territory_id)
    return paginate(
        queries.rules(territory_id), params, sortable=("applies_to",), default_sort=("applies_to",)
    )


@router.post(
    "/territories/{territory_id}/rules", response={201: RuleOut}, summary="Add an assignment rule"
)
def create_rule(request: HttpRequest, territory_id: int, data: RuleIn) -> Status[AssignmentRule]:
    """Make the territory hand out new leads or accounts."""
    return Status(201, services.create_rule(territory_id, **data.dict()))


@router.patch(
    "/territories/{territory_id}/rules/{rule_id}",
    response=RuleOut,
    summary="Change an assignment rule",
)
def update_rule(
    request: HttpRequest, territory_id: int, rule_id: int, data: RulePatch
) -> AssignmentRule:
    """Change the method or switch the rule on or off."""
    services.update_rule(territory_id, rule_id, **data.dict(exclude_unset=True))
    return queries.rule(territory_id, rule_id)


@router.delete(
    "/territories/{territory_id}/rules/{rule_id}",
    response={204: None},
    summary="Delete an assignment rule",
)
def delete_rule(request: HttpRequest, territory_id: int, rule_id: int) -> Status[None]:
    """Stop the territory handing out records of that type."""
    services.delete_rule(territory_id, rule_id)
    return Status(204, None)
