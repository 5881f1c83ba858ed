"""Fixtures of the procurement suite: two catalog variants and helpers for suppliers."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from valuechain.platform.tenancy.models import Tenant
from valuechain.scm.catalog import services as catalog
from valuechain.scm.catalog.models import Variant
from valuechain.scm.procurement import services
from valuechain.scm.procurement.models import Supplier, SupplierProduct


def D(value: Any) -> Decimal:
    """Decimal shorthand."""
    return Decimal(str(value))


def variant(sku: str, name: str = "") -> Variant:
    """A stockable product's default variant."""
    return catalog.create_product(name=name or f"Product {sku}", sku=sku).variants.get()


def supplied(
    supplier: Supplier, item: Variant, prices: list[tuple[Any, Any]], **values: Any
) -> SupplierProduct:
    """A supplied product with ``[(from quantity, unit price), …]``."""
    return services.create_supplier_product(
        supplier_id=supplier.pk,
        variant_id=item.pk,
        price_breaks=[{"min_quantity": D(q), "unit_price": D(p)} for q, p in prices],
        **values,
    )


@dataclass
class Buying:
    """Tenant A with two items and two suppliers (both EUR, the base currency)."""

    tenant: Tenant
    bolt: Variant
    nut: Variant
    nord: Supplier
    lyon: Supplier


@pytest.fixture
def buying(in_tenant_a: Tenant) -> Buying:
    """Two variants, two suppliers, nothing supplied yet."""
    nord = services.create_supplier(code="NORD", name="Nordwerk GmbH", incoterm="DAP")
    lyon = services.create_supplier(code="LYON", name="Lyon Emballages", payment_terms_days=45)
    return Buying(in_tenant_a, variant("BOLT-1", "Bolt"), variant("NUT-1", "Nut"), nord, lyon)
