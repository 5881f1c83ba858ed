"""Pure rules of attachments: which file types are allowed, judged by content, not name.

The file's first bytes decide (``filetype`` reads magic numbers; Office OOXML and
OpenDocument are recognised inside their zip). Content without a binary signature is
plain text when it is valid UTF-8 without NUL bytes; then the name only chooses between
``text/csv`` and ``text/plain``. Anything else, a renamed .exe for one, is refused.
"""

from __future__ import annotations

import filetype

ALLOWED_TYPES = frozenset(
    {
        "application/pdf",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.presentation",
        "text/plain",
        "text/csv",
    }
)
SNIFF_BYTES = 8192


def is_text(content: bytes) -> bool:
    """Valid UTF-8 (a BOM is fine) without NUL bytes."""
    if b"\x00" in content:
        return False
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def sniff(content: bytes, filename: str) -> str | None:
    """The MIME type the content really is, or None when it is not recognised at all."""
    guessed = filetype.guess_mime(content[:SNIFF_BYTES]) if content else None
    if guessed:
        return str(guessed)
    if is_text(content):
        return "text/csv" if filename.lower().endswith(".csv") else "text/plain"
    return None


def allowed_type(content: bytes, filename: str) -> tuple[str | None, bool]:
    """The sniffed type and whether it may be stored."""
    mime = sniff(content, filename)
    return mime, mime in ALLOWED_TYPES


def safe_filename(name: str, limit: int = 200) -> str:
    """The file's own name without any path, control characters or quotes, never empty."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|:*?').strip(" .")
    if len(cleaned) > limit:
        stem, dot, ext = cleaned.rpartition(".")
        cleaned = (
            (stem[: limit - len(ext) - 1] + dot + ext) if dot and len(ext) < 10 else cleaned[:limit]
        )
    return cleaned or "file"
