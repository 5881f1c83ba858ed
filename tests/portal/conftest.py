"""Fixtures of the portal suites: the purchasing world (warehouse, items, NORD and LYON)."""

from __future__ import annotations

from typing import Any

import pytest
from tests.scm.purchasing.conftest import Buying, make_world


@pytest.fixture
def buying(in_tenant_a: Any) -> Buying:
    """Tenant A's purchasing world, the test body running as its administrator."""
    return make_world(in_tenant_a)
