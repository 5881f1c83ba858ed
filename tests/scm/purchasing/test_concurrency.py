"""Double clicks: several clients order the same supply proposal at once. Exactly one purchase
order line is created; every other click gets ``already_ordered``, never a second line.

Each client is a thread with its own connection, released together by a barrier. On
PostgreSQL the row lock on the supply request serialises them and the losers see it ordered;
on SQLite the IMMEDIATE transactions serialise the writers the same way.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from tests.scm.purchasing.conftest import make_world

from valuechain.platform.errors import DomainError
from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import tenant_context
from valuechain.scm.inventory import supply
from valuechain.scm.inventory.models import SupplyRequest
from valuechain.scm.purchasing import proposals
from valuechain.scm.purchasing.models import PurchaseOrder, PurchaseOrderLine

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
            outcome = "created"
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


def test_concurrent_orders_of_one_proposal_make_one_line(transactional_db, require_connections):
    if POSTGRES:
        require_connections(CLIENTS)
    tenant = tenancy.create_tenant("Race Purchasing", "race-purchasing")
    with tenant_context(tenant):
        world = make_world(tenant)
        request = supply.request_supply(
            variant=world.bolt, warehouse=world.warehouse, quantity=Decimal(25), reason="reorder"
        )
    counts = race(tenant, lambda index: proposals.order_proposals([request.pk]))
    assert counts == {"created": 1, "already_ordered": CLIENTS - 1}, counts
    with tenant_context(tenant):
        assert PurchaseOrderLine.objects.filter(supply_request_id=request.pk).count() == 1
        assert PurchaseOrder.objects.count() == 1
        assert SupplyRequest.objects.get(pk=request.pk).state == "ordered"
