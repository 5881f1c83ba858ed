"""Fixtures of the catalog suite: products with variants, signed-in clients, JSON helpers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from valuechain.platform.errors import DomainError


def code_of(call: Any, *args: Any, **kwargs: Any) -> tuple[str, str | None, int]:
    """(code, field, status) of the DomainError the call raises."""
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    return caught.value.code, caught.value.field, caught.value.status


def post(client: Client, path: str, data: object, **extra: Any) -> Any:
    """POST JSON to the API."""
    return client.post(
        f"/api/v1{path}", data=json.dumps(data), content_type="application/json", **extra
    )


def patch(client: Client, path: str, data: object) -> Any:
    """PATCH JSON to the API."""
    return client.patch(f"/api/v1{path}", data=json.dumps(data), content_type="application/json")


def put(client: Client, path: str, data: object) -> Any:
    """PUT JSON to the API."""
    return client.put(f"/api/v1{path}", data=json.dumps(data), content_type="application/json")
