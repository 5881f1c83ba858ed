"""Fixtures of the automation suite: inline jobs, a fake webhook receiver, rule helpers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from huey.contrib.djhuey import HUEY

from valuechain.crm.automation import services
from valuechain.crm.customers import services as customers
from valuechain.platform.events import webhooks


@pytest.fixture(autouse=True)
def empty_queue() -> Iterator[None]:
    """Jobs run inline in tests; drop whatever an earlier test scheduled for later."""
    assert HUEY.immediate, "tests expect VALUECHAIN_TESTING=1 (jobs run inline)"
    HUEY.flush()
    yield
    HUEY.flush()


class Receiver:
    """A fake webhook receiver that records requests and answers 200."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, text="ok")


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Receiver:
    """Route every webhook POST to a Receiver instead of the network."""
    fake = Receiver()
    monkeypatch.setattr(webhooks, "transport_factory", lambda: httpx.MockTransport(fake))
    return fake


@pytest.fixture
def acme(in_tenant_a: Any) -> Any:
    """An account of tenant A."""
    return customers.create_account(name="Acme", industry="Retail")


def rule(**data: Any) -> Any:
    """A rule with defaults: on AccountUpdated of an account, no conditions."""
    defaults: dict[str, Any] = {
        "name": "Rule",
        "event_type": "AccountUpdated",
        "target_type": "customers.account",
        "conditions": [],
    }
    return services.create_rule({**defaults, **data})


def set_field(name: str, value: Any) -> dict[str, Any]:
    """An update_field action."""
    return {"type": "update_field", "params": {"field": name, "value": value}}
