"""Reading uploaded CSV and Excel files into a header row and text rows (no Django).

CSV: UTF-8 with or without BOM, falling back to cp1252 and then latin-1; the delimiter is
sniffed among comma, semicolon and tab. Excel: .xlsx read with openpyxl in read-only mode.
Every cell comes back as text; blank rows are skipped. Limits raise ``FileProblem``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

DELIMITERS = ",;\t"
XLSX_MAGIC = b"PK\x03\x04"


class FileProblem(Exception):
    """The file cannot be imported: ``file_too_large``, ``too_many_rows``, ``unreadable_file``,
    ``no_header``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Table:
    """A parsed file: its headers and data rows (row_numbers are the file's line numbers)."""

    headers: list[str]
    rows: list[list[str]]
    row_numbers: list[int]


def file_format(filename: str, content: bytes) -> str:
    """'xlsx' or 'csv', by the file's content first and its name second."""
    if content.startswith(XLSX_MAGIC) or filename.lower().endswith((".xlsx", ".xlsm")):
        return "xlsx"
    return "csv"


def parse(filename: str, content: bytes, *, max_bytes: int, max_rows: int) -> Table:
    """Read a CSV or .xlsx file within the size and row limits."""
    if len(content) > max_bytes:
        raise FileProblem(
            "file_too_large",
            f"The file has {len(content):,} bytes; the limit is {max_bytes:,}. "
            "Split it, or import it with the `valuechain import` command.",
        )
    if file_format(filename, content) == "xlsx":
        rows: Iterator[tuple[int, list[str]]] = _xlsx_rows(content)
    else:
        rows = _csv_rows(_decode(content))
    return _table(rows, max_rows)


def _table(rows: Iterator[tuple[int, list[str]]], max_rows: int) -> Table:
    header: list[str] | None = None
    data: list[list[str]] = []
    numbers: list[int] = []
    for number, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        if header is None:
            header = _headers(cells)
            continue
        if len(data) >= max_rows:
            raise FileProblem(
                "too_many_rows",
                f"The file has more than {max_rows:,} data rows. "
                "Split it, or import it with the `valuechain import` command.",
            )
        data.append(cells)
        numbers.append(number)
    if header is None:
        raise FileProblem("no_header", "The file is empty: the first row must name the columns.")
    return Table(header, data, numbers)


def _headers(cells: list[str]) -> list[str]:
    """Trimmed header names; blank or repeated ones are numbered so each column is unique."""
    headers: list[str] = []
    for index, cell in enumerate(cells, start=1):
        name = " ".join(cell.split()) or f"Column {index}"
        base, suffix = name, 2
        while name in headers:
            name, suffix = f"{base} ({suffix})", suffix + 1
        headers.append(name)
    while headers and headers[-1].startswith("Column ") and not cells[len(headers) - 1].strip():
        headers.pop()  # trailing empty header cells (spreadsheets pad rows)
    if not headers:
        raise FileProblem("no_header", "The first row must name the columns.")
    return headers


def _decode(content: bytes) -> str:
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    for encoding in ("utf-8", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return content.decode("latin-1")


def _csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    if "\x00" in text:
        raise FileProblem("unreadable_file", "The file is not a CSV or Excel (.xlsx) file.")
    sample = text[:20_000]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=DELIMITERS)
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as exc:
        raise FileProblem("unreadable_file", f"The CSV file cannot be read: {exc}.") from exc


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise FileProblem("unreadable_file", "The Excel file cannot be read (.xlsx only).") from exc
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            return
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_xlsx_text(value) for value in values]
    finally:
        workbook.close()


def _xlsx_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return str(Decimal(repr(value)))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
