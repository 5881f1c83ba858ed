"""API shapes of inventory valuation: the report, COGS and landed costs."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

Number = Decimal | int | str  # checked by the services


class WarehouseValueOut(Schema):
    """Stock value of one warehouse."""

    warehouse_id: int
    warehouse_code: str
    warehouse_name: str
    quantity: Decimal
    value: Decimal
    unit_cost: Decimal
    ledger_value: Decimal


class CategoryValueOut(Schema):
    """Stock value of one product category ("" for products without one)."""

    category: str
    quantity: Decimal
    value: Decimal
    unit_cost: Decimal
    ledger_value: Decimal


class ValuationOut(Schema):
    """The stock valuation report: today (valuation rows) or as of a day (the ledger)."""

    as_of: date | None
    currency: str
    method: str
    quantity: Decimal
    valuation_value: Decimal
    ledger_value: Decimal
    reconciled: bool
    by_warehouse: list[WarehouseValueOut]
    by_category: list[CategoryValueOut]


class MismatchOut(Schema):
    """A variant and warehouse whose valuation differs from the ledger."""

    variant_id: int
    warehouse_id: int
    valuation_quantity: Decimal
    valuation_value: Decimal
    ledger_quantity: Decimal
    ledger_value: Decimal
    layer_value: Decimal


class ReconciliationOut(Schema):
    """Valuation against ledger, per variant and warehouse."""

    reconciled: bool
    mismatches: list[MismatchOut]


class CogsReferenceOut(Schema):
    """COGS of one reference (a sales order number on its shipments)."""

    reference: str
    shipped_quantity: Decimal
    returned_quantity: Decimal
    shipments_value: Decimal
    returns_value: Decimal
    cogs: Decimal


class CogsOut(Schema):
    """Cost of goods sold in a period: shipments - customer returns + landed-cost adjustments."""

    currency: str
    date_from: date | None
    date_to: date | None
    warehouse_id: int | None
    shipments_value: Decimal
    returns_value: Decimal
    landed_cost_adjustments: Decimal
    cogs: Decimal
    by_reference: list[CogsReferenceOut]


class LandedCostLineIn(Schema):
    """One cost: freight, duty, insurance or other."""

    kind: str = Field(..., description="freight, duty, insurance or other")
    amount: Number
    currency: str = Field("", description="ISO 4217; empty: the base currency")


class LandedCostIn(Schema):
    """A draft landed cost over the receipts of a reference, or over receipt move ids."""

    date: date
    method: str = Field(..., description="value, weight or quantity")
    reference: str = Field("", max_length=100, description="The receipts' reference")
    move_ids: list[int] | None = None
    note: str = Field("", max_length=200)
    lines: list[LandedCostLineIn]
    post: bool = Field(False, description="Post at once")


class LandedCostLineOut(Schema):
    """One cost in its currency and in the base currency."""

    id: int
    kind: str
    amount: Decimal
    currency: str
    rate: Decimal
    base_amount: Decimal


class AllocationOut(Schema):
    """The share one receipt move carries: into stock and into COGS."""

    move_id: int
    sku: str = Field(..., alias="variant.sku")
    warehouse_id: int
    basis: Decimal
    amount: Decimal
    inventory_amount: Decimal
    cogs_amount: Decimal


class LandedCostOut(Schema):
    """A landed cost with its lines and allocations."""

    id: int
    number: str
    date: date
    state: str
    method: str
    reference: str
    note: str
    posted_at: datetime | None
    total: Decimal
    lines: list[LandedCostLineOut]
    allocations: list[AllocationOut]

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        """The cost lines in entry order."""
        return sorted(obj.lines.all(), key=lambda line: line.pk)

    @staticmethod
    def resolve_allocations(obj: Any) -> list[Any]:
        """The receipts in move order."""
        return sorted(obj.allocations.all(), key=lambda a: a.move_id)

    @staticmethod
    def resolve_total(obj: Any) -> Decimal:
        """The sum of the lines in the base currency."""
        return sum((line.base_amount for line in obj.lines.all()), Decimal(0))
