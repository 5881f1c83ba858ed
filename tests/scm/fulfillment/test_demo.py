"""The demo seeder: a few reserved orders picked, packed into packages and shipped."""

from __future__ import annotations

import random

from valuechain.platform.ops.demo_registry import demo_seeders
from valuechain.scm.fulfillment.demo import seed_fulfillment
from valuechain.scm.fulfillment.models import Package, PickList, Shipment
from valuechain.scm.orders.models import SalesOrder


def test_seed_ships_four_orders_and_leaves_a_list_open(world):
    orders = [world.order((world.mug, "1"), (world.tea, "1")) for _ in range(5)]
    orders.append(world.order((world.mug, "2")))
    summary = seed_fulfillment(random.Random(7))
    assert summary == "4 orders shipped, 1 pick lists left open"
    shipped = list(SalesOrder.objects.filter(state="shipped").order_by("pk"))
    assert shipped == orders[:4]
    assert Shipment.objects.count() == 4
    # Orders with two lines travel in two packages.
    assert Package.objects.filter(state="shipped").count() == 8
    assert all(p.length_cm is not None for p in Package.objects.all())
    (open_list,) = PickList.objects.filter(state="open")
    assert sorted({li.order_line.order_id for li in open_list.lines.all()}) == [
        orders[4].pk,
        orders[5].pk,
    ]
    names = [s.name for s in demo_seeders()]
    assert names.index("fulfillment") > names.index("orders")


def test_seed_without_reservations_does_nothing(in_tenant_a):
    assert seed_fulfillment(random.Random(7)) == "0 orders shipped, 0 pick lists left open"
