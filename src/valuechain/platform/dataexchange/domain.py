"""Pure rules of data exchange: guessing a column mapping, checking it, safe export cells."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MODES = ("all_or_nothing", "valid_rows")


class MappingProblem(Exception):
    """A column mapping that cannot be used; ``code`` and ``field`` say why and where."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


def header_key(text: str) -> str:
    """A header reduced for comparison: accents, case, spaces and punctuation removed."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]", "", plain.casefold())


def guess_mapping(
    headers: Sequence[str], fields: Iterable[tuple[str, str, Sequence[str]]]
) -> dict[str, str]:
    """Map column headers to field names by field name, label or alias; each used once.

    ``fields`` gives (name, label, aliases). Columns that match nothing stay unmapped.
    """
    candidates: dict[str, str] = {}
    for name, label, aliases in fields:
        for text in (name, label, *aliases):
            candidates.setdefault(header_key(text), name)
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for header in headers:
        found = candidates.get(header_key(header))
        if found is not None and found not in used and header not in mapping:
            mapping[header] = found
            used.add(found)
    return mapping


def check_mapping(
    mapping: Mapping[str, str],
    headers: Sequence[str],
    field_names: Sequence[str],
    required: Sequence[str],
) -> dict[str, str]:
    """The mapping without blank targets; MappingProblem for unknown columns or fields."""
    cleaned: dict[str, str] = {}
    for header, name in mapping.items():
        if not name:
            continue
        if header not in headers:
            raise MappingProblem(
                "unknown_column", f"The file has no column {header!r}.", field="mapping"
            )
        if name not in field_names:
            raise MappingProblem(
                "unknown_import_field",
                f"{name!r} is not a field of this import; use one of {', '.join(field_names)}.",
                field="mapping",
            )
        if name in cleaned.values():
            raise MappingProblem(
                "field_mapped_twice", f"Two columns are mapped to {name!r}.", field="mapping"
            )
        cleaned[header] = name
    missing = [name for name in required if name not in cleaned.values()]
    if missing:
        raise MappingProblem(
            "required_field_unmapped",
            f"Map a column to the required field(s): {', '.join(missing)}.",
            field="mapping",
        )
    return cleaned


def mapped_values(
    row: Sequence[str], headers: Sequence[str], mapping: Mapping[str, str]
) -> dict[str, str]:
    """The row's values keyed by field name, trimmed; missing trailing cells are blank."""
    positions = {header: index for index, header in enumerate(headers)}
    values: dict[str, str] = {}
    for header, name in mapping.items():
        index = positions[header]
        values[name] = (row[index] if index < len(row) else "").strip()
    return values


def safe_cell(value: Any) -> Any:
    """A cell a spreadsheet will not run as a formula: text starting with = + - @ gets a '."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def cell_text(value: Any) -> str:
    """How a value reads in a CSV cell: blank for None, yes/no for booleans, ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    if isinstance(value, list | tuple | set):
        return ", ".join(cell_text(item) for item in value)
    return str(value)
