"""Content sniffing and file names, without a database."""

from __future__ import annotations

import io
import zipfile

import pytest

from valuechain.platform.attachments.domain import allowed_type, safe_filename, sniff


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.mark.parametrize(
    ("content", "name", "mime", "ok"),
    [
        (b"%PDF-1.7\n", "a.pdf", "application/pdf", True),
        (PNG, "a.png", "image/png", True),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 32, "a.jpg", "image/jpeg", True),
        (b"GIF89a" + b"\x00" * 32, "a.gif", "image/gif", True),
        (
            _zip("[Content_Types].xml", "word/document.xml"),
            "a.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            True,
        ),
        ("name;qty\nÄpfel;3\n".encode(), "list.csv", "text/csv", True),
        (b"\xef\xbb\xbfplain text", "notes.pdf", "text/plain", True),  # by content, not name
        (b"MZ\x90\x00" + b"\x00" * 64, "invoice.pdf", "application/x-msdownload", False),
        (_zip("a.txt"), "a.docx", "application/zip", False),
        (b"\x00\x01\x02 binary", "a.txt", None, False),
        (b"caf\xe9", "a.txt", None, False),  # Latin-1, not UTF-8
    ],
)
def test_allowed_by_content(content, name, mime, ok):
    assert allowed_type(content, name) == (mime, ok)


def test_sniff_empty():
    assert sniff(b"", "a.txt") == "text/plain"


def test_safe_filename():
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename('C:\\Users\\me\\Offer "final".pdf') == "Offer final.pdf"
    assert safe_filename("\x00\x1f...") == "file"
    assert safe_filename("a" * 300 + ".pdf") == "a" * 196 + ".pdf"
