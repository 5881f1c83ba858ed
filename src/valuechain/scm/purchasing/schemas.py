"""API shapes of purchasing: purchase orders, approval rules, RFQs and quotes, proposals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

Number = Decimal | int | str  # checked by the services: invalid_<field> names the field


class OrderLineIn(Schema):
    """A line to order; without ``unit_price`` the supplier's price break for the quantity."""

    variant_id: int
    quantity: Number
    unit_price: Number | None = None
    supplier_product_id: int | None = None
    uom: str = Field("EA", description="X12 unit code, e.g. EA, KG, BX")
    requested_on: dt.date | None = None


class OrderLinePatch(Schema):
    """Changes to a draft line (a new quantity re-prices it from the breaks unless priced)."""

    quantity: Number | None = None
    unit_price: Number | None = None
    uom: str | None = None
    requested_on: dt.date | None = None


class OrderIn(Schema):
    """A new draft purchase order; currency, terms and incoterm default to the supplier's."""

    supplier_id: int
    warehouse_id: int = Field(..., description="The ship-to warehouse")
    currency: str = ""
    order_date: dt.date | None = Field(None, description="Today when left out; fixes the rate")
    requested_on: dt.date | None = None
    incoterm: str | None = None
    incoterm_place: str = ""
    payment_terms_days: int | None = None
    note: str = ""
    lines: list[OrderLineIn] = []


class OrderPatch(Schema):
    """Changes to a draft's header; fields left out stay as they are."""

    warehouse_id: int | None = None
    currency: str | None = None
    order_date: dt.date | None = None
    requested_on: dt.date | None = None
    incoterm: str | None = None
    incoterm_place: str | None = None
    payment_terms_days: int | None = None
    note: str | None = None


class OrderLineOut(Schema):
    """A purchase-order line with the running quantities of receiving, quality and bills."""

    id: int
    position: int
    variant_id: int
    supplier_product_id: int | None
    sku: str
    supplier_sku: str
    gtin: str
    description: str
    uom: str
    quantity: Decimal
    unit_price: Decimal
    net_amount: Decimal
    requested_on: dt.date | None
    supply_request_id: int | None
    received_quantity: Decimal
    accepted_quantity: Decimal
    rejected_quantity: Decimal
    returned_quantity: Decimal
    billed_quantity: Decimal


class OrderOut(Schema):
    """A purchase order; ``base_net_total`` is in the tenant's base currency at ``fx_rate``."""

    id: int
    number: str
    state: str
    supplier_id: int
    supplier_code: str = Field(..., alias="supplier.code")
    warehouse_id: int
    currency: str
    fx_rate: Decimal
    order_date: dt.date
    requested_on: dt.date | None
    incoterm: str
    incoterm_place: str
    payment_terms_days: int
    net_total: Decimal
    base_net_total: Decimal
    approval_role: str
    refusal_reason: str
    buyer_id: int | None
    approved_by_id: int | None
    approved_at: dt.datetime | None
    sent_at: dt.datetime | None
    sent_to: str
    closed_at: dt.datetime | None
    rfq_id: int | None
    note: str


class OrderDetailOut(OrderOut):
    """A purchase order with its lines."""

    lines: list[OrderLineOut]

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())


class ReasonIn(Schema):
    """A reason for refusing or cancelling."""

    reason: str = ""


class SendIn(Schema):
    """Where to send the PDF: empty for the supplier account's e-mail address."""

    email: str = ""
    message: str = ""


class ApprovalRuleIn(Schema):
    """Orders of at least ``min_amount`` (base currency, net) need approval by ``role``."""

    min_amount: Number
    role: str = Field(..., examples=["admin"])


class ApprovalRuleOut(Schema):
    """An active approval rule."""

    id: int
    min_amount: Decimal
    role: str


# --- RFQs -----------------------------------------------------------------------------------


class RfqLineIn(Schema):
    """An item and quantity to quote, optionally for an open supply request (a proposal)."""

    variant_id: int
    quantity: Number
    supply_request_id: int | None = Field(
        None, description="An open proposal of this item and warehouse; the award orders it"
    )


class RfqIn(Schema):
    """A new draft RFQ."""

    warehouse_id: int
    lines: list[RfqLineIn]
    supplier_ids: list[int] = []
    requested_on: dt.date | None = None
    reply_by: dt.date | None = None
    note: str = ""


class RfqLineOut(Schema):
    """An RFQ line."""

    id: int
    position: int
    variant_id: int
    sku: str = Field(..., alias="variant.sku")
    quantity: Decimal
    supply_request_id: int | None


class InvitationOut(Schema):
    """An invited supplier."""

    supplier_id: int
    supplier_code: str = Field(..., alias="supplier.code")
    emailed_to: str
    emailed_at: dt.datetime | None


class QuoteLineIn(Schema):
    """A quoted line."""

    rfq_line_id: int
    unit_price: Number
    lead_time_days: Number = 0
    min_order_quantity: Number = 0


class QuoteIn(Schema):
    """A supplier's quote; recording it again replaces the earlier one."""

    supplier_id: int
    currency: str = Field("", description="Empty: the supplier's currency")
    valid_until: dt.date | None = None
    note: str = ""
    lines: list[QuoteLineIn]


class QuoteLineOut(Schema):
    """A quoted line."""

    id: int
    rfq_line_id: int
    unit_price: Decimal
    lead_time_days: Decimal
    min_order_quantity: Decimal
    awarded: bool


class QuoteOut(Schema):
    """A supplier's quote."""

    id: int
    supplier_id: int
    supplier_code: str = Field(..., alias="supplier.code")
    currency: str
    valid_until: dt.date | None
    received_on: dt.date
    channel: str
    note: str
    lines: list[QuoteLineOut]

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())


class RfqOut(Schema):
    """An RFQ."""

    id: int
    number: str
    state: str
    warehouse_id: int
    requested_on: dt.date | None
    reply_by: dt.date | None
    note: str
    sent_at: dt.datetime | None
    closed_at: dt.datetime | None


class RfqDetailOut(RfqOut):
    """An RFQ with its lines, invited suppliers and quotes."""

    lines: list[RfqLineOut]
    invitations: list[InvitationOut]
    quotes: list[QuoteOut]

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())

    @staticmethod
    def resolve_invitations(obj: Any) -> list[Any]:
        return list(obj.invitations.all())

    @staticmethod
    def resolve_quotes(obj: Any) -> list[Any]:
        return list(obj.quotes.all())


class OfferOut(Schema):
    """One supplier's offer for one line, ranked; ``best`` marks the one to award."""

    supplier_id: int
    supplier_code: str
    quote_line_id: int
    currency: str
    unit_price: Decimal
    quantity: Decimal
    total: Decimal
    unit_price_base: Decimal | None
    total_base: Decimal | None
    lead_time_days: Decimal
    rank: int | None
    score: Decimal | None
    best: bool
    expired: bool
    problem: str


class LineComparisonOut(Schema):
    """The offers for one RFQ line."""

    rfq_line_id: int
    position: int
    sku: str
    quantity: Decimal
    offers: list[OfferOut]


class ComparisonOut(Schema):
    """An RFQ's quotes side by side."""

    rfq_id: int
    base_currency: str
    lines: list[LineComparisonOut]
    totals_base: dict[str, Decimal] = Field(..., description="Supplier code → base total")


class AwardIn(Schema):
    """``supplier_id``: everything to one supplier; ``lines``: RFQ line id → supplier id;
    neither: each line to its best offer."""

    supplier_id: int | None = None
    lines: dict[int, int] | None = None


# --- proposals ------------------------------------------------------------------------------


class ProposalOut(Schema):
    """An open supply request and the order that would cover it."""

    supply_request_id: int
    reason: str
    variant_id: int
    sku: str
    warehouse_id: int
    warehouse_code: str
    requested_quantity: Decimal
    supplier_id: int | None
    supplier_code: str
    supplier_product_id: int | None
    order_quantity: Decimal | None
    currency: str
    unit_price: Decimal | None
    lead_time_days: Decimal | None
    expected_on: dt.date | None
    problem: str


class OrderProposalsIn(Schema):
    """Which proposals to order; ``supplier_products`` overrides the pre-selected supplier."""

    supply_request_ids: list[int]
    supplier_products: dict[int, int] | None = None


class DeliveryLocationIn(Schema):
    """The GLN of a warehouse as a ship-to party."""

    warehouse_id: int
    gln: str


class PurchasingSettingsIn(Schema):
    """The tenant's own GLN as the buying party."""

    buyer_gln: str
