"""Fixtures of the fulfillment suite: a warehouse with two picking locations, stock of two
products (one lot-tracked), a customer and confirmed orders whose lines are reserved."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from valuechain.crm.customers import services as customers
from valuechain.platform.tenancy import services as tenancy
from valuechain.scm.catalog import services as catalog
from valuechain.scm.inventory import services as inventory
from valuechain.scm.inventory import warehouses
from valuechain.scm.inventory.models import Location, Warehouse
from valuechain.scm.orders import services as orders

D = Decimal
# GTIN-13s with correct check digits (GS1 mod-10 rule).
MUG_GTIN = "4006381333931"
TEA_GTIN = "4012345000009"


PASSWORD = "correct horse battery staple"


def member(tenant: Any, email: str, role: str) -> Any:
    """A user of the tenant in the role."""
    return tenancy.add_member(tenant, tenancy.create_user(email, PASSWORD), role)


def signed_in(membership: Any) -> Client:
    """A browser session of the member."""
    client = Client()
    client.force_login(membership.user)
    return client


def post(client: Any, path: str, data: object, **headers: Any) -> Any:
    """POST JSON to the API."""
    return client.post(
        f"/api/v1{path}", data=json.dumps(data, default=str), content_type="application/json"
    )


def patch(client: Any, path: str, data: object) -> Any:
    """PATCH JSON to the API."""
    return client.patch(
        f"/api/v1{path}", data=json.dumps(data, default=str), content_type="application/json"
    )


def error(response: Any, status: int, code: str, field: str | None = None) -> dict[str, Any]:
    """Assert the API's error shape."""
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code, body
    assert body["message"]
    if field is not None:
        assert body["details"]["field"] == field, body
    return body


@dataclass
class World:
    """Tenant A's warehouse, locations, products and customer."""

    warehouse: Warehouse
    shelf_a: Location  # pick_order 10, walked first
    shelf_b: Location  # pick_order 20
    mug: Any  # variant, untracked, 0.35 kg when catalog knows weights
    tea: Any  # variant, lot-tracked
    account: Any

    def order(self, *lines: tuple[Any, str], confirm: bool = True) -> Any:
        """A web order of the account with (variant, quantity) lines, confirmed (reserved)."""
        order = orders.create_order(
            {
                "channel": "web",
                "account_id": self.account.pk,
                "currency": "EUR",
                "warehouse_id": self.warehouse.pk,
                "lines": [
                    {"variant_id": variant.pk, "quantity": qty, "unit_price": "10.00"}
                    for variant, qty in lines
                ],
            }
        )
        if confirm:
            order = orders.confirm_order(order.pk)
        return order


def _location(warehouse: Warehouse, suffix: str, pick_order: int) -> Location:
    return warehouses.create_location(
        warehouse_id=warehouse.pk, kind="stock", suffix=suffix, pick_order=pick_order
    )


def build_world() -> World:
    """WH1 with shelves A (walked first) and B; 20 mugs on B, 10 tea of lot L1 on A."""
    warehouse = warehouses.create_warehouse(code="WH1", name="Main warehouse")
    shelf_b = _location(warehouse, "B-01", 20)
    shelf_a = _location(warehouse, "A-01", 10)
    mug = catalog.create_product(name="Mug", sku="MUG-1", gtin=MUG_GTIN).variants.get()
    tea = catalog.create_product(name="Tea", sku="TEA-1", gtin=TEA_GTIN).variants.get()
    inventory.receive(variant=mug, warehouse=warehouse, quantity=D("20"), location=shelf_b)
    inventory.receive(
        variant=tea, warehouse=warehouse, quantity=D("10"), location=shelf_a, lot_number="L1"
    )
    account = customers.create_account(name="Acme GmbH")
    return World(warehouse, shelf_a, shelf_b, mug, tea, account)


@pytest.fixture
def world(in_tenant_a: Any) -> World:
    """The world of ``build_world`` in tenant A, as its administrator."""
    return build_world()
