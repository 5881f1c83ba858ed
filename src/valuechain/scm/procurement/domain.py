"""Pure rules of procurement: GLNs, order quantities and price breaks, supplier scoring.

Plain Python and Decimal only (no Django): the services and queries feed these functions
with rows they read, and the unit tests check them with exact values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from valuechain.scm.barcodes.gs1 import check_digit

# Incoterms 2020: any mode of transport, then sea and inland waterway only.
INCOTERMS = ("EXW", "FCA", "CPT", "CIP", "DAP", "DPU", "DDP", "FAS", "FOB", "CFR", "CIF")
INCOTERM_NAMES = {
    "EXW": "Ex Works",
    "FCA": "Free Carrier",
    "CPT": "Carriage Paid To",
    "CIP": "Carriage and Insurance Paid To",
    "DAP": "Delivered at Place",
    "DPU": "Delivered at Place Unloaded",
    "DDP": "Delivered Duty Paid",
    "FAS": "Free Alongside Ship",
    "FOB": "Free on Board",
    "CFR": "Cost and Freight",
    "CIF": "Cost, Insurance and Freight",
}
GLN_LENGTH = 13

# The criteria of supplier selection, in the order pages and the API show them.
CRITERIA = ("price", "lead_time", "reliability", "on_time_in_full", "quality")
# A criterion nobody has measured yet scores halfway: it neither helps nor hurts anyone.
NEUTRAL = Decimal("0.5")
SCORE_PLACES = Decimal("0.0001")


class NoPrice(ValueError):
    """No price break covers the quantity (the smallest break starts above it)."""


# --- identifiers ----------------------------------------------------------------------------


def gln_problem(code: str) -> str | None:
    """Why ``code`` is not a GLN (13 digits, GS1 mod-10 check digit), or None when it is."""
    if len(code) != GLN_LENGTH or not code.isdigit() or not code.isascii():
        return "A GLN is 13 digits."
    expected = check_digit(code[:-1])
    if int(code[-1]) != expected:
        return f"The GLN's check digit is wrong: it should end in {expected}."
    return None


# --- quantities and prices ------------------------------------------------------------------


@dataclass(frozen=True)
class PriceBreak:
    """From ``min_quantity`` on, each unit costs ``unit_price``."""

    min_quantity: Decimal
    unit_price: Decimal


@dataclass(frozen=True)
class OrderQuote:
    """What ordering ``wanted`` units from one supplier means: the quantity and its price."""

    wanted: Decimal
    quantity: Decimal  # raised to the minimum order quantity, then to whole packs
    unit_price: Decimal
    total: Decimal
    break_min_quantity: Decimal  # the price break that applied


def order_quantity(wanted: Decimal, min_order_quantity: Decimal, pack_size: Decimal) -> Decimal:
    """The quantity to order: at least ``wanted`` and the MOQ, in whole packs of ``pack_size``.

    A pack size of 0 means "any quantity". Refuses a wanted quantity that is not positive.
    """
    if wanted <= 0:
        raise ValueError("the wanted quantity must be positive")
    if min_order_quantity < 0 or pack_size < 0:
        raise ValueError("the minimum order quantity and the pack size cannot be negative")
    quantity = max(wanted, min_order_quantity)
    if pack_size > 0:
        packs = (quantity / pack_size).to_integral_value(rounding=ROUND_CEILING)
        quantity = packs * pack_size
    return quantity


def smallest_order(min_order_quantity: Decimal, pack_size: Decimal) -> Decimal:
    """The least anyone can order: the MOQ in whole packs, at least one pack.

    Without a pack size or MOQ there is no least quantity above zero; 0 is returned then.
    """
    if pack_size > 0:
        packs = (min_order_quantity / pack_size).to_integral_value(rounding=ROUND_CEILING)
        return max(packs, Decimal(1)) * pack_size
    return min_order_quantity


def applicable_break(breaks: Sequence[PriceBreak], quantity: Decimal) -> PriceBreak:
    """The break with the highest minimum quantity not above ``quantity`` (the best price
    for a quantity, since breaks reward larger orders); NoPrice when none starts low enough."""
    eligible = [b for b in breaks if b.min_quantity <= quantity]
    if not eligible:
        raise NoPrice(f"no price for a quantity of {quantity}")
    return max(eligible, key=lambda b: b.min_quantity)


def quote(
    wanted: Decimal,
    *,
    min_order_quantity: Decimal,
    pack_size: Decimal,
    breaks: Sequence[PriceBreak],
) -> OrderQuote:
    """The rounded-up order quantity for ``wanted`` units and its unit price and total."""
    quantity = order_quantity(wanted, min_order_quantity, pack_size)
    applied = applicable_break(breaks, quantity)
    return OrderQuote(
        wanted=wanted,
        quantity=quantity,
        unit_price=applied.unit_price,
        total=quantity * applied.unit_price,
        break_min_quantity=applied.min_quantity,
    )


# --- supplier selection ---------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """One supplier of an item, with what scoring compares.

    ``unit_price`` is already in one common currency. ``on_time_in_full`` and ``quality``
    are rates from 0 to 1, None while no receipt or inspection has measured them.
    """

    key: int  # the supplied-product id, the last tie-breaker
    code: str  # the supplier's code, the tie-breaker before it
    unit_price: Decimal
    lead_time_days: Decimal
    lead_time_std_days: Decimal
    on_time_in_full: Decimal | None = None
    quality: Decimal | None = None


@dataclass(frozen=True)
class Ranked:
    """A candidate's place: its score from 0 to 1, the score of each criterion and its rank."""

    candidate: Candidate
    rank: int
    score: Decimal
    criteria: dict[str, Decimal]

    @property
    def preferred(self) -> bool:
        """The first of the ranking is the one to buy from."""
        return self.rank == 1


def lower_is_better(values: Sequence[Decimal]) -> list[Decimal]:
    """Min-max scaling where the smallest value scores 1 and the largest 0; all equal: 1."""
    best, worst = min(values), max(values)
    if best == worst:
        return [Decimal(1) for _ in values]
    return [(worst - value) / (worst - best) for value in values]


def measured_or_neutral(value: Decimal | None) -> Decimal:
    """A measured rate (0 to 1) scores itself; an unmeasured one scores NEUTRAL."""
    return NEUTRAL if value is None else min(max(value, Decimal(0)), Decimal(1))


def check_weights(weights: dict[str, Decimal]) -> None:
    """Refuse unknown criteria, negative weights and weights that are all zero."""
    unknown = set(weights) - set(CRITERIA)
    if unknown:
        raise ValueError(f"unknown criteria: {', '.join(sorted(unknown))}")
    if any(weight < 0 for weight in weights.values()):
        raise ValueError("weights cannot be negative")
    if sum(weights.values(), Decimal(0)) <= 0:
        raise ValueError("at least one weight must be above zero")


def rank(candidates: Sequence[Candidate], weights: dict[str, Decimal]) -> list[Ranked]:
    """Score and order the candidates: the weighted mean of their criterion scores.

    Price, lead time and lead-time spread (reliability) are scaled across the candidates
    with ``lower_is_better``; on-time-in-full and quality score their measured rate.
    Ties go to the lower unit price, then the shorter lead time, then the supplier code,
    then the supplied-product id, so the order never depends on the database.
    """
    check_weights(weights)
    if not candidates:
        return []
    columns = {
        "price": lower_is_better([c.unit_price for c in candidates]),
        "lead_time": lower_is_better([c.lead_time_days for c in candidates]),
        "reliability": lower_is_better([c.lead_time_std_days for c in candidates]),
        "on_time_in_full": [measured_or_neutral(c.on_time_in_full) for c in candidates],
        "quality": [measured_or_neutral(c.quality) for c in candidates],
    }
    total_weight = sum((weights.get(name, Decimal(0)) for name in CRITERIA), Decimal(0))
    scored = []
    for index, candidate in enumerate(candidates):
        criteria = {name: columns[name][index].quantize(SCORE_PLACES) for name in CRITERIA}
        weighted = sum(
            (weights.get(name, Decimal(0)) * columns[name][index] for name in CRITERIA),
            Decimal(0),
        )
        scored.append((candidate, (weighted / total_weight).quantize(SCORE_PLACES), criteria))
    scored.sort(
        key=lambda row: (
            -row[1],
            row[0].unit_price,
            row[0].lead_time_days,
            row[0].code,
            row[0].key,
        )
    )
    return [
        Ranked(candidate=candidate, rank=position, score=score, criteria=criteria)
        for position, (candidate, score, criteria) in enumerate(scored, start=1)
    ]


# --- supplier scorecard ---------------------------------------------------------------------

# A delivery is reliable when it arrives within this many days of the promised date, early
# or late: a planner can no more use goods that come a week early than a week late.
RELIABILITY_WINDOW_DAYS = 1
RATE_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class DueLine:
    """A purchase-order line due in the period: what was ordered and what came by its date."""

    ordered: Decimal
    received_by_due_date: Decimal


@dataclass(frozen=True)
class Delivery:
    """One receipt of a line: the lead time promised on the order and the one achieved, in days."""

    promised_days: int
    actual_days: int


@dataclass(frozen=True)
class BilledPrice:
    """A billed quantity at the supplier's billed unit price and the price agreed on the order."""

    quantity: Decimal
    agreed_unit_price: Decimal
    billed_unit_price: Decimal


@dataclass(frozen=True)
class Scorecard:
    """A supplier's four measures over a period; None where nothing measured it."""

    on_time_in_full: Decimal | None
    quality_acceptance: Decimal | None
    price_variance: Decimal | None
    lead_time_reliability: Decimal | None
    lines_due: int
    received_quantity: Decimal
    rejected_quantity: Decimal
    deliveries: int


def _rate(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    return None if denominator == 0 else (numerator / denominator).quantize(RATE_PLACES)


def on_time_in_full(lines: Sequence[DueLine]) -> Decimal | None:
    """The share of due lines that had all their quantity by the requested date (0 to 1)."""
    complete = sum(1 for line in lines if line.received_by_due_date >= line.ordered)
    return _rate(Decimal(complete), Decimal(len(lines)))


def quality_acceptance(received: Decimal, rejected: Decimal) -> Decimal | None:
    """The share of received goods that inspection did not reject (0 to 1)."""
    return _rate(received - rejected, received)


def price_variance(prices: Sequence[BilledPrice]) -> Decimal | None:
    """What the bills charged above (+) or below (-) the agreed prices, as a share of agreed."""
    agreed = sum((p.quantity * p.agreed_unit_price for p in prices), Decimal(0))
    billed = sum((p.quantity * p.billed_unit_price for p in prices), Decimal(0))
    return _rate(billed - agreed, agreed)


def lead_time_reliability(
    deliveries: Sequence[Delivery], window_days: int = RELIABILITY_WINDOW_DAYS
) -> Decimal | None:
    """The share of deliveries that arrived within ``window_days`` of the promised lead time."""
    reliable = sum(1 for d in deliveries if abs(d.actual_days - d.promised_days) <= window_days)
    return _rate(Decimal(reliable), Decimal(len(deliveries)))


def scorecard(
    *,
    due_lines: Sequence[DueLine],
    received: Decimal,
    rejected: Decimal,
    prices: Sequence[BilledPrice],
    deliveries: Sequence[Delivery],
) -> Scorecard:
    """The four measures of one supplier from the documents of one period."""
    return Scorecard(
        on_time_in_full=on_time_in_full(due_lines),
        quality_acceptance=quality_acceptance(received, rejected),
        price_variance=price_variance(prices),
        lead_time_reliability=lead_time_reliability(deliveries),
        lines_due=len(due_lines),
        received_quantity=received,
        rejected_quantity=rejected,
        deliveries=len(deliveries),
    )
