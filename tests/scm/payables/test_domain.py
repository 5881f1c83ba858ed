"""The pure rules of payables: three-way-match tolerance edges (exactly at the limit matches,
a hair beyond does not), due dates, payment state, base conversion and aging."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from valuechain.scm.payables import domain

D = Decimal


def match(
    *,
    quantity: str = "10",
    unit_price: str = "5.00",
    accepted: str = "10",
    before: str = "0",
    po_price: str = "5.00",
    tolerances: domain.Tolerances | None = None,
) -> domain.LineMatch:
    return domain.match_line(
        ordered=D(10),
        po_price=D(po_price),
        received=D(accepted),
        accepted=D(accepted),
        previously_billed=D(before),
        quantity=D(quantity),
        unit_price=D(unit_price),
        tolerances=tolerances or domain.Tolerances(price_percent=D(2)),
    )


def test_exact_match_is_ok_with_zero_differences():
    result = match()
    assert result.status == "ok"
    assert result.quantity_difference == D(0)
    assert result.price_difference == D("0.00")
    assert result.price_allowance == D("0.1")


def test_price_exactly_at_percentage_tolerance_matches_and_just_beyond_does_not():
    # 2 % of 5.00 = 0.10 per unit.
    assert match(unit_price="5.10").status == "ok"
    beyond = match(unit_price="5.100001")
    assert beyond.status == "price_over"
    assert beyond.price_difference == D("0.100001")
    assert beyond.price_allowance == D("0.1")


def test_absolute_amount_caps_the_percentage():
    rules = domain.Tolerances(price_percent=D(2), price_amount=D("0.05"))
    assert match(unit_price="5.05", tolerances=rules).status == "ok"
    assert match(unit_price="5.050001", tolerances=rules).status == "price_over"
    # A cap above the percentage changes nothing: the stricter limit wins.
    loose = domain.Tolerances(price_percent=D(2), price_amount=D("1"))
    assert match(unit_price="5.100001", tolerances=loose).status == "price_over"


def test_lower_price_is_a_match():
    result = match(unit_price="4.50")
    assert result.status == "ok"
    assert result.price_difference == D("-0.50")


def test_quantity_exactly_at_tolerance_matches_and_just_beyond_does_not():
    rules = domain.Tolerances(price_percent=D(0), quantity_percent=D(5))
    # 5 % of 100 accepted = 5 units.
    assert match(quantity="105", accepted="100", tolerances=rules).status == "ok"
    beyond = match(quantity="105.0001", accepted="100", tolerances=rules)
    assert beyond.status == "qty_over"
    assert beyond.quantity_difference == D("5.0001")
    assert beyond.quantity_allowance == D("5")


def test_zero_quantity_tolerance_counts_earlier_bills():
    assert match(quantity="4", before="6", accepted="10").status == "ok"
    over = match(quantity="4.0001", before="6", accepted="10")
    assert over.status == "qty_over"
    assert over.quantity_difference == D("0.0001")


def test_nothing_accepted_yet_is_a_quantity_mismatch():
    result = match(quantity="1", accepted="0")
    assert result.status == "qty_over"
    assert result.quantity_difference == D(1)


def test_both_over():
    assert match(quantity="11", unit_price="6").status == "qty_and_price_over"


def test_unmatched_line_needs_approval():
    line = domain.unmatched_line(D(2), D("3.5"))
    assert line.status == "no_order_line"
    assert not domain.all_matched([match(), line])
    assert domain.all_matched([match(), match(unit_price="5.1")])


@pytest.mark.parametrize(
    ("state", "to", "allowed"),
    [
        ("draft", "posted", True),
        ("draft", "to_approve", True),
        ("to_approve", "approved", True),
        ("to_approve", "posted", False),
        ("posted", "partially_paid", True),
        ("partially_paid", "cancelled", False),
        ("paid", "cancelled", False),
    ],
)
def test_transitions(state, to, allowed):
    assert domain.can_move(state, to) is allowed


def test_due_date_adds_the_terms():
    assert domain.due_date(dt.date(2026, 1, 31), 30) == dt.date(2026, 3, 2)
    assert domain.due_date(dt.date(2026, 1, 31), 0) == dt.date(2026, 1, 31)


def test_payment_state():
    assert domain.payment_state(D("100.00"), D(0), "posted") == "posted"
    assert domain.payment_state(D("100.00"), D("0.01"), "posted") == "partially_paid"
    assert domain.payment_state(D("100.00"), D("100.00"), "partially_paid") == "paid"


def test_base_conversion_rounds_once_half_up():
    assert domain.to_base(D("1234.56"), D("0.9216589862"), 2) == D("1137.84")
    assert domain.to_base(D("0.125"), D(1), 2) == D("0.13")
    assert domain.to_base(D("1000"), D("0.0062"), 0) == D("6")
    assert domain.line_amount(D("3.3333"), D("0.333333"), 2) == D("1.11")


def test_billable_quantity_ignores_rejected_returns():
    assert domain.billable_quantity(D(90), D(0)) == D(90)
    assert domain.billable_quantity(D(90), D(5)) == D(85)


def test_aging_buckets():
    today = dt.date(2026, 6, 30)
    assert domain.aging_bucket(dt.date(2026, 7, 1), today) == "not due"
    assert domain.aging_bucket(today, today) == "not due"
    assert domain.aging_bucket(dt.date(2026, 6, 29), today) == "1-30"
    assert domain.aging_bucket(dt.date(2026, 5, 31), today) == "1-30"
    assert domain.aging_bucket(dt.date(2026, 5, 30), today) == "31-60"
    assert domain.aging_bucket(dt.date(2026, 4, 1), today) == "61-90"
    assert domain.aging_bucket(dt.date(2026, 3, 31), today) == "over 90"
    assert domain.days_overdue(dt.date(2026, 7, 5), today) == 0
    assert domain.days_overdue(dt.date(2026, 6, 20), today) == 10
