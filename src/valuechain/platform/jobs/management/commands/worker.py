"""``valuechain worker``: run the background job consumer (Huey) with the project's settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from huey.contrib.djhuey.management.commands import run_huey

from valuechain.platform.jobs.queue import backend_name


def _location() -> str:
    """Where the queue lives, without credentials."""
    config = settings.HUEY if isinstance(settings.HUEY, dict) else {}
    if backend_name() == "redis":
        url = str(config.get("url", ""))
        return url.rsplit("@", 1)[-1] if "@" in url else url
    return str(config.get("filename", ""))


class Command(run_huey.Command):
    """Consume jobs until stopped; options are djhuey's ``run_huey`` options."""

    help = "Run the background job worker (Huey consumer): webhooks, event handlers, sweepers."

    def handle(self, *args: Any, **options: Any) -> None:
        config: dict[str, Any] = settings.HUEY if isinstance(settings.HUEY, dict) else {}
        consumer: dict[str, Any] = dict(config.get("consumer") or {})
        workers = options.get("workers") or consumer.get("workers", 1)
        worker_type = options.get("worker_type") or consumer.get("worker_type", "thread")
        self.stdout.write(
            f"valuechain worker: backend={backend_name()} ({_location()}), "
            f"workers={workers} ({worker_type}), queue={config.get('name', 'valuechain')}"
        )
        from huey.contrib.djhuey import HUEY

        if HUEY.immediate:
            self.stderr.write(
                "Jobs run inline (VALUECHAIN_JOBS_IMMEDIATE or VALUECHAIN_TESTING is on): "
                "this worker will find nothing to do."
            )
        super().handle(*args, **options)
