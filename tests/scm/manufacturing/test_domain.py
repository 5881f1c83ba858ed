"""Pure manufacturing rules with exact values: explosion down the levels with scrap factors,
cycles, proportional consumption, and the productivity figures (yield, OEE, per day)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from valuechain.scm.manufacturing import domain
from valuechain.scm.manufacturing.domain import Bill, Component

D = Decimal
TABLE, TOP, LEG, SCREW, BOARD, GLUE = 1, 2, 3, 4, 5, 6


def bills() -> dict[int, Bill]:
    # A table is a top and 4 legs (5 % of legs break); a top is 1 board, 8 screws, 0.1 glue;
    # a leg is 0.25 board. Two tops come out of one batch of the top's bill.
    return {
        TABLE: Bill(D(1), (Component(TOP, D(1)), Component(LEG, D(4), D(5)))),
        TOP: Bill(
            D(2), (Component(BOARD, D(2)), Component(SCREW, D(16)), Component(GLUE, D("0.2")))
        ),
        LEG: Bill(D(1), (Component(BOARD, D("0.25")),)),
    }


def test_explosion_multiplies_down_the_levels_with_scrap():
    result = domain.explode(TABLE, D(10), bills())
    # tops: 10 -> boards 10, screws 80, glue 1; legs: 10*4*1.05 = 42 -> boards 10.5
    assert result.leaves == {BOARD: D("20.5000"), SCREW: D("80.0000"), GLUE: D("1.0000")}
    assert result.lines == [
        (1, TOP, D("10.0000")),
        (2, BOARD, D("10.0000")),
        (2, SCREW, D("80.0000")),
        (2, GLUE, D("1.0000")),
        (1, LEG, D("42.0000")),
        (2, BOARD, D("10.5000")),
    ]


def test_explosion_rounds_only_at_the_end():
    # 1 of 3 per batch of 3 at 1/3 % scrap: exact 1.00333… -> 1.0033 for 3 units
    bill = {1: Bill(D(3), (Component(2, D(1), D("0.33")),))}
    assert domain.explode(1, D(3), bill).leaves == {2: D("1.0033")}


def test_expand_keeps_sub_assemblies_as_leaves():
    result = domain.explode(TABLE, D(2), bills(), expand=lambda v, b: v == TABLE)
    assert result.leaves == {TOP: D("2.0000"), LEG: D("8.4000")}


def test_a_variant_without_bill_explodes_to_nothing():
    assert domain.explode(99, D(1), bills()).leaves == {}


def test_cycles_are_found_with_their_path():
    looped = bills() | {BOARD: Bill(D(1), (Component(TABLE, D(1)),))}
    with pytest.raises(domain.BomCycle) as caught:
        domain.explode(TABLE, D(1), looped)
    assert caught.value.path == [TABLE, TOP, BOARD, TABLE]
    assert domain.find_cycle(looped) is not None
    assert domain.find_cycle(bills()) is None
    assert domain.find_cycle({1: Bill(D(1), (Component(1, D(1)),))}) == [1, 1]


def test_consumption_follows_output_without_drifting():
    # 10 required for 3 ordered, made one at a time: 3.3333, 3.3334, 3.3333 -> exactly 10
    steps = []
    consumed = D(0)
    for done in (1, 2, 3):
        due = domain.consumption_due(D(10), D(3), D(done), consumed)
        steps.append(due)
        consumed += due
    assert steps == [D("3.3333"), D("3.3334"), D("3.3333")]
    assert consumed == D(10)
    assert domain.consumption_due(D(10), D(3), D(4), D(10)) == 0  # never above required
    assert domain.consumption_due(D(10), D(0), D(1), D(0)) == 0


def test_yield_and_ratios():
    assert domain.yield_rate(D(90), D(10)) == D("0.9000")
    assert domain.yield_rate(D(0), D(0)) is None
    assert domain.ratio(D(2), D(3)) == D("0.6667")


def test_oee_is_availability_times_performance_times_quality():
    # planned 8 h, ran 6 h, 10/h capacity -> 60 possible, 48 made, 45 good
    availability, performance, quality, overall = domain.oee(
        planned_hours=D(8), run_hours=D(6), capacity_per_hour=D(10), good=D(45), scrap=D(3)
    )
    assert (availability, performance, quality) == (D("0.7500"), D("0.8000"), D("0.9375"))
    assert overall == D("0.5625")  # 45 good of the 80 the planned time allows
    assert domain.oee(
        planned_hours=D(8), run_hours=D(0), capacity_per_hour=D(10), good=D(0), scrap=D(0)
    ) == (D(0), None, None, None)


def test_productivity_of_a_period():
    monday = datetime(2026, 11, 30, 8, 0)
    runs = [
        domain.Interval(monday, monday + timedelta(hours=2)),
        domain.Interval(monday + timedelta(days=1), monday + timedelta(days=1, minutes=90)),
    ]
    outputs = [
        domain.Output(monday + timedelta(hours=1), D(10), D(2)),
        domain.Output(monday + timedelta(hours=2), D(8), D(0)),
        domain.Output(monday + timedelta(days=1, hours=1), D(12), D(1)),
    ]
    figures = domain.productivity(
        outputs=outputs, intervals=runs, planned_hours=D(16), capacity_per_hour=D(10)
    )
    assert figures.good == D(30) and figures.scrap == D(3)
    assert figures.run_hours == D("3.50")
    assert figures.units_per_labour_hour == D("8.5714")  # 30 / 3.5
    assert figures.yield_rate == D("0.9091")  # 30 / 33
    assert figures.availability == D("0.2188")  # 3.5 / 16
    assert figures.performance == D("0.9429")  # 33 / 35
    assert figures.quality == D("0.9091")
    assert figures.oee == D("0.1875")  # 30 / 160
    assert figures.per_day == [(date(2026, 11, 30), D(18)), (date(2026, 12, 1), D(12))]


def test_working_days():
    assert domain.working_days(date(2026, 11, 30), date(2026, 12, 6)) == 5  # Mon..Sun
    assert domain.working_days(date(2026, 12, 5), date(2026, 12, 6)) == 0  # a weekend
    assert domain.working_days(date(2026, 12, 4), date(2026, 12, 14)) == 7
    assert domain.working_days(date(2026, 12, 4), date(2026, 12, 3)) == 0


@given(
    quantity=st.integers(min_value=1, max_value=10_000),
    per_batch=st.integers(min_value=1, max_value=50),
    scrap=st.integers(min_value=0, max_value=100),
)
def test_explosion_is_linear_in_the_quantity(quantity, per_batch, scrap):
    # Doubling what is made doubles every leaf (up to the final 4-decimal rounding).
    chain = {
        1: Bill(D(1), (Component(2, D(per_batch), D(scrap)),)),
        2: Bill(D(4), (Component(3, D(3)),)),
    }
    once = domain.explode(1, D(quantity), chain).leaves[3]
    twice = domain.explode(1, D(quantity * 2), chain).leaves[3]
    exact = D(quantity) * per_batch * (100 + scrap) / 100 / 4 * 3
    assert once == domain.q(exact)
    assert abs(twice - 2 * once) <= D("0.0001")
