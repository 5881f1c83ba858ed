"""Fixtures of the payables suite: a supplier, a warehouse, items, and a factory of purchase
orders whose lines carry received / accepted / rejected quantities written with the ORM
(receiving and quality keep them in real use; payables only reads them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from valuechain.platform.tenancy.models import Tenant
from valuechain.scm.catalog import services as catalog
from valuechain.scm.catalog.models import Variant
from valuechain.scm.inventory import services as inventory
from valuechain.scm.inventory import warehouses
from valuechain.scm.inventory.models import StockBalance, Warehouse
from valuechain.scm.procurement import services as procurement
from valuechain.scm.procurement.models import Supplier
from valuechain.scm.purchasing.models import PurchaseOrder, PurchaseOrderLine

ORDER_DATE = dt.date(2026, 3, 2)


def D(value: Any) -> Decimal:
    """Decimal shorthand."""
    return Decimal(str(value))


def make_order(
    supplier: Supplier,
    warehouse: Warehouse,
    lines: list[dict[str, Any]],
    *,
    state: str = "received",
    currency: str = "EUR",
    terms: int = 30,
    number: str = "",
) -> PurchaseOrder:
    """A purchase order with lines: each dict has variant, quantity, unit_price and optional
    received / accepted / rejected quantities (received defaults to accepted + rejected)."""
    order = PurchaseOrder.objects.create(
        number=number or f"PO-{PurchaseOrder.objects.count() + 1:06d}",
        supplier=supplier,
        warehouse=warehouse,
        state=state,
        currency=currency,
        order_date=ORDER_DATE,
        payment_terms_days=terms,
    )
    for position, row in enumerate(lines, start=1):
        accepted = D(row.get("accepted", 0))
        rejected = D(row.get("rejected", 0))
        variant: Variant = row["variant"]
        PurchaseOrderLine.objects.create(
            order=order,
            position=position,
            variant=variant,
            sku=variant.sku,
            description=f"Item {variant.sku}",
            quantity=D(row["quantity"]),
            unit_price=D(row["unit_price"]),
            net_amount=(D(row["quantity"]) * D(row["unit_price"])).quantize(D("0.01")),
            received_quantity=D(row.get("received", accepted + rejected)),
            accepted_quantity=accepted,
            rejected_quantity=rejected,
        )
    return order


def on_hand(variant: Variant, warehouse: Warehouse, kind: str) -> Decimal:
    """On hand of a variant (no lot) at the warehouse's location of a kind."""
    row = StockBalance.objects.filter(
        variant=variant, location=inventory.location_of(warehouse, kind), lot__isnull=True
    ).first()
    return row.on_hand if row else D(0)


@dataclass
class Buying:
    """Tenant A's buying set-up: supplier NORD (45 days, EUR), warehouse WH1, two items."""

    tenant: Tenant
    supplier: Supplier
    warehouse: Warehouse
    bolt: Variant
    nut: Variant

    def order(self, *lines: dict[str, Any], **options: Any) -> PurchaseOrder:
        """A purchase order to NORD delivered to WH1."""
        return make_order(self.supplier, self.warehouse, list(lines), **options)

    def lines(self, order: PurchaseOrder) -> list[PurchaseOrderLine]:
        """The order's lines, fresh from the database, by position."""
        return list(PurchaseOrderLine.objects.filter(order=order).order_by("position"))


@pytest.fixture
def buying(in_tenant_a: Tenant) -> Buying:
    """Supplier NORD with 45-day terms (orders carry their own), warehouse WH1, BOLT and NUT."""
    supplier = procurement.create_supplier(
        code="NORD", name="Nordwerk", currency="EUR", payment_terms_days=45
    )
    warehouse = warehouses.create_warehouse(code="WH1", name="Main")
    bolt = catalog.create_product(name="Bolt", sku="BOLT").variants.get()
    nut = catalog.create_product(name="Nut", sku="NUT").variants.get()
    return Buying(in_tenant_a, supplier, warehouse, bolt, nut)
