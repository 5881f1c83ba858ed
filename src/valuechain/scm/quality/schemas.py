"""API shapes of quality."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

Number = Decimal | int | str  # checked by the services: invalid_<field> names the field


class CheckIn(Schema):
    """A check of a plan; give ``id`` to keep (and change) an existing check."""

    id: int | None = None
    name: str = Field(..., max_length=200, examples=["Diameter"])
    kind: str = Field("pass_fail", description="pass_fail or measurement")
    target: Number | None = Field(None, description="Measurements: the nominal value")
    lower_tolerance: Number | None = Field(None, description="Allowed below the target")
    upper_tolerance: Number | None = Field(None, description="Allowed above the target")
    unit: str = Field("", max_length=20, examples=["mm"])
    required: bool = True


class CheckOut(Schema):
    """A check of a plan."""

    id: int
    name: str
    kind: str
    target: Decimal | None
    lower_tolerance: Decimal
    upper_tolerance: Decimal
    unit: str
    required: bool


class PlanIn(Schema):
    """A new inspection plan for a product (all its variants) or one variant."""

    name: str = Field(..., max_length=200)
    product_id: int | None = None
    variant_id: int | None = None
    stage: str = Field(..., description="receipt, production or both")
    sample_size: Number | None = Field(None, description="Units to inspect; null: every unit")
    note: str = ""
    is_active: bool = True
    checks: list[CheckIn]


class PlanPatch(Schema):
    """Changes to a plan; fields left out stay; ``checks`` replaces the list when given."""

    name: str | None = None
    stage: str | None = None
    sample_size: Number | None = None
    note: str | None = None
    is_active: bool | None = None
    checks: list[CheckIn] | None = None


class PlanOut(Schema):
    """An inspection plan with its checks."""

    id: int
    name: str
    product_id: int | None
    variant_id: int | None
    stage: str
    sample_size: Decimal | None
    note: str
    is_active: bool
    checks: list[CheckOut]


class DefectReasonIn(Schema):
    """A new defect reason."""

    code: str = Field(..., max_length=40, examples=["DAMAGED"])
    name: str = Field(..., max_length=200)
    is_active: bool = True


class DefectReasonPatch(Schema):
    """Changes to a defect reason."""

    code: str | None = None
    name: str | None = None
    is_active: bool | None = None


class DefectReasonOut(Schema):
    """A defect reason."""

    id: int
    code: str
    name: str
    is_active: bool


class ResultIn(Schema):
    """The answer to one check: ``passed`` for pass/fail, ``value`` for a measurement."""

    check_id: int
    passed: bool | None = None
    value: Number | None = None
    note: str = ""


class CompleteIn(Schema):
    """The results and the accepted / rejected split of a pending inspection."""

    results: list[ResultIn] = []
    accepted_quantity: Number
    rejected_quantity: Number = Decimal(0)
    defect_reason_id: int | None = None
    accept_with_deviation: bool = Field(
        False, description="Accept goods although a check failed (recorded on the inspection)"
    )
    note: str = ""


class HoldIn(Schema):
    """Why an inspection is held."""

    note: str = ""


class DispositionIn(Schema):
    """Release or scrap a quantity of the held rejected goods."""

    quantity: Number
    note: str = ""


class ResultOut(Schema):
    """A recorded result."""

    check_id: int = Field(..., alias="check_ref_id")
    measured_value: Decimal | None
    passed: bool
    note: str


class DispositionOut(Schema):
    """A decision on held rejected goods."""

    id: int
    kind: str
    quantity: Decimal
    note: str
    move_id: int | None
    actor_id: int | None
    decided_at: datetime


class InspectionOut(Schema):
    """An inspection."""

    id: int
    number: str
    stage: str
    state: str
    plan_id: int | None
    source_type: str
    source_id: int
    reference: str
    variant_id: int
    warehouse_id: int
    lot_id: int | None
    quantity: Decimal
    sample_quantity: Decimal
    on_hold: bool
    hold_note: str
    accepted_quantity: Decimal
    rejected_quantity: Decimal
    released_quantity: Decimal
    scrapped_quantity: Decimal
    returned_quantity: Decimal
    held_quantity: Decimal
    with_deviation: bool
    defect_reason_id: int | None
    note: str
    inspected_by_id: int | None
    inspected_at: datetime | None
    supplier_id: int | None
    work_centre_id: int | None
    created_at: datetime


class InspectionDetailOut(InspectionOut):
    """An inspection with its results and dispositions."""

    results: list[ResultOut]
    dispositions: list[DispositionOut]


class HeldOut(Schema):
    """Rejected goods still held in QUALITY."""

    inspection_id: int
    number: str
    variant_id: int
    sku: str
    lot_id: int | None
    lot_number: str
    warehouse_id: int
    supplier_id: int | None
    quantity: Decimal
    source_type: str
    source_id: int
    po_line_id: int | None


class ReasonCountOut(Schema):
    """A defect reason and the quantity rejected for it."""

    code: str
    name: str
    quantity: Decimal


class DefectRateOut(Schema):
    """A product, supplier or work centre's defect rate over the period."""

    group_id: int
    label: str
    inspections: int
    inspected: Decimal
    rejected: Decimal
    rate_percent: Decimal
    top_reasons: list[ReasonCountOut]


class DefectRatesOut(Schema):
    """Defect rates grouped one way over a period."""

    by: str
    start: date
    end: date
    rows: list[DefectRateOut]


class AcceptanceOut(Schema):
    """A supplier's acceptance over a period."""

    supplier_id: int
    start: date
    end: date
    inspections: int
    inspected: Decimal
    accepted: Decimal
    rejected: Decimal
    acceptance_percent: Decimal
