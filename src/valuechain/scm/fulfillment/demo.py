"""Demo fulfillment: a few of the demo company's confirmed orders picked, packed and shipped,
and one pick list left open for the warehouse to work on."""

from __future__ import annotations

import random

from django.db import transaction

from valuechain.platform.errors import DomainError
from valuechain.scm.fulfillment import packing, queries, services, shipping
from valuechain.scm.inventory.models import Warehouse

CARRIERS = ("DHL", "UPS", "DPD", "GLS", "FedEx")
ORDERS_TO_SHIP = 4  # per warehouse, the oldest reserved first
ORDERS_LEFT_OPEN = 2  # on one more pick list, not yet picked


def _reserved_orders(warehouse_id: int) -> list[int]:
    reserved = queries.reserved_for_picking(warehouse_id)
    orders = queries.order_of_lines(row.order_line_id for row in reserved)
    return sorted(set(orders.values()))


@transaction.atomic
def _ship_order(warehouse_id: int, order_id: int, rng: random.Random) -> bool:
    pick_list = services.create_pick_list(warehouse_id=warehouse_id, order_ids=[order_id])
    lines = list(queries.pick_lines(pick_list.pk))
    for line in lines:
        services.confirm_pick(pick_list.pk, line.pk, line.quantity)
    # Two packages when there is more than one line: the first line alone, the rest together.
    groups = [lines[:1], lines[1:]] if len(lines) > 1 else [lines]
    package_ids = []
    for group in groups:
        package = packing.create_package(order_id=order_id, warehouse_id=warehouse_id)
        packing.pack_items(package.pk, [(line.pk, line.quantity) for line in group])
        packing.close_package(package.pk, length_cm=40, width_cm=30, height_cm=20)
        package_ids.append(package.pk)
    carrier = rng.choice(CARRIERS)
    tracking = f"{carrier[:2].upper()}{rng.randrange(10**9, 10**10)}"
    shipping.ship_packages(package_ids, carrier_name=carrier, tracking_number=tracking)
    return True


def seed_fulfillment(rng: random.Random) -> str:
    """Ship a few reserved orders per warehouse; leave one pick list open."""
    shipped = 0
    open_lists = 0
    for warehouse in Warehouse.objects.filter(is_active=True, is_store=False).order_by("pk"):
        orders = _reserved_orders(warehouse.pk)
        for order_id in orders[:ORDERS_TO_SHIP]:
            try:
                shipped += _ship_order(warehouse.pk, order_id, rng)
            except DomainError:
                continue
        rest = orders[ORDERS_TO_SHIP : ORDERS_TO_SHIP + ORDERS_LEFT_OPEN]
        if rest:
            try:
                services.create_pick_list(warehouse_id=warehouse.pk, order_ids=rest)
                open_lists += 1
            except DomainError:
                pass
    return f"{shipped} orders shipped, {open_lists} pick lists left open"
