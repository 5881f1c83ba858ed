"""API routes of the audit trail: the tenant's log and one record's history."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query

from valuechain.platform.api import ListParams, Page, area_router, paginate
from valuechain.platform.audit import queries
from valuechain.platform.audit.schemas import AuditEntryOut, AuditFilters

router = area_router("admin", tags=["audit"])

SORTABLE = ("at",)


@router.get("/audit", response=Page[AuditEntryOut], summary="List audit entries")
def list_audit_entries(
    request: HttpRequest, filters: Query[AuditFilters], params: Query[ListParams]
) -> dict[str, Any]:
    """The tenant's audit log, newest first; filter by model, object, actor, channel, action."""
    entries = queries.audit_entries(**filters.dict())
    return paginate(entries, params, sortable=SORTABLE, default_sort=("-at",))


@router.get(
    "/audit/{model}/{object_id}", response=Page[AuditEntryOut], summary="History of one record"
)
def record_history(
    request: HttpRequest, model: str, object_id: str, params: Query[ListParams]
) -> dict[str, Any]:
    """Every change of one record, newest first; ``model`` is app_label.model."""
    entries = queries.history_of(model, object_id)
    return paginate(entries, params, sortable=SORTABLE, default_sort=("-at",))
