"""Racing creates: many clients add the same supplier code, or the same supplier and variant,
at once. Exactly one wins; every other gets the stable refusal code, never a database error.

Each client is a thread with its own connection, released together by a barrier. On
PostgreSQL the unique constraints decide (the loser's IntegrityError becomes the DomainError);
on SQLite the IMMEDIATE transactions serialise the writers and the pre-check refuses.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from valuechain.platform.errors import DomainError
from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import tenant_context
from valuechain.scm.catalog import services as catalog
from valuechain.scm.procurement import services
from valuechain.scm.procurement.models import Supplier, SupplierProduct

CLIENTS = 8
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


def test_one_supplier_per_code_and_one_record_per_supplier_and_variant(transactional_db):
    tenant = tenancy.create_tenant("Race Buying", "race-buying")
    with tenant_context(tenant):
        bolt = catalog.create_product(name="Bolt", sku="BOLT").variants.get()
        nord = services.create_supplier(code="NORD", name="Nordwerk")

    counts = race(tenant, lambda index: services.create_supplier(code="SAME", name=f"S{index}"))
    assert counts == {"created": 1, "duplicate_code": CLIENTS - 1}, counts

    counts = race(
        tenant,
        lambda index: services.create_supplier_product(
            supplier_id=nord.pk,
            variant_id=bolt.pk,
            price_breaks=[{"min_quantity": 0, "unit_price": index + 1}],
        ),
    )
    assert counts == {"created": 1, "duplicate_supplier_product": CLIENTS - 1}, counts
    with tenant_context(tenant):
        assert Supplier.objects.filter(code="SAME").count() == 1
        (product,) = SupplierProduct.objects.all()
        assert product.price_breaks.count() == 1
