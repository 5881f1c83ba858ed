"""API shapes of sales orders and POS sales."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from valuechain.platform.money import Money, decimal_text
from valuechain.scm.orders.queries import OrderFilters

Number = Decimal | int | str  # checked by the services: invalid_<field> with the field


def _money(amount: Decimal, currency: str) -> str:
    return str(Money(amount, currency).rounded().amount)


class LineIn(Schema):
    """A line: the variant by id, SKU or GTIN; price, discount and tax default from the catalog."""

    variant_id: int | None = None
    sku: str | None = Field(None, max_length=64)
    gtin: str | None = Field(None, max_length=20)
    quantity: Number
    unit_price: Number | None = Field(None, description="Default: the price list's price")
    discount_percent: Number | None = Field(None, description="0-100, default 0")
    tax_rate: Number | None = Field(None, description="A fraction; default the ship-to's rate")


class OrderIn(Schema):
    """A new sales order (a draft unless ``confirm`` is true)."""

    channel: str = Field(..., description="web, pos, phone, sales_rep, edi or marketplace")
    account_id: int | None = None
    person_id: int | None = None
    currency: str | None = Field(None, description="ISO 4217; default the base currency")
    order_date: dt.date | None = None
    ship_to_country: str | None = Field(None, description="Default: the shipping address")
    ship_to_region: str | None = None
    ship_to_postal_code: str | None = None
    incoterm: str = Field("", description="Incoterms 2020 code: EXW, FCA, DAP, DDP…")
    incoterm_place: str = Field("", max_length=100, description="The named place")
    allow_split: bool = True
    accept_backorder: bool = False
    warehouse_id: int | None = Field(None, description="Reserve only in this warehouse")
    external_reference: str = Field("", max_length=100, description="e.g. the web shop's id")
    note: str = ""
    lines: list[LineIn] = Field(default_factory=list)
    confirm: bool = Field(False, description="Confirm (reserve) in the same call")


class CancelIn(Schema):
    """Why an order is cancelled."""

    reason: str = Field("", max_length=200)


class FromOpportunityIn(Schema):
    """Options of an order made from a won opportunity."""

    channel: str = "sales_rep"
    ship_to_country: str | None = None
    ship_to_region: str | None = None
    ship_to_postal_code: str | None = None
    allow_split: bool = True
    accept_backorder: bool = False
    confirm: bool = False


class LineOut(Schema):
    """An order line with its amounts and how far it is supplied."""

    id: int
    position: int
    variant_id: int
    sku: str
    description: str
    quantity: str
    unit_price: str
    price_source: str
    discount_percent: str
    tax_rate: str
    net_amount: str
    tax_amount: str
    gross_amount: str
    supply_kind: str
    reserved_quantity: str
    backordered_quantity: str
    shipped_quantity: str
    supply_request_id: int | None
    supply_status: str

    @staticmethod
    def resolve_quantity(obj: Any) -> str:
        return decimal_text(obj.quantity)

    @staticmethod
    def resolve_unit_price(obj: Any) -> str:
        return decimal_text(obj.unit_price)

    @staticmethod
    def resolve_discount_percent(obj: Any) -> str:
        return decimal_text(obj.discount_percent)

    @staticmethod
    def resolve_tax_rate(obj: Any) -> str:
        return decimal_text(obj.tax_rate)

    @staticmethod
    def resolve_net_amount(obj: Any) -> str:
        return _money(obj.net_amount, obj.order.currency)

    @staticmethod
    def resolve_tax_amount(obj: Any) -> str:
        return _money(obj.tax_amount, obj.order.currency)

    @staticmethod
    def resolve_gross_amount(obj: Any) -> str:
        return _money(obj.gross_amount, obj.order.currency)

    @staticmethod
    def resolve_reserved_quantity(obj: Any) -> str:
        return decimal_text(obj.reserved_quantity)

    @staticmethod
    def resolve_backordered_quantity(obj: Any) -> str:
        return decimal_text(obj.backordered_quantity)

    @staticmethod
    def resolve_shipped_quantity(obj: Any) -> str:
        return decimal_text(obj.shipped_quantity)


class OrderSummaryOut(Schema):
    """An order in a list."""

    id: int
    number: str
    channel: str
    state: str
    account_id: int | None
    person_id: int | None
    opportunity_id: int | None
    currency: str
    order_date: dt.date
    external_reference: str
    net_total: str
    tax_total: str
    gross_total: str
    created_at: dt.datetime

    @staticmethod
    def resolve_net_total(obj: Any) -> str:
        return _money(obj.net_total, obj.currency)

    @staticmethod
    def resolve_tax_total(obj: Any) -> str:
        return _money(obj.tax_total, obj.currency)

    @staticmethod
    def resolve_gross_total(obj: Any) -> str:
        return _money(obj.gross_total, obj.currency)


class OrderOut(OrderSummaryOut):
    """An order with its ship-to, options and lines."""

    ship_to_country: str
    ship_to_region: str
    ship_to_postal_code: str
    incoterm: str
    incoterm_place: str
    customer_group: str
    allow_split: bool
    accept_backorder: bool
    warehouse_id: int | None
    note: str
    payment_method: str
    paid_amount: str | None
    confirmed_at: dt.datetime | None
    shipped_at: dt.datetime | None
    closed_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    lines: list[LineOut]

    @staticmethod
    def resolve_paid_amount(obj: Any) -> str | None:
        return None if obj.paid_amount is None else _money(obj.paid_amount, obj.currency)

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        from valuechain.scm.orders import queries

        return queries.lines(obj)


class OrderListFilters(Schema):
    """Filters of the order list; left out, they filter nothing."""

    state: str | None = Field(None, description="draft, confirmed, partially_shipped, …")
    channel: str | None = None
    account_id: int | None = None
    person_id: int | None = None
    opportunity_id: int | None = None
    search: str | None = Field(None, description="Part of the number, reference or customer")

    def as_filters(self) -> OrderFilters:
        """The query-side filters."""
        return OrderFilters(**self.dict())


# --- POS ---------------------------------------------------------------------------------------


class PosLineIn(Schema):
    """A scanned item: its GTIN and quantity (default 1); price as given or the list's."""

    gtin: str = Field(..., max_length=20)
    quantity: Number = 1
    unit_price: Number | None = None
    discount_percent: Number | None = None


class PaymentIn(Schema):
    """How the customer paid."""

    method: str = Field(..., description="cash, card, voucher, mobile or other")
    amount: Number
    currency: str


class PosSaleIn(Schema):
    """A store sale in one call."""

    store: str = Field(..., description="The store warehouse's code")
    receipt_number: str = Field(..., min_length=1, max_length=100)
    lines: list[PosLineIn]
    payment: PaymentIn
    person_id: int | None = None
    account_id: int | None = None
    loyalty_card: str | None = None
    cashier: str = Field("", max_length=200, description="Who served (shown on the timeline)")
    sold_at: dt.datetime | None = None


class PosSaleOut(Schema):
    """The sale: its order (already shipped), change due and the touch point written."""

    order: OrderOut
    change: str
    interaction_id: int | None
    person_id: int | None
    account_id: int | None
