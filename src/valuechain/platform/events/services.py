"""Use cases of the outbox: publish an event in a transaction, dispatch it after the commit.

``publish()`` writes an OutboxEvent inside the caller's transaction and asks for dispatch on
commit, so an event exists exactly when its change does. ``dispatch()`` runs each subscribed
handler that has not finished for the event yet, each in its own transaction under the
event's tenant; a failing handler is logged, the event keeps ``dispatched_at`` empty with a
backed-off ``next_attempt_at``, and the periodic sweeper tries again. Dispatch never raises
into the request that committed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from valuechain.platform.errors import DomainError
from valuechain.platform.events import registry
from valuechain.platform.events.domain import is_event_type
from valuechain.platform.events.models import HandlerRun, OutboxEvent
from valuechain.platform.jobs.queue import backoff_delay
from valuechain.platform.tenancy.context import system_context, tenant_context

logger = logging.getLogger(__name__)

# The request dispatches right after commit; the sweeper steps in only for events still
# undispatched this long after they occurred (a crash between commit and dispatch).
DISPATCH_GRACE = timedelta(seconds=60)
MAX_DISPATCH_ATTEMPTS = 10
RETRY_BASE_SECONDS = 60.0
RETRY_CAP_SECONDS = 3600.0
SWEEP_BATCH = 500


def _json_payload(payload: Mapping[str, Any] | None) -> dict[str, Any]:
    """The payload as stored: JSON types only, so handlers see what a re-read would give."""
    if payload is not None and not isinstance(payload, Mapping):
        raise DomainError(
            "invalid_payload", "An event's payload must be a mapping.", field="payload"
        )
    try:
        return dict(json.loads(json.dumps(dict(payload or {}), cls=DjangoJSONEncoder)))
    except (TypeError, ValueError) as exc:
        raise DomainError(
            "invalid_payload",
            f"The event's payload is not JSON-serialisable: {exc}",
            field="payload",
        ) from exc


def publish(event_type: str, payload: Mapping[str, Any] | None = None) -> OutboxEvent:
    """Record an event of the current tenant in the caller's transaction; dispatch after commit."""
    if not is_event_type(event_type):
        raise DomainError(
            "invalid_event_type",
            f"{event_type!r} is not an event type; use a past-tense name such as OrderConfirmed.",
            field="type",
        )
    now = timezone.now()
    event = OutboxEvent.objects.create(
        type=event_type,
        payload=_json_payload(payload),
        occurred_at=now,
        next_attempt_at=now + DISPATCH_GRACE,
    )
    transaction.on_commit(partial(dispatch, event.pk), robust=True)
    return event


def _finished_handlers(event: OutboxEvent) -> set[str]:
    return set(HandlerRun.objects.filter(event=event).values_list("handler_name", flat=True))


def run_handler_once(event: OutboxEvent, subscription: registry.Subscription) -> bool:
    """Run one handler for one event unless it already finished; False when it had.

    The HandlerRun row is inserted first, in the handler's transaction: a concurrent run of
    the same handler for the same event waits on it and then fails on the unique constraint
    (its whole transaction rolls back), and a handler that raises rolls back together with
    its HandlerRun, so it is tried again later.
    """
    try:
        with transaction.atomic():
            runs = HandlerRun.objects.filter(event=event, handler_name=subscription.name)
            if runs.exists():
                return False
            HandlerRun.objects.create(event=event, handler_name=subscription.name)
            subscription.handler(event)
    except IntegrityError:
        if HandlerRun.objects.filter(event=event, handler_name=subscription.name).exists():
            return False  # a concurrent run finished it first
        raise
    return True


def _load(event_id: Any) -> OutboxEvent | None:
    with system_context(channel="job"):
        return OutboxEvent.unscoped.filter(pk=event_id).first()


def dispatch(event_id: Any) -> bool:
    """Run the event's pending handlers; True when every in-process handler has finished."""
    event = _load(event_id)
    if event is None or event.dispatched_at is not None:
        return True
    from valuechain.platform.events.tasks import run_background_handler

    errors: list[str] = []
    with tenant_context(event.tenant_id, channel="job"):
        done = _finished_handlers(event)
        for subscription in registry.subscriptions_for(event.type):
            if subscription.name in done:
                continue
            if subscription.background:
                run_background_handler.enqueue_for(
                    event.tenant_id, str(event.pk), subscription.name
                )
                continue
            try:
                run_handler_once(event, subscription)
            except Exception as exc:  # a handler's failure must never reach the request
                logger.exception("Handler %s failed for event %s", subscription.name, event.pk)
                errors.append(f"{subscription.name}: {type(exc).__name__}: {exc}")
        _record_dispatch(event, errors)
    return not errors


def _record_dispatch(event: OutboxEvent, errors: list[str]) -> None:
    now = timezone.now()
    attempts = event.attempts + 1
    rows = OutboxEvent.unscoped.filter(pk=event.pk)
    if not errors:
        rows.update(
            dispatched_at=now, attempts=F("attempts") + 1, last_error="", next_attempt_at=None
        )
        return
    retry_at: datetime | None = None
    if attempts < MAX_DISPATCH_ATTEMPTS:
        delay = backoff_delay(attempts, RETRY_BASE_SECONDS, RETRY_CAP_SECONDS)
        retry_at = now + timedelta(seconds=delay)
    else:
        logger.error("Event %s gave up after %s dispatch attempts", event.pk, attempts)
    rows.update(
        attempts=F("attempts") + 1, last_error="\n".join(errors)[:4000], next_attempt_at=retry_at
    )


def run_background_handler(event_id: str, handler_name: str) -> None:
    """Run one background handler for an event (called by its job); raises to get retried."""
    subscription = registry.subscription_named(handler_name)
    if subscription is None:
        logger.warning("No handler %s any more; event %s skipped it", handler_name, event_id)
        return
    event = OutboxEvent.objects.filter(pk=event_id).first()
    if event is None:
        return
    run_handler_once(event, subscription)


def sweep_outbox(now: datetime | None = None, limit: int = SWEEP_BATCH) -> int:
    """Dispatch events left undispatched past their next attempt time; returns how many."""
    now = now or timezone.now()
    with system_context(channel="job"):
        due = list(
            OutboxEvent.unscoped.filter(dispatched_at__isnull=True, next_attempt_at__lte=now)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
    for event_id in due:
        try:
            dispatch(event_id)
        except Exception:  # one broken event must not stop the sweep
            logger.exception("Sweeper could not dispatch event %s", event_id)
    return len(due)
