"""Fixtures of the quality suite: warehouse WH1, a bolt with a receipt plan (a visual
pass/fail check and a diameter of 10 mm -0.1/+0.2), a supplier, goods in QUALITY."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from valuechain.platform.tenancy.models import Tenant
from valuechain.scm.catalog import services as catalog
from valuechain.scm.catalog.models import Variant
from valuechain.scm.inventory import queries as inventory_queries
from valuechain.scm.inventory import services as inventory
from valuechain.scm.inventory import warehouses
from valuechain.scm.inventory.models import StockBalance, Warehouse
from valuechain.scm.procurement import services as procurement
from valuechain.scm.procurement.models import Supplier
from valuechain.scm.quality import plans, services
from valuechain.scm.quality.models import DefectReason, Inspection, InspectionPlan


def D(value: Any) -> Decimal:
    """Decimal shorthand."""
    return Decimal(str(value))


def variant(sku: str, name: str = "", **values: Any) -> Variant:
    """A stockable product's default variant."""
    return catalog.create_product(name=name or f"Product {sku}", sku=sku, **values).variants.get()


def on_hand(item: Variant, warehouse: Warehouse, kind: str, lot_id: int | None = None) -> Decimal:
    """On hand of a variant (and lot) at the warehouse's location of a kind."""
    row = StockBalance.objects.filter(
        variant=item, location=inventory.location_of(warehouse, kind), lot_id=lot_id
    ).first()
    return row.on_hand if row else D(0)


def assert_ledger_reconciles() -> None:
    """Balances equal the sum of the ledger."""
    assert inventory_queries.ledger_mismatches() == []


@dataclass
class Lab:
    """Tenant A's quality set-up."""

    tenant: Tenant
    warehouse: Warehouse
    bolt: Variant
    nut: Variant
    plan: InspectionPlan
    supplier: Supplier
    damaged: DefectReason
    oversize: DefectReason

    @property
    def visual(self) -> int:
        """The id of the visual (pass/fail) check."""
        return self.plan.checks.get(kind="pass_fail").pk

    @property
    def diameter(self) -> int:
        """The id of the diameter (measurement) check."""
        return self.plan.checks.get(kind="measurement").pk


def receive_for_inspection(lab: Lab, quantity: Any, item: Variant | None = None) -> Inspection:
    """Book goods into QUALITY and open their receipt inspection, as receiving does."""
    goods = item or lab.bolt
    move = inventory.receive(
        variant=goods,
        warehouse=lab.warehouse,
        quantity=D(quantity),
        location=inventory.location_of(lab.warehouse, "quality"),
        reference="GR-TEST",
    )
    return services.open_inspection(
        stage="receipt",
        source_type="test.receipt",
        source_id=move.pk,
        variant_id=goods.pk,
        warehouse_id=lab.warehouse.pk,
        quantity=D(quantity),
        supplier_id=lab.supplier.pk,
        reference="GR-TEST",
    )


@pytest.fixture
def lab(in_tenant_a: Tenant) -> Lab:
    """WH1, a bolt with a receipt plan of two required checks, a nut without a plan."""
    warehouse = warehouses.create_warehouse(code="WH1", name="Main")
    bolt = variant("BOLT", "Bolt M10")
    nut = variant("NUT", "Nut M10")
    plan = plans.create_plan(
        {
            "name": "Bolt incoming",
            "product_id": bolt.product_id,
            "stage": "receipt",
            "checks": [
                {"name": "Visual", "kind": "pass_fail"},
                {
                    "name": "Diameter",
                    "kind": "measurement",
                    "target": "10",
                    "lower_tolerance": "0.1",
                    "upper_tolerance": "0.2",
                    "unit": "mm",
                },
            ],
        }
    )
    supplier = procurement.create_supplier(name="Bolt Works", code="BOLTW", currency="EUR")
    damaged = plans.create_defect_reason(code="DAMAGED", name="Damaged in transit")
    oversize = plans.create_defect_reason(code="OVERSIZE", name="Out of tolerance")
    return Lab(in_tenant_a, warehouse, bolt, nut, plan, supplier, damaged, oversize)
