"""API routes of orders (orders area, implied by scm): sales orders and the POS sale."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Status

from valuechain.platform.api import ListParams, Page, area_router, paginate
from valuechain.scm.orders import conversion, pos, queries, services
from valuechain.scm.orders.models import SalesOrder
from valuechain.scm.orders.schemas import (
    CancelIn,
    FromOpportunityIn,
    LineIn,
    OrderIn,
    OrderListFilters,
    OrderOut,
    OrderSummaryOut,
    PosSaleIn,
    PosSaleOut,
)

router = area_router("orders", tags=["orders"])


@router.get("/sales-orders", response=Page[OrderSummaryOut], summary="List sales orders")
def list_orders(
    request: HttpRequest, filters: Query[OrderListFilters], params: Query[ListParams]
) -> dict[str, Any]:
    """Orders, newest first unless sorted otherwise; filter by state, channel, customer."""
    return paginate(
        queries.orders(filters.as_filters()),
        params,
        sortable=queries.ORDER_SORTS,
        default_sort=("-created_at",),
    )


@router.post("/sales-orders", response={201: OrderOut}, summary="Create a sales order")
def create_order(request: HttpRequest, data: OrderIn) -> Status[SalesOrder]:
    """A draft order from any channel, priced from the price lists unless prices are given.

    With ``confirm: true`` it is confirmed in the same transaction: a shortage then answers
    409 ``insufficient_stock`` and no order is created.
    """
    values = data.dict()
    confirm = values.pop("confirm")
    values["lines"] = [{k: v for k, v in line.items() if v is not None} for line in values["lines"]]
    created = services.create_and_confirm(values) if confirm else services.create_order(values)
    return Status(201, queries.order(created.pk))


@router.get("/sales-orders/{order_id}", response=OrderOut, summary="Get a sales order")
def get_order(request: HttpRequest, order_id: int) -> SalesOrder:
    """One order with its lines."""
    return queries.order(order_id)


@router.post("/sales-orders/{order_id}/lines", response={201: OrderOut}, summary="Add a line")
def add_line(request: HttpRequest, order_id: int, data: LineIn) -> Status[SalesOrder]:
    """Add a line to a draft."""
    services.add_line(order_id, {k: v for k, v in data.dict().items() if v is not None})
    return Status(201, queries.order(order_id))


@router.post("/sales-orders/{order_id}/confirm", response=OrderOut, summary="Confirm an order")
def confirm_order(request: HttpRequest, order_id: int) -> SalesOrder:
    """Reserve stock (409 ``insufficient_stock`` with the available quantity when short)."""
    services.confirm_order(order_id)
    return queries.order(order_id)


@router.post("/sales-orders/{order_id}/cancel", response=OrderOut, summary="Cancel an order")
def cancel_order(request: HttpRequest, order_id: int, data: CancelIn) -> SalesOrder:
    """Cancel a draft or confirmed order; reservations are released."""
    services.cancel_order(order_id, reason=data.reason)
    return queries.order(order_id)


@router.post("/sales-orders/{order_id}/close", response=OrderOut, summary="Close an order")
def close_order(request: HttpRequest, order_id: int) -> SalesOrder:
    """Close a shipped order."""
    services.close_order(order_id)
    return queries.order(order_id)


@router.post(
    "/sales-orders/from-opportunity/{opportunity_id}",
    response={201: OrderOut},
    summary="Create an order from a won opportunity",
)
def from_opportunity(
    request: HttpRequest, opportunity_id: int, data: FromOpportunityIn
) -> Status[SalesOrder]:
    """The opportunity's customer, currency, lines (by SKU) and prices; one order per deal."""
    created = conversion.order_from_opportunity(opportunity_id, data.dict())
    return Status(201, queries.order(created.pk))


@router.post("/pos/sales", response={200: PosSaleOut, 201: PosSaleOut}, summary="Post a store sale")
def pos_sale(request: HttpRequest, data: PosSaleIn) -> Status[dict[str, Any]]:
    """One call per receipt: lines by GTIN, payment, optional customer or loyalty card.

    Creates a shipped POS order, takes the items out of the store's stock and writes the
    touch point on the customer's timeline, all in one transaction. The receipt number makes
    it idempotent: the same store and receipt again answers the stored sale with 200 and
    changes nothing (an ``Idempotency-Key`` replays the first response as well).
    """
    sale = pos.post_sale(data.dict())
    return Status(
        200 if sale.replayed else 201,
        {
            "order": queries.order(sale.order.pk),
            "change": str(sale.change),
            "interaction_id": sale.interaction_id,
            "person_id": sale.order.person_id,
            "account_id": sale.order.account_id,
        },
    )
