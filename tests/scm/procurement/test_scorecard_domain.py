"""The supplier scorecard's pure measures with exact values, edges and empty periods."""

from __future__ import annotations

from decimal import Decimal as D

from valuechain.scm.procurement import domain
from valuechain.scm.procurement.domain import BilledPrice, Delivery, DueLine


def test_on_time_in_full_counts_lines_complete_by_their_date():
    lines = [
        DueLine(D(10), D(10)),  # complete
        DueLine(D(10), D(12)),  # more than ordered still counts as in full
        DueLine(D(10), D("9.9999")),  # one ten-thousandth short: not in full
    ]
    assert domain.on_time_in_full(lines) == D("0.6667")


def test_on_time_in_full_without_due_lines_is_unmeasured():
    assert domain.on_time_in_full([]) is None


def test_quality_acceptance_is_the_share_not_rejected():
    assert domain.quality_acceptance(D(40), D(3)) == D("0.9250")
    assert domain.quality_acceptance(D(0), D(0)) is None


def test_price_variance_weights_by_quantity():
    prices = [
        BilledPrice(D(10), D("5.00"), D("5.50")),  # 5.00 over
        BilledPrice(D(30), D("2.00"), D("1.90")),  # 3.00 under
    ]
    # billed 112.00 against agreed 110.00 -> +2.00 / 110.00
    assert domain.price_variance(prices) == D("0.0182")
    assert domain.price_variance([BilledPrice(D(1), D(7), D(7))]) == D("0.0000")
    assert domain.price_variance([]) is None


def test_lead_time_reliability_window_is_inclusive_both_ways():
    deliveries = [
        Delivery(10, 9),  # a day early: reliable
        Delivery(10, 11),  # a day late: reliable
        Delivery(10, 8),  # two days early: not
        Delivery(10, 13),  # three days late: not
    ]
    assert domain.lead_time_reliability(deliveries) == D("0.5000")
    assert domain.lead_time_reliability(deliveries, window_days=3) == D("1.0000")
    assert domain.lead_time_reliability([]) is None


def test_scorecard_collects_the_four_measures():
    card = domain.scorecard(
        due_lines=[DueLine(D(5), D(5)), DueLine(D(5), D(0))],
        received=D(5),
        rejected=D(1),
        prices=[BilledPrice(D(4), D(10), D(10))],
        deliveries=[Delivery(7, 7)],
    )
    assert card.on_time_in_full == D("0.5000")
    assert card.quality_acceptance == D("0.8000")
    assert card.price_variance == D("0.0000")
    assert card.lead_time_reliability == D("1.0000")
    assert (card.lines_due, card.deliveries) == (2, 1)
    assert (card.received_quantity, card.rejected_quantity) == (D(5), D(1))
