"""Use cases of data exchange: upload a file, map and validate it, run the import.

Validation is a dry run of the real thing: every row goes through the importer inside one
transaction that is rolled back at the end, each row in its own savepoint, so later rows
see earlier ones (a file that names the same company twice is reported exactly as the
import will treat it). ``all_or_nothing`` runs the same loop and rolls everything back if
any row fails; ``valid_rows`` keeps the rows that worked and reports the rejects.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from valuechain.platform.dataexchange import domain, parsing
from valuechain.platform.dataexchange.models import ExternalKey, ImportFile, ImportJob, ImportRow
from valuechain.platform.dataexchange.registry import Importer, ImportOutcome, get_importer
from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.tenancy.context import current, use_context

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_ROWS = 10_000
Progress = Callable[[int, int], None]


def max_bytes() -> int:
    """The upload size limit (``VALUECHAIN_IMPORT_MAX_BYTES``, default 10 MB)."""
    return int(getattr(settings, "VALUECHAIN_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_rows() -> int:
    """The row limit of uploads (``VALUECHAIN_IMPORT_MAX_ROWS``, default 10,000)."""
    return int(getattr(settings, "VALUECHAIN_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


@dataclass(frozen=True)
class RowResult:
    """What happened (or would happen) to one data row."""

    row_number: int
    status: str
    record_id: int | None = None
    error_code: str = ""
    message: str = ""
    field: str = ""


def importer_or_error(key: str) -> Importer:
    """The importer registered under ``key``; DomainError ``unknown_importer`` otherwise."""
    importer = get_importer(key)
    if importer is None:
        raise DomainError(
            "unknown_importer", f"There is no importer {key!r}.", field="importer", status=422
        )
    return importer


def _mode(mode: str) -> str:
    if mode not in domain.MODES:
        raise DomainError(
            "invalid_mode", f"Choose the mode {' or '.join(domain.MODES)}.", field="mode"
        )
    return mode


def _table(filename: str, content: bytes, row_limit: int | None) -> parsing.Table:
    try:
        return parsing.parse(
            filename, content, max_bytes=max_bytes(), max_rows=row_limit or max_rows()
        )
    except parsing.FileProblem as problem:
        raise DomainError(problem.code, problem.message, field="file") from problem


def _checked_mapping(
    importer: Importer, mapping: Mapping[str, str], headers: list[str]
) -> dict[str, str]:
    try:
        return domain.check_mapping(
            mapping,
            headers,
            [f.name for f in importer.fields],
            [f.name for f in importer.fields if f.required],
        )
    except domain.MappingProblem as problem:
        raise DomainError(problem.code, problem.message, field=problem.field) from problem


def guess_mapping(importer: Importer, headers: list[str]) -> dict[str, str]:
    """The mapping suggested by header names and the importer's aliases."""
    return domain.guess_mapping(headers, [(f.name, f.label, f.aliases) for f in importer.fields])


@transaction.atomic
def upload(
    *,
    importer_key: str,
    filename: str,
    content: bytes,
    mapping: Mapping[str, str] | None = None,
    mode: str = "all_or_nothing",
    row_limit: int | None = None,
) -> ImportJob:
    """Keep an uploaded file as a new job with a checked (or guessed) column mapping."""
    importer = importer_or_error(importer_key)
    mode = _mode(mode)
    name = (filename or "upload").rsplit("/", 1)[-1][:255]
    table = _table(name, content, row_limit)
    if mapping is None:
        cleaned = guess_mapping(importer, table.headers)
    else:
        cleaned = _checked_mapping(importer, mapping, table.headers)
    job = ImportJob.objects.create(
        importer=importer.key,
        filename=name,
        file_format=parsing.file_format(name, content),
        headers=table.headers,
        mapping=cleaned,
        mode=mode,
        total_rows=len(table.rows),
        created_by_id=current().actor_id,
    )
    ImportFile.objects.create(job=job, content=content)
    publish("ImportUploaded", _payload(job))
    return job


def _payload(job: ImportJob) -> dict[str, Any]:
    return {
        "job_id": job.pk,
        "importer": job.importer,
        "filename": job.filename,
        "status": job.status,
        "mode": job.mode,
        "created": job.created_count,
        "updated": job.updated_count,
        "unchanged": job.unchanged_count,
        "rejected": job.rejected_count,
    }


def _locked_job(job_id: int) -> ImportJob:
    """The job, locked; then the tenant's lock for its importer (see _serialise)."""
    job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
    if job is None:
        raise DomainError("import_not_found", "No such import.", status=404)
    _serialise(job)
    return job


def _serialise(job: ImportJob) -> None:
    """Run one tenant's imports of one importer one at a time.

    Importers match rows to records by natural key; two files naming the same new company
    at the same moment would otherwise both create it. PostgreSQL: a transaction-scoped
    advisory lock per (tenant, importer); SQLite already runs one writer at a time.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)",
            [job.tenant_id, zlib.crc32(job.importer.encode()) - 2**31],
        )


def table_of(job: ImportJob, row_limit: int | None = None) -> parsing.Table:
    """The job's file parsed again (it was accepted at upload, so limits still hold)."""
    content = bytes(ImportFile.objects.get(job=job).content)
    return parsing.parse(
        job.filename, content, max_bytes=max(len(content), 1), max_rows=row_limit or 10**9
    )


class _RollBack(Exception):
    """Raised inside the processing transaction to undo every row (dry run, failed run)."""


def _import_one(importer: Importer, values: dict[str, str]) -> ImportOutcome:
    external_id = values.get("external_id", "") if importer.field("external_id") else ""
    known_id = None
    if external_id:
        known_id = (
            ExternalKey.objects.filter(importer=importer.key, external_id=external_id)
            .values_list("record_id", flat=True)
            .first()
        )
    outcome = importer.import_row(values, known_id)
    if external_id and outcome.record_id != known_id:
        ExternalKey.objects.update_or_create(
            importer=importer.key,
            external_id=external_id,
            defaults={"record_id": outcome.record_id},
        )
    return outcome


def _process(
    job: ImportJob,
    importer: Importer,
    table: parsing.Table,
    *,
    keep: Callable[[list[RowResult]], bool],
    progress: Progress | None = None,
) -> list[RowResult]:
    """Run every row through the importer; keep the writes only when ``keep(results)``."""
    results: list[RowResult] = []
    total = len(table.rows)
    try:
        with use_context(channel="import"), transaction.atomic():
            for index, (number, cells) in enumerate(
                zip(table.row_numbers, table.rows, strict=True)
            ):
                values = domain.mapped_values(cells, table.headers, job.mapping)
                try:
                    with transaction.atomic():
                        outcome = _import_one(importer, values)
                except DomainError as error:
                    results.append(
                        RowResult(
                            number, "rejected", None, error.code, error.message, error.field or ""
                        )
                    )
                except IntegrityError as error:
                    results.append(
                        RowResult(number, "rejected", None, "conflicting_row", str(error)[:500])
                    )
                else:
                    results.append(RowResult(number, outcome.status, outcome.record_id))
                if progress is not None:
                    progress(index + 1, total)
            if not keep(results):
                raise _RollBack
    except _RollBack:
        pass
    return results


def _store_report(job: ImportJob, results: list[RowResult]) -> None:
    ImportRow.objects.filter(job=job).delete()
    ImportRow.objects.bulk_create(
        [
            ImportRow(
                tenant_id=job.tenant_id,
                job=job,
                row_number=r.row_number,
                status=r.status,
                record_id=r.record_id,
                error_code=r.error_code,
                message=r.message,
                field=r.field,
            )
            for r in results
        ],
        batch_size=1000,
    )
    counts = {status: 0 for status in ("created", "updated", "unchanged", "rejected")}
    for result in results:
        counts[result.status] += 1
    job.created_count = counts["created"]
    job.updated_count = counts["updated"]
    job.unchanged_count = counts["unchanged"]
    job.rejected_count = counts["rejected"]
    job.total_rows = len(results)


def _prepare(
    job: ImportJob, mapping: Mapping[str, str] | None, mode: str | None
) -> tuple[Importer, dict[str, str]]:
    importer = importer_or_error(job.importer)
    if job.status == "imported":
        raise DomainError(
            "import_already_run",
            "This file has been imported; upload it again to re-run it (no duplicates are made).",
            status=409,
        )
    if mode is not None:
        job.mode = _mode(mode)
    source = job.mapping if mapping is None else mapping
    return importer, _checked_mapping(importer, source, list(job.headers))


@transaction.atomic
def validate(
    job_id: int,
    *,
    mapping: Mapping[str, str] | None = None,
    mode: str | None = None,
    progress: Progress | None = None,
) -> ImportJob:
    """Dry-run every row with the (new) mapping and keep the per-row report; writes nothing."""
    job = _locked_job(job_id)
    importer, job.mapping = _prepare(job, mapping, mode)
    results = _process(job, importer, table_of(job), keep=lambda _: False, progress=progress)
    _store_report(job, results)
    job.status = "validated"
    job.validated_at = timezone.now()
    job.save()
    publish("ImportValidated", _payload(job))
    return job


@transaction.atomic
def run(
    job_id: int,
    *,
    mapping: Mapping[str, str] | None = None,
    mode: str | None = None,
    progress: Progress | None = None,
) -> ImportJob:
    """Import the rows: all or nothing (any reject undoes all), or every valid row."""
    job = _locked_job(job_id)
    importer, job.mapping = _prepare(job, mapping, mode)
    if job.mode == "all_or_nothing":

        def keep(results: list[RowResult]) -> bool:
            return all(r.status != "rejected" for r in results)
    else:

        def keep(results: list[RowResult]) -> bool:
            return True

    results = _process(job, importer, table_of(job), keep=keep, progress=progress)
    _store_report(job, results)
    failed = job.mode == "all_or_nothing" and job.rejected_count > 0
    job.status = "failed" if failed else "imported"
    job.imported_at = timezone.now()
    job.save()
    publish("ImportFailed" if failed else "ImportCompleted", _payload(job))
    return job


@transaction.atomic
def upload_and_validate(
    *,
    importer_key: str,
    filename: str,
    content: bytes,
    mapping: Mapping[str, str] | None = None,
    mode: str = "all_or_nothing",
) -> ImportJob:
    """Upload and dry-run in one step (the API's POST); a refused mapping writes nothing."""
    job = upload(
        importer_key=importer_key, filename=filename, content=content, mapping=mapping, mode=mode
    )
    return validate(job.pk)


def rejects_table(job: ImportJob) -> tuple[list[str], list[list[str]]]:
    """The rejected rows with their original columns plus ``error`` (code: message)."""
    if job.status == "uploaded":
        raise DomainError(
            "not_validated", "Validate the import first; rejects are known after that.", status=409
        )
    errors = {
        row.row_number: row
        for row in ImportRow.objects.filter(job=job, status="rejected").order_by("row_number")
    }
    table = table_of(job)
    headers = [*table.headers, "error"]
    columns = {name: header for header, name in job.mapping.items()}
    rows: list[list[str]] = []
    for number, cells in zip(table.row_numbers, table.rows, strict=True):
        report = errors.get(number)
        if report is None:
            continue
        padded = [*cells[: len(table.headers)], *[""] * (len(table.headers) - len(cells))]
        where = f" [{columns.get(report.field, report.field)}]" if report.field else ""
        rows.append([*padded, f"{report.error_code}{where}: {report.message}"])
    return headers, rows
