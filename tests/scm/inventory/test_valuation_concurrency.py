"""Concurrent shipments and receipts never corrupt the valuation.

Client threads with their own connections (the ``Race`` of test_concurrency) ship and
receive the same item in the same warehouse at once. The valuation row is locked after the
balances in every move, so afterwards, under both costing methods, the valuation equals the
ledger exactly, the moves' values add up, and shipping the rest leaves exactly 0.00.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import Sum
from tests.scm.inventory.test_concurrency import Race

from valuechain.platform.errors import DomainError
from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import tenant_context
from valuechain.scm.catalog import services as catalog
from valuechain.scm.catalog.models import Variant
from valuechain.scm.inventory import services, valuation_report, warehouses
from valuechain.scm.inventory.models import StockMove, StockValuation, Warehouse

POSTGRES = connection.vendor == "postgresql"
CLIENTS = 24 if POSTGRES else 8
ROUNDS = 6 if POSTGRES else 2

pytestmark = pytest.mark.postgres if POSTGRES else []


def _work(tenant: Any, variant_id: int, warehouse_id: int) -> Callable[[int, int], str]:
    def work(index: int, round_no: int) -> str:
        try:
            with tenant_context(tenant, channel="api"):
                variant = Variant.objects.get(pk=variant_id)
                warehouse = Warehouse.objects.get(pk=warehouse_id)
                if index % 3 == 2:  # every third client receives one more at 8
                    services.receive(
                        variant=variant, warehouse=warehouse, quantity=Decimal(1), unit_cost=8
                    )
                    return "received"
                services.issue(variant=variant, warehouse=warehouse, quantity=Decimal(1))
            return "shipped"
        except DomainError as exc:
            return exc.code
        except Exception as exc:  # any other error fails the round
            return f"error: {type(exc).__name__}: {exc}"

    return work


def _round(race: Race, tenant: Any, warehouse: Any, round_no: int, method: str) -> Counter[str]:
    with tenant_context(tenant):
        product = catalog.create_product(
            name=f"Valued {method} {round_no}", sku=f"VAL-{method}-{round_no}"
        )
        variant = product.variants.get()
        services.receive(variant=variant, warehouse=warehouse, quantity=Decimal(5), unit_cost=5)
        services.receive(variant=variant, warehouse=warehouse, quantity=Decimal(5), unit_cost=7)
    results = Counter(race.run(_work(tenant, variant.pk, warehouse.pk)))
    assert set(results) <= {"shipped", "received", "insufficient_stock"}, results
    assert results["received"] == CLIENTS // 3
    with tenant_context(tenant):
        assert valuation_report.reconcile() == []
        row = StockValuation.objects.get(variant=variant, warehouse=warehouse)
        assert row.quantity == 10 + results["received"] - results["shipped"]
        moves = StockMove.objects.filter(variant=variant)
        received = moves.filter(kind="receipt").aggregate(v=Sum("value"))["v"]
        shipped = moves.filter(kind="shipment").aggregate(v=Sum("value"))["v"]
        assert row.value == received - shipped
        if row.quantity:
            services.issue(variant=variant, warehouse=warehouse, quantity=row.quantity)
        row.refresh_from_db()
        assert (row.quantity, row.value) == (0, Decimal("0.00"))
        total = moves.filter(kind="shipment").aggregate(v=Sum("value"))["v"]
        assert total == Decimal(60) + 8 * results["received"]  # every cent went out
    return results


def _race(method: str) -> Counter[str]:
    tenant = tenancy.create_tenant(f"Valuation race {method}", f"valuation-race-{method}")
    with tenant_context(tenant):
        warehouses.update_settings(costing_method=method)
        warehouse = warehouses.create_warehouse(code="DC1", name="DC one")
    race = Race(tenant, CLIENTS)
    totals: Counter[str] = Counter()
    try:
        for round_no in range(ROUNDS):
            totals.update(_round(race, tenant, warehouse, round_no, method))
    finally:
        race.close()
    return totals


@pytest.mark.parametrize("method", ["average", "fifo"])
def test_concurrent_shipments_never_corrupt_the_valuation(
    transactional_db, require_connections, method
):
    if POSTGRES:
        require_connections(CLIENTS + 2)
    totals = _race(method)
    assert totals["received"] == (CLIENTS // 3) * ROUNDS
    assert totals["shipped"] + totals["insufficient_stock"] == (CLIENTS - CLIENTS // 3) * ROUNDS
