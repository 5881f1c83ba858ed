"""Reads of customer returns: lists with filters, one RMA with its lines, what an order
line may still return, the warehouse goods come back to, refunds, and the lines waiting
for a return to the vendor (the purchasing side picks them up)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from valuechain.scm.fulfillment.models import Shipment
from valuechain.scm.inventory.models import Warehouse
from valuechain.scm.orders.models import SalesOrder, SalesOrderLine
from valuechain.scm.returns import domain
from valuechain.scm.returns.models import CustomerRefund, ReturnAuthorization, ReturnLine

RMA_SORTS = ("number", "created_at", "state")
REFUND_SORTS = ("number", "created_at", "gross_amount", "state")


@dataclass(frozen=True)
class ReturnFilters:
    """What a list of returns can be narrowed by; None filters nothing."""

    state: str | None = None
    order_id: int | None = None
    account_id: int | None = None
    person_id: int | None = None
    q: str | None = None


def rmas(filters: ReturnFilters | None = None) -> QuerySet[ReturnAuthorization]:
    """Returns with their order, customer and warehouse loaded."""
    filters = filters or ReturnFilters()
    rows = ReturnAuthorization.objects.select_related("order", "account", "person", "warehouse")
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.order_id is not None:
        rows = rows.filter(order_id=filters.order_id)
    if filters.account_id is not None:
        rows = rows.filter(account_id=filters.account_id)
    if filters.person_id is not None:
        rows = rows.filter(person_id=filters.person_id)
    if filters.q:
        text = filters.q.strip()
        rows = rows.filter(
            Q(number__icontains=text)
            | Q(order__number__icontains=text)
            | Q(account__name__icontains=text)
        )
    return rows


def rma(rma_id: int) -> ReturnAuthorization:
    """One return with its lines loaded as ``line_rows`` and its refund; DoesNotExist else."""
    row = rmas().get(pk=rma_id)
    row.line_rows = lines(row.pk)  # type: ignore[attr-defined]
    row.refund_row = CustomerRefund.objects.filter(rma_id=row.pk).first()  # type: ignore[attr-defined]
    return row


def lines(rma_id: int) -> list[ReturnLine]:
    """The return's lines with their variant and order line."""
    return list(
        ReturnLine.objects.filter(rma_id=rma_id)
        .select_related("variant", "order_line")
        .order_by("pk")
    )


def claims(order_line_id: int) -> list[domain.Claim]:
    """Every RMA line on the order line, as the returnable rule reads them."""
    return [
        domain.Claim(state, requested, received)
        for state, requested, received in ReturnLine.objects.filter(
            order_line_id=order_line_id
        ).values_list("rma__state", "quantity", "quantity_received")
    ]


def returnable_lines(order: SalesOrder) -> list[SalesOrderLine]:
    """The order's lines with ``returnable`` (shipped less claimed) set on each."""
    rows = list(SalesOrderLine.objects.filter(order=order).order_by("position", "pk"))
    for row in rows:
        row.returnable = domain.returnable(Decimal(row.shipped_quantity), claims(row.pk))
    return rows


def return_warehouse(order_id: int, warehouse_id: int | None) -> Warehouse | None:
    """The warehouse named, else the one the order's first shipment left from, else the
    order's own warehouse."""
    if warehouse_id is not None:
        return Warehouse.objects.filter(pk=warehouse_id).first()
    shipped_from = (
        Shipment.objects.filter(order_id=order_id)
        .order_by("pk")
        .values_list("warehouse_id", flat=True)
        .first()
    )
    if shipped_from is None:
        shipped_from = (
            SalesOrder.objects.filter(pk=order_id).values_list("warehouse_id", flat=True).first()
        )
    return Warehouse.objects.filter(pk=shipped_from).first() if shipped_from else None


def refunds(state: str | None = None, method: str | None = None) -> QuerySet[CustomerRefund]:
    """Refunds and credit notes with their return and order."""
    rows = CustomerRefund.objects.select_related("rma", "order")
    if state:
        rows = rows.filter(state=state)
    if method:
        rows = rows.filter(method=method)
    return rows


def awaiting_return_to_vendor() -> list[ReturnLine]:
    """Inspected lines to send back to the supplier that no vendor return took yet.

    The goods wait in the warehouse's quality location; purchasing's return to vendor
    sets ``vendor_return_reference`` when it ships them.
    """
    return list(
        ReturnLine.objects.filter(
            disposition="return_to_vendor",
            vendor_return_reference="",
            rma__state__in=("inspected", "closed"),
        )
        .select_related("rma", "rma__warehouse", "variant")
        .order_by("rma__inspected_at", "pk")
    )


def timeline_summary(rma_row: ReturnAuthorization) -> dict[str, Any]:
    """Counts the detail page shows: lines, units requested and received."""
    rows = getattr(rma_row, "line_rows", None) or lines(rma_row.pk)
    return {
        "lines": len(rows),
        "requested": sum((row.quantity for row in rows), Decimal(0)),
        "received": sum((row.quantity_received for row in rows), Decimal(0)),
    }
