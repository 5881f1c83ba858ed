"""API shapes of procurement."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from valuechain.scm.procurement.domain import INCOTERMS

Number = Decimal | int | str  # checked by the services: invalid_<field> names the field
INCOTERM_HELP = "Incoterms 2020: " + ", ".join(INCOTERMS) + " (or empty)"


class SupplierIn(Schema):
    """A new supplier: ``account_id`` of an existing CRM account, or a ``name`` for a new one."""

    code: str = Field(..., max_length=40, examples=["NORD"])
    name: str = Field("", max_length=400, description="Creates a CRM account of this name")
    account_id: int | None = Field(None, description="Makes this CRM account a supplier")
    currency: str = Field("", description="ISO 4217; empty: the tenant's base currency")
    payment_terms_days: int = 30
    incoterm: str = Field("", description=INCOTERM_HELP)
    gln: str = Field("", description="GS1 Global Location Number: 13 digits with check digit")


class SupplierPatch(Schema):
    """Changes to a supplier; fields left out stay as they are. ``name`` renames the account."""

    code: str | None = None
    name: str | None = None
    currency: str | None = None
    payment_terms_days: int | None = None
    incoterm: str | None = None
    gln: str | None = None
    is_active: bool | None = None


class SupplierOut(Schema):
    """A supplier: the supplier role of a CRM account."""

    id: int
    code: str
    account_id: int
    name: str
    currency: str
    payment_terms_days: int
    incoterm: str
    gln: str
    is_active: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.account.name)


class PriceBreakIn(Schema):
    """From ``min_quantity`` on, each unit costs ``unit_price`` (in the product's currency)."""

    min_quantity: Number
    unit_price: Number


class PriceBreakOut(Schema):
    """A price break."""

    min_quantity: Decimal
    unit_price: Decimal


class SupplierProductIn(Schema):
    """What a supplier delivers of one variant, and at which prices."""

    supplier_id: int
    variant_id: int
    supplier_sku: str = ""
    currency: str = Field("", description="ISO 4217; empty: the supplier's currency")
    min_order_quantity: Number = 0
    pack_size: Number = Field(1, description="Orders are whole multiples; 0: any quantity")
    lead_time_days: Number = 0
    lead_time_std_days: Number = 0
    price_breaks: list[PriceBreakIn]


class SupplierProductPatch(Schema):
    """Changes to a supplied product; ``price_breaks`` replaces all its prices."""

    supplier_sku: str | None = None
    currency: str | None = None
    min_order_quantity: Number | None = None
    pack_size: Number | None = None
    lead_time_days: Number | None = None
    lead_time_std_days: Number | None = None
    price_breaks: list[PriceBreakIn] | None = None
    is_active: bool | None = None


class SupplierProductOut(Schema):
    """A variant as one supplier delivers it."""

    id: int
    supplier_id: int
    supplier_code: str = Field(..., alias="supplier.code")
    variant_id: int
    sku: str = Field(..., alias="variant.sku")
    supplier_sku: str
    currency: str
    min_order_quantity: Decimal
    pack_size: Decimal
    lead_time_days: Decimal
    lead_time_std_days: Decimal
    is_active: bool
    price_breaks: list[PriceBreakOut]

    @staticmethod
    def resolve_price_breaks(obj: Any) -> list[Any]:
        return list(obj.price_breaks.all())


class RankedSupplierOut(Schema):
    """One supplier in a ranking: the order it would take and its score per criterion."""

    rank: int | None = Field(..., description="1 is preferred; null: not ranked, see problem")
    preferred: bool
    score: Decimal | None = Field(..., description="0 to 1, the weighted mean of the criteria")
    criteria: dict[str, Decimal]
    supplier_id: int
    supplier_code: str
    supplier_name: str
    supplier_product_id: int
    supplier_sku: str
    currency: str
    order_quantity: Decimal | None
    unit_price: Decimal | None
    total: Decimal | None
    unit_price_base: Decimal | None = Field(..., description="In the tenant's base currency")
    lead_time_days: Decimal
    lead_time_std_days: Decimal
    problem: str


class RankingOut(Schema):
    """The suppliers of a variant ranked for a wanted quantity."""

    variant_id: int
    sku: str
    quantity: Decimal
    base_currency: str
    weights: dict[str, Decimal]
    suppliers: list[RankedSupplierOut]


class SelectionSettingsIn(Schema):
    """Weights of supplier selection; left out, a weight stays as it is."""

    weight_price: Number | None = None
    weight_lead_time: Number | None = None
    weight_reliability: Number | None = Field(None, description="Spread of the lead time")
    weight_on_time_in_full: Number | None = Field(None, description="Neutral until receipts")
    weight_quality: Number | None = Field(None, description="Neutral until inspections")


class SelectionSettingsOut(Schema):
    """The tenant's weights of supplier selection."""

    weight_price: Decimal
    weight_lead_time: Decimal
    weight_reliability: Decimal
    weight_on_time_in_full: Decimal
    weight_quality: Decimal


class ScorecardMeasuresOut(Schema):
    """The four measures of a supplier over a period; null where no document measured one."""

    on_time_in_full: Decimal | None = Field(..., description="0 to 1: due lines complete on time")
    quality_acceptance: Decimal | None = Field(..., description="0 to 1: decided goods accepted")
    price_variance: Decimal | None = Field(..., description="Billed vs agreed, e.g. 0.02 = +2 %")
    lead_time_reliability: Decimal | None = Field(
        ..., description="0 to 1: receipts within a day of the promised lead time"
    )
    lines_due: int
    received_quantity: Decimal = Field(..., description="Received and decided (not pending QC)")
    rejected_quantity: Decimal
    deliveries: int


class ScorecardMonthOut(Schema):
    """One calendar month of a scorecard's trend."""

    month: date
    measures: ScorecardMeasuresOut


class ScorecardOut(Schema):
    """A supplier's scorecard over a period, with the month-by-month trend."""

    supplier_id: int
    supplier_code: str
    date_from: date
    date_to: date
    measures: ScorecardMeasuresOut
    trend: list[ScorecardMonthOut]
