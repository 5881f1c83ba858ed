"""The read side of purchasing: order lists and details, the EDI source of an order, the
supplier's e-mail address and the global search."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet

from valuechain.crm.customers.models import EmailAddress
from valuechain.platform.tenancy.context import require_tenant_id
from valuechain.platform.tenancy.models import Tenant
from valuechain.scm.purchasing import edi
from valuechain.scm.purchasing.models import (
    DeliveryLocation,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchasingSettings,
)
from valuechain.scm.purchasing.services import not_found

ORDER_SORTS = ("number", "order_date", "state", "supplier_code", "net_total", "base_net_total")


def orders(
    *,
    q: str = "",
    state: str = "",
    supplier_id: int | None = None,
    warehouse_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[PurchaseOrder]:
    """Purchase orders with supplier and warehouse; ``q`` searches number and supplier."""
    rows = PurchaseOrder.objects.select_related("supplier__account", "warehouse").annotate(
        supplier_code=F("supplier__code")
    )
    if q:
        rows = rows.filter(
            Q(number__icontains=q)
            | Q(supplier__code__icontains=q)
            | Q(supplier__account__name__icontains=q)
        )
    if state:
        rows = rows.filter(state__in=[s.strip() for s in state.split(",") if s.strip()])
    if supplier_id is not None:
        rows = rows.filter(supplier_id=supplier_id)
    if warehouse_id is not None:
        rows = rows.filter(warehouse_id=warehouse_id)
    if date_from is not None:
        rows = rows.filter(order_date__gte=date_from)
    if date_to is not None:
        rows = rows.filter(order_date__lte=date_to)
    return rows


def order(order_id: int) -> PurchaseOrder:
    """One order with its lines (in position order) or 404."""
    row = (
        orders()
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=PurchaseOrderLine.objects.select_related("variant").order_by("position"),
            )
        )
        .filter(pk=order_id)
        .first()
    )
    if row is None:
        raise not_found("purchase order")
    return row


def supplier_email(purchase_order: PurchaseOrder) -> str:
    """The supplier account's primary e-mail address (else its first one), or ""."""
    found = (
        EmailAddress.objects.filter(account_id=purchase_order.supplier.account_id)
        .order_by("-is_primary", "email", "pk")
        .values_list("email", flat=True)
        .first()
    )
    return found or ""


def buyer_gln() -> str:
    """The tenant's own GLN (purchasing settings), or ""."""
    return PurchasingSettings.objects.values_list("buyer_gln", flat=True).first() or ""


def ship_to_gln(warehouse_id: int) -> str:
    """The GLN of a warehouse as a delivery location, or ""."""
    return (
        DeliveryLocation.objects.filter(warehouse_id=warehouse_id)
        .values_list("gln", flat=True)
        .first()
        or ""
    )


def edi_source(purchase_order: PurchaseOrder) -> edi.EdiOrder:
    """Read an order (with lines loaded by ``order``) into the EDI mapping's input."""
    tenant = Tenant.objects.get(pk=require_tenant_id())
    warehouse = purchase_order.warehouse
    supplier = purchase_order.supplier
    parties = (
        edi.EdiParty("BY", tenant.name, tenant.slug.upper(), buyer_gln()),
        edi.EdiParty("SE", supplier.account.name, supplier.code, supplier.gln),
        edi.EdiParty(
            "ST",
            warehouse.name,
            warehouse.code,
            ship_to_gln(warehouse.pk),
            warehouse.country,
            warehouse.postal_code,
        ),
    )
    lines = tuple(
        edi.EdiLine(
            position=line.position,
            quantity=line.quantity,
            uom=line.uom,
            unit_price=line.unit_price,
            sku=line.sku,
            supplier_sku=line.supplier_sku,
            gtin=line.gtin,
            description=line.description,
            requested_on=line.requested_on,
        )
        for line in purchase_order.lines.all()
    )
    return edi.EdiOrder(
        number=purchase_order.number,
        order_date=purchase_order.order_date,
        currency=purchase_order.currency,
        payment_terms_days=purchase_order.payment_terms_days,
        incoterm=purchase_order.incoterm,
        incoterm_place=purchase_order.incoterm_place,
        requested_on=purchase_order.requested_on,
        net_total=purchase_order.net_total,
        parties=parties,
        lines=lines,
    )


def search_orders(query: str, limit: int) -> list[Any]:
    """Global-search provider: purchase orders by number or supplier."""
    from django.urls import reverse

    from valuechain.platform.web.registry import SearchHit

    return [
        SearchHit(
            kind="purchase order",
            title=f"{row.number} {row.supplier.code}",
            detail=f"{row.state.replace('_', ' ')} · {row.net_total} {row.currency}",
            url=reverse("purchasing-order", args=[row.pk]),
        )
        for row in orders(q=query).order_by("-order_date", "-pk")[:limit]
    ]
