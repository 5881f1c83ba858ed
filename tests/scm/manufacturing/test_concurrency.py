"""Racing work orders: several clients release orders that together need more boards than
there are, and several report production on one order at once. Stock is never reserved or
consumed twice, every loser gets a stable refusal code, and the ledger equals the balances.

Each client is a thread with its own connection, released together by a barrier; on
PostgreSQL the row locks (work order, then balances in primary-key order) decide, on
SQLite the IMMEDIATE transactions serialise the writers.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from valuechain.platform.errors import DomainError
from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import tenant_context
from valuechain.scm.catalog import services as catalog
from valuechain.scm.inventory import queries as inventory_queries
from valuechain.scm.inventory import services as inventory
from valuechain.scm.inventory import warehouses
from valuechain.scm.manufacturing import services, workorders
from valuechain.scm.manufacturing.models import WorkOrder

CLIENTS = 6
POSTGRES = connection.vendor == "postgresql"
pytestmark = pytest.mark.postgres if POSTGRES else []


def race(tenant: Any, work: Callable[[int], Any]) -> Counter[str]:
    """Run ``work(index)`` in CLIENTS threads released at once; count the outcomes."""
    barrier = threading.Barrier(CLIENTS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def client(index: int) -> None:
        try:
            connection.ensure_connection()
            barrier.wait(timeout=60)
            with tenant_context(tenant, channel="api"):
                work(index)
            outcome = "ok"
        except DomainError as error:
            outcome = error.code
        except Exception as error:  # any other failure is a bug the test must show
            outcome = f"error: {type(error).__name__}: {error}"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return Counter(outcomes)


def test_releases_and_reports_never_take_stock_twice(transactional_db):
    tenant = tenancy.create_tenant("Race Plant", "race-plant")
    with tenant_context(tenant):
        warehouse = warehouses.create_warehouse(code="WH1", name="Main")
        shelf = catalog.create_product(name="Shelf", sku="SHELF").variants.get()
        board = catalog.create_product(name="Board", sku="BOARD").variants.get()
        inventory.receive(variant=board, warehouse=warehouse, quantity=Decimal(10))
        services.create_bom(
            variant_id=shelf.pk, components=[{"variant_id": board.pk, "quantity": Decimal(2)}]
        )
        saw = services.create_work_centre(code="SAW", name="Saw", capacity_per_hour=10)
        orders = [
            workorders.create_work_order(
                variant_id=shelf.pk,
                quantity=Decimal(2),  # 4 boards each: two of six orders fit in 10
                warehouse_id=warehouse.pk,
                work_centre_id=saw.pk,
            ).pk
            for _ in range(CLIENTS)
        ]

    counts = race(tenant, lambda index: workorders.release_work_order(orders[index]))
    assert counts == {"ok": 2, "insufficient_stock": CLIENTS - 2}, counts

    with tenant_context(tenant):
        running = WorkOrder.objects.filter(state="released").values_list("pk", flat=True)[0]
        workorders.start_work_order(running)
    counts = race(tenant, lambda index: workorders.record_production(running, good=Decimal(1)))
    assert counts == {"ok": 2, "over_production": CLIENTS - 2}, counts
    with tenant_context(tenant):
        assert inventory_queries.ledger_mismatches() == []
        order = WorkOrder.objects.get(pk=running)
        assert order.good_quantity == 2
        assert order.components.get().consumed_quantity == 4
