"""Procurement's pure rules with exact values: GLNs, order quantities, price breaks, ranking."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from valuechain.scm.procurement import domain
from valuechain.scm.procurement.domain import Candidate, PriceBreak

BREAKS = [PriceBreak(D(0), D("10.00")), PriceBreak(D(100), D("9.50")), PriceBreak(D(500), D("9"))]


# --- GLN ----------------------------------------------------------------------------------


@pytest.mark.parametrize("gln", ["4012345000009", "0012345000058", "3012345000000"])
def test_valid_glns(gln):
    assert domain.gln_problem(gln) is None


@pytest.mark.parametrize(
    ("gln", "message"),
    [
        ("4012345000008", "The GLN's check digit is wrong: it should end in 9."),
        ("401234500000", "A GLN is 13 digits."),
        ("40123450000090", "A GLN is 13 digits."),
        ("40123450000a9", "A GLN is 13 digits."),
        ("\uff14012345000009", "A GLN is 13 digits."),  # a full-width 4 is not ASCII
    ],
)
def test_invalid_glns(gln, message):
    assert domain.gln_problem(gln) == message


# --- order quantities -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wanted", "moq", "pack", "expected"),
    [
        (D(7), D(0), D(1), D(7)),  # no rule: as wanted
        (D(7), D(10), D(1), D(10)),  # raised to the MOQ
        (D(7), D(0), D(6), D(12)),  # whole packs
        (D(12), D(0), D(6), D(12)),  # already whole packs
        (D(13), D(0), D(6), D(18)),
        (D(7), D(10), D(6), D(12)),  # MOQ 10 is not whole packs: 2 packs
        (D(25), D(10), D(6), D(30)),
        (D("2.5"), D(0), D(0), D("2.5")),  # pack size 0: any quantity
        (D("2.5"), D(0), D("0.5"), D("2.5")),
        (D("2.6"), D(0), D("0.5"), D("3.0")),
        (D("0.0001"), D(0), D(24), D(24)),
    ],
)
def test_order_quantity(wanted, moq, pack, expected):
    assert domain.order_quantity(wanted, moq, pack) == expected


@pytest.mark.parametrize("wanted", [D(0), D(-1)])
def test_order_quantity_refuses_nothing_wanted(wanted):
    with pytest.raises(ValueError, match="positive"):
        domain.order_quantity(wanted, D(0), D(1))


def test_order_quantity_refuses_negative_rules():
    with pytest.raises(ValueError, match="negative"):
        domain.order_quantity(D(1), D(-1), D(1))


@pytest.mark.parametrize(
    ("moq", "pack", "expected"),
    [(D(0), D(1), D(1)), (D(10), D(6), D(12)), (D(0), D(0), D(0)), (D(5), D(0), D(5))],
)
def test_smallest_order(moq, pack, expected):
    assert domain.smallest_order(moq, pack) == expected


# --- price breaks ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quantity", "price"),
    [(D(1), D("10.00")), (D("99.9999"), D("10.00")), (D(100), D("9.50")), (D(500), D(9))],
)
def test_applicable_break_is_the_highest_reached(quantity, price):
    assert domain.applicable_break(BREAKS, quantity).unit_price == price


def test_applicable_break_does_not_depend_on_order():
    assert domain.applicable_break(list(reversed(BREAKS)), D(150)).unit_price == D("9.50")


def test_no_break_low_enough():
    with pytest.raises(domain.NoPrice):
        domain.applicable_break([PriceBreak(D(10), D(1))], D(9))


def test_quote_rounds_then_prices():
    # 95 wanted, packs of 12: 96 units, still below the 100 break.
    offer = domain.quote(D(95), min_order_quantity=D(0), pack_size=D(12), breaks=BREAKS)
    assert (offer.quantity, offer.unit_price, offer.total, offer.break_min_quantity) == (
        D(96),
        D("10.00"),
        D("960.00"),
        D(0),
    )
    # 97 wanted: 108 units reach the 100 break.
    offer = domain.quote(D(97), min_order_quantity=D(0), pack_size=D(12), breaks=BREAKS)
    assert (offer.quantity, offer.unit_price, offer.total) == (D(108), D("9.50"), D("1026.00"))


def test_quote_moq_reaches_a_break():
    offer = domain.quote(D(1), min_order_quantity=D(500), pack_size=D(1), breaks=BREAKS)
    assert (offer.wanted, offer.quantity, offer.unit_price, offer.total) == (
        D(1),
        D(500),
        D(9),
        D(4500),
    )


# --- ranking --------------------------------------------------------------------------------

WEIGHTS = {
    "price": D(40),
    "lead_time": D(20),
    "reliability": D(20),
    "on_time_in_full": D(10),
    "quality": D(10),
}


def candidate(key, code, price, lead, std):
    return Candidate(key, code, D(price), D(lead), D(std))


def test_lower_is_better_scaling():
    assert domain.lower_is_better([D(10), D(12), D(11)]) == [D(1), D(0), D("0.5")]
    assert domain.lower_is_better([D(3), D(3)]) == [D(1), D(1)]


def test_measured_or_neutral():
    assert domain.measured_or_neutral(None) == D("0.5")
    assert domain.measured_or_neutral(D("0.97")) == D("0.97")
    assert domain.measured_or_neutral(D("1.2")) == D(1)


def test_rank_exact_scores():
    cheap_slow = candidate(1, "A", "10", "20", "4")
    dear_fast = candidate(2, "B", "12", "5", "1")
    middle = candidate(3, "C", "11", "10", "2")
    ranked = domain.rank([cheap_slow, dear_fast, middle], WEIGHTS)
    # A: price 1, lead 0, reliability 0, neutral .5 .5 → (40 + 0 + 0 + 5 + 5) / 100 = 0.5
    # B: price 0, lead 1, reliability 1 → (0 + 20 + 20 + 10) / 100 = 0.5
    # C: price .5, lead 10/15, reliability 2/3 → (20 + 13.333 + 13.333 + 10) / 100 = 0.5667
    assert [(r.candidate.code, r.rank, r.score) for r in ranked] == [
        ("C", 1, D("0.5667")),
        ("A", 2, D("0.5000")),  # tie with B: the lower price wins
        ("B", 3, D("0.5000")),
    ]
    assert ranked[0].preferred and not ranked[1].preferred
    assert ranked[0].criteria == {
        "price": D("0.5000"),
        "lead_time": D("0.6667"),
        "reliability": D("0.6667"),
        "on_time_in_full": D("0.5000"),
        "quality": D("0.5000"),
    }


def test_rank_ties_fall_back_to_code_then_key():
    twins = [candidate(9, "B", "5", "3", "1"), candidate(4, "A", "5", "3", "1")]
    twins.append(candidate(2, "A", "5", "3", "1"))
    ranked = domain.rank(twins, WEIGHTS)
    assert [(r.candidate.code, r.candidate.key, r.score) for r in ranked] == [
        ("A", 2, D("0.9")),  # neutral OTIF and quality: (80 + 5 + 5) / 100
        ("A", 4, D("0.9")),
        ("B", 9, D("0.9")),
    ]


def test_rank_uses_measured_rates():
    good = Candidate(1, "A", D(5), D(3), D(1), on_time_in_full=D("0.9"), quality=D(1))
    poor = Candidate(2, "B", D(5), D(3), D(1), on_time_in_full=D("0.5"), quality=D("0.8"))
    weights = {"price": D(0), "on_time_in_full": D(1), "quality": D(1)}
    ranked = domain.rank([poor, good], weights)
    assert [(r.candidate.code, r.score) for r in ranked] == [("A", D("0.95")), ("B", D("0.65"))]


def test_rank_single_candidate_and_empty():
    (only,) = domain.rank([candidate(1, "A", "5", "3", "1")], WEIGHTS)
    assert (only.rank, only.score, only.preferred) == (1, D("0.9"), True)
    assert domain.rank([], WEIGHTS) == []


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({"price": D(0)}, "above zero"),
        ({"price": D(-1), "lead_time": D(2)}, "negative"),
        ({"colour": D(1)}, "unknown"),
    ],
)
def test_rank_refuses_bad_weights(weights, message):
    with pytest.raises(ValueError, match=message):
        domain.rank([candidate(1, "A", "5", "3", "1")], weights)
