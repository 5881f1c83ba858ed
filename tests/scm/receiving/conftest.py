"""Fixtures of the receiving suite: a warehouse, a supplier with two supplied items, and a
purchase-order factory (the ORM directly: receiving only needs sent orders)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Sum
from django.utils import timezone

from valuechain.platform.tenancy.models import Tenant
from valuechain.scm.catalog import services as catalog
from valuechain.scm.catalog.models import Variant
from valuechain.scm.inventory import warehouses
from valuechain.scm.inventory.models import StockBalance, Warehouse
from valuechain.scm.procurement import services as procurement
from valuechain.scm.procurement.models import Supplier, SupplierProduct
from valuechain.scm.purchasing.models import PurchaseOrder, PurchaseOrderLine
from valuechain.scm.quality import plans as quality_plans


def D(value: Any) -> Decimal:
    """Decimal shorthand."""
    return Decimal(str(value))


def on_hand(variant: Variant, kind: str, warehouse: Warehouse | None = None) -> Decimal:
    """What the balance rows hold of the variant in locations of a kind."""
    rows = StockBalance.objects.filter(variant=variant, location__kind=kind)
    if warehouse is not None:
        rows = rows.filter(location__warehouse=warehouse)
    return rows.aggregate(total=Sum("on_hand"))["total"] or Decimal(0)


def make_po(
    supplier: Supplier,
    warehouse: Warehouse,
    lines: list[tuple[Variant, Any, Any]],
    *,
    state: str = "sent",
    fx_rate: Any = 1,
    number: str = "",
    order_date: dt.date = dt.date(2026, 3, 2),
    sent_on: dt.date | None = dt.date(2026, 3, 2),
    currency: str = "EUR",
) -> PurchaseOrder:
    """A purchase order with ``[(variant, quantity, unit price), …]`` in the given state."""
    count = PurchaseOrder.objects.count()
    sent_at = timezone.make_aware(dt.datetime.combine(sent_on, dt.time(9, 0))) if sent_on else None
    order = PurchaseOrder.objects.create(
        number=number or f"PO-{count + 1:06d}",
        supplier=supplier,
        warehouse=warehouse,
        state=state,
        currency=currency,
        fx_rate=D(fx_rate),
        order_date=order_date,
        sent_at=sent_at,
    )
    for position, (variant, quantity, price) in enumerate(lines, start=1):
        PurchaseOrderLine.objects.create(
            order=order,
            position=position,
            variant=variant,
            supplier_product=SupplierProduct.objects.filter(
                supplier=supplier, variant=variant
            ).first(),
            sku=variant.sku,
            gtin=variant.gtin,
            description=variant.display_name,
            quantity=D(quantity),
            unit_price=D(price),
            net_amount=(D(quantity) * D(price)).quantize(D("0.01")),
        )
    return order


def received_on(day: dt.date) -> dt.datetime:
    """Noon of a day in the current time zone (a receipt's time)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def inspect_on_receipt(variant: Variant, **values: Any) -> Any:
    """A receipt inspection plan for the variant with one pass/fail check."""
    return quality_plans.create_plan(
        {
            "name": f"Incoming {variant.sku}",
            "stage": "receipt",
            "variant_id": variant.pk,
            "checks": [{"name": "Packaging intact", "kind": "pass_fail"}],
            **values,
        }
    )


@dataclass
class Receiving:
    """Tenant A with warehouse WH1, supplier NORD supplying bolts and nuts."""

    tenant: Tenant
    warehouse: Warehouse
    nord: Supplier
    bolt: Variant
    nut: Variant


@pytest.fixture
def receiving(in_tenant_a: Tenant) -> Receiving:
    """A warehouse, a supplier and two supplied variants (the bolt has a GTIN)."""
    warehouse = warehouses.create_warehouse(code="WH1", name="Main")
    bolt = catalog.create_product(name="Bolt", sku="BOLT", gtin="4006381333931").variants.get()
    nut = catalog.create_product(name="Nut", sku="NUT").variants.get()
    nord = procurement.create_supplier(code="NORD", name="Nordwerk GmbH")
    for item in (bolt, nut):
        procurement.create_supplier_product(
            supplier_id=nord.pk,
            variant_id=item.pk,
            price_breaks=[{"min_quantity": 0, "unit_price": D(1)}],
            lead_time_days=D(7),
        )
    return Receiving(in_tenant_a, warehouse, nord, bolt, nut)
