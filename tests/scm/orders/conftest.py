"""Fixtures of the order tests: a small shop (products, prices, taxes, warehouses, stock,
customers) in tenant A, and a JSON API helper."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from valuechain.crm.customers import services as customers
from valuechain.crm.customers.models import Account, Person
from valuechain.scm.catalog import pricing_services
from valuechain.scm.catalog import services as catalog
from valuechain.scm.catalog.models import Variant
from valuechain.scm.inventory import services as inventory
from valuechain.scm.inventory import warehouses
from valuechain.scm.inventory.models import Warehouse


class Api:
    """JSON calls to /api/v1 and the assertion of the one error shape."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def get(self, path: str) -> Any:
        """GET from the API."""
        return self.client.get(f"/api/v1{path}")

    def post(self, path: str, data: object = None, **headers: str) -> Any:
        """POST JSON to the API."""
        body = json.dumps({} if data is None else data)
        return self.client.post(
            f"/api/v1{path}", data=body, content_type="application/json", headers=headers
        )

    @staticmethod
    def error(response: Any, status: int, code: str, field: str | None = None) -> dict[str, Any]:
        """Assert the error shape with the status, code and field."""
        assert response.status_code == status, response.content
        body = response.json()
        assert body["code"] == code, body
        assert body["message"]
        if field is not None:
            assert body["details"]["field"] == field, body
        return dict(body)


@pytest.fixture
def api(client_a: Client) -> Api:
    """The API as tenant A's administrator."""
    return Api(client_a)


@dataclass
class Shop:
    """What the order tests sell and to whom."""

    widget: Variant  # stockable, 10.00 EUR (9.00 from 10), 8.00 for wholesale
    gadget: Variant  # stockable, 25.50 EUR, reduced tax class
    service: Variant  # installation service, 40.00 EUR
    mto: Variant  # made to order, 500.00 EUR
    kit: Variant  # 1 widget + 2 gadgets, 55.00 EUR
    central: Warehouse  # DE, priority 1, 20 widgets, 10 gadgets
    store: Warehouse  # a shop with 5 widgets
    ada: Person  # ships to DE, region BY
    acme: Account  # wholesale, ships to FR
    bob: Person  # contact of Acme, loyalty card LC-1001


def _product(name: str, sku: str, gtin: str = "", **kwargs: Any) -> Variant:
    product = catalog.create_product(name=name, sku=sku, gtin=gtin, **kwargs)
    return Variant.objects.get(product=product)


@pytest.fixture
def shop(in_tenant_a: Any) -> Shop:
    """A shop in tenant A (the test body runs in tenant A's context)."""
    widget = _product("Widget", "W-1", "4006381333931")
    gadget = _product("Gadget", "G-1", "4000001000005", tax_class="reduced")
    service = _product("Installation", "SRV-1", kind="service")
    mto = _product("Custom cabinet", "MTO-1", supply_mode="mto")
    kit = _product("Starter kit", "KIT-1")
    catalog.set_kit_components(kit.pk, [(widget.pk, 1), (gadget.pk, 2)])
    general = pricing_services.create_price_list(name="Retail EUR", currency="EUR")
    for variant, price in [
        (widget, "10.00"),
        (gadget, "25.50"),
        (service, "40.00"),
        (mto, "500.00"),
        (kit, "55.00"),
    ]:
        pricing_services.set_price(general.pk, variant_id=variant.pk, unit_price=price)
    pricing_services.set_price(general.pk, variant_id=widget.pk, unit_price="9.00", min_quantity=10)
    group = pricing_services.create_customer_group(code="wholesale", name="Wholesale")
    wholesale = pricing_services.create_price_list(
        name="Wholesale EUR", currency="EUR", customer_group="wholesale"
    )
    pricing_services.set_price(wholesale.pk, variant_id=widget.pk, unit_price="8.00")
    pricing_services.set_tax_rate(country="DE", rate="0.19")
    pricing_services.set_tax_rate(country="DE", rate="0.07", tax_class="reduced")
    pricing_services.set_tax_rate(country="FR", rate="0.20")
    central = warehouses.create_warehouse(code="CEN", name="Central", priority=1, country="DE")
    store = warehouses.create_warehouse(
        code="ST1", name="Store Berlin", is_store=True, country="DE"
    )
    inventory.receive(variant=widget, warehouse=central, quantity=Decimal(20))
    inventory.receive(variant=gadget, warehouse=central, quantity=Decimal(10))
    inventory.receive(variant=widget, warehouse=store, quantity=Decimal(5))
    ada = customers.create_person(first_name="Ada", last_name="Lovelace")
    customers.add_address(
        "person",
        ada.pk,
        address_kind="shipping",
        line1="Hauptstr. 1",
        city="Munich",
        region="BY",
        postal_code="80331",
        country="DE",
        is_default=True,
    )
    acme = customers.create_account(name="Acme SARL")
    customers.add_address(
        "account", acme.pk, address_kind="shipping", line1="1 rue", city="Paris", country="FR"
    )
    pricing_services.assign_customer_group(group.pk, account_id=acme.pk)
    bob = customers.create_person(first_name="Bob", last_name="Buyer", account_id=acme.pk)
    from valuechain.crm.customers import interactions

    interactions.add_identifier("person", bob.pk, kind="loyalty_card", value="LC-1001")
    return Shop(widget, gadget, service, mto, kit, central, store, ada, acme, bob)
