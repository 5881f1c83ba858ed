"""Reading CSV and Excel uploads: encodings, delimiters, limits and unreadable files."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from valuechain.platform.dataexchange.parsing import FileProblem, file_format, parse

LIMITS = {"max_bytes": 10_000, "max_rows": 3}


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    """A one-sheet workbook with the rows."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        "name,city\nMüller GmbH,Köln\n".encode(),
        b"\xef\xbb\xbf" + "name,city\nMüller GmbH,Köln\n".encode(),
        "name;city\r\nMüller GmbH;Köln\r\n".encode("cp1252"),
        "name\tcity\nMüller GmbH\tKöln\n".encode("latin-1"),
    ],
    ids=["utf8", "utf8-bom", "cp1252-semicolon", "latin1-tab"],
)
def test_csv_encodings_and_delimiters(content):
    table = parse("x.csv", content, **LIMITS)
    assert table.headers == ["name", "city"]
    assert table.rows == [["Müller GmbH", "Köln"]]
    assert table.row_numbers == [2]


def test_cp1252_only_characters_decode():
    table = parse("x.csv", "name\n€uro “quoted”\n".encode("cp1252"), **LIMITS)
    assert table.rows == [["€uro “quoted”"]]


def test_blank_lines_skipped_line_numbers_kept_headers_unique():
    content = b"name,name,\n\nA,B,\n,,\nC,D,\n"
    table = parse("x.csv", content, **LIMITS)
    assert table.headers == ["name", "name (2)"]
    assert table.rows == [["A", "B", ""], ["C", "D", ""]]
    assert table.row_numbers == [3, 5]


def test_quoted_cells_with_delimiters_and_newlines():
    table = parse("x.csv", b'name,note\n"Acme, Inc.","two\nlines"\n', **LIMITS)
    assert table.rows == [["Acme, Inc.", "two\nlines"]]


def test_xlsx_cells_become_text():
    content = xlsx_bytes(
        [
            ["Name", "Founded", "Staff", "Share", "Listed"],
            ["Acme", dt.date(2001, 2, 3), 12, 0.25, True],
        ]
    )
    assert file_format("upload.bin", content) == "xlsx"
    table = parse("accounts.xlsx", content, **LIMITS)
    assert table.headers == ["Name", "Founded", "Staff", "Share", "Listed"]
    assert table.rows == [["Acme", "2001-02-03", "12", "0.25", "yes"]]
    assert table.row_numbers == [2]


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("x.csv", b"a\n" + b"x" * 10_000, "file_too_large"),
        ("x.csv", b"a\n1\n2\n3\n4\n", "too_many_rows"),
        ("x.csv", b"", "no_header"),
        ("x.csv", b"\n ,\n", "no_header"),
        ("x.xlsx", b"PK\x03\x04not really a zip", "unreadable_file"),
        ("x.csv", b"a,b\x00c\n", "unreadable_file"),
    ],
)
def test_problems(name, content, code):
    with pytest.raises(FileProblem) as caught:
        parse(name, content, **LIMITS)
    assert caught.value.code == code
    assert caught.value.message


def test_row_limit_is_exact():
    assert len(parse("x.csv", b"a\n1\n2\n3\n", **LIMITS).rows) == 3
