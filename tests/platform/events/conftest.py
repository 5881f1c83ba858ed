"""Fixtures of the events suite: a clean in-memory queue, temporary handlers, a fake receiver."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from huey.contrib.djhuey import HUEY

from valuechain.platform.events import registry, webhooks


@pytest.fixture(autouse=True)
def empty_queue() -> Iterator[None]:
    """Jobs run inline in tests; drop whatever an earlier test scheduled for later."""
    assert HUEY.immediate, "tests expect VALUECHAIN_TESTING=1 (jobs run inline)"
    HUEY.flush()
    yield
    HUEY.flush()


@pytest.fixture
def subscribe() -> Iterator[Callable[..., Any]]:
    """Subscribe handlers for one test only."""
    names: list[str] = []

    def add(*event_types: str, background: bool = False) -> Callable[[Any], Any]:
        def decorator(handler: Any) -> Any:
            registry.subscribe(*event_types, background=background)(handler)
            names.append(registry.handler_name(handler))
            return handler

        return decorator

    yield add
    for name in names:
        registry.unsubscribe(name)


class Receiver:
    """A fake webhook receiver: records requests, answers with the queued status codes."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.statuses: list[int] = []
        self.failure: Exception | None = None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.failure is not None:
            raise self.failure
        status = self.statuses.pop(0) if self.statuses else 200
        return httpx.Response(status, text=f"answer {status}")


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Receiver:
    """Route every webhook POST to a Receiver instead of the network."""
    fake = Receiver()
    monkeypatch.setattr(webhooks, "transport_factory", lambda: httpx.MockTransport(fake))
    return fake
