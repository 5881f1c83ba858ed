"""API routes of payables (scm area): supplier bills and their three-way match, payments,
the aging list, returns to vendor, credit notes and the matching tolerances."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Status

from valuechain.platform.api import ListParams, Page, area_router, paginate
from valuechain.scm.payables import bills, payments, queries, services, vendor_returns
from valuechain.scm.payables.models import (
    PayablesSettings,
    ReturnToVendor,
    SupplierBill,
    SupplierCreditNote,
    SupplierPayment,
)
from valuechain.scm.payables.schemas import (
    AgingOut,
    BillDetailOut,
    BillFromOrderIn,
    BillIn,
    BillOut,
    CreditNoteApplyIn,
    CreditNoteOut,
    CreditNoteReceiveIn,
    PaymentIn,
    PaymentOut,
    ProposalLineOut,
    RefuseIn,
    ReturnIn,
    ReturnOut,
    SettingsIn,
    SettingsOut,
)

router = area_router("scm", tags=["payables"])


def _detail(bill_id: int) -> SupplierBill:
    """A bill with its lines and the match of each line (read by BillDetailOut)."""
    row = queries.bill(bill_id)
    row.match_rows = queries.match_table(row)  # type: ignore[attr-defined]
    return row


# --- bills ----------------------------------------------------------------------------------


@router.get("/bills", response=Page[BillOut], summary="List supplier bills")
def list_bills(
    request: HttpRequest,
    params: Query[ListParams],
    q: str = "",
    state: str = "",
    supplier_id: int | None = None,
    purchase_order_id: int | None = None,
    due_before: dt.date | None = None,
    overdue: bool = False,
) -> dict[str, Any]:
    """Bills, newest first unless sorted otherwise; ``overdue`` keeps open bills past due."""
    return paginate(
        queries.bills(
            q=q,
            state=state,
            supplier_id=supplier_id,
            purchase_order_id=purchase_order_id,
            due_before=due_before,
            overdue=overdue,
        ),
        params,
        sortable=queries.BILL_SORTS,
        default_sort=("-bill_date", "-pk"),
    )


@router.post("/bills", response={201: BillDetailOut}, summary="Record a supplier bill")
def create_bill(request: HttpRequest, data: BillIn) -> Status[SupplierBill]:
    """A draft bill; posting it runs the three-way match."""
    values = data.dict()
    values["lines"] = [dict(line) for line in values["lines"]]
    bill = bills.create_bill(**values)
    return Status(201, _detail(bill.pk))


@router.post(
    "/bills/from-order", response={201: BillDetailOut}, summary="Bill an order's accepted goods"
)
def create_bill_from_order(request: HttpRequest, data: BillFromOrderIn) -> Status[SupplierBill]:
    """A draft bill of everything accepted and not billed yet on the order, at PO prices."""
    bill = bills.create_bill_from_order(**data.dict())
    return Status(201, _detail(bill.pk))


@router.get(
    "/purchase-orders/{purchase_order_id}/bill-proposal",
    response=list[ProposalLineOut],
    summary="What a bill of the order would hold",
)
def bill_proposal(request: HttpRequest, purchase_order_id: int) -> list[dict[str, Any]]:
    """Per order line the accepted quantity not yet billed, at the PO price."""
    return queries.bill_proposal(purchase_order_id)


@router.get("/bills/aging", response=AgingOut, summary="Open bills by due date")
def aging(
    request: HttpRequest, supplier_id: int | None = None, on: dt.date | None = None
) -> dict[str, Any]:
    """What is owed, overdue first, with base-currency totals per aging bucket."""
    rows = queries.aging(supplier_id=supplier_id, on=on)
    return {**queries.aging_totals(rows), "items": rows}


@router.get("/bills/{bill_id}", response=BillDetailOut, summary="Get a bill with its match")
def get_bill(request: HttpRequest, bill_id: int) -> SupplierBill:
    """One bill, its lines and the match of each line (PO | accepted | billed)."""
    return _detail(bill_id)


@router.post("/bills/{bill_id}/post", response=BillDetailOut, summary="Post a bill")
def post_bill(request: HttpRequest, bill_id: int) -> SupplierBill:
    """Matched within tolerance the bill is posted, otherwise it waits in to_approve."""
    bills.post_bill(bill_id)
    return _detail(bill_id)


@router.post("/bills/{bill_id}/approve", response=BillDetailOut, summary="Approve a mismatch")
def approve_bill(request: HttpRequest, bill_id: int) -> SupplierBill:
    """The approver role accepts a mismatched bill (who and when are recorded)."""
    bills.approve_bill(bill_id)
    return _detail(bill_id)


@router.post("/bills/{bill_id}/refuse", response=BillDetailOut, summary="Refuse a mismatch")
def refuse_bill(request: HttpRequest, bill_id: int, data: RefuseIn) -> SupplierBill:
    """The approver role refuses a mismatched bill: it is cancelled with the reason."""
    bills.refuse_bill(bill_id, data.reason)
    return _detail(bill_id)


@router.post("/bills/{bill_id}/cancel", response=BillDetailOut, summary="Cancel a bill")
def cancel_bill(request: HttpRequest, bill_id: int) -> SupplierBill:
    """Cancel a bill nothing was paid or credited on."""
    bills.cancel_bill(bill_id)
    return _detail(bill_id)


# --- payments -------------------------------------------------------------------------------


@router.get("/supplier-payments", response=Page[PaymentOut], summary="List supplier payments")
def list_payments(
    request: HttpRequest,
    params: Query[ListParams],
    bill_id: int | None = None,
    supplier_id: int | None = None,
) -> dict[str, Any]:
    """Payments, newest first unless sorted otherwise."""
    return paginate(
        queries.payments(bill_id=bill_id, supplier_id=supplier_id),
        params,
        sortable=queries.PAYMENT_SORTS,
        default_sort=("-paid_on", "-pk"),
    )


@router.post(
    "/supplier-payments", response={201: PaymentOut}, summary="Register a supplier payment"
)
def register_payment(request: HttpRequest, data: PaymentIn) -> Status[SupplierPayment]:
    """Pay (part of) a bill; more than it still owes is refused (overpayment)."""
    return Status(201, payments.register_payment(**data.dict()))


# --- returns to vendor and credit notes -----------------------------------------------------


@router.get("/vendor-returns", response=Page[ReturnOut], summary="List returns to vendor")
def list_returns(
    request: HttpRequest,
    params: Query[ListParams],
    q: str = "",
    state: str = "",
    supplier_id: int | None = None,
) -> dict[str, Any]:
    """Returns, newest first unless sorted otherwise."""
    return paginate(
        queries.vendor_returns(q=q, state=state, supplier_id=supplier_id).prefetch_related("lines"),
        params,
        sortable=queries.RETURN_SORTS,
        default_sort=("-created_at", "-pk"),
    )


@router.post("/vendor-returns", response={201: ReturnOut}, summary="Prepare a return to vendor")
def create_return(request: HttpRequest, data: ReturnIn) -> Status[ReturnToVendor]:
    """A draft return of an order's goods; nothing moves until it ships."""
    values = data.dict()
    values["lines"] = [dict(line) for line in values["lines"]]
    row = vendor_returns.create_return(**values)
    return Status(201, queries.vendor_return(row.pk))


@router.get("/vendor-returns/{return_id}", response=ReturnOut, summary="Get a return to vendor")
def get_return(request: HttpRequest, return_id: int) -> ReturnToVendor:
    """One return with its lines and credit note."""
    return queries.vendor_return(return_id)


@router.post(
    "/vendor-returns/{return_id}/ship", response=ReturnOut, summary="Ship a return to vendor"
)
def ship_return(request: HttpRequest, return_id: int) -> ReturnToVendor:
    """The goods leave for the supplier; a credit note is expected."""
    vendor_returns.ship_return(return_id)
    return queries.vendor_return(return_id)


@router.post("/vendor-returns/{return_id}/cancel", response=ReturnOut, summary="Cancel a return")
def cancel_return(request: HttpRequest, return_id: int) -> ReturnToVendor:
    """Drop a return that has not shipped."""
    vendor_returns.cancel_return(return_id)
    return queries.vendor_return(return_id)


@router.get(
    "/supplier-credit-notes", response=Page[CreditNoteOut], summary="List supplier credit notes"
)
def list_credit_notes(
    request: HttpRequest,
    params: Query[ListParams],
    state: str = "",
    supplier_id: int | None = None,
) -> dict[str, Any]:
    """Credit notes, newest first unless sorted otherwise."""
    return paginate(
        queries.credit_notes(state=state, supplier_id=supplier_id),
        params,
        sortable=queries.CREDIT_NOTE_SORTS,
        default_sort=("-created_at", "-pk"),
    )


@router.post(
    "/supplier-credit-notes/{credit_note_id}/receive",
    response=CreditNoteOut,
    summary="Record the supplier's credit note",
)
def receive_credit_note(
    request: HttpRequest, credit_note_id: int, data: CreditNoteReceiveIn
) -> SupplierCreditNote:
    """Its number and actual amount; the difference to the expected amount is kept."""
    return vendor_returns.receive_credit_note(credit_note_id, **data.dict())


@router.post(
    "/supplier-credit-notes/{credit_note_id}/apply",
    response=CreditNoteOut,
    summary="Set a credit note off against a bill",
)
def apply_credit_note(
    request: HttpRequest, credit_note_id: int, data: CreditNoteApplyIn
) -> SupplierCreditNote:
    """The bill owes the credited amount less."""
    return payments.apply_credit_note(credit_note_id, data.bill_id)


# --- settings -------------------------------------------------------------------------------


@router.get("/payables/settings", response=SettingsOut, summary="Matching tolerances")
def get_settings(request: HttpRequest) -> PayablesSettings:
    """Tolerances and the approver role (defaults until changed)."""
    return services.settings()


@router.patch("/payables/settings", response=SettingsOut, summary="Change matching tolerances")
def update_settings(request: HttpRequest, data: SettingsIn) -> PayablesSettings:
    """Change tolerances or the approver role; ``price_tolerance_amount: ""`` removes the cap."""
    changes = {k: v for k, v in data.dict(exclude_unset=True).items() if v is not None}
    return services.update_settings(**changes)
