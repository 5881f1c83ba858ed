"""``valuechain purge_idempotency``: delete expired idempotency records now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from valuechain.platform.idempotency import purge_expired, ttl_hours


class Command(BaseCommand):
    """Delete idempotency records older than IDEMPOTENCY_KEY_TTL_HOURS (the job does it hourly)."""

    help = "Delete Idempotency-Key records older than IDEMPOTENCY_KEY_TTL_HOURS (at least 24)."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = purge_expired()
        self.stdout.write(f"Deleted {deleted} idempotency record(s) older than {ttl_hours()} h.")
