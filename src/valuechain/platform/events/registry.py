"""Event subscribers: ``@subscribe("OrderConfirmed")`` runs a handler after the event commits.

A handler takes the ``OutboxEvent`` and runs inside ``tenant_context(event.tenant_id,
channel="job")``. Plain handlers run in-process right after the commit, each in its own
transaction; ``background=True`` handlers run as a queued job. Either way a handler runs at
most once per event (a ``HandlerRun`` row is written in the handler's transaction) and is
retried later when it raises. ``"*"`` subscribes to every event type.

``relevant=`` takes a predicate for handlers that are provably no-ops for some events (the
webhook fan-out for a tenant without endpoints for the type, automation with no active
rule): ``relevant(events) -> set of event pks`` is called once per tenant and dispatch
batch, inside that tenant's context, with the batch's events the handler has not finished
yet. An event it leaves out counts as handled for that subscription **without** a
``HandlerRun`` row and without running the handler; the predicate is asked again on each
later dispatch attempt of the event (a retry for another handler's sake), so it must only
leave out events for which running the handler now would do nothing. A predicate that
raises is logged and rules nothing out.

Handlers live in a context's ``handlers.py``; every app's ``handlers`` module is imported at
start-up, so decorating is all the registration there is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Handler = Callable[[Any], None]
# The events (OutboxEvent rows of one tenant) → the pks of those that need the handler.
Relevance = Callable[[list[Any]], set[Any]]
ALL_EVENTS = "*"


@dataclass(frozen=True)
class Subscription:
    """One handler subscribed to one event type."""

    event_type: str
    name: str
    handler: Handler
    background: bool
    relevant: Relevance | None = None


_by_type: dict[str, dict[str, Subscription]] = {}
_by_name: dict[str, Subscription] = {}


def handler_name(handler: Handler) -> str:
    """The stable name a handler is recorded under: module.qualname."""
    return f"{handler.__module__}.{handler.__qualname__}"


def subscribe(
    *event_types: str,
    background: bool = False,
    name: str | None = None,
    relevant: Relevance | None = None,
) -> Callable[[Handler], Handler]:
    """Register the decorated function for the given event types ("*" for all)."""
    if not event_types:
        raise ValueError("subscribe() needs at least one event type")

    def decorator(handler: Handler) -> Handler:
        subscription_name = name or handler_name(handler)
        existing = _by_name.get(subscription_name)
        if existing is not None and existing.handler is not handler:
            # Runs are recorded by name: two functions under one name would share them.
            raise ValueError(
                f"Another handler is already subscribed as {subscription_name!r}; pass name=."
            )
        for event_type in event_types:
            subscription = Subscription(
                event_type, subscription_name, handler, background, relevant
            )
            _by_type.setdefault(event_type, {})[subscription_name] = subscription
            _by_name[subscription_name] = subscription
        return handler

    return decorator


def unsubscribe(name: str) -> None:
    """Remove a handler by name from every event type (tests, reloads)."""
    _by_name.pop(name, None)
    for subscriptions in _by_type.values():
        subscriptions.pop(name, None)


def subscriptions_for(event_type: str) -> list[Subscription]:
    """The handlers of an event type, specific ones first, then "*" ones; each name once."""
    seen: dict[str, Subscription] = {}
    for key in (event_type, ALL_EVENTS):
        for subscription_name, subscription in _by_type.get(key, {}).items():
            seen.setdefault(subscription_name, subscription)
    return list(seen.values())


def subscription_named(name: str) -> Subscription | None:
    """The subscription registered under a handler name, if any."""
    return _by_name.get(name)


def known_event_types() -> list[str]:
    """Event types some handler subscribes to, sorted (for hints in forms)."""
    return sorted(t for t in _by_type if t != ALL_EVENTS and _by_type[t])
