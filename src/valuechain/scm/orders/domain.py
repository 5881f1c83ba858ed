"""Pure rules of sales orders: channels, states and their transitions, line and order amounts.

Amounts are exact Decimals. A line's net amount is quantity x unit price less the discount,
rounded half-up to the currency's minor units; its tax is the net amount x the tax rate,
rounded the same way; gross = net + tax. The order's totals are the sums of its rounded
lines ("round per line", as Odoo and SAP do by default), so the lines always add up to
the order exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from valuechain.platform.errors import DomainError
from valuechain.platform.money import Money

CHANNELS = ("web", "pos", "phone", "sales_rep", "edi", "marketplace")
STATES = ("draft", "confirmed", "partially_shipped", "shipped", "closed", "cancelled")
OPEN_STATES = ("draft", "confirmed", "partially_shipped")
# Orders in these states count as revenue on the customer (lifetime revenue, order count).
REVENUE_STATES = ("confirmed", "partially_shipped", "shipped", "closed")
TRANSITIONS: Mapping[str, tuple[str, ...]] = {
    "draft": ("confirmed", "cancelled"),
    "confirmed": ("partially_shipped", "shipped", "cancelled"),
    "partially_shipped": ("shipped",),
    "shipped": ("closed",),
    "closed": (),
    "cancelled": (),
}
# What the timeline says for each state an order enters.
STATE_TITLES = {
    "draft": "created",
    "confirmed": "confirmed",
    "partially_shipped": "partially shipped",
    "shipped": "shipped",
    "closed": "closed",
    "cancelled": "cancelled",
}
# What an order's history records besides its states: the carrier delivered a shipment,
# goods came back on a customer return (RMA), a refund or credit was recorded.
EVENT_KINDS = (*STATES, "delivered", "returned", "refunded")
EVENT_TITLES = {
    **STATE_TITLES,
    "delivered": "delivered",
    "returned": "returned",
    "refunded": "refunded",
}
# Incoterms 2020, the trade term an order ships under (the commercial invoice prints it).
INCOTERMS = ("EXW", "FCA", "CPT", "CIP", "DAP", "DPU", "DDP", "FAS", "FOB", "CFR", "CIF")
# How a line is supplied: from stock (reserved on confirm), made/bought to order (a supply
# request on confirm), a kit (its components are reserved), or nothing (service/consumable).
SUPPLY_KINDS = ("stock", "mto", "kit", "none")
PRICE_SOURCES = ("price_list", "explicit", "opportunity")
MAX_DISCOUNT = Decimal(100)
# Channel of the customer touch point an order's channel maps to (crm interactions).
TOUCH_POINT_CHANNELS = {
    "web": "web",
    "pos": "store",
    "phone": "call_centre",
    "sales_rep": "sales_rep",
    "edi": "web",
    "marketplace": "web",
}


def check_transition(current: str, target: str) -> None:
    """Raise ``invalid_state`` (409) unless an order in ``current`` may move to ``target``."""
    if target not in TRANSITIONS.get(current, ()):
        raise DomainError(
            "invalid_state",
            f"An order that is {STATE_TITLES.get(current, current)} cannot be "
            f"{STATE_TITLES.get(target, target)}.",
            status=409,
            details={"state": current, "target": target},
        )


def clean_incoterm(value: object) -> str:
    """The Incoterms 2020 code in upper case ("" for none); ``invalid_incoterm`` otherwise."""
    text = str(value or "").strip().upper()
    if text and text not in INCOTERMS:
        raise DomainError(
            "invalid_incoterm",
            f"Choose one of the Incoterms 2020: {', '.join(INCOTERMS)}.",
            field="incoterm",
        )
    return text


def can_transition(current: str, target: str) -> bool:
    """True when an order in ``current`` may move to ``target``."""
    return target in TRANSITIONS.get(current, ())


@dataclass(frozen=True)
class LineAmounts:
    """The rounded amounts of one order line."""

    net: Decimal
    tax: Decimal
    gross: Decimal


def line_amounts(
    quantity: Decimal,
    unit_price: Decimal,
    *,
    currency: str,
    discount_percent: Decimal = Decimal(0),
    tax_rate: Decimal = Decimal(0),
) -> LineAmounts:
    """Net (after discount), tax and gross of a line, each rounded to the currency."""
    if quantity <= 0:
        raise DomainError("invalid_quantity", "The quantity must be above zero.", field="quantity")
    if unit_price < 0:
        raise DomainError(
            "invalid_unit_price", "The unit price may not be negative.", field="unit_price"
        )
    if not Decimal(0) <= discount_percent <= MAX_DISCOUNT:
        raise DomainError(
            "invalid_discount",
            "The discount is a percentage from 0 to 100.",
            field="discount_percent",
        )
    if tax_rate < 0:
        raise DomainError("invalid_tax_rate", "The tax rate may not be negative.", field="tax_rate")
    exact_net = quantity * unit_price * (MAX_DISCOUNT - discount_percent) / MAX_DISCOUNT
    net = Money(exact_net, currency).rounded()
    tax = Money(net.amount * tax_rate, currency).rounded()
    return LineAmounts(net=net.amount, tax=tax.amount, gross=(net + tax).amount)


@dataclass(frozen=True)
class OrderTotals:
    """The sums of an order's rounded lines."""

    net: Decimal
    tax: Decimal
    gross: Decimal


def order_totals(lines: Iterable[LineAmounts], currency: str) -> OrderTotals:
    """Add up rounded line amounts in the order's currency."""
    net = Money.zero(currency)
    tax = Money.zero(currency)
    for line in lines:
        net += Money(line.net, currency)
        tax += Money(line.tax, currency)
    return OrderTotals(net=net.amount, tax=tax.amount, gross=(net + tax).amount)


@dataclass(frozen=True)
class LineProgress:
    """What is ordered and shipped of one line (cancelled orders are not asked)."""

    quantity: Decimal
    shipped: Decimal


def state_after_shipment(lines: Iterable[LineProgress]) -> str:
    """``shipped`` when every line is shipped in full, else ``partially_shipped``."""
    rows = list(lines)
    if rows and all(row.shipped >= row.quantity for row in rows):
        return "shipped"
    return "partially_shipped"


def check_shipment(quantity: Decimal, shipped: Decimal, adding: Decimal) -> None:
    """Refuse a shipped quantity that is not positive or exceeds what is left of the line."""
    if adding <= 0:
        raise DomainError(
            "invalid_quantity", "A shipped quantity must be above zero.", field="quantities"
        )
    if shipped + adding > quantity:
        raise DomainError(
            "over_shipment",
            f"Only {quantity - shipped} of this line are left to ship.",
            status=409,
            field="quantities",
            details={"ordered": str(quantity), "shipped": str(shipped), "adding": str(adding)},
        )


def change_due(total: Decimal, paid: Decimal, currency: str) -> Decimal:
    """What a POS customer gets back; refuses underpayment (``insufficient_payment``)."""
    if paid < total:
        raise DomainError(
            "insufficient_payment",
            f"The payment of {paid} {currency} is less than the total of {total} {currency}.",
            field="payment.amount",
            details={"total": str(total), "paid": str(paid), "currency": currency},
        )
    return (Money(paid, currency) - Money(total, currency)).rounded().amount
