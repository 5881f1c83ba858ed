"""API shapes of receiving."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

Number = Decimal | int | str  # checked by the services: invalid_<field> names the field


class ReceiptLineIn(Schema):
    """A quantity of one purchase-order line, with its lot and expiry when it has one."""

    po_line_id: int
    quantity: Number
    lot_number: str = Field("", max_length=80)
    expires_on: date | None = None


class ReceiptIn(Schema):
    """Goods received against the order in the path; ``asn_id`` when a ship notice announced
    them (it becomes received)."""

    lines: list[ReceiptLineIn]
    asn_id: int | None = None
    note: str = Field("", max_length=400)


class ReceiptLineOut(Schema):
    """A booked line: where it went (stock or quality), its cost and its inspection."""

    id: int
    po_line_id: int
    variant_id: int
    sku: str
    quantity: Decimal
    lot_number: str
    expires_on: date | None
    location_id: int
    location: str
    unit_cost: Decimal = Field(..., description="Per unit in the tenant's base currency")
    stock_move_id: int | None
    inspection_id: int | None
    accepted_quantity: Decimal
    rejected_quantity: Decimal

    @staticmethod
    def resolve_sku(obj: Any) -> str:
        return str(obj.variant.sku)

    @staticmethod
    def resolve_location(obj: Any) -> str:
        return str(obj.location.code)


class ReceiptOut(Schema):
    """A goods receipt against a purchase order."""

    id: int
    number: str
    purchase_order_id: int
    purchase_order: str
    supplier_id: int
    warehouse_id: int
    asn_id: int | None
    received_at: datetime
    received_by_id: int | None
    lead_time_days: int
    note: str
    lines: list[ReceiptLineOut]

    @staticmethod
    def resolve_purchase_order(obj: Any) -> str:
        return str(obj.purchase_order.number)

    @staticmethod
    def resolve_supplier_id(obj: Any) -> int:
        return int(obj.purchase_order.supplier_id)

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())


class ScanIn(Schema):
    """A scanned or typed code: GS1 element string, GTIN, SSCC or SKU; ``quantity`` (default
    the (37) count, else 1) and a lot / expiry for items whose code carries none."""

    code: str = Field(..., max_length=400)
    quantity: Number | None = None
    lot_number: str = ""
    expires_on: str = ""
    pending: list[ReceiptLineIn] = Field(
        default_factory=list, description="What was scanned before (for line choice and checks)"
    )


class PendingLineOut(Schema):
    """A line a scan adds to the receipt being prepared."""

    po_line_id: int
    quantity: Decimal
    lot_number: str
    expires_on: str


class ScanOut(Schema):
    """What the scan adds: the lines and, for an SSCC, the ship notice to receive against."""

    lines: list[PendingLineOut]
    message: str
    asn_id: int | None
    sscc: str


class AsnLineIn(Schema):
    """A package line of a ship notice."""

    po_line_id: int
    quantity: Number
    lot_number: str = Field("", max_length=80)
    expires_on: date | None = None
    sscc: str = Field("", description="The package's SSCC-18 (with or without AI 00)")


class AsnIn(Schema):
    """A supplier's advance ship notice against a purchase order."""

    purchase_order_id: int
    number: str = Field(..., max_length=80, description="The supplier's ASN number")
    expected_on: date
    lines: list[AsnLineIn]
    note: str = Field("", max_length=400)


class AsnLineOut(Schema):
    """A ship-notice line."""

    id: int
    po_line_id: int
    quantity: Decimal
    lot_number: str
    expires_on: date | None
    sscc: str


class AsnOut(Schema):
    """An advance ship notice."""

    id: int
    number: str
    supplier_id: int
    purchase_order_id: int
    purchase_order: str
    expected_on: date
    state: str
    note: str
    lines: list[AsnLineOut]

    @staticmethod
    def resolve_purchase_order(obj: Any) -> str:
        return str(obj.purchase_order.number)

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())


class AsnReceiveIn(Schema):
    """Receive a whole ship notice, or one package of it by SSCC."""

    sscc: str = ""


class ExpectedLineOut(Schema):
    """An open purchase-order line due by the date asked."""

    purchase_order_id: int
    purchase_order: str
    supplier: str
    warehouse_id: int
    po_line_id: int
    sku: str
    due_on: date | None
    ordered: Decimal
    received: Decimal
    open_quantity: Decimal


class ExpectedOut(Schema):
    """Expected receipts: ship notices and open order lines due by a date."""

    asns: list[AsnOut]
    lines: list[ExpectedLineOut]


class SettingsIn(Schema):
    """Receiving rules."""

    over_receipt_tolerance_percent: Number = Field(
        ..., description="How far beyond the ordered quantity a receipt may go, 0-1000 %"
    )


class SettingsOut(Schema):
    """Receiving rules."""

    over_receipt_tolerance_percent: Decimal
