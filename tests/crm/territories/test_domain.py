"""Pure rules of territories: matching, the tie-break, round robin, least loaded, criteria."""

from __future__ import annotations

import pytest

from valuechain.crm.territories import domain
from valuechain.crm.territories.domain import Criteria, RecordAttributes


def test_empty_criteria_accept_anything_and_filled_ones_must_hold():
    anything = Criteria(1)
    germany = Criteria(2, countries=("DE",))
    record = RecordAttributes(country="de", postal_code="10115")
    assert domain.match(anything, record) == domain.Match(1, 0, 0, 0)
    assert domain.match(germany, record) == domain.Match(2, 0, 1, 0)
    assert domain.match(germany, RecordAttributes(country="FR")) is None
    assert domain.match(germany, RecordAttributes()) is None


def test_every_criterion_is_checked_case_and_space_insensitively():
    criteria = Criteria(
        1,
        countries=("GB",),
        regions=("Greater London",),
        postal_prefixes=("SW1",),
        industries=("Retail",),
        size_bands=("11-50",),
    )
    good = RecordAttributes("gb", "greater  london", "sw1a 1aa", "RETAIL", "11-50")
    assert domain.match(criteria, good) == domain.Match(1, 0, 5, 3)
    for bad in (
        RecordAttributes("GB", "Kent", "SW1A 1AA", "Retail", "11-50"),
        RecordAttributes("GB", "Greater London", "EC1A 1BB", "Retail", "11-50"),
        RecordAttributes("GB", "Greater London", "SW1A 1AA", "Banking", "11-50"),
        RecordAttributes("GB", "Greater London", "SW1A 1AA", "Retail", "51-200"),
        RecordAttributes("GB", "Greater London", "", "Retail", "11-50"),
    ):
        assert domain.match(criteria, bad) is None


def test_tie_break_priority_then_specificity_then_longest_prefix_then_oldest():
    record = RecordAttributes(country="FR", postal_code="75008", industry="Retail")
    france = Criteria(1, countries=("FR",))
    paris = Criteria(2, countries=("FR",), postal_prefixes=("75",))
    paris_8 = Criteria(3, countries=("FR",), postal_prefixes=("750",))
    retail = Criteria(4, industries=("Retail",))
    vip = Criteria(5, priority=10)
    assert domain.best_match([france, retail], record) == 1  # equal: the older wins
    assert domain.best_match([retail, france], record) == 1
    assert domain.best_match([france, paris], record) == 2  # more specific
    assert domain.best_match([paris, paris_8], record) == 3  # longer prefix
    assert domain.best_match([france, paris, paris_8, vip], record) == 5  # priority first
    assert domain.best_match([], record) is None
    assert domain.best_match([Criteria(9, countries=("DE",))], record) is None


def test_round_robin_goes_after_the_cursor_and_wraps():
    assert domain.round_robin_pick([30, 10, 20], None) == 10
    assert domain.round_robin_pick([30, 10, 20], 10) == 20
    assert domain.round_robin_pick([30, 10, 20], 20) == 30
    assert domain.round_robin_pick([30, 10, 20], 30) == 10
    assert domain.round_robin_pick([30, 10, 20], 15) == 20  # the cursor left the team
    assert domain.round_robin_pick([], 10) is None
    picks, cursor = [], None
    for _ in range(7):
        cursor = domain.round_robin_pick([1, 2, 3], cursor)
        picks.append(cursor)
    assert picks == [1, 2, 3, 1, 2, 3, 1]


def test_least_loaded_takes_the_fewest_and_ties_go_round_robin():
    assert domain.least_loaded_pick({1: 5, 2: 3, 3: 4}, None) == 2
    assert domain.least_loaded_pick({1: 3, 2: 3, 3: 4}, None) == 1
    assert domain.least_loaded_pick({1: 3, 2: 3, 3: 4}, 1) == 2
    assert domain.least_loaded_pick({1: 3, 2: 3, 3: 4}, 2) == 1
    assert domain.least_loaded_pick({}, None) is None


def test_clean_criteria_normalises():
    cleaned = domain.clean_criteria(
        {
            "countries": ["de", " AT", "DE"],
            "regions": ["  Île-de-France "],
            "postal_prefixes": ["sw1 ", "75-0"],
            "industries": ["Retail  Trade"],
            "size_bands": ["5000+", "1-10"],
        }
    )
    assert cleaned == {
        "countries": ["DE", "AT"],
        "regions": ["Île-de-France"],
        "postal_prefixes": ["SW1", "750"],
        "industries": ["Retail Trade"],
        "size_bands": ["1-10", "5000+"],
    }
    assert domain.clean_criteria({}) == {}


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        ({"countries": ["XX"]}, "unknown_country", "countries"),
        ({"countries": ["Germany"]}, "unknown_country", "countries"),
        ({"countries": "DE"}, "invalid_countries", "countries"),
        ({"regions": [""]}, "invalid_regions", "regions"),
        ({"postal_prefixes": ["--"]}, "invalid_postal_prefixes", "postal_prefixes"),
        ({"industries": ["x" * 101]}, "invalid_industries", "industries"),
        ({"size_bands": ["huge"]}, "invalid_size_bands", "size_bands"),
        ({"size_bands": 5}, "invalid_size_bands", "size_bands"),
    ],
)
def test_clean_criteria_refuses_bad_input(data, code, field):
    with pytest.raises(domain.InvalidInput) as caught:
        domain.clean_criteria(data)
    assert (caught.value.code, caught.value.field) == (code, field)
