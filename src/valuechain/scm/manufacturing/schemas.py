"""API shapes of manufacturing."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from valuechain.scm.manufacturing.domain import BOM_KINDS

Number = Decimal | int | str  # checked by the services: invalid_<field> names the field


class WorkCentreIn(Schema):
    """A new work centre."""

    code: str = Field(..., max_length=40, examples=["SAW"])
    name: str = Field(..., max_length=400)
    capacity_per_hour: Number = Field(..., description="Units it makes in an hour of running")
    hours_per_day: Number = Field(Decimal(8), description="Planned hours per working day (OEE)")
    is_active: bool = True


class WorkCentrePatch(Schema):
    """Changes to a work centre; fields left out (or null) stay as they are."""

    code: str | None = None
    name: str | None = None
    capacity_per_hour: Number | None = None
    hours_per_day: Number | None = None
    is_active: bool | None = None


class WorkCentreOut(Schema):
    """A work centre."""

    id: int
    code: str
    name: str
    capacity_per_hour: Decimal
    hours_per_day: Decimal
    is_active: bool


class DayOutput(Schema):
    """Good units made on a day."""

    day: date
    good: Decimal


class ProductivityOut(Schema):
    """A work centre's figures over a period; ratios are null when nothing makes them."""

    work_centre_id: int
    start: date
    end: date
    good: Decimal
    scrap: Decimal
    run_hours: Decimal
    planned_hours: Decimal
    units_per_labour_hour: Decimal | None
    yield_rate: Decimal | None
    availability: Decimal | None
    performance: Decimal | None
    quality: Decimal | None
    oee: Decimal | None
    per_day: list[DayOutput]


class BomLineIn(Schema):
    """A component (or by-product) per output batch."""

    variant_id: int
    quantity: Number
    unit: str = Field("", description="Unit code (e.g. dozen); empty: the variant's base unit")
    scrap_percent: Number = Field(Decimal(0), description="Expected loss added to the quantity")


class BomIn(Schema):
    """A new version of a variant's bill of materials."""

    variant_id: int
    kind: str = Field("manufacture", description=", ".join(BOM_KINDS))
    output_quantity: Number = Decimal(1)
    valid_from: date | None = Field(None, description="Empty: today")
    valid_to: date | None = Field(None, description="Empty: open-ended")
    components: list[BomLineIn]
    byproducts: list[BomLineIn] = []
    note: str = ""


class BomEndIn(Schema):
    """The last day a version is valid."""

    valid_to: date | None = Field(None, description="Empty: today")


class BomLineOut(Schema):
    """A line of a bill."""

    id: int
    variant_id: int
    sku: str
    quantity: Decimal
    unit: str
    scrap_percent: Decimal
    is_byproduct: bool

    @staticmethod
    def resolve_sku(obj: Any) -> str:
        return str(obj.variant.sku)

    @staticmethod
    def resolve_unit(obj: Any) -> str:
        return obj.unit.code if obj.unit is not None else ""


class BomOut(Schema):
    """A version of a bill of materials with its lines."""

    id: int
    variant_id: int
    sku: str
    version: int
    kind: str
    output_quantity: Decimal
    valid_from: date
    valid_to: date | None
    is_active: bool
    note: str
    lines: list[BomLineOut]

    @staticmethod
    def resolve_sku(obj: Any) -> str:
        return str(obj.variant.sku)

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())


class ExplosionLineOut(Schema):
    """One line met exploding a bill: its level (1 = direct component) and quantity."""

    level: int
    variant_id: int
    sku: str
    quantity: Decimal


class WorkOrderIn(Schema):
    """A new work order; without ``bom_id`` the bill valid on the planned start is used."""

    variant_id: int
    quantity: Number
    warehouse_id: int
    work_centre_id: int
    bom_id: int | None = None
    planned_start: date | None = None


class ProductionIn(Schema):
    """Units made since the last report."""

    good_quantity: Number = Decimal(0)
    scrap_quantity: Number = Decimal(0)


class FromSupplyRequestIn(Schema):
    """Where the work order for a supply request runs."""

    work_centre_id: int


class ComponentOut(Schema):
    """What a released work order needs of a component and has consumed."""

    variant_id: int
    sku: str
    required_quantity: Decimal
    consumed_quantity: Decimal

    @staticmethod
    def resolve_sku(obj: Any) -> str:
        return str(obj.variant.sku)


class WorkOrderOut(Schema):
    """A work order."""

    id: int
    number: str
    state: str
    variant_id: int
    sku: str
    quantity: Decimal
    good_quantity: Decimal
    scrap_quantity: Decimal
    bom_id: int
    work_centre_id: int
    warehouse_id: int
    planned_start: date | None
    supply_request_id: int | None
    released_at: datetime | None
    done_at: datetime | None
    components: list[ComponentOut]
    created_at: datetime

    @staticmethod
    def resolve_sku(obj: Any) -> str:
        return str(obj.variant.sku)

    @staticmethod
    def resolve_components(obj: Any) -> list[Any]:
        return list(obj.components.all())


class TimeEntryOut(Schema):
    """A run of a work order."""

    id: int
    work_order_id: int
    started_at: datetime
    stopped_at: datetime | None
