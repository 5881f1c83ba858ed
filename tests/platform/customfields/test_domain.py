"""Pure rules of custom fields: keys, choices, cleaning each type, filter parsing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from valuechain.platform.customfields.domain import (
    FieldError,
    FieldSpec,
    FilterTerm,
    InvalidValue,
    clean_values,
    key_problem,
    normalize_choices,
    number_text,
    parse_filters,
)

SPECS = [
    FieldSpec("notes", "Notes", "text"),
    FieldSpec("amount", "Amount", "number", filterable=True),
    FieldSpec("renewal", "Renewal", "date", filterable=True),
    FieldSpec("tier", "Tier", "choice", ("Gold", "Silver"), required=True, filterable=True),
    FieldSpec("vip", "VIP", "boolean", filterable=True),
    FieldSpec("secret", "Secret", "text"),
]


def _clean(submitted, **kwargs):
    return clean_values(SPECS, submitted, **kwargs)


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("contract_value", None),
        ("a1", None),
        ("", "Enter a key, e.g. contract_value."),
        ("Color", "Use lowercase letters"),
        ("1st", "Use lowercase letters"),
        ("a__b", "Use lowercase letters"),
        ("trailing_", "Use lowercase letters"),
        ("a-b", "Use lowercase letters"),
        ("a" * 41, "Keep the key under 41 characters."),
    ],
)
def test_key_rules(key, problem):
    found = key_problem(key)
    if problem is None:
        assert found is None
    else:
        assert found is not None and found.startswith(problem)


def test_choices_are_stripped_and_blank_ones_dropped():
    assert normalize_choices("choice", [" Gold ", "", "Silver"]) == ["Gold", "Silver"]
    assert normalize_choices("text", None) == []


@pytest.mark.parametrize(
    ("field_type", "choices", "message"),
    [
        ("choice", [], "A choice field needs at least one choice."),
        ("choice", ["Gold", "Gold"], "The choice 'Gold' appears twice."),
        ("choice", "Gold", "Give the choices as a list of texts."),
        ("choice", [1], "Every choice must be a text."),
        ("choice", ["x" * 101], "Keep each choice under 101 characters."),
        ("choice", [f"c{i}" for i in range(101)], "Give at most 100 choices."),
        ("text", ["Gold"], "Only choice fields have choices, not text."),
    ],
)
def test_invalid_choices(field_type, choices, message):
    with pytest.raises(InvalidValue) as raised:
        normalize_choices(field_type, choices)
    assert (raised.value.code, raised.value.message) == ("invalid_choices", message)


def test_a_full_clean_stores_json_safe_values():
    cleaned, errors = _clean(
        {
            "notes": "  Met at the fair ",
            "amount": Decimal("1250.500"),
            "renewal": "2026-12-31",
            "tier": "Gold",
            "vip": "yes",
        }
    )
    assert errors == []
    assert cleaned == {
        "notes": "Met at the fair",
        "amount": "1250.5",
        "renewal": "2026-12-31",
        "tier": "Gold",
        "vip": True,
    }


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        (100, "100"),
        ("1E+2", "100"),
        ("-0.000", "0"),
        ("0.000001", "0.000001"),
        ("-3.50", "-3.5"),
        ("999999999999999.999999", "999999999999999.999999"),
    ],
)
def test_numbers_are_stored_as_canonical_decimal_text(value, stored):
    cleaned, errors = _clean({"tier": "Gold", "amount": value})
    assert errors == []
    assert cleaned["amount"] == stored


@pytest.mark.parametrize(
    ("key", "value", "code", "message"),
    [
        ("notes", 12, "invalid_text", "Enter a text."),
        ("notes", "x" * 1001, "text_too_long", "Keep this under 1001 characters (1001 given)."),
        ("amount", "12,5", "invalid_number", "'12,5' is not a number, e.g. 1250.50."),
        ("amount", "NaN", "invalid_number", "'NaN' is not a number, e.g. 1250.50."),
        ("amount", True, "invalid_number", "Enter a number, e.g. 1250.50."),
        ("amount", "1E15", "number_too_large", "Enter a number with at most 15 digits."),
        ("amount", "0.0000001", "too_many_decimals", "Use at most 6 decimal places."),
        (
            "renewal",
            "31.12.2026",
            "invalid_date",
            "'31.12.2026' is not a date; use YYYY-MM-DD (e.g. 2026-11-23).",
        ),
        ("renewal", 20261231, "invalid_date", "Enter a date as YYYY-MM-DD."),
        (
            "renewal",
            dt.datetime(2026, 1, 1, 12, 0),
            "invalid_date",
            "Enter a date without a time, as YYYY-MM-DD.",
        ),
        ("tier", "Bronze", "invalid_choice", "'Bronze' is not one of the choices: Gold, Silver."),
        ("vip", "maybe", "invalid_boolean", "Choose yes or no (true or false)."),
        ("vip", 2, "invalid_boolean", "Choose yes or no (true or false)."),
    ],
)
def test_each_type_refuses_what_does_not_fit(key, value, code, message):
    submitted = {"tier": "Gold", key: value}
    cleaned, errors = _clean(submitted)
    assert cleaned == {}
    assert errors == [FieldError(f"custom.{key}", code, message)]


def test_required_unknown_and_several_errors_at_once():
    cleaned, errors = _clean({"colour": "red", "vip": "maybe"})
    assert cleaned == {}
    assert [error.as_dict() for error in errors] == [
        {
            "field": "custom.colour",
            "code": "unknown_field",
            "message": "There is no custom field 'colour'.",
        },
        {"field": "custom.tier", "code": "required", "message": "Tier is required."},
        {
            "field": "custom.vip",
            "code": "invalid_boolean",
            "message": "Choose yes or no (true or false).",
        },
    ]


def test_empty_values_clear_a_field_but_not_a_required_one():
    current = {"tier": "Gold", "notes": "old", "vip": False}
    cleaned, errors = _clean({"notes": "", "vip": None}, partial=True, current=current)
    assert errors == []
    assert cleaned == {"tier": "Gold"}
    _, errors = _clean({"tier": ""}, partial=True, current=current)
    assert errors == [FieldError("custom.tier", "required", "Tier is required.")]


def test_partial_keeps_other_values_and_skips_the_required_check():
    cleaned, errors = _clean({"amount": "5"}, partial=True, current={"notes": "kept"})
    assert errors == []
    assert cleaned == {"notes": "kept", "amount": "5"}


def test_full_clean_replaces_active_values_and_keeps_inactive_ones():
    current = {"notes": "old", "retired_field": "kept", "tier": "Silver"}
    cleaned, errors = _clean({"tier": "Gold"}, current=current)
    assert errors == []
    assert cleaned == {"retired_field": "kept", "tier": "Gold"}


def test_a_non_mapping_is_refused():
    assert _clean(["tier"]) == (
        {},
        [FieldError("custom", "invalid_custom", "Give the custom fields as an object.")],
    )


def test_filters_parse_both_spellings_and_ranges():
    terms, errors = parse_filters(
        SPECS,
        {
            "cf_tier": "Gold",
            "custom.amount__gte": "10.5",
            "cf_amount__lt": "100",
            "cf_renewal__lte": "2026-12-31",
            "cf_vip": "false",
            "cf_notes": "",  # empty: filters nothing
            "q": "unrelated",
        },
    )
    assert errors == []
    assert terms == [
        FilterTerm("amount", "number", "lt", Decimal("100"), "cf_amount__lt"),
        FilterTerm("renewal", "date", "lte", dt.date(2026, 12, 31), "cf_renewal__lte"),
        FilterTerm("tier", "choice", "exact", "Gold", "cf_tier"),
        FilterTerm("vip", "boolean", "exact", False, "cf_vip"),
        FilterTerm("amount", "number", "gte", Decimal("10.5"), "custom.amount__gte"),
    ]


@pytest.mark.parametrize(
    ("param", "value", "code", "message"),
    [
        ("cf_colour", "red", "unknown_field", "There is no custom field 'colour' to filter."),
        ("cf_secret", "x", "not_filterable", "Secret cannot be used as a filter."),
        (
            "cf_tier__gte",
            "Gold",
            "invalid_operator",
            "Tier cannot be filtered with __gte; allowed: none.",
        ),
        (
            "cf_amount__in",
            "1",
            "invalid_operator",
            "Amount cannot be filtered with __in; allowed: __gt, __gte, __lt, __lte.",
        ),
        ("cf_amount__gte", "ten", "invalid_number", "'ten' is not a number, e.g. 1250.50."),
        (
            "cf_tier",
            "Bronze",
            "invalid_choice",
            "'Bronze' is not one of the choices: Gold, Silver.",
        ),
    ],
)
def test_bad_filters_are_reported_by_parameter(param, value, code, message):
    terms, errors = parse_filters(SPECS, {param: value})
    assert terms == []
    assert errors == [FieldError(param, code, message)]


@given(
    st.decimals(
        min_value=Decimal("-999999999999999.999999"),
        max_value=Decimal("999999999999999.999999"),
        places=6,
        allow_nan=False,
        allow_infinity=False,
    )
)
def test_stored_numbers_read_back_equal_and_canonical(number):
    cleaned, errors = _clean({"tier": "Gold", "amount": number})
    assert errors == []
    stored = cleaned["amount"]
    assert Decimal(stored) == number
    assert "E" not in stored and "e" not in stored
    assert number_text(Decimal(stored)) == stored  # cleaning twice changes nothing
