"""Subscribers of the events context: the webhook fan-out listens to every event.

Its relevance predicate leaves out events no active endpoint wants, so a tenant without
webhooks pays one query per dispatch batch and no HandlerRun rows.
"""

from __future__ import annotations

from valuechain.platform.events import webhooks
from valuechain.platform.events.models import OutboxEvent
from valuechain.platform.events.registry import ALL_EVENTS, subscribe


@subscribe(ALL_EVENTS, name="events.webhook_fan_out", relevant=webhooks.events_with_endpoints)
def fan_out_to_webhooks(event: OutboxEvent) -> None:
    """Create one delivery per endpoint that subscribes to the event's type."""
    webhooks.fan_out(event)
