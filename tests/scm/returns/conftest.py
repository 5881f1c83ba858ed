"""Fixtures of the returns suite: the fulfillment world (WH1, mugs and tea, Acme GmbH) with
an order of 4 mugs at 9.99 less 15 %, 19 % tax, shipped in full."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from tests.scm.fulfillment.conftest import World, build_world

from valuechain.scm.fulfillment import packing, shipping
from valuechain.scm.fulfillment import services as fulfillment
from valuechain.scm.orders import services as orders

D = Decimal


def shipped_order(world: World, quantity: str = "4", *, ship: str | None = None) -> Any:
    """A confirmed order of mugs at 9.99 less 15 % and 19 % tax, ``ship`` of it shipped."""
    order = orders.confirm_order(
        orders.create_order(
            {
                "channel": "web",
                "account_id": world.account.pk,
                "currency": "EUR",
                "warehouse_id": world.warehouse.pk,
                "lines": [
                    {
                        "variant_id": world.mug.pk,
                        "quantity": quantity,
                        "unit_price": "9.99",
                        "discount_percent": "15",
                        "tax_rate": "0.19",
                    }
                ],
            }
        ).pk
    )
    pick_list = fulfillment.create_pick_list(warehouse_id=world.warehouse.pk, order_ids=[order.pk])
    line = pick_list.lines.get()
    amount = ship or quantity
    fulfillment.confirm_pick(pick_list.pk, line.pk, amount)
    package = packing.create_package(order_id=order.pk, warehouse_id=world.warehouse.pk)
    packing.pack_items(package.pk, [(line.pk, amount)])
    packing.close_package(package.pk)
    shipping.ship_packages([package.pk], carrier_name="DHL")
    order.refresh_from_db()
    return order


def on_hand(world: World, kind: str) -> Decimal:
    """Mugs on hand at WH1's location of that kind."""
    from valuechain.scm.inventory.models import StockBalance

    rows = StockBalance.objects.filter(
        variant=world.mug, location__warehouse=world.warehouse, location__kind=kind
    )
    return sum((row.on_hand for row in rows), D(0))


@pytest.fixture
def world(in_tenant_a: Any) -> World:
    """The fulfillment world in tenant A, as its administrator."""
    return build_world()


@pytest.fixture
def order(world: World) -> Any:
    """Four mugs, shipped."""
    return shipped_order(world)


__all__ = ["D", "on_hand", "shipped_order"]
