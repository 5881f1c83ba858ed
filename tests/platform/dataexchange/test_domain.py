"""Pure rules of data exchange: mapping guesses and checks, safe export cells."""

from __future__ import annotations

import datetime as dt

import pytest

from valuechain.platform.dataexchange import domain

FIELDS = [
    ("name", "Name", ("company", "account name")),
    ("email", "E-mail", ("mail",)),
    ("website", "Website", ("url",)),
]


def test_guess_mapping_by_name_label_and_alias_ignoring_case_accents_and_punctuation():
    headers = ["Company", "E-Mail", "URL", "Notes"]
    assert domain.guess_mapping(headers, FIELDS) == {
        "Company": "name",
        "E-Mail": "email",
        "URL": "website",
    }
    assert domain.header_key(" Pôstal-Code ") == "postalcode"


def test_guess_mapping_maps_each_field_once_first_column_wins():
    assert domain.guess_mapping(["Name", "Company"], FIELDS) == {"Name": "name"}


def test_check_mapping_drops_blank_targets_and_accepts_a_complete_mapping():
    mapping = {"Company": "name", "Notes": ""}
    cleaned = domain.check_mapping(mapping, ["Company", "Notes"], ["name", "email"], ["name"])
    assert cleaned == {"Company": "name"}


@pytest.mark.parametrize(
    ("mapping", "code"),
    [
        ({"Nope": "name"}, "unknown_column"),
        ({"Company": "colour"}, "unknown_import_field"),
        ({"Company": "name", "Mail": "name"}, "field_mapped_twice"),
        ({"Mail": "email"}, "required_field_unmapped"),
    ],
)
def test_check_mapping_refusals(mapping, code):
    with pytest.raises(domain.MappingProblem) as caught:
        domain.check_mapping(mapping, ["Company", "Mail"], ["name", "email"], ["name"])
    assert caught.value.code == code
    assert caught.value.field == "mapping"


def test_mapped_values_trims_and_pads_short_rows():
    values = domain.mapped_values(
        [" Acme "], ["Company", "Mail"], {"Company": "name", "Mail": "email"}
    )
    assert values == {"name": "Acme", "email": ""}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+49 30", "'+49 30"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("Acme", "Acme"),
        (5, 5),
        (None, None),
    ],
)
def test_safe_cell_defuses_formulas(value, expected):
    assert domain.safe_cell(value) == expected


def test_cell_text():
    assert domain.cell_text(None) == ""
    assert domain.cell_text(True) == "yes"
    assert domain.cell_text(dt.date(2026, 1, 5)) == "2026-01-05"
    assert domain.cell_text(["a", "b"]) == "a, b"
    assert domain.cell_text(12) == "12"
