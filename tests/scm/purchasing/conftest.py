"""Fixtures of the purchasing suite: a warehouse, two items, two suppliers with price lists."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from valuechain.crm.customers import services as customers
from valuechain.platform.tenancy.models import Tenant
from valuechain.scm.catalog import services as catalog
from valuechain.scm.catalog.models import Variant
from valuechain.scm.inventory import warehouses
from valuechain.scm.inventory.models import Warehouse
from valuechain.scm.procurement import services as procurement
from valuechain.scm.procurement.models import Supplier, SupplierProduct


def D(value: Any) -> Decimal:
    """Decimal shorthand."""
    return Decimal(str(value))


def supplied(
    supplier: Supplier, item: Variant, prices: list[tuple[Any, Any]], **values: Any
) -> SupplierProduct:
    """A supplied product with ``[(from quantity, unit price), …]``."""
    return procurement.create_supplier_product(
        supplier_id=supplier.pk,
        variant_id=item.pk,
        price_breaks=[{"min_quantity": D(q), "unit_price": D(p)} for q, p in prices],
        **values,
    )


def post(client: Client, path: str, data: object = None) -> Any:
    """POST JSON to the API."""
    return client.post(
        f"/api/v1{path}", data=json.dumps(data or {}, default=str), content_type="application/json"
    )


def patch(client: Client, path: str, data: object) -> Any:
    """PATCH JSON to the API."""
    return client.patch(
        f"/api/v1{path}", data=json.dumps(data, default=str), content_type="application/json"
    )


def error(response: Any, status: int, code: str, field: str | None = None) -> dict[str, Any]:
    """Assert the API's error shape and code."""
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code, body
    assert set(body) == {"code", "message", "details"}
    if field is not None:
        assert body["details"]["field"] == field, body
    return body


@dataclass
class Buying:
    """Tenant A: warehouse WH1, items BOLT and NUT, suppliers NORD and LYON (EUR)."""

    tenant: Tenant
    warehouse: Warehouse
    bolt: Variant
    nut: Variant
    nord: Supplier
    lyon: Supplier
    nord_bolt: SupplierProduct
    lyon_bolt: SupplierProduct
    nord_nut: SupplierProduct


def make_world(tenant: Tenant) -> Buying:
    """The suite's world, in the current tenant context."""
    warehouse = warehouses.create_warehouse(code="WH1", name="Main warehouse", country="DE")
    bolt = catalog.create_product(name="Bolt", sku="BOLT").variants.get()
    bolt.gtin = "4006381333931"
    bolt.save()
    nut = catalog.create_product(name="Nut", sku="NUT").variants.get()
    nord = procurement.create_supplier(
        code="NORD", name="Nordwerk GmbH", incoterm="DAP", gln="4012345000009"
    )
    lyon = procurement.create_supplier(code="LYON", name="Lyon Emballages", payment_terms_days=45)
    customers.add_email("account", nord.account_id, email="orders@nordwerk.example")
    nord_bolt = supplied(
        nord,
        bolt,
        [(0, "1.00"), (100, "0.90")],
        supplier_sku="NW-B",
        lead_time_days=5,
        min_order_quantity=10,
        pack_size=10,
    )
    lyon_bolt = supplied(lyon, bolt, [(0, "0.95")], supplier_sku="LY-B", lead_time_days=9)
    nord_nut = supplied(nord, nut, [(0, "0.20")], supplier_sku="NW-N", lead_time_days=3)
    return Buying(tenant, warehouse, bolt, nut, nord, lyon, nord_bolt, lyon_bolt, nord_nut)


@pytest.fixture
def buying(in_tenant_a: Tenant) -> Buying:
    """The world, with the test body running in tenant A as its administrator."""
    return make_world(in_tenant_a)
