"""Pure carrier rules with exact values: zone matching, weight breaks and excess, fuel
surcharge rounding, business days, and the choice by promised date or cost cap with ties;
properties: the choice meets the rule, nothing better does, the order of services does not
matter, and a heavier parcel never costs less."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from valuechain.scm.carriers.domain import (
    ServiceRates,
    WeightBreak,
    Zone,
    add_business_days,
    base_rate,
    match_zone,
    normalize_postal,
    quote_service,
    select_service,
    surcharge,
)

D = Decimal
MON = dt.date(2026, 3, 2)  # a Monday
FRI = dt.date(2026, 3, 6)
SAT = dt.date(2026, 3, 7)
SUN = dt.date(2026, 3, 8)
BREAKS = (WeightBreak(D("2"), D("5.00")), WeightBreak(D("10"), D("9.00")))


def rates(
    service_id: int,
    carrier: str,
    code: str,
    *,
    price: str = "1",
    days: int = 2,
    fuel: str = "10",
    excess: str | None = None,
    currency: str = "EUR",
    zones: tuple[Zone, ...] | None = None,
) -> ServiceRates:
    """A service with one German country-wide zone whose breaks are BREAKS times price."""
    factor = D(price)
    default = (
        Zone("DE", "", days, tuple(WeightBreak(b.max_weight_kg, b.price * factor) for b in BREAKS)),
    )
    return ServiceRates(
        service_id=service_id,
        carrier_code=carrier,
        carrier_name=carrier.upper(),
        service_code=code,
        service_name=code.title(),
        currency=currency,
        fuel_surcharge_percent=D(fuel),
        excess_price_per_kg=D(excess) if excess is not None else None,
        zones=zones if zones is not None else default,
    )


# --- zones -----------------------------------------------------------------------------------


def test_longest_postal_prefix_wins_then_the_whole_country():
    zones = (
        Zone("DE", "", 3, BREAKS, zone_id=1),
        Zone("DE", "1", 2, BREAKS, zone_id=2),
        Zone("DE", "12", 1, BREAKS, zone_id=3),
        Zone("FR", "", 4, BREAKS, zone_id=4),
    )
    assert match_zone(zones, "DE", "12529").zone_id == 3
    assert match_zone(zones, "DE", "10115").zone_id == 2
    assert match_zone(zones, "DE", "80331").zone_id == 1
    assert match_zone(zones, "de", "").zone_id == 1
    assert match_zone(zones, "FR", "69000").zone_id == 4
    assert match_zone(zones, "US", "10001") is None


def test_postal_codes_match_without_spaces_and_case():
    zones = (Zone("GB", "SW1", 1, BREAKS, zone_id=7),)
    assert normalize_postal(" sw1a-1aa ") == "SW1A1AA"
    assert match_zone(zones, "GB", "sw1a 1aa").zone_id == 7
    assert match_zone(zones, "GB", "EC1A 1BB") is None  # no country-wide zone


# --- prices ----------------------------------------------------------------------------------


def test_the_first_break_at_or_above_the_weight_prices_it():
    assert base_rate(BREAKS, D("0.5"), None) == D("5.00")
    assert base_rate(BREAKS, D("2"), None) == D("5.00")  # up to and including
    assert base_rate(BREAKS, D("2.001"), None) == D("9.00")
    assert base_rate(BREAKS, D("10"), None) == D("9.00")


def test_above_the_last_break_refused_or_charged_per_started_kg():
    assert base_rate(BREAKS, D("10.001"), None) is None
    assert base_rate(BREAKS, D("10.2"), D("1.50")) == D("10.50")  # one started kg
    assert base_rate(BREAKS, D("12"), D("1.50")) == D("12.00")  # two kg exactly
    assert base_rate(BREAKS, D("12.01"), D("1.50")) == D("13.50")  # three started kg
    assert base_rate((), D("1"), D("1.50")) is None


def test_fuel_surcharge_is_on_the_base_rate_rounded_half_up():
    assert surcharge(D("9.00"), D("12.5")) == D("1.13")  # 1.125
    assert surcharge(D("5.00"), D("0")) == D("0.00")
    assert surcharge(D("1000"), D("12.5"), places=0) == D("125")


def test_quote_of_a_service():
    quote = quote_service(rates(1, "dhl", "express", fuel="12.5"), "DE", "80331", D("3"), MON)
    assert (quote.base_rate, quote.surcharge, quote.total) == (D("9.00"), D("1.13"), D("10.13"))
    assert (quote.transit_days, quote.estimated_delivery) == (2, dt.date(2026, 3, 4))


# --- business days ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ship", "days", "delivery"),
    [
        (MON, 0, MON),
        (MON, 1, dt.date(2026, 3, 3)),
        (FRI, 1, dt.date(2026, 3, 9)),  # over the weekend
        (FRI, 5, dt.date(2026, 3, 13)),
        (SAT, 0, dt.date(2026, 3, 9)),  # handed over on Saturday: leaves Monday
        (SAT, 1, dt.date(2026, 3, 10)),
        (SUN, 2, dt.date(2026, 3, 11)),
    ],
)
def test_transit_counts_business_days_from_the_first_business_day(ship, days, delivery):
    assert add_business_days(ship, days) == delivery


# --- selection -------------------------------------------------------------------------------


def _choose(services, **rule):
    return select_service(
        services, country="DE", postal_code="80331", weight_kg=D("3"), ship_date=MON, **rule
    )


def test_promised_date_takes_the_cheapest_service_arriving_in_time():
    express = rates(1, "dhl", "express", price="2", days=1)  # 18.00 + 1.80 = 19.80, Tue
    parcel = rates(2, "dhl", "parcel", price="1", days=3)  # 9.00 + 0.90 = 9.90, Thu
    economy = rates(3, "gls", "economy", price="0.8", days=5)  # 7.20 + 0.72 = 7.92, next Mon
    comparison = _choose([express, parcel, economy], promised_date=dt.date(2026, 3, 5))
    assert comparison.rule == "promised_date"
    assert comparison.chosen.service_id == 2
    assert comparison.chosen.total == D("9.90")
    by_id = {q.service_id: q for q in comparison.quotes}
    assert [(q.service_id, q.meets, q.reason_code) for q in comparison.quotes] == [
        (1, True, "meets"),
        (2, True, "meets"),
        (3, False, "late"),
    ]
    assert by_id[3].total == D("7.92")
    assert by_id[3].estimated_delivery == dt.date(2026, 3, 9)
    assert "after the promised 2026-03-05" in by_id[3].reason


def test_no_service_meets_the_date():
    comparison = _choose([rates(1, "dhl", "parcel", days=3)], promised_date=dt.date(2026, 3, 3))
    assert comparison.chosen is None
    assert comparison.quotes[0].reason_code == "late"


def test_cost_cap_takes_the_fastest_service_within_it():
    express = rates(1, "dhl", "express", price="2", days=1)  # 19.80
    business = rates(2, "gls", "business", price="1.5", days=2)  # 13.50 + 1.35 = 14.85
    parcel = rates(3, "dhl", "parcel", days=3)  # 9.90
    comparison = _choose([express, business, parcel], cost_cap=D("15"))
    assert comparison.rule == "cost_cap"
    assert comparison.chosen.service_id == 2
    assert comparison.chosen.total == D("14.85")
    assert {q.service_id: q.reason_code for q in comparison.quotes} == {
        1: "over_cap",
        2: "meets",
        3: "meets",
    }


def test_cap_equal_to_the_total_meets():
    comparison = _choose([rates(1, "dhl", "parcel")], cost_cap=D("9.90"))
    assert comparison.chosen.service_id == 1


def test_ties_on_price_go_to_the_earlier_delivery_then_the_codes():
    slow = rates(5, "aaa", "slow", days=3)
    fast = rates(6, "zzz", "fast", days=1)
    same_a = rates(8, "ups", "std", days=2)
    same_b = rates(7, "dpd", "std", days=2)
    promised = dt.date(2026, 3, 31)
    assert _choose([slow, fast], promised_date=promised).chosen.service_id == 6
    # Same price and delivery: carrier code decides (dpd < ups), whatever the list order.
    assert _choose([same_a, same_b], promised_date=promised).chosen.service_id == 7
    assert _choose([same_b, same_a], promised_date=promised).chosen.service_id == 7


def test_ties_on_delivery_go_to_the_lower_price_then_the_codes():
    dear = rates(1, "aaa", "x", price="2", days=1)
    cheap = rates(2, "zzz", "x", price="1", days=1)
    assert _choose([dear, cheap], cost_cap=D("100")).chosen.service_id == 2
    twin_a = rates(3, "gls", "b", days=1)
    twin_b = rates(4, "gls", "a", days=1)
    assert _choose([twin_a, twin_b], cost_cap=D("100")).chosen.service_id == 4


def test_services_without_a_zone_or_above_the_last_break_cannot_carry():
    french_only = rates(1, "dpd", "classic", zones=(Zone("FR", "", 1, BREAKS),))
    light_only = rates(2, "gls", "economy", zones=(Zone("DE", "", 1, (BREAKS[0],)),))
    with_excess = rates(3, "dhl", "parcel", excess="1.00", zones=(Zone("DE", "", 2, (BREAKS[0],)),))
    comparison = _choose([french_only, light_only, with_excess], cost_cap=D("100"))
    by_id = {q.service_id: q for q in comparison.quotes}
    assert by_id[1].reason_code == "no_zone"
    assert by_id[1].total is None and by_id[1].estimated_delivery is None
    assert by_id[2].reason_code == "over_max_weight"
    assert by_id[2].total is None
    assert by_id[2].estimated_delivery == dt.date(2026, 3, 3)
    # 3 kg is one started kg above 2 kg: 5.00 + 1.00 = 6.00, + 10 % = 6.60.
    assert by_id[3].total == D("6.60")
    assert comparison.chosen.service_id == 3
    # Priced rows first, then the ones that cannot carry, by carrier code.
    assert [q.service_id for q in comparison.quotes] == [3, 1, 2]


def test_weekend_ship_date_moves_the_delivery():
    comparison = select_service(
        [rates(1, "dhl", "express", days=1)],
        country="DE",
        postal_code="",
        weight_kg=D("1"),
        ship_date=SAT,
        promised_date=dt.date(2026, 3, 9),
    )
    assert comparison.quotes[0].estimated_delivery == dt.date(2026, 3, 10)
    assert comparison.chosen is None


def test_other_currencies_are_not_compared():
    usd = rates(1, "ups", "saver", price="0.5", currency="USD")
    eur = rates(2, "dhl", "parcel")
    comparison = _choose([usd, eur], cost_cap=D("100"), currency="EUR")
    assert comparison.chosen.service_id == 2
    assert {q.service_id: q.reason_code for q in comparison.quotes}[1] == "other_currency"


def test_exactly_one_rule():
    with pytest.raises(ValueError):
        _choose([rates(1, "dhl", "parcel")])
    with pytest.raises(ValueError):
        _choose([rates(1, "dhl", "parcel")], cost_cap=D("1"), promised_date=MON)


def test_no_services_at_all():
    comparison = _choose([], cost_cap=D("10"))
    assert comparison.quotes == ()
    assert comparison.chosen is None


# --- properties ------------------------------------------------------------------------------

money = st.decimals(min_value=D("0"), max_value=D("500"), places=2)
service_strategy = st.builds(
    lambda sid, price, days, fuel: rates(
        sid, f"c{sid % 3}", f"s{sid}", price=str(price), days=days, fuel=str(fuel)
    ),
    st.integers(min_value=1, max_value=50),
    st.decimals(min_value=D("0.1"), max_value=D("5"), places=2),
    st.integers(min_value=0, max_value=8),
    st.decimals(min_value=D("0"), max_value=D("30"), places=1),
)


@given(
    services=st.lists(service_strategy, max_size=6, unique_by=lambda r: r.service_id),
    weight=st.decimals(min_value=D("0.001"), max_value=D("12"), places=3),
    ship=st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 12, 31)),
    cap=money,
    days_ahead=st.integers(min_value=0, max_value=15),
)
def test_the_choice_meets_the_rule_and_nothing_better_does(services, weight, ship, cap, days_ahead):
    promised = ship + dt.timedelta(days=days_ahead)
    for rule in ({"cost_cap": cap}, {"promised_date": promised}):
        comparison = select_service(
            services, country="DE", postal_code="", weight_kg=weight, ship_date=ship, **rule
        )
        assert len(comparison.quotes) == len(services)
        meeting = [q for q in comparison.quotes if q.meets]
        if not meeting:
            assert comparison.chosen is None
            continue
        chosen = comparison.chosen
        assert chosen in meeting
        for other in meeting:
            if "cost_cap" in rule:
                assert other.total <= cap
                assert (chosen.estimated_delivery, chosen.total) <= (
                    other.estimated_delivery,
                    other.total,
                )
            else:
                assert other.estimated_delivery <= promised
                assert (chosen.total, chosen.estimated_delivery) <= (
                    other.total,
                    other.estimated_delivery,
                )
        # Deterministic: the order of the services does not change the choice.
        again = select_service(
            list(reversed(services)),
            country="DE",
            postal_code="",
            weight_kg=weight,
            ship_date=ship,
            **rule,
        )
        assert again.chosen == chosen


@given(
    weights=st.lists(
        st.decimals(min_value=D("0.001"), max_value=D("30"), places=3), min_size=2, max_size=2
    ),
    excess=st.none() | st.decimals(min_value=D("0"), max_value=D("5"), places=2),
)
def test_a_heavier_parcel_never_costs_less(weights, excess):
    light, heavy = sorted(weights)
    light_rate = base_rate(BREAKS, light, excess)
    heavy_rate = base_rate(BREAKS, heavy, excess)
    if heavy_rate is not None:
        assert light_rate is not None
        assert light_rate <= heavy_rate
