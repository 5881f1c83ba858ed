"""Fixtures of the manufacturing suite: a warehouse with boards and screws in stock, a shelf
made of them (with an offcut by-product) at a saw work centre."""

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
from valuechain.scm.manufacturing import services
from valuechain.scm.manufacturing.models import Bom, WorkCentre


def D(value: Any) -> Decimal:
    """Decimal shorthand."""
    return Decimal(str(value))


def variant(sku: str, name: str = "", **values: Any) -> Variant:
    """A stockable product's default variant."""
    return catalog.create_product(name=name or f"Product {sku}", sku=sku, **values).variants.get()


def stock(item: Variant, warehouse: Warehouse) -> tuple[Decimal, Decimal]:
    """On hand and reserved of a variant at the warehouse's stock location."""
    row = StockBalance.objects.filter(
        variant=item, location=inventory.location_of(warehouse, "stock"), lot__isnull=True
    ).first()
    return (row.on_hand, row.reserved) if row else (D(0), D(0))


def assert_ledger_reconciles() -> None:
    """Balances equal the sum of the ledger."""
    assert inventory_queries.ledger_mismatches() == []


@dataclass
class Plant:
    """Tenant A's plant: warehouse WH1, items, the shelf's bill and the saw."""

    tenant: Tenant
    warehouse: Warehouse
    shelf: Variant
    board: Variant
    screw: Variant
    offcut: Variant
    bom: Bom
    saw: WorkCentre


@pytest.fixture
def plant(in_tenant_a: Tenant) -> Plant:
    """100 boards and 200 screws in stock; a shelf is 2 boards (5 % scrap) and 8 screws and
    leaves 0.5 offcut; the saw makes 10 shelves an hour."""
    warehouse = warehouses.create_warehouse(code="WH1", name="Main")
    shelf = variant("SHELF", "Shelf", supply_mode="mto")
    board = variant("BOARD", "Board")
    screw = variant("SCREW", "Screw")
    offcut = variant("OFFCUT", "Offcut")
    inventory.receive(variant=board, warehouse=warehouse, quantity=D(100))
    inventory.receive(variant=screw, warehouse=warehouse, quantity=D(200))
    bom = services.create_bom(
        variant_id=shelf.pk,
        kind="manufacture",
        components=[
            {"variant_id": board.pk, "quantity": D(2), "scrap_percent": D(5)},
            {"variant_id": screw.pk, "quantity": D(8)},
        ],
        byproducts=[{"variant_id": offcut.pk, "quantity": D("0.5")}],
    )
    saw = services.create_work_centre(code="SAW", name="Panel saw", capacity_per_hour=D(10))
    return Plant(in_tenant_a, warehouse, shelf, board, screw, offcut, bom, saw)
