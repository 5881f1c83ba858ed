"""Pure rules of payables: bill states, the three-way match with its tolerances, due dates,
payment status, base-currency conversion and the credit a return earns.

Plain Python and Decimal only (no Django).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

BILL_STATES = (
    "draft",
    "posted",  # matched within tolerance
    "to_approve",  # a mismatch waits for the approver
    "approved",
    "partially_paid",
    "paid",
    "cancelled",
)
BILL_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("posted", "to_approve", "cancelled"),
    "to_approve": ("approved", "cancelled"),  # refusal cancels
    "posted": ("partially_paid", "paid", "cancelled"),
    "approved": ("partially_paid", "paid", "cancelled"),
    "partially_paid": ("paid",),
    "paid": (),
    "cancelled": (),
}
# Bills that count as owed and may be paid or credited.
PAYABLE_STATES = ("posted", "approved", "partially_paid")
RETURN_STATES = ("draft", "shipped", "credited", "cancelled")
RETURN_SOURCES = ("quality", "stock")
CREDIT_NOTE_STATES = ("expected", "received", "cancelled")
PAYMENT_METHODS = ("transfer", "card", "cheque", "cash", "direct_debit")

ZERO = Decimal(0)
HUNDRED = Decimal(100)

# Match outcomes of one line, worst last.
OK = "ok"
QTY_OVER = "qty_over"
PRICE_OVER = "price_over"
QTY_AND_PRICE_OVER = "qty_and_price_over"
NO_ORDER_LINE = "no_order_line"


def can_move(state: str, to: str) -> bool:
    """Whether a bill in ``state`` may enter ``to``."""
    return to in BILL_TRANSITIONS.get(state, ())


@dataclass(frozen=True)
class Tolerances:
    """How far a bill may exceed the order: price % and per unit, quantity %."""

    price_percent: Decimal = Decimal(2)
    price_amount: Decimal | None = None  # per unit; None: only the percentage applies
    quantity_percent: Decimal = ZERO


def price_allowance(po_price: Decimal, tolerances: Tolerances) -> Decimal:
    """The most a billed unit price may exceed the order's: the percentage of the PO price,
    capped by the absolute amount when one is set (the stricter limit wins, as SAP does)."""
    allowance = po_price * tolerances.price_percent / HUNDRED
    if tolerances.price_amount is not None:
        allowance = min(allowance, tolerances.price_amount)
    return allowance


def quantity_allowance(accepted: Decimal, tolerances: Tolerances) -> Decimal:
    """How many units a line may be billed beyond the accepted quantity."""
    return accepted * tolerances.quantity_percent / HUNDRED


@dataclass(frozen=True)
class LineMatch:
    """One bill line beside its order line: PO | accepted | billed, and the differences."""

    status: str
    ordered_quantity: Decimal
    po_unit_price: Decimal
    received_quantity: Decimal
    accepted_quantity: Decimal  # accepted less what went back from stock
    previously_billed: Decimal
    billed_quantity: Decimal
    billed_unit_price: Decimal
    quantity_difference: Decimal  # billed in all (earlier + this) less accepted
    price_difference: Decimal  # billed unit price less the PO's
    quantity_allowance: Decimal
    price_allowance: Decimal

    @property
    def ok(self) -> bool:
        """Whether the line is within tolerance."""
        return self.status == OK


def match_line(
    *,
    ordered: Decimal,
    po_price: Decimal,
    received: Decimal,
    accepted: Decimal,
    previously_billed: Decimal,
    quantity: Decimal,
    unit_price: Decimal,
    tolerances: Tolerances,
) -> LineMatch:
    """The three-way match of one line: quantity billed so far against the accepted quantity,
    unit price against the PO price; exactly at the tolerance is still a match."""
    qty_diff = previously_billed + quantity - accepted
    price_diff = unit_price - po_price
    qty_allow = quantity_allowance(accepted, tolerances)
    price_allow = price_allowance(po_price, tolerances)
    qty_over = qty_diff > qty_allow
    price_over = price_diff > price_allow
    if qty_over and price_over:
        status = QTY_AND_PRICE_OVER
    elif qty_over:
        status = QTY_OVER
    elif price_over:
        status = PRICE_OVER
    else:
        status = OK
    return LineMatch(
        status=status,
        ordered_quantity=ordered,
        po_unit_price=po_price,
        received_quantity=received,
        accepted_quantity=accepted,
        previously_billed=previously_billed,
        billed_quantity=quantity,
        billed_unit_price=unit_price,
        quantity_difference=qty_diff,
        price_difference=price_diff,
        quantity_allowance=qty_allow,
        price_allowance=price_allow,
    )


def unmatched_line(quantity: Decimal, unit_price: Decimal) -> LineMatch:
    """A line billed without an order line: nothing to match, so it needs approval."""
    return LineMatch(
        status=NO_ORDER_LINE,
        ordered_quantity=ZERO,
        po_unit_price=ZERO,
        received_quantity=ZERO,
        accepted_quantity=ZERO,
        previously_billed=ZERO,
        billed_quantity=quantity,
        billed_unit_price=unit_price,
        quantity_difference=quantity,
        price_difference=unit_price,
        quantity_allowance=ZERO,
        price_allowance=ZERO,
    )


def all_matched(matches: Iterable[LineMatch]) -> bool:
    """Whether a bill posts straight away (every line within tolerance)."""
    return all(m.ok for m in matches)


def due_date(bill_date: dt.date, terms_days: int) -> dt.date:
    """The day a bill falls due: its date plus the payment terms."""
    return bill_date + dt.timedelta(days=terms_days)


def round_money(amount: Decimal, places: int) -> Decimal:
    """An amount rounded half-up to the currency's minor units (like Money.rounded)."""
    return amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def to_base(amount: Decimal, rate: Decimal, places: int) -> Decimal:
    """A document amount in the base currency at the document's rate, rounded once."""
    return round_money(amount * rate, places)


def line_amount(quantity: Decimal, unit_price: Decimal, places: int) -> Decimal:
    """A line's amount: quantity x unit price, rounded to the currency's minor units."""
    return round_money(quantity * unit_price, places)


def payment_state(total: Decimal, settled: Decimal, current: str) -> str:
    """The state payments and credits put a payable bill in: paid, part paid, or as it was."""
    if settled >= total:
        return "paid"
    if settled > 0:
        return "partially_paid"
    return current


def billable_quantity(accepted: Decimal, returned_from_stock: Decimal) -> Decimal:
    """What a supplier may bill for a line: accepted goods less those sent back from stock.

    Rejected goods returned from quality were never accepted, so they do not lower it.
    """
    return accepted - returned_from_stock


def days_overdue(due: dt.date, today: dt.date) -> int:
    """Days past the due date (0 when not yet due)."""
    return max((today - due).days, 0)


AGING_BUCKETS = ((0, "not due"), (1, "1-30"), (31, "31-60"), (61, "61-90"), (91, "over 90"))


def aging_bucket(due: dt.date, today: dt.date) -> str:
    """The aging column of an open bill: not due, 1-30, 31-60, 61-90 or over 90 days late."""
    late = days_overdue(due, today)
    label = AGING_BUCKETS[0][1]
    for start, name in AGING_BUCKETS:
        if late >= start:
            label = name
    return label
