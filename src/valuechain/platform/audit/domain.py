"""Pure rules of the audit trail: JSON-safe values and the field-by-field difference."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

MISSING: Any = object()  # a field with no known value (not loaded, or the row is new)


def json_safe(value: Any) -> Any:
    """A JSON-serialisable form: Decimal, dates, times, UUIDs as strings; nested containers too."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return (
            value if value == value and value not in (float("inf"), float("-inf")) else str(value)
        )
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value.total_seconds())
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Mapping):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=repr) if isinstance(value, set | frozenset) else value
        return [json_safe(item) for item in items]
    return str(value)


def field_changes(
    old: Mapping[str, Any], new: Mapping[str, Any], fields: list[str]
) -> dict[str, dict[str, Any]]:
    """``{field: {"old", "new"}}`` for each field whose value differs; MISSING counts as None."""
    changes: dict[str, dict[str, Any]] = {}
    for name in fields:
        before = old.get(name, MISSING)
        after = new.get(name, MISSING)
        before = None if before is MISSING else before
        after = None if after is MISSING else after
        if before != after:
            changes[name] = {"old": json_safe(before), "new": json_safe(after)}
    return changes
