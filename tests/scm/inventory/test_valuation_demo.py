"""The demo stock is valued: receipts with costs, categories, a posted freight landed cost."""

from __future__ import annotations

import random

from valuechain.scm.catalog.demo import seed_catalog
from valuechain.scm.catalog.models import Product
from valuechain.scm.inventory import valuation_report
from valuechain.scm.inventory.demo import seed_inventory
from valuechain.scm.inventory.models import LandedCost, LandedCostAllocation, StockMove


def test_demo_stock_has_values_categories_and_a_landed_cost(in_tenant_a):
    seed_catalog(random.Random(2026))
    summary = seed_inventory(random.Random(2026))
    assert summary.endswith("landed cost LC-000001")
    assert not StockMove.objects.filter(kind="receipt", value=0).exists()
    assert Product.objects.filter(category="Kitchen").exists()
    landed = LandedCost.objects.get()
    assert landed.state == "posted"
    shares = LandedCostAllocation.objects.filter(landed_cost=landed)
    assert sum(a.amount for a in shares) == 480
    report = valuation_report.report()
    assert report["reconciled"] is True
    assert report["valuation_value"] > 0
    assert {row["warehouse_code"] for row in report["by_warehouse"]} == {
        "DC-BER",
        "DC-LYS",
        "ST-HAM",
    }
    assert "Kitchen" in {row["category"] for row in report["by_category"]}
