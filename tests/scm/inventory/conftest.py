"""Fixtures of the inventory suite: a network of three warehouses and a few variants."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from valuechain.platform.tenancy.models import Tenant
from valuechain.scm.catalog import services as catalog
from valuechain.scm.catalog.models import Variant
from valuechain.scm.inventory import queries, warehouses
from valuechain.scm.inventory.models import Warehouse


def variant(sku: str, name: str = "") -> Variant:
    """A stockable product's default variant."""
    product = catalog.create_product(name=name or f"Product {sku}", sku=sku)
    return product.variants.get()


@dataclass
class Network:
    """Tenant A's network: DC1 (Berlin, priority 1), DC2 (Munich, priority 2), store S1."""

    tenant: Tenant
    dc1: Warehouse
    dc2: Warehouse
    store: Warehouse
    apple: Variant
    pear: Variant


@pytest.fixture
def network(in_tenant_a: Tenant) -> Network:
    """Three warehouses and two variants, no stock yet."""
    dc1 = warehouses.create_warehouse(
        code="DC1", name="Berlin DC", priority=1, country="DE", postal_code="10115"
    )
    dc2 = warehouses.create_warehouse(
        code="DC2", name="Munich DC", priority=2, country="DE", postal_code="80331"
    )
    store = warehouses.create_warehouse(
        code="S1",
        name="Hamburg store",
        priority=5,
        country="DE",
        postal_code="20095",
        is_store=True,
    )
    return Network(
        in_tenant_a, dc1, dc2, store, variant("APL-1", "Apple"), variant("PER-1", "Pear")
    )


def D(value: Any) -> Decimal:
    """Decimal shorthand."""
    return Decimal(str(value))


def row_for(net_variant: Variant, warehouse: Warehouse) -> dict[str, Any]:
    """The quantities() row of a warehouse."""
    return next(r for r in queries.quantities(net_variant.pk) if r["warehouse_id"] == warehouse.pk)
