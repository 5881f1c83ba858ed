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
