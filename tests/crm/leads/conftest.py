"""Fixtures of the leads suites: a fake sales context for conversion, and shared helpers."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def fake_sales(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """Stand in for ``valuechain.crm.sales.services``; yields the calls of create_opportunity."""
    calls: list[dict[str, Any]] = []

    def create_opportunity(**arguments: Any) -> Any:
        calls.append(arguments)
        return types.SimpleNamespace(pk=7000 + len(calls))

    module = types.ModuleType("valuechain.crm.sales.services")
    module.create_opportunity = create_opportunity  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "valuechain.crm.sales.services", module)
    yield calls


@pytest.fixture
def no_sales(monkeypatch: pytest.MonkeyPatch) -> None:
    """A sales context without create_opportunity (a build before it exists)."""
    module = types.ModuleType("valuechain.crm.sales.services")
    monkeypatch.setitem(sys.modules, "valuechain.crm.sales.services", module)
