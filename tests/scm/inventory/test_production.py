"""Production moves of the ledger (inventory/production.py): reserved components consumed
into PRODUCTION, goods produced out of it; the refusal when less is reserved."""

from __future__ import annotations

from decimal import Decimal

import pytest

from valuechain.platform.errors import DomainError
from valuechain.scm.catalog import services as catalog
from valuechain.scm.inventory import production, queries, reservations, services, warehouses
from valuechain.scm.inventory.models import Reservation, StockBalance, StockMove

SOURCE = "tests.component"


def test_consume_reserved_then_produce(in_tenant_a):
    warehouse = warehouses.create_warehouse(code="WH1", name="Main")
    board = catalog.create_product(name="Board", sku="BOARD").variants.get()
    shelf = catalog.create_product(name="Shelf", sku="SHELF").variants.get()
    services.receive(variant=board, warehouse=warehouse, quantity=Decimal(10))
    reservations.reserve([reservations.Demand(SOURCE, 1, board.pk, Decimal(6))], reference="WO-1")

    with pytest.raises(DomainError) as caught:
        production.consume_reserved(SOURCE, 1, Decimal(7))
    assert caught.value.code == "not_reserved" and caught.value.status == 409

    moves = production.consume_reserved(SOURCE, 1, Decimal(4), reference="WO-1")
    assert [(m.kind, m.to_location.kind, m.quantity) for m in moves] == [
        ("consume", "production", Decimal(4))
    ]
    row = StockBalance.objects.get(variant=board)
    assert (row.on_hand, row.reserved) == (Decimal(6), Decimal(2))
    production.consume_reserved(SOURCE, 1, Decimal(2))
    assert Reservation.objects.get(source_type=SOURCE).state == "consumed"

    made = production.produce(variant=shelf, warehouse=warehouse, quantity=Decimal(3))
    assert (made.kind, made.from_location.kind, made.to_location.kind) == (
        "produce",
        "production",
        "stock",
    )
    assert StockBalance.objects.get(variant=shelf).on_hand == Decimal(3)
    assert StockMove.objects.filter(kind__in=("consume", "produce")).count() == 3
    assert queries.ledger_mismatches() == []


def test_produce_into_a_given_internal_location_of_the_warehouse(in_tenant_a):
    warehouse = warehouses.create_warehouse(code="WH1", name="Main")
    other = warehouses.create_warehouse(code="WH2", name="Other")
    shelf = catalog.create_product(name="Shelf", sku="SHELF").variants.get()
    quality = services.location_of(warehouse, "quality")
    made = production.produce(
        variant=shelf, warehouse=warehouse, quantity=Decimal(2), location=quality
    )
    assert (made.kind, made.from_location.kind, made.to_location_id) == (
        "produce",
        "production",
        quality.pk,
    )
    assert StockBalance.objects.get(variant=shelf, location=quality).on_hand == Decimal(2)
    assert not StockBalance.objects.filter(
        variant=shelf, location=services.location_of(warehouse, "stock")
    ).exists()
    for wrong in (services.location_of(other, "quality"), services.virtual_location("customer")):
        with pytest.raises(DomainError) as caught:
            production.produce(
                variant=shelf, warehouse=warehouse, quantity=Decimal(1), location=wrong
            )
        assert (caught.value.code, caught.value.field) == ("invalid_location", "location")
    assert queries.ledger_mismatches() == []
