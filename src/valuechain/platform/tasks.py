"""Background jobs of the kernel: the hourly purge of expired idempotency records."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from valuechain.platform.idempotency import purge_expired


@db_periodic_task(crontab(minute="7"))
def purge_idempotency_records() -> int:
    """Delete idempotency records older than IDEMPOTENCY_KEY_TTL_HOURS (hourly)."""
    return purge_expired()
