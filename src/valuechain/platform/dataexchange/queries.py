"""The read side of data exchange: import jobs and their per-row reports."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import QuerySet

from valuechain.platform.dataexchange.models import ROW_STATUSES, ImportJob, ImportRow
from valuechain.platform.errors import DomainError

JOB_SORTS = ("created_at", "importer", "status", "filename")
ROW_SORTS = ("row_number", "status")


def jobs(importer_keys: Sequence[str], importer: str | None = None) -> QuerySet[ImportJob]:
    """The tenant's import jobs of the given importers, newest first, with their creator."""
    queryset = ImportJob.objects.filter(importer__in=list(importer_keys)).select_related(
        "created_by"
    )
    if importer:
        queryset = queryset.filter(importer=importer)
    return queryset.order_by("-created_at", "-pk")


def job(job_id: int, importer_keys: Sequence[str]) -> ImportJob:
    """One job of the tenant; DomainError ``import_not_found`` (404) otherwise."""
    found = jobs(importer_keys).filter(pk=job_id).first()
    if found is None:
        raise DomainError("import_not_found", "No such import.", status=404)
    return found


def rows(found: ImportJob, status: str | None = None) -> QuerySet[ImportRow]:
    """A job's report lines in file order, optionally of one status."""
    queryset = ImportRow.objects.filter(job=found)
    if status:
        if status not in ROW_STATUSES:
            raise DomainError(
                "invalid_status",
                f"{status!r} is not a row status; use one of {', '.join(ROW_STATUSES)}.",
                field="status",
            )
        queryset = queryset.filter(status=status)
    return queryset.order_by("row_number", "pk")
