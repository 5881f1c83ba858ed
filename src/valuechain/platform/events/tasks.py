"""Background jobs of events: background handlers, webhook deliveries and the sweeper."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from valuechain.platform.events import services, webhooks
from valuechain.platform.jobs.queue import tenant_task


@tenant_task(max_attempts=8, backoff_seconds=30, name="run_background_handler")
def run_background_handler(event_id: str, handler_name: str) -> None:
    """Run a ``@subscribe(..., background=True)`` handler for one event."""
    services.run_background_handler(event_id, handler_name)


@tenant_task(max_attempts=3, backoff_seconds=30, name="deliver_webhook")
def deliver_webhook(delivery_id: str) -> None:
    """One attempt at a webhook delivery (its own retries are tracked on the delivery)."""
    webhooks.deliver(delivery_id)


@db_periodic_task(crontab(minute="*"), name="sweep_events")
def sweep_events() -> None:
    """Every minute: dispatch events a crash left undispatched, resend lost deliveries."""
    services.sweep_outbox()
    webhooks.sweep_deliveries()
