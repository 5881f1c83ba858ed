"""API shapes of payables: bills with their match, payments, aging, returns to vendor,
credit notes and the tolerances."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

Number = Decimal | int | str  # checked by the services: invalid_<field> names the field


class BillLineIn(Schema):
    """A billed line: the order line it bills (required with an order), quantity and price."""

    po_line_id: int | None = None
    quantity: Number
    unit_price: Number | None = Field(None, description="Empty: the order line's price")
    description: str = Field("", description="Empty: the order line's description")


class BillIn(Schema):
    """A supplier's invoice; with ``purchase_order_id`` it is matched against that order."""

    supplier_invoice_number: str
    bill_date: dt.date
    purchase_order_id: int | None = None
    supplier_id: int | None = Field(None, description="Needed only without an order")
    currency: str = Field("", description="Empty: the order's (a different one is refused)")
    tax_amount: Number = 0
    note: str = ""
    lines: list[BillLineIn]


class BillFromOrderIn(Schema):
    """A bill of everything accepted and not yet billed on an order, at the order's prices."""

    purchase_order_id: int
    supplier_invoice_number: str
    bill_date: dt.date
    tax_amount: Number = 0
    note: str = ""


class RefuseIn(Schema):
    """Why a mismatched bill is refused."""

    reason: str


class MatchOut(Schema):
    """The three-way match of a line: PO | received / accepted | billed, and differences."""

    status: str
    ordered_quantity: Decimal
    po_unit_price: Decimal
    received_quantity: Decimal
    accepted_quantity: Decimal
    previously_billed: Decimal
    billed_quantity: Decimal
    billed_unit_price: Decimal
    quantity_difference: Decimal
    price_difference: Decimal
    quantity_allowance: Decimal
    price_allowance: Decimal


class BillLineOut(Schema):
    """A bill line."""

    id: int
    position: int
    po_line_id: int | None
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    match_status: str


class BillOut(Schema):
    """A supplier bill with its totals in its currency and in the base currency."""

    id: int
    number: str
    supplier_id: int
    supplier_code: str
    purchase_order_id: int | None
    supplier_invoice_number: str
    bill_date: dt.date
    due_date: dt.date
    payment_terms_days: int
    currency: str
    fx_rate: Decimal
    state: str
    net_total: Decimal
    tax_amount: Decimal
    total: Decimal
    base_net_total: Decimal
    base_tax_amount: Decimal
    base_total: Decimal
    paid_amount: Decimal
    credited_amount: Decimal
    open_amount: Decimal
    approved_by_id: int | None
    approved_at: dt.datetime | None
    refusal_reason: str
    created_at: dt.datetime

    @staticmethod
    def resolve_supplier_code(obj: Any) -> str:
        return str(obj.supplier.code)


class BillDetailOut(BillOut):
    """A bill with its lines and their match now."""

    lines: list[BillLineOut]
    match: list[MatchOut]

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return [row.line for row in obj.match_rows]

    @staticmethod
    def resolve_match(obj: Any) -> list[Any]:
        return [row.match for row in obj.match_rows]


class ProposalLineOut(Schema):
    """A line a new bill of an order starts with."""

    po_line_id: int
    position: int
    sku: str
    description: str
    quantity: Decimal
    unit_price: Decimal


class PaymentIn(Schema):
    """A payment of (part of) one bill."""

    bill_id: int
    amount: Number
    paid_on: dt.date
    currency: str = Field("", description="Empty: the bill's (another one is refused)")
    method: str = "transfer"
    reference: str = ""


class PaymentOut(Schema):
    """A supplier payment."""

    id: int
    number: str
    bill_id: int
    supplier_id: int
    paid_on: dt.date
    amount: Decimal
    currency: str
    fx_rate: Decimal
    base_amount: Decimal
    method: str
    reference: str


class AgingRowOut(Schema):
    """An open bill in the due list."""

    bill: BillOut
    open_amount: Decimal
    base_open_amount: Decimal
    days_overdue: int
    bucket: str


class AgingOut(Schema):
    """Open bills, overdue first, with base-currency totals per bucket."""

    currency: str
    buckets: dict[str, Decimal]
    total: Decimal
    items: list[AgingRowOut]


class ReturnLineIn(Schema):
    """A returned item: order line, quantity, from quality (rejected) or stock, lot, why."""

    po_line_id: int
    quantity: Number
    source: str = Field("quality", description="quality (rejected goods) or stock")
    lot_id: int | None = None
    reason: str = ""


class ReturnIn(Schema):
    """A return to vendor of an order's goods."""

    purchase_order_id: int
    reason: str
    note: str = ""
    lines: list[ReturnLineIn]


class ReturnLineOut(Schema):
    """A returned item."""

    id: int
    po_line_id: int
    variant_id: int
    lot_id: int | None
    source: str
    quantity: Decimal
    unit_price: Decimal
    reason: str


class CreditNoteOut(Schema):
    """A supplier credit note: expected at shipping, then received with the actual amount."""

    id: int
    number: str
    supplier_id: int
    vendor_return_id: int | None
    currency: str
    expected_amount: Decimal
    state: str
    supplier_credit_number: str
    amount: Decimal
    difference: Decimal
    received_on: dt.date | None
    applied_bill_id: int | None


class ReturnOut(Schema):
    """A return to vendor."""

    id: int
    number: str
    supplier_id: int
    purchase_order_id: int
    warehouse_id: int
    reason: str
    state: str
    shipped_at: dt.datetime | None
    lines: list[ReturnLineOut]
    credit_note: CreditNoteOut | None

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())

    @staticmethod
    def resolve_credit_note(obj: Any) -> Any:
        # A missing reverse one-to-one raises a subclass of AttributeError.
        return getattr(obj, "credit_note", None)


class CreditNoteReceiveIn(Schema):
    """The supplier's credit note as received."""

    supplier_credit_number: str
    amount: Number
    received_on: dt.date


class CreditNoteApplyIn(Schema):
    """The open bill a received credit note is set off against."""

    bill_id: int


class SettingsIn(Schema):
    """Tolerances and approver; fields left out stay as they are."""

    price_tolerance_percent: Number | None = None
    price_tolerance_amount: Number | None = Field(
        None, description='Per unit; send "" to remove the absolute limit'
    )
    quantity_tolerance_percent: Number | None = None
    approver_role: str | None = None


class SettingsOut(Schema):
    """The tenant's three-way-match tolerances and approver role."""

    price_tolerance_percent: Decimal
    price_tolerance_amount: Decimal | None
    quantity_tolerance_percent: Decimal
    approver_role: str
