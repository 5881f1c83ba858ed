"""API routes of touch points (crm area): record, ingest, list, timelines, unmatched review."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Status

from valuechain.crm.customers import interaction_queries, interactions, queries
from valuechain.crm.customers.interaction_schemas import (
    IdentifierIn,
    IdentifierOut,
    IngestOut,
    InteractionBulkIn,
    InteractionIn,
    InteractionListFilters,
    InteractionOut,
    ResolveIn,
    ResolveOut,
    TimelineFilters,
)
from valuechain.crm.customers.models import Interaction, PartyIdentifier
from valuechain.platform.api import ListParams, Page, area_router, paginate

router = area_router("crm", tags=["interactions"])
SORTS = interaction_queries.INTERACTION_SORTS
NEWEST_FIRST = ("-occurred_at",)


@router.post(
    "/interactions",
    response={200: InteractionOut, 201: InteractionOut},
    summary="Record an interaction",
)
def record_interaction(request: HttpRequest, data: InteractionIn) -> Status[Interaction]:
    """201 when stored; 200 with the stored one when (source, external_id) was seen before."""
    interaction, created = interactions.record_interaction(data.dict(exclude_unset=True))
    return Status(201 if created else 200, interaction_queries.interaction(interaction.pk))


@router.post("/interactions/bulk", response=IngestOut, summary="Ingest interactions in bulk")
def ingest_interactions(request: HttpRequest, data: InteractionBulkIn) -> dict[str, Any]:
    """Up to 5,000 rows; any invalid row refuses the batch (422, errors per row index)."""
    result = interactions.ingest_interactions(data.items)
    return result.__dict__


@router.get("/interactions", response=Page[InteractionOut], summary="List interactions")
def list_interactions(
    request: HttpRequest, filters: Query[InteractionListFilters], params: Query[ListParams]
) -> dict[str, Any]:
    """The tenant's interactions, newest first unless sorted otherwise."""
    return paginate(
        interaction_queries.interactions(filters.as_filters()),
        params,
        sortable=SORTS,
        default_sort=NEWEST_FIRST,
    )


@router.get(
    "/interactions/unmatched",
    response=Page[InteractionOut],
    summary="List unmatched interactions",
)
def list_unmatched(request: HttpRequest, params: Query[ListParams]) -> dict[str, Any]:
    """Interactions whose identifier matched no customer, waiting for review."""
    return paginate(
        interaction_queries.unmatched(), params, sortable=SORTS, default_sort=NEWEST_FIRST
    )


@router.get("/interactions/{interaction_id}", response=InteractionOut, summary="Get one")
def get_interaction(request: HttpRequest, interaction_id: int) -> Interaction:
    """One interaction."""
    return interaction_queries.interaction(interaction_id)


@router.post(
    "/interactions/{interaction_id}/resolve",
    response=ResolveOut,
    summary="Attach an unmatched interaction",
)
def resolve_unmatched(request: HttpRequest, interaction_id: int, data: ResolveIn) -> dict[str, int]:
    """Attach it to a person or account; optionally remember its identifier for that party."""
    attached = interactions.resolve_unmatched(
        interaction_id,
        data.party_kind,
        data.party_id,
        remember_identifier=data.remember_identifier,
    )
    return {"attached": attached}


@router.post(
    "/interactions/{interaction_id}/dismiss",
    response=InteractionOut,
    summary="Dismiss an unmatched interaction",
)
def dismiss_unmatched(request: HttpRequest, interaction_id: int) -> Interaction:
    """Take it off the review list without attaching it."""
    interactions.dismiss_unmatched(interaction_id)
    return interaction_queries.interaction(interaction_id)


@router.get(
    "/people/{person_id}/timeline",
    response=Page[InteractionOut],
    summary="A person's timeline",
)
def person_timeline(
    request: HttpRequest,
    person_id: int,
    filters: Query[TimelineFilters],
    params: Query[ListParams],
) -> dict[str, Any]:
    """The person's interactions, newest first."""
    party = queries.person(person_id)
    return paginate(
        interaction_queries.timeline(party, filters.channel),
        params,
        sortable=SORTS,
        default_sort=NEWEST_FIRST,
    )


@router.get(
    "/accounts/{account_id}/timeline",
    response=Page[InteractionOut],
    summary="An account's timeline",
)
def account_timeline(
    request: HttpRequest,
    account_id: int,
    filters: Query[TimelineFilters],
    params: Query[ListParams],
) -> dict[str, Any]:
    """The account's interactions and those of its people, newest first."""
    party = queries.account(account_id)
    return paginate(
        interaction_queries.timeline(party, filters.channel),
        params,
        sortable=SORTS,
        default_sort=NEWEST_FIRST,
    )


@router.post(
    "/people/{person_id}/identifiers",
    response={201: IdentifierOut},
    summary="Add a loyalty card or social handle",
)
def add_person_identifier(
    request: HttpRequest, person_id: int, data: IdentifierIn
) -> Status[PartyIdentifier]:
    """Interactions carrying it are matched to this person from now on."""
    queries.person(person_id)  # record rules: 404 for a person the member may not see
    return Status(
        201, interactions.add_identifier("person", person_id, kind=data.kind, value=data.value)
    )


@router.post(
    "/accounts/{account_id}/identifiers",
    response={201: IdentifierOut},
    summary="Add an account's loyalty card or social handle",
)
def add_account_identifier(
    request: HttpRequest, account_id: int, data: IdentifierIn
) -> Status[PartyIdentifier]:
    """Interactions carrying it are matched to this account from now on."""
    queries.account(account_id)  # record rules: 404 for an account the member may not see
    row = interactions.add_identifier("account", account_id, kind=data.kind, value=data.value)
    return Status(201, row)


@router.delete("/identifiers/{identifier_id}", response={204: None}, summary="Remove an identifier")
def remove_identifier(request: HttpRequest, identifier_id: int) -> Status[None]:
    """Remove a loyalty card or social handle from its party."""
    interactions.remove_identifier(identifier_id)
    return Status(204, None)
