"""Fixtures of the bar codes suite: a product with a GTIN, JSON helpers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from valuechain.scm.catalog import services as catalog


def post(client: Client, path: str, data: object, **extra: Any) -> Any:
    """POST JSON to the API."""
    return client.post(
        f"/api/v1{path}", data=json.dumps(data), content_type="application/json", **extra
    )


def error(response: Any, status: int, code: str) -> dict[str, Any]:
    """Assert the API's error shape."""
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code, body
    assert body["message"]
    return body


@pytest.fixture
def product(in_tenant_a: Any) -> Any:
    """A stockable product whose default variant has GTIN-13 6291041500213."""
    return catalog.create_product(name="Date syrup 500 ml", sku="DS-500", gtin="6291041500213")


@pytest.fixture
def variant(product: Any) -> Any:
    """The product's default variant."""
    return product.variants.get()


@pytest.fixture
def warehouse(in_tenant_a: Any) -> Any:
    """Warehouse WH1 with its standard locations and two bins in stock, A-01 and B-02."""
    from valuechain.scm.inventory import warehouses

    wh = warehouses.create_warehouse(code="WH1", name="Main DC")
    warehouses.create_location(warehouse_id=wh.pk, kind="stock", suffix="A-01")
    warehouses.create_location(warehouse_id=wh.pk, kind="stock", suffix="B-02")
    return wh


def location(code: str) -> Any:
    """A location by code."""
    from valuechain.scm.inventory.models import Location

    return Location.objects.get(code=code)


def on_hand(variant: Any, code: str, lot: str = "") -> Any:
    """On hand of a variant (and lot) at a location, from the balance rows."""
    from decimal import Decimal

    from valuechain.scm.inventory.models import StockBalance

    rows = StockBalance.objects.filter(variant=variant, location__code=code)
    rows = rows.filter(lot__number=lot) if lot else rows.filter(lot__isnull=True)
    row = rows.first()
    return row.on_hand if row else Decimal(0)


def ledger_matches_balances() -> bool:
    """Every balance row equals the sum of the ledger into and out of it."""
    from collections import defaultdict
    from decimal import Decimal

    from valuechain.scm.inventory.models import StockBalance, StockMove

    sums: dict[tuple[int, int, int | None], Decimal] = defaultdict(Decimal)
    for move in StockMove.objects.all():
        sums[(move.variant_id, move.to_location_id, move.lot_id)] += move.quantity
        sums[(move.variant_id, move.from_location_id, move.lot_id)] -= move.quantity
    return all(
        row.on_hand == sums[(row.variant_id, row.location_id, row.lot_id)]
        for row in StockBalance.objects.all()
    )
