"""Fulfillment under concurrency (PostgreSQL): no line on two pick lists, no package shipped
twice, no line picked past its quantity, whatever the interleaving."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection

from valuechain.platform.errors import DomainError
from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import tenant_context
from valuechain.scm.fulfillment import packing, services, shipping
from valuechain.scm.fulfillment.models import PickList, PickListLine, Shipment
from valuechain.scm.inventory import queries as inventory_queries
from valuechain.scm.inventory.models import StockMove

from .conftest import MUG_GTIN, build_world

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks and real commits"
    ),
]
D = Decimal
THREADS = 8


def _race(tenant, work: Callable[[], str]) -> list[str]:
    """Run work in threads released together, each in the tenant with its own connection;
    each answers 'ok' or the DomainError code it got."""
    barrier = threading.Barrier(THREADS)
    results: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            with tenant_context(tenant):
                barrier.wait()
                try:
                    work()
                    outcome = "ok"
                except DomainError as exc:
                    outcome = exc.code
            with lock:
                results.append(outcome)
        except BaseException as exc:  # reported by the main thread
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=run) for _ in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    return results


@pytest.fixture
def race_world(transactional_db):
    tenant = tenancy.create_tenant("Race Co", "race")
    with tenant_context(tenant):
        world = build_world()
    return tenant, world


def test_concurrent_pick_list_creation_puts_each_line_on_one_list(race_world):
    tenant, world = race_world
    with tenant_context(tenant):
        for _ in range(3):
            world.order((world.mug, "2"))
    results = _race(tenant, lambda: services.create_pick_list(warehouse_id=world.warehouse.pk))
    assert Counter(results) == {"ok": 1, "nothing_to_pick": THREADS - 1}
    with tenant_context(tenant):
        assert PickList.objects.count() == 1
        assert sum(PickListLine.objects.values_list("quantity", flat=True)) == D("6")


def test_a_package_ships_once(race_world):
    tenant, world = race_world
    with tenant_context(tenant):
        order = world.order((world.mug, "3"))
        pick_list = services.create_pick_list(warehouse_id=world.warehouse.pk)
        line = pick_list.lines.get()
        services.confirm_pick(pick_list.pk, line.pk, "3")
        package = packing.create_package(order_id=order.pk, warehouse_id=world.warehouse.pk)
        packing.pack_items(package.pk, [(line.pk, "3")])
        packing.close_package(package.pk)
    results = _race(tenant, lambda: shipping.ship_packages([package.pk], carrier_name="DHL"))
    assert Counter(results) == {"ok": 1, "package_not_packed": THREADS - 1}
    with tenant_context(tenant):
        assert Shipment.objects.count() == 1
        assert StockMove.objects.filter(kind="shipment").count() == 1
        (row,) = [
            r
            for r in inventory_queries.quantities(world.mug.pk)
            if r["warehouse_id"] == world.warehouse.pk
        ]
        assert (D(row["on_hand"]), D(row["reserved"])) == (D("17"), D("0"))


def test_concurrent_scans_never_pick_past_the_quantity(race_world):
    tenant, world = race_world
    with tenant_context(tenant):
        world.order((world.mug, "5"))
        pick_list = services.create_pick_list(warehouse_id=world.warehouse.pk)
    results = _race(
        tenant,
        lambda: services.scan_pick(
            pick_list.pk, location_code="WH1/STOCK/B-01", code=MUG_GTIN, quantity=1
        ),
    )
    assert Counter(results) == {"ok": 5, "pick_list_closed": THREADS - 5}  # done after 5
    with tenant_context(tenant):
        line = PickListLine.objects.get()
        assert line.quantity_picked == D("5")
        assert PickList.objects.get().state == "done"
