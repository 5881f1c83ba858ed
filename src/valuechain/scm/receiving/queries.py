"""The read side of receiving: receipts, ship notices, expected receipts and a purchase
order's lines as the receiving screen shows them. Free of N+1 (select/prefetch related)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet

from valuechain.scm.purchasing.domain import RECEIVABLE_STATES
from valuechain.scm.purchasing.models import PurchaseOrder, PurchaseOrderLine
from valuechain.scm.receiving.models import (
    AdvanceShipNotice,
    AdvanceShipNoticeLine,
    Receipt,
    ReceiptLine,
)
from valuechain.scm.receiving.services import not_found

RECEIPT_SORTS = ("number", "received_at", "created_at")
ASN_SORTS = ("number", "expected_on", "state", "created_at")


def receipts(
    *,
    q: str = "",
    purchase_order_id: int | None = None,
    warehouse_id: int | None = None,
    supplier_id: int | None = None,
) -> QuerySet[Receipt]:
    """Receipts with their order, supplier and warehouse; lines prefetched."""
    rows = Receipt.objects.select_related(
        "purchase_order__supplier__account", "warehouse", "asn", "received_by"
    ).prefetch_related(
        Prefetch(
            "lines",
            queryset=ReceiptLine.objects.select_related(
                "variant__product", "location", "po_line", "lot"
            ).order_by("pk"),
        )
    )
    if q:
        rows = rows.filter(
            Q(number__icontains=q)
            | Q(purchase_order__number__icontains=q)
            | Q(asn__number__icontains=q)
        )
    if purchase_order_id:
        rows = rows.filter(purchase_order_id=purchase_order_id)
    if warehouse_id:
        rows = rows.filter(warehouse_id=warehouse_id)
    if supplier_id:
        rows = rows.filter(purchase_order__supplier_id=supplier_id)
    return rows


def receipt(receipt_id: int) -> Receipt:
    """One receipt with its lines; ``receipt_not_found`` (404) otherwise."""
    row = receipts().filter(pk=receipt_id).first()
    if row is None:
        raise not_found("receipt")
    return row


def asns(
    *,
    q: str = "",
    state: str = "",
    purchase_order_id: int | None = None,
    supplier_id: int | None = None,
) -> QuerySet[AdvanceShipNotice]:
    """Ship notices with their order and supplier; lines prefetched."""
    rows = AdvanceShipNotice.objects.select_related(
        "purchase_order__warehouse", "supplier__account"
    ).prefetch_related(
        Prefetch(
            "lines",
            queryset=AdvanceShipNoticeLine.objects.select_related("po_line").order_by("pk"),
        )
    )
    if q:
        rows = rows.filter(Q(number__icontains=q) | Q(purchase_order__number__icontains=q))
    if state:
        rows = rows.filter(state=state)
    if purchase_order_id:
        rows = rows.filter(purchase_order_id=purchase_order_id)
    if supplier_id:
        rows = rows.filter(supplier_id=supplier_id)
    return rows


def asn(asn_id: int) -> AdvanceShipNotice:
    """One ship notice with its lines; ``ship_notice_not_found`` (404) otherwise."""
    row = asns().filter(pk=asn_id).first()
    if row is None:
        raise not_found("ship notice")
    return row


def expected_asn_for_sscc(purchase_order_id: int, sscc: str) -> AdvanceShipNotice | None:
    """The expected ship notice of the order that announced the package ``sscc``."""
    return (
        AdvanceShipNotice.objects.filter(
            purchase_order_id=purchase_order_id, state="expected", lines__sscc=sscc
        )
        .order_by("pk")
        .first()
    )


def receivable_order(purchase_order_id: int) -> PurchaseOrder:
    """A purchase order with its lines (variant loaded) for the receiving screen."""
    order = (
        PurchaseOrder.objects.select_related("supplier__account", "warehouse")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=PurchaseOrderLine.objects.select_related("variant__product").order_by(
                    "position", "pk"
                ),
            )
        )
        .filter(pk=purchase_order_id)
        .first()
    )
    if order is None:
        raise not_found("purchase order")
    return order


def order_by_number(number: str) -> PurchaseOrder | None:
    """A purchase order by its number (case-insensitive), or None."""
    return PurchaseOrder.objects.filter(number__iexact=number.strip()).first()


@dataclass(frozen=True)
class ExpectedLine:
    """One open purchase-order line due on a day (with the order and the ASN announcing it)."""

    line: PurchaseOrderLine
    due_on: dt.date | None
    open_quantity: Decimal


def expected_lines(
    *, due_by: dt.date | None = None, warehouse_id: int | None = None
) -> list[ExpectedLine]:
    """Open lines of sent and partially received orders, earliest due first (undated last)."""
    rows = (
        PurchaseOrderLine.objects.select_related(
            "order__supplier__account", "order__warehouse", "variant__product"
        )
        .filter(order__state__in=RECEIVABLE_STATES, received_quantity__lt=F("quantity"))
        .order_by("pk")
    )
    if warehouse_id:
        rows = rows.filter(order__warehouse_id=warehouse_id)
    result = []
    for line in rows:
        due = line.requested_on or line.order.requested_on
        if due_by is not None and (due is None or due > due_by):
            continue
        result.append(ExpectedLine(line, due, line.open_quantity))
    far = dt.date.max
    return sorted(result, key=lambda e: (e.due_on or far, e.line.order.number, e.line.position))


def expected_asns(
    *, due_by: dt.date | None = None, warehouse_id: int | None = None
) -> QuerySet[AdvanceShipNotice]:
    """Ship notices still expected, by expected date."""
    rows = asns(state="expected")
    if due_by is not None:
        rows = rows.filter(expected_on__lte=due_by)
    if warehouse_id:
        rows = rows.filter(purchase_order__warehouse_id=warehouse_id)
    return rows.order_by("expected_on", "pk")


def search_receipts(query: str, limit: int) -> list[Any]:
    """Global-search provider: receipts by number, order number or ASN number."""
    from django.urls import reverse

    from valuechain.platform.web.registry import SearchHit

    return [
        SearchHit(
            kind="receipt",
            title=row.number,
            detail=f"{row.purchase_order.number} · {row.purchase_order.supplier.code}",
            url=reverse("receiving-receipt", args=[row.pk]),
        )
        for row in receipts(q=query).order_by("-pk")[:limit]
    ]


def inspections_of(row: Receipt) -> dict[int, Any]:
    """The inspections of a receipt's inspected lines by id (number, state, split)."""
    from valuechain.scm.quality.models import Inspection

    ids = [line.inspection_id for line in row.lines.all() if line.inspection_id]
    return {i.pk: i for i in Inspection.objects.filter(pk__in=ids)} if ids else {}
