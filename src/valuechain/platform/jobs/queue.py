"""The job queue: Huey from ``settings.HUEY``, tenant-aware tasks with backoff, queue status.

A ``tenant_task`` runs inside ``tenant_context(tenant_id, channel="job")`` for the tenant that
was current when it was enqueued, is sent to the queue only after the enqueuing transaction
commits (a worker must never look for rows that are not committed yet), and on failure is
rescheduled with exponential backoff: ``base * 2 ** (attempt - 1)`` seconds, capped, up to
``max_attempts`` runs in all. Huey's own ``retry_delay`` is a fixed delay, hence our own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.db import close_old_connections, transaction
from huey.api import Result, TaskWrapper
from huey.contrib.djhuey import HUEY

from valuechain.platform.tenancy.context import require_tenant_id, tenant_context

logger = logging.getLogger(__name__)

DEFAULT_MAX_ATTEMPTS = 5
DEFAULT_BACKOFF_SECONDS = 10.0
DEFAULT_MAX_BACKOFF_SECONDS = 3600.0


def backoff_delay(
    attempt: int,
    base: float = DEFAULT_BACKOFF_SECONDS,
    cap: float = DEFAULT_MAX_BACKOFF_SECONDS,
) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1-based): base, 2·base, 4·base…"""
    return float(min(base * 2 ** max(attempt - 1, 0), cap))


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a task is retried."""

    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    backoff_seconds: float = DEFAULT_BACKOFF_SECONDS
    max_backoff_seconds: float = DEFAULT_MAX_BACKOFF_SECONDS


class TenantTask:
    """A Huey task bound to a tenant: calling it enqueues after commit; call_local runs inline."""

    def __init__(self, fn: Callable[..., Any], policy: RetryPolicy, name: str | None) -> None:
        self.fn = fn
        self.policy = policy
        self.name = name or fn.__name__

        def run(tenant_id: int, attempt: int, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
            return self._run(tenant_id, attempt, args, kwargs)

        # Huey registers tasks as "<module>.<name>": keep the decorated function's identity.
        run.__module__ = fn.__module__
        run.__doc__ = fn.__doc__
        self.huey_task: TaskWrapper = HUEY.task(name=self.name)(run)

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        """Enqueue for the current tenant once the current transaction commits."""
        tenant_id = require_tenant_id()
        transaction.on_commit(partial(self._enqueue, tenant_id, 1, args, kwargs, None))

    def schedule(self, *args: Any, delay: float, **kwargs: Any) -> None:
        """Enqueue for the current tenant to run ``delay`` seconds after commit."""
        tenant_id = require_tenant_id()
        transaction.on_commit(partial(self._enqueue, tenant_id, 1, args, kwargs, delay))

    def enqueue_for(self, tenant_id: int, *args: Any, **kwargs: Any) -> None:
        """Enqueue for a given tenant (from system code such as sweepers) after commit."""
        transaction.on_commit(partial(self._enqueue, tenant_id, 1, args, kwargs, None))

    def call_local(self, *args: Any, **kwargs: Any) -> Any:
        """Run the function now, in the caller's context, without the queue."""
        return self.fn(*args, **kwargs)

    def _enqueue(
        self,
        tenant_id: int,
        attempt: int,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        delay: float | None,
    ) -> Result | None:
        call_args = (tenant_id, attempt, tuple(args), dict(kwargs))
        if delay:
            return self.huey_task.schedule(args=call_args, delay=delay)
        return self.huey_task(*call_args)

    def _run(
        self, tenant_id: int, attempt: int, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        if not HUEY.immediate:
            close_old_connections()
        try:
            with tenant_context(tenant_id, channel="job"):
                return self.fn(*args, **kwargs)
        except Exception as exc:
            if attempt >= self.policy.max_attempts:
                logger.exception(
                    "Job %s for tenant %s failed on attempt %s of %s; giving up.",
                    self.name,
                    tenant_id,
                    attempt,
                    self.policy.max_attempts,
                )
                raise
            delay = backoff_delay(
                attempt, self.policy.backoff_seconds, self.policy.max_backoff_seconds
            )
            logger.warning(
                "Job %s for tenant %s failed on attempt %s of %s (%s); retrying in %.0fs.",
                self.name,
                tenant_id,
                attempt,
                self.policy.max_attempts,
                exc,
                delay,
            )
            self._enqueue(tenant_id, attempt + 1, args, kwargs, delay)
            return None
        finally:
            if not HUEY.immediate:
                close_old_connections()


def tenant_task(
    *,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    backoff_seconds: float = DEFAULT_BACKOFF_SECONDS,
    max_backoff_seconds: float = DEFAULT_MAX_BACKOFF_SECONDS,
    name: str | None = None,
) -> Callable[[Callable[..., Any]], TenantTask]:
    """Decorate a function as a background job run for the enqueuing tenant, with backoff."""
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")
    policy = RetryPolicy(max_attempts, backoff_seconds, max_backoff_seconds)

    def decorator(fn: Callable[..., Any]) -> TenantTask:
        return TenantTask(fn, policy, name)

    return decorator


def backend_name() -> str:
    """'redis' when the queue lives in Redis, else 'sqlite'."""
    huey_class = str(settings.HUEY.get("huey_class", "")) if isinstance(settings.HUEY, dict) else ""
    return "redis" if "redis" in huey_class.lower() else "sqlite"


def queue_status() -> dict[str, Any]:
    """Health of the queue: backend, whether it answers, how many jobs wait, the error if any."""
    backend = backend_name()
    try:
        pending = int(HUEY.pending_count())
    except Exception as exc:  # any storage failure means "not ok", never a crash
        return {"backend": backend, "ok": False, "pending": 0, "error": str(exc) or repr(exc)}
    return {"backend": backend, "ok": True, "pending": pending, "error": None}
