"""Exports of list views: CSV streamed row by row, Excel written with openpyxl's write-only mode.

Queries: a queryset is read in slices of 500 rows, so its ``prefetch_related`` runs once
per slice and the query count does not grow with the rows of a chunk. Cells that a
spreadsheet would run as a formula (= + - @) are prefixed with an apostrophe. CSV is UTF-8
with a byte-order mark so Excel opens accents correctly.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone

from valuechain.platform.dataexchange.domain import cell_text, safe_cell
from valuechain.platform.dataexchange.registry import ExportColumn
from valuechain.platform.errors import DomainError
from valuechain.platform.tenancy.context import current, use_context

FORMATS = ("csv", "xlsx")
CHUNK = 500
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def check_format(fmt: str | None) -> str:
    """``csv`` or ``xlsx``; DomainError ``invalid_format`` on field ``format`` otherwise."""
    if fmt not in FORMATS:
        raise DomainError(
            "invalid_format", "Export as csv or xlsx.", field="format", details={"allowed": FORMATS}
        )
    return fmt


def _records(rows: QuerySet[Any] | Iterable[Any]) -> Iterator[Any]:
    """The rows, a queryset read in slices of CHUNK (its prefetches run once per slice).

    Slices rather than ``iterator()``: on PostgreSQL that opens a server-side cursor, which
    does not see the row-level-security settings applied per connection.
    """
    if not isinstance(rows, QuerySet):
        yield from rows
        return
    if not rows.ordered:
        rows = rows.order_by("pk")
    start = 0
    while True:
        chunk = list(rows[start : start + CHUNK])
        yield from chunk
        if len(chunk) < CHUNK:
            return
        start += CHUNK


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Any], columns: Sequence[ExportColumn]) -> Iterator[str]:
    """The CSV text line by line: a byte-order mark, the headers, then one line per row."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([safe_cell(c.header) for c in columns])
    for row in _records(rows):
        yield writer.writerow([safe_cell(cell_text(c.value(row))) for c in columns])


def csv_lines_in_context(rows: Iterable[Any], columns: Sequence[ExportColumn]) -> Iterator[str]:
    """CSV lines produced under the caller's execution context.

    A streaming response is consumed after the request's middleware has reset the context,
    so the generator binds the tenant (and RLS settings) of the request again.
    """
    ctx = current()

    def generate() -> Iterator[str]:
        with use_context(
            tenant_id=ctx.tenant_id,
            actor_id=ctx.actor_id,
            channel=ctx.channel,
            bypass=ctx.bypass,
            token_id=ctx.token_id,
        ):
            yield from csv_lines(rows, columns)

    return generate()


def _xlsx_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | Decimal | float):
        return value
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, dt.date):
        return value
    return safe_cell(cell_text(value))


def xlsx_file(rows: Iterable[Any], columns: Sequence[ExportColumn], title: str) -> Any:
    """A temporary file holding the rows as a one-sheet workbook, positioned at its start."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Export")
    sheet.append([safe_cell(c.header) for c in columns])
    for row in _records(rows):
        sheet.append([_xlsx_value(c.value(row)) for c in columns])
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it
    workbook.save(handle)
    handle.seek(0)
    return handle


def export_response(
    rows: QuerySet[Any] | Iterable[Any],
    columns: Sequence[ExportColumn],
    fmt: str,
    filename: str,
) -> HttpResponseBase:
    """Every row as a CSV or XLSX download named ``<filename>-<date>.<fmt>``."""
    fmt = check_format(fmt)
    name = f"{filename}-{timezone.localdate().isoformat()}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_lines_in_context(rows, columns), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return FileResponse(
        xlsx_file(rows, columns, filename),
        as_attachment=True,
        filename=name,
        content_type=XLSX_TYPE,
    )


def table_response(
    headers: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str, filename: str
) -> HttpResponseBase:
    """A plain table (a header row and rows of cells) as a CSV or XLSX download."""
    return export_response(list(rows), table_columns(headers), fmt, filename)


def table_columns(headers: Sequence[str]) -> list[ExportColumn]:
    """Columns reading the cells of plain rows (lists) by position."""
    return [ExportColumn(header, _cell_at(index)) for index, header in enumerate(headers)]


def _cell_at(index: int) -> Callable[[Sequence[Any]], Any]:
    def read(row: Sequence[Any]) -> Any:
        return row[index] if index < len(row) else ""

    return read
