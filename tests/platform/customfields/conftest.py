"""Fixtures of the custom fields suite: a throw-away target registered for one test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from valuechain.platform.customfields import registry

TARGET = "tests.thing"


@pytest.fixture
def target() -> Iterator[str]:
    """A registered target with no table: cleaning works on plain dicts."""
    registry.register_target(TARGET, "Test thing")
    yield TARGET
    registry.unregister_target(TARGET)
