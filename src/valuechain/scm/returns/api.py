"""API routes of customer returns (RMA).

Reading needs orders:read. The customer-facing steps (request, authorise, reject, cancel,
close with a refund, mark it paid) need crm:write, so service agents handle returns
without writing stock; the warehouse steps (receive, inspect) need scm:write.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Status

from valuechain.platform.api import ListParams, Page, area_auth, area_router, paginate
from valuechain.scm.returns import queries, services
from valuechain.scm.returns.models import CustomerRefund, ReturnAuthorization
from valuechain.scm.returns.schemas import (
    CloseIn,
    InspectIn,
    NoteIn,
    PaidIn,
    ReceiveIn,
    RefundListFilters,
    RefundOut,
    ReturnDetailOut,
    ReturnIn,
    ReturnListFilters,
    ReturnOut,
)

router = area_router("orders", tags=["returns"])
CUSTOMER = area_auth("crm")
WAREHOUSE = area_auth("scm")


@router.get("/returns", response=Page[ReturnOut], summary="List customer returns")
def list_returns(
    request: HttpRequest, filters: Query[ReturnListFilters], params: Query[ListParams]
) -> dict[str, Any]:
    """Returns (RMAs), newest first unless sorted otherwise."""
    return paginate(
        queries.rmas(filters.as_filters()),
        params,
        sortable=queries.RMA_SORTS,
        default_sort=("-created_at", "-id"),
    )


@router.post("/returns", response={201: ReturnDetailOut}, auth=CUSTOMER, summary="Request a return")
def request_return(request: HttpRequest, data: ReturnIn) -> Status[ReturnAuthorization]:
    """A return request over shipped lines of one order (at most shipped less returned)."""
    rma = services.request_return(
        order_id=data.order_id,
        lines=[line.dict() for line in data.lines],
        reason=data.reason,
        warehouse_id=data.warehouse_id,
    )
    return Status(201, queries.rma(rma.pk))


@router.get("/returns/{rma_id}", response=ReturnDetailOut, summary="Get a customer return")
def get_return(request: HttpRequest, rma_id: int) -> ReturnAuthorization:
    """One return with its lines and refund."""
    return queries.rma(rma_id)


@router.post(
    "/returns/{rma_id}/authorise", response=ReturnDetailOut, auth=CUSTOMER, summary="Authorise"
)
def authorise(request: HttpRequest, rma_id: int) -> ReturnAuthorization:
    """Accept the request: the customer may send the goods."""
    services.authorise(rma_id)
    return queries.rma(rma_id)


@router.post("/returns/{rma_id}/reject", response=ReturnDetailOut, auth=CUSTOMER, summary="Reject")
def reject(request: HttpRequest, rma_id: int, data: NoteIn) -> ReturnAuthorization:
    """Refuse the request, saying why."""
    services.reject(rma_id, note=data.note)
    return queries.rma(rma_id)


@router.post("/returns/{rma_id}/cancel", response=ReturnDetailOut, auth=CUSTOMER, summary="Cancel")
def cancel(request: HttpRequest, rma_id: int, data: NoteIn) -> ReturnAuthorization:
    """Drop a return whose goods have not come back."""
    services.cancel(rma_id, note=data.note)
    return queries.rma(rma_id)


@router.post(
    "/returns/{rma_id}/receive", response=ReturnDetailOut, auth=WAREHOUSE, summary="Receive"
)
def receive(request: HttpRequest, rma_id: int, data: ReceiveIn) -> ReturnAuthorization:
    """Book what came back into the warehouse's quality location."""
    services.receive(rma_id, data.quantities)
    return queries.rma(rma_id)


@router.post(
    "/returns/{rma_id}/inspect", response=ReturnDetailOut, auth=WAREHOUSE, summary="Inspect"
)
def inspect(request: HttpRequest, rma_id: int, data: InspectIn) -> ReturnAuthorization:
    """Condition and disposition per received line; restock and scrap move the goods."""
    services.inspect(rma_id, [result.dict() for result in data.results])
    return queries.rma(rma_id)


@router.post("/returns/{rma_id}/close", response=ReturnDetailOut, auth=CUSTOMER, summary="Close")
def close(request: HttpRequest, rma_id: int, data: CloseIn) -> ReturnAuthorization:
    """Close with a refund or credit note for what came back."""
    services.close(rma_id, method=data.method)
    return queries.rma(rma_id)


@router.get("/customer-refunds", response=Page[RefundOut], summary="List refunds")
def list_refunds(
    request: HttpRequest, filters: Query[RefundListFilters], params: Query[ListParams]
) -> dict[str, Any]:
    """Refunds and credit notes, newest first unless sorted otherwise."""
    return paginate(
        queries.refunds(filters.state, filters.method),
        params,
        sortable=queries.REFUND_SORTS,
        default_sort=("-created_at", "-id"),
    )


@router.post(
    "/customer-refunds/{refund_id}/paid",
    response=RefundOut,
    auth=CUSTOMER,
    summary="Mark a refund paid",
)
def mark_paid(request: HttpRequest, refund_id: int, data: PaidIn) -> CustomerRefund:
    """Record the payout (or that the credit note was used)."""
    return services.mark_refund_paid(refund_id, reference=data.reference)
