"""Racing receipts of the last units of a purchase-order line: exactly one is booked, every
other one gets ``over_receipt``; the line, the stock and the ledger count the units once.

Each client is a thread with its own connection, released together by a barrier. On
PostgreSQL the PO and its lines are locked FOR UPDATE, so the losers wait and then see the
winner's received quantity; on SQLite the IMMEDIATE transactions serialise the writers.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from tests.scm.receiving.conftest import inspect_on_receipt, make_po, on_hand

from valuechain.platform.errors import DomainError
from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import tenant_context
from valuechain.scm.catalog import services as catalog
from valuechain.scm.inventory import queries as inventory_queries
from valuechain.scm.inventory import warehouses
from valuechain.scm.procurement import services as procurement
from valuechain.scm.purchasing.models import PurchaseOrder, PurchaseOrderLine
from valuechain.scm.quality import services as quality
from valuechain.scm.receiving import asn as asn_services
from valuechain.scm.receiving import services
from valuechain.scm.receiving.models import AdvanceShipNotice, Receipt

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


def _lock_waiters() -> int:
    """How many sessions of the test database wait for a lock right now (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "select count(*) from pg_stat_activity"
            " where datname = current_database() and wait_event_type = 'Lock'"
        )
        return int(cursor.fetchone()[0])


def _until_waiting(count: int, outcomes: dict[str, str]) -> None:
    """Block until ``count`` sessions wait for a lock; a hang guard, not a timing check."""
    deadline = time.monotonic() + 60
    while _lock_waiters() < count:
        assert not outcomes, f"a session ended before waiting: {outcomes}"
        assert time.monotonic() < deadline, f"fewer than {count} sessions ever waited"
        time.sleep(0.02)


@pytest.mark.skipif(not POSTGRES, reason="needs PostgreSQL row locks and lock-wait views")
def test_a_receipt_and_an_inspection_of_the_same_line_never_deadlock(
    transactional_db, require_connections
):
    """A receipt holds the PO line while it waits; completing the previous receipt's
    inspection of that line must not hold the quality balance the receipt needs next.

    The interleaving is forced: a third session holds the ship notice the receipt locks
    between the PO lines and the balance rows, until the inspection waits too. With the
    lock orders inverted (inspection: balances, then the PO line) this is a deadlock every
    time; with one order (PO line before balances) both commit.
    """
    require_connections(5)
    tenant = tenancy.create_tenant("Race Inspection", "race-inspection")
    with tenant_context(tenant):
        warehouse = warehouses.create_warehouse(code="WH1", name="Main")
        bolt = catalog.create_product(name="Bolt", sku="BOLT").variants.get()
        check_id = inspect_on_receipt(bolt).checks.get().pk
        nord = procurement.create_supplier(code="NORD", name="Nordwerk")
        order = make_po(nord, warehouse, [(bolt, 10, "1.00")])
        line = PurchaseOrderLine.objects.get(order=order)
        first = services.receive(order.pk, [{"po_line_id": line.pk, "quantity": Decimal(4)}])
        inspection_id = first.lines.get().inspection_id
        notice = asn_services.create_asn(
            purchase_order_id=order.pk,
            number="ASN-1",
            expected_on="2026-03-09",
            lines=[{"po_line_id": line.pk, "quantity": "6"}],
        )
    gate_held = threading.Event()
    open_gate = threading.Event()
    outcomes: dict[str, str] = {}

    def run(name: str, work: Any) -> None:
        try:
            with tenant_context(tenant, channel="api"):
                work()
            outcomes[name] = "ok"
        except Exception as error:  # a deadlock is an OperationalError: the test shows it
            outcomes[name] = f"{type(error).__name__}: {error}"
        finally:
            connection.close()

    def gate() -> None:
        with transaction.atomic():
            AdvanceShipNotice.objects.select_for_update().get(pk=notice.pk)
            gate_held.set()
            open_gate.wait(timeout=120)

    def receipt() -> None:
        services.receive(
            order.pk, [{"po_line_id": line.pk, "quantity": Decimal(6)}], asn_id=notice.pk
        )

    def inspection() -> None:
        quality.complete_inspection(
            inspection_id, results={check_id: {"passed": True}}, accepted="4", rejected="0"
        )

    threads = {
        "gate": threading.Thread(target=run, args=("gate", gate)),
        "receipt": threading.Thread(target=run, args=("receipt", receipt)),
        "inspection": threading.Thread(target=run, args=("inspection", inspection)),
    }
    threads["gate"].start()
    assert gate_held.wait(timeout=60)
    threads["receipt"].start()
    _until_waiting(1, outcomes)  # the receipt holds the PO and its line, and waits for the notice
    threads["inspection"].start()
    _until_waiting(2, outcomes)  # the inspection waits as well (for the PO line)
    open_gate.set()
    for thread in threads.values():
        thread.join(timeout=120)
    assert outcomes == {"gate": "ok", "receipt": "ok", "inspection": "ok"}, outcomes
    with tenant_context(tenant):
        line.refresh_from_db()
        assert (line.received_quantity, line.accepted_quantity, line.rejected_quantity) == (
            Decimal(10),
            Decimal(4),
            Decimal(0),
        )
        assert PurchaseOrder.objects.get(pk=order.pk).state == "received"
        assert on_hand(bolt, "stock") == Decimal(4)
        assert on_hand(bolt, "quality") == Decimal(6)
        assert inventory_queries.ledger_mismatches() == []
