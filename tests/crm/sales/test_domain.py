"""Pure sales rules without a database: probabilities, periods, forecast maths, chart layout."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from valuechain.crm.sales import domain

D = Decimal


def test_weighted_amount_is_exact():
    assert domain.weighted(D("1234.56"), 35) == D("432.096")
    assert domain.weighted(D("100"), 0) == D("0")
    assert domain.weighted(D("0.01"), 33) == D("0.0033")


def test_line_totals_are_exact():
    assert domain.lines_total([(D("3"), D("19.99")), (D("1.5"), D("0.3333"))]) == D("60.46995")
    assert domain.lines_total([]) == D("0")


@pytest.mark.parametrize(("value", "expected"), [(0, 0), ("75", 75), (D("100"), 100)])
def test_probability_accepts_whole_percents(value, expected):
    assert domain.check_probability(value) == expected


@pytest.mark.parametrize("value", [-1, 101, "7.5", "abc", None, True, 1.5])
def test_probability_refuses_the_rest(value):
    with pytest.raises(domain.InvalidInput) as caught:
        domain.check_probability(value)
    assert (caught.value.code, caught.value.field) == ("invalid_probability", "probability")


def test_period_keys_and_months():
    day = dt.date(2026, 11, 30)
    assert (domain.period_key(day, "month"), domain.period_key(day, "quarter")) == (
        "2026-11",
        "2026-Q4",
    )
    assert domain.months_of("2026-Q2") == [
        dt.date(2026, 4, 1),
        dt.date(2026, 5, 1),
        dt.date(2026, 6, 1),
    ]
    assert domain.months_of("2026-02") == [dt.date(2026, 2, 1)]
    assert domain.periods_between(dt.date(2025, 11, 15), dt.date(2026, 2, 1), "month") == [
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
    ]
    assert domain.periods_between(dt.date(2026, 2, 1), dt.date(2026, 7, 1), "quarter") == [
        "2026-Q1",
        "2026-Q2",
        "2026-Q3",
    ]
    for bad in ("2026-13", "2026-Q0", "2026", "Q1-2026", "2026-Q5"):
        with pytest.raises(domain.InvalidInput):
            domain.months_of(bad)
    with pytest.raises(domain.InvalidInput):
        domain.period_key(day, "week")


def test_categories_follow_the_status():
    assert domain.category_for_status("won", "commit") == "closed"
    assert domain.category_for_status("lost", "pipeline") == "omitted"
    assert domain.category_for_status("open", "best_case") == "best_case"
    assert domain.category_for_status("open", "closed") == "pipeline"


def test_attainment():
    assert domain.attainment(D("750"), D("1000")) == D("75.00")
    assert domain.attainment(D("1"), D("3")) == D("33.33")
    assert domain.attainment(D("5"), None) is None
    assert domain.attainment(D("5"), D("0")) is None


def test_build_forecast_sums_categories_cumulatively():
    march, april = dt.date(2026, 3, 10), dt.date(2026, 4, 2)
    deals = [
        domain.Deal("ann", march, D("1000"), 10, "open", "pipeline"),
        domain.Deal("ann", march, D("2000"), 50, "open", "best_case"),
        domain.Deal("ann", march, D("4000"), 75, "open", "commit"),
        domain.Deal("ann", march, D("500"), 100, "won", "closed"),
        domain.Deal("ann", march, D("9999"), 0, "lost", "omitted"),
        domain.Deal("bob", april, D("300.50"), 25, "open", "pipeline"),
    ]
    quotas = [("ann", dt.date(2026, 3, 1), D("6000")), ("bob", dt.date(2026, 5, 1), D("100"))]
    result = domain.build_forecast(deals, "month", quotas)
    ann = result.cells[("2026-03", "ann")]
    assert ann.open_amount == D("7000")
    assert ann.weighted == D("4100")  # 100 + 1000 + 3000
    assert (ann.pipeline, ann.best_case, ann.commit, ann.closed_won) == (
        D("7500"),
        D("6500"),
        D("4500"),
        D("500"),
    )
    assert (ann.open_count, ann.won_count) == (3, 1)
    assert (ann.quota, ann.attainment) == (D("6000"), D("8.33"))
    bob = result.cells[("2026-04", "bob")]
    assert (bob.weighted, bob.pipeline, bob.quota) == (D("75.125"), D("300.50"), None)
    assert result.cells[("2026-05", "bob")].quota == D("100")

    by_quarter = domain.build_forecast(deals, "quarter", quotas)
    assert by_quarter.cells[("2026-Q1", "ann")].weighted == D("4100")
    assert by_quarter.cells[("2026-Q2", "bob")].quota == D("100")


def test_chart_layout_scales_to_the_largest_value():
    layout = domain.chart_layout(
        [
            ("2026-Q1", {"won": D("50"), "open": D("100"), "quota": D("80")}),
            ("2026-Q2", {"won": D("0"), "open": D("25"), "quota": None}),
        ],
        ("won", "open", "quota"),
        height=130,
        bar_width=10,
        gap=20,
        top=10,
        bottom=20,
    )
    bars = {(bar.label, bar.series): bar for bar in layout.bars}
    assert layout.maximum == D("100")
    assert bars[("2026-Q1", "open")].height == 100 and bars[("2026-Q1", "open")].y == 10
    assert bars[("2026-Q1", "won")].height == 50 and bars[("2026-Q1", "won")].y == 60
    assert bars[("2026-Q1", "quota")].y == 30 and bars[("2026-Q1", "quota")].height == 0
    assert ("2026-Q2", "quota") not in bars
    assert bars[("2026-Q2", "open")].height == 25
    assert layout.labels == [(20, "2026-Q1"), (60, "2026-Q2")]
    empty = domain.chart_layout([], ("won",))
    assert (empty.bars, empty.maximum, empty.width) == ([], D("0"), 200)


def test_duration_and_reorder():
    assert domain.format_duration(3 * 86400 + 4 * 3600 + 59) == "3d 4h"
    assert domain.format_duration(5 * 3600 + 12 * 60) == "5h 12m"
    assert domain.format_duration(59) == "0m"
    assert domain.seconds_between(dt.datetime(2026, 1, 2), dt.datetime(2026, 1, 1)) == 0
    assert domain.reorder([1, 2, 3], [3, 1, 2]) == [3, 1, 2]
    with pytest.raises(domain.InvalidInput):
        domain.reorder([1, 2, 3], [1, 1, 2])
