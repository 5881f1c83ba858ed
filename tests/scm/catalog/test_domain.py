"""Pure rules of the catalog: GTIN check digits, price breaks, kit availability, tax order."""

from __future__ import annotations

from decimal import Decimal

import pytest

from valuechain.scm.catalog import domain
from valuechain.scm.catalog.domain import PriceBreak

D = Decimal


@pytest.mark.parametrize(
    ("digits", "check"),
    [
        # GS1 General Specifications, 7.9.1 (check digit calculation example): 629104150021 → 3
        ("629104150021", 3),
        ("400638133393", 1),  # EAN-13 4006381333931
        ("9638507", 4),  # GTIN-8 96385074
        ("03600029145", 2),  # UPC-A 036000291452
        ("1234567890123", 1),  # GTIN-14 12345678901231
    ],
)
def test_gs1_check_digit(digits, check):
    assert domain.gs1_check_digit(digits) == check


def test_clean_gtin_accepts_every_length_and_strips_spaces():
    assert domain.clean_gtin(" 4006381 333931 ") == "4006381333931"
    assert domain.clean_gtin("96385074") == "96385074"
    assert domain.clean_gtin("036000291452") == "036000291452"
    assert domain.clean_gtin("12345678901231") == "12345678901231"
    assert domain.clean_gtin("") == ""


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("4006381333932", "gtin_check_digit"),
        ("400638133393", "gtin_check_digit"),  # 12 digits, but 4 is not its check digit
        ("40063813339", "invalid_gtin"),  # 11 digits
        ("400638133393A", "invalid_gtin"),
        ("123456789012345", "invalid_gtin"),
    ],
)
def test_clean_gtin_refuses(value, code):
    with pytest.raises(domain.InvalidInput) as caught:
        domain.clean_gtin(value)
    assert (caught.value.code, caught.value.field) == (code, "gtin")


def test_gtin_forms_pair_a_gtin13_with_its_gtin14():
    assert domain.gtin_forms("4006381333931") == ["4006381333931", "04006381333931"]
    assert domain.gtin_forms("04006381333931") == ["4006381333931", "04006381333931"]
    assert domain.gtin_forms("00000096385074") == [
        "96385074",
        "000096385074",
        "0000096385074",
        "00000096385074",
    ]
    assert domain.gtin_forms("") == []


BREAKS = [
    PriceBreak(1, D(1), D("10.00")),
    PriceBreak(1, D(10), D("9.00")),
    PriceBreak(1, D(50), D("8.00")),
]


@pytest.mark.parametrize(
    ("quantity", "price"),
    [
        (D("0.5"), None),
        (D(1), D("10.00")),
        (D("9.999"), D("10.00")),
        (D(10), D("9.00")),
        (D(49), D("9.00")),
        (D(50), D("8.00")),
        (D(1000), D("8.00")),
    ],
)
def test_breaks_apply_from_their_minimum_quantity_inclusive(quantity, price):
    assert domain.choose_price([BREAKS], quantity) == price


def test_first_tier_with_a_price_wins_and_lowest_of_a_tier():
    group = [PriceBreak(2, D(10), D("7.50"))]
    other_group_list = [PriceBreak(3, D(1), D("9.50")), PriceBreak(3, D(10), D("7.00"))]
    # quantity 5: the group lists have a price only in list 3 → 9.50 beats the general 10.00
    assert domain.choose_price([group + other_group_list, BREAKS], D(5)) == D("9.50")
    # quantity 10: list 2 gives 7.50, list 3 gives 7.00 → the lower
    assert domain.choose_price([group + other_group_list, BREAKS], D(10)) == D("7.00")
    # quantity 5 with only list 2 in the group tier: falls back to the general list
    assert domain.choose_price([group, BREAKS], D(5)) == D("10.00")
    assert domain.choose_price([[], []], D(5)) is None


def test_kit_availability_is_the_minimum_of_whole_kits_per_component():
    components = [(1, D(2)), (2, D(1)), (3, D("0.5"))]
    assert domain.kit_availability(components, {1: D(7), 2: D(5), 3: D(10)}) == D(3)
    assert domain.kit_availability(components, {1: D(20), 2: D(5), 3: D(2)}) == D(4)
    assert domain.kit_availability(components, {1: D(20), 2: D(5)}) == D(0)
    assert domain.kit_availability(components, {1: D(-4), 2: D(5), 3: D(9)}) == D(0)
    assert domain.kit_availability([(1, D(3))], {1: D("8.9")}) == D(2)
    assert domain.kit_availability([], {1: D(5)}) == D(0)


def test_tax_lookup_goes_from_region_and_class_to_country_standard():
    assert domain.tax_lookup_order("BY", "reduced") == [
        ("BY", "reduced"),
        ("", "reduced"),
        ("BY", "standard"),
        ("", "standard"),
    ]
    assert domain.tax_lookup_order("", "standard") == [("", "standard")]


def test_clean_country_and_region():
    assert domain.clean_country(" de ") == "DE"
    with pytest.raises(domain.InvalidInput) as caught:
        domain.clean_country("XX")
    assert caught.value.code == "invalid_country"
    assert domain.clean_region(" ca ") == "CA"
    with pytest.raises(domain.InvalidInput):
        domain.clean_region("C A!")
