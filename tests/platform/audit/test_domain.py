"""Pure rules of the audit trail: JSON-safe values and field differences."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal

from valuechain.platform.audit.domain import field_changes, json_safe


def test_json_safe_turns_rich_values_into_strings():
    value = {
        "amount": Decimal("12.50"),
        "day": dt.date(2026, 1, 5),
        "at": dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.UTC),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "tags": ("a", "b"),
        "nested": [{"n": Decimal("1")}],
        "flag": True,
        "count": 3,
        "none": None,
        "wait": dt.timedelta(minutes=2),
        "blob": b"\x00\x01",
    }
    assert json_safe(value) == {
        "amount": "12.50",
        "day": "2026-01-05",
        "at": "2026-01-05T09:30:00+00:00",
        "id": "12345678-1234-5678-1234-567812345678",
        "tags": ["a", "b"],
        "nested": [{"n": "1"}],
        "flag": True,
        "count": 3,
        "none": None,
        "wait": "120.0",
        "blob": "AAE=",
    }
    json.dumps(json_safe(value))  # serialisable as is


def test_field_changes_lists_only_changed_fields_with_old_and_new():
    old = {"name": "A", "rate": Decimal("1.1"), "day": dt.date(2026, 1, 1)}
    new = {"name": "A", "rate": Decimal("1.2"), "day": dt.date(2026, 1, 2)}
    assert field_changes(old, new, ["name", "rate", "day"]) == {
        "rate": {"old": "1.1", "new": "1.2"},
        "day": {"old": "2026-01-01", "new": "2026-01-02"},
    }


def test_field_changes_treats_missing_as_none():
    assert field_changes({}, {"name": "A", "note": None}, ["name", "note"]) == {
        "name": {"old": None, "new": "A"}
    }
    assert field_changes({"name": "A"}, {}, ["name"]) == {"name": {"old": "A", "new": None}}


def test_equal_values_of_different_precision_are_no_change():
    assert field_changes({"rate": Decimal("1.10")}, {"rate": Decimal("1.1")}, ["rate"]) == {}
