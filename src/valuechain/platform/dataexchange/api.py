"""API routes of dataexchange; each operation checks the importer's permission itself.

The router needs only a signed-in member: importing accounts needs ``crm:write`` (the
importer's permission), looking at an import needs read access to that area.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from ninja import File, Form, Query, Schema, Status, UploadedFile

from valuechain.platform.api import ListParams, Page, member_router, paginate
from valuechain.platform.dataexchange import access, exports, queries, services
from valuechain.platform.dataexchange.models import ImportJob
from valuechain.platform.dataexchange.registry import Importer
from valuechain.platform.dataexchange.schemas import (
    ImporterOut,
    ImportJobOut,
    ImportRowOut,
    ImportRunIn,
)
from valuechain.platform.errors import DomainError

router = member_router(tags=["data exchange"])


def _permissions(request: HttpRequest) -> frozenset[str]:
    return frozenset(getattr(request, "permissions", frozenset()))


def _forbidden(importer: Importer) -> DomainError:
    return DomainError(
        "permission_denied",
        f"Importing {importer.label.lower()} needs the {importer.permission} permission.",
        status=403,
        details={"needed": importer.permission},
    )


def _job(request: HttpRequest, job_id: int, *, write: bool = False) -> ImportJob:
    job = queries.job(job_id, access.visible_keys(_permissions(request)))
    importer = services.importer_or_error(job.importer)
    if write and not access.may_import(_permissions(request), importer):
        raise _forbidden(importer)
    return job


def _importer_out(importer: Importer) -> dict[str, Any]:
    return {
        "key": importer.key,
        "label": importer.label,
        "permission": importer.permission,
        "natural_key": importer.natural_key,
        "fields": [
            {
                "name": f.name,
                "label": f.label,
                "required": f.required,
                "help": f.help,
                "aliases": list(f.aliases),
            }
            for f in importer.fields
        ],
    }


@router.get("/importers", response=list[ImporterOut], summary="List importers")
def list_importers(request: HttpRequest) -> list[dict[str, Any]]:
    """The record types you may import, with their fields."""
    return [_importer_out(i) for i in access.importable(_permissions(request))]


def _mapping(text: str | None) -> dict[str, str] | None:
    if text is None or not text.strip():
        return None
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise DomainError(
            "invalid_mapping", "The mapping must be a JSON object.", field="mapping"
        ) from exc
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise DomainError(
            "invalid_mapping",
            "The mapping must be a JSON object of column header to field name, "
            'e.g. {"Company": "name"}.',
            field="mapping",
        )
    return value


class ImportListFilters(Schema):
    """Filters of the import history."""

    importer: str | None = None


@router.post("/imports", response={201: ImportJobOut}, summary="Upload and validate a file")
def create_import(
    request: HttpRequest,
    importer: Form[str],
    file: File[UploadedFile],
    mode: Form[str] = "all_or_nothing",
    mapping: Form[str | None] = None,
) -> Status[ImportJob]:
    """Upload a CSV or .xlsx file; it is validated at once (a dry run) and nothing imported.

    ``mapping`` is a JSON object of column header to field name; left out, it is guessed
    from the headers. Run the import with ``POST /imports/{id}/run``.
    """
    found = services.importer_or_error(importer)
    if not access.may_import(_permissions(request), found):
        raise _forbidden(found)
    job = services.upload_and_validate(
        importer_key=found.key,
        filename=file.name or "upload",
        content=file.read(),
        mapping=_mapping(mapping),
        mode=mode,
    )
    return Status(201, job)


@router.get("/imports", response=Page[ImportJobOut], summary="List imports")
def list_imports(
    request: HttpRequest, filters: Query[ImportListFilters], params: Query[ListParams]
) -> dict[str, Any]:
    """Import history, newest first."""
    rows = queries.jobs(access.visible_keys(_permissions(request)), filters.importer)
    return paginate(rows, params, sortable=queries.JOB_SORTS, default_sort=("-created_at",))


@router.get("/imports/{job_id}", response=ImportJobOut, summary="Get an import")
def get_import(request: HttpRequest, job_id: int) -> ImportJob:
    """One import with its counts."""
    return _job(request, job_id)


class RowFilters(Schema):
    """Filters of an import's report."""

    status: str | None = None


@router.get("/imports/{job_id}/rows", response=Page[ImportRowOut], summary="An import's report")
def list_import_rows(
    request: HttpRequest, job_id: int, filters: Query[RowFilters], params: Query[ListParams]
) -> dict[str, Any]:
    """The per-row report in file order; ``status=rejected`` for the errors only."""
    job = _job(request, job_id)
    rows = queries.rows(job, filters.status)
    return paginate(rows, params, sortable=queries.ROW_SORTS, default_sort=("row_number",))


@router.post("/imports/{job_id}/validate", response=ImportJobOut, summary="Validate again")
def validate_import(request: HttpRequest, job_id: int, data: ImportRunIn) -> ImportJob:
    """Dry-run again, e.g. with a changed mapping; nothing is imported."""
    job = _job(request, job_id, write=True)
    return services.validate(job.pk, mapping=data.mapping, mode=data.mode)


@router.post("/imports/{job_id}/run", response=ImportJobOut, summary="Run an import")
def run_import(request: HttpRequest, job_id: int, data: ImportRunIn) -> ImportJob:
    """Import: ``all_or_nothing`` writes nothing if a row fails (status failed);
    ``valid_rows`` imports every valid row and keeps the rejects for download."""
    job = _job(request, job_id, write=True)
    return services.run(job.pk, mapping=data.mapping, mode=data.mode)


@router.get("/imports/{job_id}/rejects", summary="Download the rejected rows")
def download_rejects(request: HttpRequest, job_id: int, format: str = "csv") -> HttpResponseBase:
    """The rejected rows with their original columns and an ``error`` column (csv or xlsx)."""
    fmt = exports.check_format(format)
    job = _job(request, job_id)
    headers, rows = services.rejects_table(job)
    return exports.table_response(headers, rows, fmt, f"rejects-{job.pk}")
