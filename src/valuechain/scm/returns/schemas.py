"""API shapes of customer returns: the request, decisions, receipt, inspection, closing,
the RMA with its lines and refund, and the list filters."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema

from valuechain.scm.returns.queries import ReturnFilters


class ReturnLineIn(Schema):
    """An order line to return and how much of it."""

    order_line_id: int
    quantity: Decimal
    reason_code: str = Field(
        "other",
        description="damaged, defective, wrong_item, not_as_described, no_longer_needed, other",
    )


class ReturnIn(Schema):
    """A new return request over shipped lines of one sales order."""

    order_id: int
    lines: list[ReturnLineIn]
    reason: str = Field("", max_length=500)
    warehouse_id: int | None = Field(None, description="Default: where the order shipped from")


class NoteIn(Schema):
    """Why a return is rejected or cancelled."""

    note: str = Field("", max_length=300)


class ReceiveIn(Schema):
    """What came back per return line id; left out entirely: everything authorised."""

    quantities: dict[int, Decimal] | None = None


class InspectionIn(Schema):
    """One received line's condition and disposition."""

    line_id: int
    condition: str = Field(..., description="as_new, opened, damaged, defective")
    disposition: str = Field(..., description="restock, refurbish, scrap, return_to_vendor")
    note: str = Field("", max_length=300)


class InspectIn(Schema):
    """The inspection of every line that came back."""

    results: list[InspectionIn]


class CloseIn(Schema):
    """How the customer gets the money back."""

    method: str = Field("refund", description="refund (pay back) or credit (credit note)")


class PaidIn(Schema):
    """The payment's reference (bank transfer, card refund id)."""

    reference: str = Field("", max_length=100)


class RefundOut(Schema):
    """A refund or credit note."""

    id: int
    number: str
    rma_id: int
    order_id: int
    method: str
    state: str
    currency: str
    net_amount: Decimal
    tax_amount: Decimal
    gross_amount: Decimal
    paid_at: datetime | None
    payment_reference: str


class ReturnLineOut(Schema):
    """A line of a return."""

    id: int
    order_line_id: int
    variant_id: int
    sku: str = Field(..., alias="variant.sku")
    quantity: Decimal
    quantity_received: Decimal
    reason_code: str
    condition: str
    disposition: str
    inspection_note: str


class ReturnOut(Schema):
    """A return in a list."""

    id: int
    number: str
    order_id: int
    order_number: str = Field(..., alias="order.number")
    account_id: int | None
    person_id: int | None
    warehouse_id: int
    state: str
    reason: str
    decision_note: str
    created_at: datetime
    authorised_at: datetime | None
    received_at: datetime | None
    inspected_at: datetime | None
    closed_at: datetime | None


class ReturnDetailOut(ReturnOut):
    """A return with its lines and refund."""

    lines: list[ReturnLineOut] = Field(..., alias="line_rows")
    refund: RefundOut | None = Field(None, alias="refund_row")


class ReturnListFilters(Schema):
    """Filters of the return list."""

    state: str | None = None
    order_id: int | None = None
    account_id: int | None = None
    person_id: int | None = None
    q: str | None = Field(None, description="Part of the RMA or order number, or the account")

    def as_filters(self) -> ReturnFilters:
        """The query-side filters."""
        return ReturnFilters(
            state=self.state,
            order_id=self.order_id,
            account_id=self.account_id,
            person_id=self.person_id,
            q=self.q,
        )


class RefundListFilters(Schema):
    """Filters of the refund list."""

    state: str | None = None
    method: str | None = None
