"""GS1 check digits and element strings against the examples of the GS1 General Specifications.

Each expected value names where it comes from; every one was also recomputed by hand with
the mod-10 algorithm of GenSpecs §7.9.1 (weights 3, 1, 3, … from the right).
"""

from __future__ import annotations

from datetime import date

import pytest

from valuechain.scm.barcodes import gs1
from valuechain.scm.barcodes.gs1 import GS1Error

TODAY = date(2026, 12, 2)


# --- check digits --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # GenSpecs §7.9.1, check digit calculation example: GTIN-13 6291041500213.
        ("629104150021", 3),
        # GenSpecs §7.9.1, the same figure's SSCC example: 376104250021234569.
        ("37610425002123456", 9),
        # EPC TDS §E (SGTIN-96 worked example) GTIN 80614141123458.
        ("8061414112345", 8),
        # GS1's example GTIN 09506000134352 (GenSpecs and GS1 Digital Link examples).
        ("0950600013435", 2),
        # UPC-A 036000291452 (GTIN-12 example of the GTIN article; 3·(0+6+0+2+1+5)+…).
        ("03600029145", 2),
        # EAN-8 96385074 (GTIN-8): 3·(9+3+5+7) + (6+8+0) = 86 → 4.
        ("9638507", 4),
        # All zeros: sum 0 → check digit 0.
        ("0000000", 0),
    ],
)
def test_check_digit_of_the_published_examples(body, expected):
    assert gs1.check_digit(body) == expected
    assert gs1.has_valid_check_digit(body + str(expected))
    assert not gs1.has_valid_check_digit(body + str((expected + 1) % 10))


@pytest.mark.parametrize(
    ("gtin", "kind"),
    [
        ("96385074", "GTIN-8"),
        ("036000291452", "GTIN-12"),
        ("6291041500213", "GTIN-13"),
        ("80614141123458", "GTIN-14"),
    ],
)
def test_validate_gtin_of_every_length(gtin, kind):
    assert gs1.validate_gtin(f" {gtin} ") == gtin
    assert gs1.gtin_kind(gtin) == kind
    assert gs1.to_gtin14(gtin) == gtin.zfill(14)
    assert gs1.shortest_gtin(gtin.zfill(14)) == gtin


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("6291041500214", "invalid_check_digit"),
        ("62910415002133", "invalid_check_digit"),
        ("123456789", "invalid_length"),
        ("62910415002l3", "invalid_characters"),
        ("", "invalid_characters"),
        ("\uff16" * 13, "invalid_characters"),  # full-width digits are not ASCII
    ],
)
def test_validate_gtin_refuses_with_a_code(code, error):
    with pytest.raises(GS1Error) as caught:
        gs1.validate_gtin(code)
    assert caught.value.code == error


def test_validate_sscc():
    assert gs1.validate_sscc("376104250021234569") == "376104250021234569"
    with pytest.raises(GS1Error) as caught:
        gs1.validate_sscc("376104250021234568")
    assert caught.value.code == "invalid_check_digit"
    assert "expected 9" in caught.value.message
    with pytest.raises(GS1Error) as caught:
        gs1.validate_sscc("37610425002123456")
    assert caught.value.code == "invalid_length"


def test_make_sscc_pads_the_serial_reference_and_adds_the_check_digit():
    # GS1 example SSCC (00)106141411234567897: extension 1, company prefix 0614141,
    # serial reference 123456789 (GenSpecs §2.2.1 structure; check digit by §7.9.1).
    assert gs1.make_sscc(1, "0614141", 123456789) == "106141411234567897"
    assert gs1.make_sscc("1", "0614141", "123456789") == "106141411234567897"
    # GenSpecs §7.9.1 SSCC example: extension 3, prefix 7610425 (GS1 Switzerland), serial 2123456.
    assert gs1.make_sscc(3, "7610425", "002123456") == "376104250021234569"
    # 00614141000000001: 3·1 + 1·1 + 3·4 + 1·1 + 3·4 + 1·1 + 3·6 = 48 → check digit 2.
    assert gs1.make_sscc(0, "0614141", 1) == "006141410000000012"
    assert len(gs1.make_sscc(9, "061414112345", 9999)) == 18


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ((10, "0614141", 1), "invalid_extension_digit"),
        (("x", "0614141", 1), "invalid_extension_digit"),
        ((1, "061", 1), "invalid_company_prefix"),
        ((1, "06141411234567", 1), "invalid_company_prefix"),
        ((1, "0614141", "12345678901"), "invalid_serial_reference"),  # 7 + 11 > 16
        ((1, "0614141", "-5"), "invalid_serial_reference"),
    ],
)
def test_make_sscc_refuses_bad_parts(args, error):
    with pytest.raises(GS1Error) as caught:
        gs1.make_sscc(*args)
    assert caught.value.code == error


# --- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("yy", "today", "year"),
    [
        # GenSpecs §7.12: difference 51..99 → previous century, -99..-50 → next, else this.
        (26, date(2026, 12, 2), 2026),
        (76, date(2026, 12, 2), 2076),  # difference 50 → this century
        (77, date(2026, 12, 2), 1977),  # difference 51 → previous century
        (99, date(2026, 12, 2), 1999),
        (45, date(2095, 1, 1), 2145),  # difference -50 → next century
        (46, date(2095, 1, 1), 2046),  # difference -49 → this century
        (0, date(2099, 6, 1), 2100),  # difference -99 → next century
    ],
)
def test_century_rule(yy, today, year):
    assert gs1.resolve_century(yy, today=today) == year


def test_yymmdd_with_day_00_means_the_last_day_of_the_month():
    # GenSpecs §3.4.6 (AI 17): DD 00 when only year and month are known → month's end.
    assert gs1.parse_yymmdd("240200", today=TODAY) == date(2024, 2, 29)
    assert gs1.parse_yymmdd("230200", today=TODAY) == date(2023, 2, 28)
    assert gs1.parse_yymmdd("271100", today=TODAY) == date(2027, 11, 30)
    assert gs1.parse_yymmdd("270115", today=TODAY) == date(2027, 1, 15)


@pytest.mark.parametrize("value", ["271301", "270231", "2701", "27a101", "230229"])
def test_bad_dates_are_refused(value):
    with pytest.raises(GS1Error) as caught:
        gs1.parse_yymmdd(value, today=TODAY)
    assert caught.value.code == "invalid_date"


# --- element strings -----------------------------------------------------------------------

GS = "\x1d"


def test_fixed_length_ais_need_no_separator():
    # GS1 example GTIN with expiry and lot: (01)09506000134352(17)201225(10)ABC123.
    assert gs1.parse_element_string("0109506000134352172012251" + "0ABC123") == {
        "01": "09506000134352",
        "17": "201225",
        "10": "ABC123",
    }


def test_variable_length_ais_end_with_fnc1():
    raw = "]C1" + "0109506000134352" + "10ABC123" + GS + "21SN-77" + GS + "3712" + "\r\n"
    assert gs1.parse_element_string(raw) == {
        "01": "09506000134352",
        "10": "ABC123",
        "21": "SN-77",
        "37": "12",
    }


@pytest.mark.parametrize("identifier", ["]C1", "]d2", "]Q3", "]e0", ""])
def test_symbology_identifiers_and_a_leading_fnc1_are_stripped(identifier):
    raw = identifier + GS + "00106141411234567897" + "3724"
    assert gs1.parse_element_string(raw) == {"00": "106141411234567897", "37": "24"}


def test_separator_look_alike_from_keyboard_wedges():
    raw = "0109506000134352" + "10LOT1" + "\u241d" + "17270600"
    assert gs1.parse_element_string(raw) == {"01": "09506000134352", "10": "LOT1", "17": "270600"}


def test_bracketed_human_readable_form():
    text = "(01)09506000134352(17)201225(10)ABC123"
    assert gs1.parse_element_string(text) == {
        "01": "09506000134352",
        "17": "201225",
        "10": "ABC123",
    }
    # Spaces as printed under a symbol are layout; a lot may contain brackets (CSET 82).
    assert gs1.parse_element_string("(00) 106141411234567897 (10) A(1)B (37) 5") == {
        "00": "106141411234567897",
        "10": "A(1)B",
        "37": "5",
    }


@pytest.mark.parametrize(
    ("text", "code", "ai"),
    [
        ("0109506000134353", "invalid_check_digit", ""),  # GTIN check digit 3 ≠ 2
        ("00106141411234567898", "invalid_check_digit", ""),
        ("(01)09506000134353", "invalid_check_digit", ""),
        ("11201225", "unsupported_ai", "11"),  # production date: not supported
        ("(310)3001234", "unsupported_ai", "310"),
        ("0109506000134352" + "9912", "unsupported_ai", "99"),
        ("010950600013435", "invalid_length", "01"),  # 15 digits: one short
        ("(01)0950600013435", "invalid_length", "01"),
        ("10" + "A" * 21, "invalid_length", "10"),  # no FNC1 after a 20-character maximum
        ("37123456789", "invalid_length", "37"),
        ("10" + GS, "invalid_length", "10"),  # empty lot
        ("17271301", "invalid_date", "17"),
        ("10AB CD", "invalid_characters", "10"),  # space is outside CSET 82
        ("21Café", "invalid_characters", "21"),
        ("37A2", "invalid_characters", "37"),
        ("0109506000134352" + "0109506000134352", "duplicate_ai", "01"),
        ("]C1", "empty_code", ""),
        ("   ", "empty_code", ""),
        ("X1", "invalid_element_string", ""),
        ("(01", "invalid_element_string", ""),
    ],
)
def test_bad_element_strings_raise_with_a_code(text, code, ai):
    with pytest.raises(GS1Error) as caught:
        gs1.parse_element_string(text)
    assert caught.value.code == code
    assert caught.value.ai == ai


def test_interpret_resolves_expiry_and_count():
    elements = gs1.parse_element_string("(01)09506000134352(17)270200(10)L-9(37)20")
    item = gs1.interpret(elements, today=TODAY)
    assert item == gs1.ScannedItem(
        gtin="09506000134352", lot="L-9", expires_on=date(2027, 2, 28), count=20
    )


def test_compose_and_parse_round_trip():
    elements = {"01": "09506000134352", "10": "ABC", "17": "270101", "21": "S1", "37": "3"}
    raw = gs1.element_string(elements)
    assert raw == "0109506000134352172701011" + "0ABC" + GS + "21S1" + GS + "373"
    assert gs1.parse_element_string(raw) == elements
    bracketed = gs1.element_string(elements, bracketed=True)
    assert bracketed == "(01)09506000134352(10)ABC(17)270101(21)S1(37)3"
    assert gs1.parse_element_string(bracketed) == elements


def test_is_element_string():
    assert gs1.is_element_string("(01)09506000134352")
    assert gs1.is_element_string("]C10109506000134352")
    assert gs1.is_element_string("0109506000134352" + "10A" + GS + "37" + "1")
    assert not gs1.is_element_string("09506000134352")
    assert not gs1.is_element_string("WH1/STOCK")
