"""Racing inspectors: several people complete the same inspection at once. Exactly one
succeeds, the others are refused with ``not_pending``, and the accepted goods move once.

Each client is a thread with its own connection, released together by a barrier; on
PostgreSQL the inspection's row lock decides, on SQLite the IMMEDIATE transactions
serialise the writers.
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
from valuechain.scm.inventory.models import StockBalance, StockMove
from valuechain.scm.quality import plans, services
from valuechain.scm.quality.models import Disposition, InspectionResult

CLIENTS = 5
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


def test_one_of_several_inspectors_completes_an_inspection(transactional_db: Any) -> None:
    tenant = tenancy.create_tenant("Race Lab", "race-lab")
    with tenant_context(tenant):
        warehouse = warehouses.create_warehouse(code="WH1", name="Main")
        bolt = catalog.create_product(name="Bolt", sku="BOLT").variants.get()
        plan = plans.create_plan(
            {
                "name": "Bolt",
                "product_id": bolt.product_id,
                "stage": "receipt",
                "checks": [{"name": "Visual", "kind": "pass_fail"}],
            }
        )
        check = plan.checks.get().pk
        reason = plans.create_defect_reason(code="DAMAGED", name="Damaged")
        move = inventory.receive(
            variant=bolt,
            warehouse=warehouse,
            quantity=Decimal(10),
            location=inventory.location_of(warehouse, "quality"),
        )
        inspection = services.open_inspection(
            stage="receipt",
            source_type="test.receipt",
            source_id=move.pk,
            variant_id=bolt.pk,
            warehouse_id=warehouse.pk,
            quantity=Decimal(10),
        )

    def complete(index: int) -> None:
        # every inspector accepts a different split, so a double booking would show
        services.complete_inspection(
            inspection.pk,
            results={check: {"passed": True}},
            accepted=Decimal(10 - index),
            rejected=Decimal(index),
            defect_reason_id=reason.pk,
        )

    outcomes = race(tenant, complete)
    assert outcomes == Counter({"ok": 1, "not_pending": CLIENTS - 1})
    with tenant_context(tenant):
        inspection.refresh_from_db()
        accepted = inspection.accepted_quantity
        assert accepted + inspection.rejected_quantity == Decimal(10)
        assert InspectionResult.objects.count() == 1
        transfers = StockMove.objects.filter(source_type="quality.inspection")
        assert [m.quantity for m in transfers] == ([accepted] if accepted else [])
        stock = StockBalance.objects.get(location=inventory.location_of(warehouse, "stock"))
        assert stock.on_hand == accepted
        assert inventory_queries.ledger_mismatches() == []

        # the held rest: several managers scrap it at once, never more than is held
        held = inspection.held_quantity

    def scrap(index: int) -> None:
        services.scrap_rejected(inspection.pk, held)

    if held:
        outcomes = race(tenant, scrap)
        assert outcomes == Counter({"ok": 1, "more_than_held": CLIENTS - 1})
        with tenant_context(tenant):
            assert Disposition.objects.count() == 1
            assert inventory_queries.ledger_mismatches() == []
