"""Racing receipts of the last units of a purchase-order line: exactly one is booked, every
other one gets ``over_receipt``; the line, the stock and the ledger count the units once.

Each client is a thread with its own connection, released together by a barrier. On
PostgreSQL the PO and its lines are locked FOR UPDATE, so the losers wait and then see the
winner's received quantity; on SQLite the IMMEDIATE transactions serialise the writers.
"""

from __future__ import annotations

import threading
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from tests.scm.receiving.conftest import make_po, on_hand

from valuechain.platform.errors import DomainError
from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import tenant_context
from valuechain.scm.catalog import services as catalog
from valuechain.scm.inventory import queries as inventory_queries
from valuechain.scm.inventory import warehouses
from valuechain.scm.procurement import services as procurement
from valuechain.scm.purchasing.models import PurchaseOrder, PurchaseOrderLine
from valuechain.scm.receiving import services
from valuechain.scm.receiving.models import Receipt

CLIENTS = 6
POSTGRES = connection.vendor == "postgresql"
pytestmark = pytest.mark.postgres if POSTGRES else []


def race(tenant: Any, work: Any) -> Counter[str]:
    """Run ``work()`` in CLIENTS threads released at once; count the outcomes."""
    barrier = threading.Barrier(CLIENTS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def client() -> None:
        try:
            connection.ensure_connection()
            barrier.wait(timeout=60)
            with tenant_context(tenant, channel="api"):
                work()
            outcome = "received"
        except DomainError as error:
            outcome = error.code
        except Exception as error:  # any other failure is a bug the test must show
            outcome = f"error: {type(error).__name__}: {error}"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return Counter(outcomes)


def test_racing_receipts_of_the_last_five_units(transactional_db, require_connections):
    if POSTGRES:
        require_connections(CLIENTS + 2)
    tenant = tenancy.create_tenant("Race Receiving", "race-receiving")
    with tenant_context(tenant):
        warehouse = warehouses.create_warehouse(code="WH1", name="Main")
        bolt = catalog.create_product(name="Bolt", sku="BOLT").variants.get()
        nord = procurement.create_supplier(code="NORD", name="Nordwerk")
        order = make_po(nord, warehouse, [(bolt, 10, "1.00")])
        line = PurchaseOrderLine.objects.get(order=order)
        services.receive(order.pk, [{"po_line_id": line.pk, "quantity": Decimal(5)}])

    counts = race(
        tenant,
        lambda: services.receive(order.pk, [{"po_line_id": line.pk, "quantity": Decimal(5)}]),
    )
    assert counts == {"received": 1, "over_receipt": CLIENTS - 1}, counts
    with tenant_context(tenant):
        line.refresh_from_db()
        assert line.received_quantity == Decimal(10)
        assert PurchaseOrder.objects.get(pk=order.pk).state == "received"
        assert Receipt.objects.count() == 2
        assert on_hand(bolt, "stock") == Decimal(10)
        assert inventory_queries.ledger_mismatches() == []
