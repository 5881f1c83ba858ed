"""API routes of duplicates and merges (crm area): candidates, dismiss, merge, history, undo."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Status

from valuechain.crm.customers import duplicates, merging
from valuechain.crm.customers.merge_models import DuplicateCandidate, MergeRecord
from valuechain.crm.customers.merge_schemas import (
    DuplicateFilters,
    DuplicateOut,
    MergeIn,
    MergeOut,
    ScanIn,
    ScanOut,
)
from valuechain.platform.api import ListParams, Page, area_router, paginate

router = area_router("crm", tags=["duplicates"])


@router.get("/duplicates", response=Page[DuplicateOut], summary="List likely duplicates")
def list_duplicates(
    request: HttpRequest, filters: Query[DuplicateFilters], params: Query[ListParams]
) -> dict[str, Any]:
    """Candidate pairs of the last scan, best score first."""
    return paginate(
        duplicates.candidates(filters.kind, filters.status),
        params,
        sortable=duplicates.CANDIDATE_SORTS,
        default_sort=("-score", "first_id", "second_id"),
    )


@router.post("/duplicates/scan", response=ScanOut, summary="Scan for duplicates")
def scan_duplicates(request: HttpRequest, data: ScanIn) -> dict[str, Any]:
    """Find likely duplicates now (large tenants: use `valuechain duplicates scan`)."""
    return duplicates.scan(data.kind).__dict__


@router.post("/duplicates/{candidate_id}/dismiss", response=DuplicateOut, summary="Not a duplicate")
def dismiss_duplicate(request: HttpRequest, candidate_id: int) -> DuplicateCandidate:
    """Mark the pair as not a duplicate; later scans keep it dismissed."""
    return duplicates.dismiss(candidate_id)


@router.post("/people/merge", response={201: MergeOut}, summary="Merge two people")
def merge_people(request: HttpRequest, data: MergeIn) -> Status[MergeRecord]:
    """Move everything of the loser to the survivor and delete the loser (undoable)."""
    return Status(201, _merge("person", data))


@router.post("/accounts/merge", response={201: MergeOut}, summary="Merge two accounts")
def merge_accounts(request: HttpRequest, data: MergeIn) -> Status[MergeRecord]:
    """Move everything of the loser to the survivor and delete the loser (undoable)."""
    return Status(201, _merge("account", data))


def _merge(kind: str, data: MergeIn) -> MergeRecord:
    return merging.merge_parties(
        kind, data.survivor_id, data.loser_id, data.fields, loser_kind=data.loser_kind
    )


@router.get("/merges", response=Page[MergeOut], summary="List merges")
def list_merges(request: HttpRequest, params: Query[ListParams]) -> dict[str, Any]:
    """The tenant's merges, newest first."""
    return paginate(
        MergeRecord.objects.all(), params, sortable=("merged_at",), default_sort=("-merged_at",)
    )


@router.get("/merges/{merge_id}", response=MergeOut, summary="Get a merge")
def get_merge(request: HttpRequest, merge_id: int) -> MergeRecord:
    """One merge."""
    return MergeRecord.objects.get(pk=merge_id)


@router.post("/merges/{merge_id}/undo", response=MergeOut, summary="Undo a merge")
def undo_merge(request: HttpRequest, merge_id: int) -> MergeRecord:
    """Bring the merged-away record back with its rows; 409 when already undone."""
    return merging.undo_merge(merge_id)
