"""Use cases of the outbox: publish an event in a transaction, dispatch it after the commit.

``publish()`` writes an OutboxEvent inside the caller's transaction and asks for dispatch on
commit, so an event exists exactly when its change does. The events of one commit are
dispatched together: ``dispatch_many()`` loads them, and their finished handler runs, in one
query each, asks each subscription's ``relevant`` predicate once per tenant which events it
needs at all, runs each pending handler in its own transaction under the event's tenant,
and marks the successful events dispatched in one UPDATE. A failing handler is logged, its
event keeps ``dispatched_at`` empty with a backed-off ``next_attempt_at``, and the periodic
sweeper tries again. Dispatch never raises into the request that committed.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterable, Mapping
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

# Ids of events published on this thread and not dispatched yet, in publishing order. A
# connection belongs to one thread, and commit callbacks run in the order they were
# registered, so the first callback of a commit finds its own event and every later event
# of that commit after it; ids further back belong to transactions or savepoints that rolled
# back (they would load nothing).
_pending = threading.local()


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


def _pending_ids() -> list[Any]:
    """This thread's list of published, not yet dispatched event ids."""
    ids: list[Any] | None = getattr(_pending, "ids", None)
    if ids is None:
        ids = _pending.ids = []
    return ids


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
    _pending_ids().append(event.pk)
    # One callback per event: a callback dropped with a rolled-back savepoint must not take
    # the outer transaction's events with it. The first one to run dispatches them all.
    transaction.on_commit(partial(_dispatch_pending, event.pk), robust=True)
    return event


def _dispatch_pending(event_id: Any) -> None:
    """On commit: dispatch this event and the later pending ones of this thread in one batch.

    Earlier ids are dropped when no transaction is open any more (they rolled back); inside
    one (a test's transaction, whose inner blocks "commit" through captured callbacks) they
    are left for their own callbacks.
    """
    ids = _pending_ids()
    try:
        start = ids.index(event_id)
    except ValueError:
        return  # an earlier callback of the same commit took it
    batch = list(dict.fromkeys(ids[start:]))
    # Cut before dispatching: events the handlers publish form batches of their own.
    del ids[start if transaction.get_connection().in_atomic_block else 0 :]
    dispatch_many(batch)


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


def _load_batch(event_ids: list[Any]) -> tuple[list[OutboxEvent], dict[Any, set[str]]]:
    """Undispatched events among the ids (in the given order) and their finished handlers."""
    with system_context(channel="job"):
        found = {
            event.pk: event
            for event in OutboxEvent.unscoped.filter(pk__in=event_ids, dispatched_at__isnull=True)
        }
        done: dict[Any, set[str]] = {pk: set() for pk in found}
        if found:
            runs = HandlerRun.unscoped.filter(event_id__in=list(found))
            for event_id, name in runs.values_list("event_id", "handler_name"):
                done[event_id].add(name)
    ordered: list[OutboxEvent] = []
    for event_id in event_ids:
        event = found.pop(_as_pk(event_id), None)
        if event is not None:
            ordered.append(event)
    return ordered, done


def _as_pk(event_id: Any) -> Any:
    """An event id as the model's primary key value (callers pass UUIDs or strings)."""
    return OutboxEvent._meta.pk.to_python(event_id)


def _pending_subscriptions(
    events: list[OutboxEvent], done: dict[Any, set[str]]
) -> dict[Any, list[registry.Subscription]]:
    """Per event, the subscriptions that have not finished for it yet."""
    return {
        event.pk: [
            subscription
            for subscription in registry.subscriptions_for(event.type)
            if subscription.name not in done[event.pk]
        ]
        for event in events
    }


def _irrelevant(
    events: list[OutboxEvent], pending: dict[Any, list[registry.Subscription]]
) -> set[tuple[Any, str]]:
    """(event, handler) pairs a subscription's predicate rules out; one call per handler.

    Runs in the tenant's context. A predicate that raises rules nothing out: the handlers
    then run as if there were no predicate.
    """
    asked: dict[str, tuple[registry.Relevance, list[OutboxEvent]]] = {}
    for event in events:
        for subscription in pending[event.pk]:
            if subscription.relevant is not None:
                entry = asked.setdefault(subscription.name, (subscription.relevant, []))
                entry[1].append(event)
    skipped: set[tuple[Any, str]] = set()
    for name, (relevant, candidates) in asked.items():
        try:
            wanted = relevant(candidates)
        except Exception:  # a broken predicate must not cost an event its handler
            logger.exception("Relevance check of %s failed; running it for every event", name)
            continue
        skipped.update((event.pk, name) for event in candidates if event.pk not in wanted)
    return skipped


def _run_pending(
    event: OutboxEvent, subscriptions: list[registry.Subscription], skipped: set[tuple[Any, str]]
) -> list[str]:
    """Run (or enqueue) an event's pending handlers; the errors of those that failed."""
    from valuechain.platform.events.tasks import run_background_handler

    errors: list[str] = []
    for subscription in subscriptions:
        if (event.pk, subscription.name) in skipped:
            continue  # provably a no-op for this event: counts as handled, leaves no run
        try:
            if subscription.background:
                run_background_handler.enqueue_for(
                    event.tenant_id, str(event.pk), subscription.name
                )
            else:
                run_handler_once(event, subscription)
        except Exception as exc:  # never reaches the request, nor the batch's other events
            logger.exception("Handler %s failed for event %s", subscription.name, event.pk)
            errors.append(f"{subscription.name}: {type(exc).__name__}: {exc}")
    return errors


def dispatch_many(event_ids: Iterable[Any]) -> dict[Any, bool]:
    """Run the pending handlers of many events; per event found, True when all finished.

    Ids that do not load (rolled back, deleted) or events already dispatched are left out
    of the answer. One tenant's batch is marked dispatched inside its own context, so the
    common case (one commit, one tenant) switches context only once.
    """
    events, done = _load_batch(list(event_ids))
    if not events:
        return {}
    pending = _pending_subscriptions(events, done)
    by_tenant: dict[int, list[OutboxEvent]] = {}
    for event in events:
        by_tenant.setdefault(event.tenant_id, []).append(event)
    results: dict[Any, bool] = {}
    succeeded: list[Any] = []
    for tenant_id, tenant_events in by_tenant.items():
        with tenant_context(tenant_id, channel="job"):
            skipped = _irrelevant(tenant_events, pending)
            for event in tenant_events:
                errors = _run_pending(event, pending[event.pk], skipped)
                results[event.pk] = not errors
                if errors:
                    _record_failure(event, errors)
                else:
                    succeeded.append(event.pk)
            if len(by_tenant) == 1:
                _mark_dispatched(succeeded)
    if len(by_tenant) > 1:
        with system_context(channel="job"):
            _mark_dispatched(succeeded)
    return results


def dispatch(event_id: Any) -> bool:
    """Run the event's pending handlers; True when every in-process handler has finished."""
    return all(dispatch_many([event_id]).values())


def _mark_dispatched(event_ids: list[Any]) -> None:
    """Mark the events dispatched in one UPDATE."""
    if event_ids:
        OutboxEvent.unscoped.filter(pk__in=event_ids).update(
            dispatched_at=timezone.now(),
            attempts=F("attempts") + 1,
            last_error="",
            next_attempt_at=None,
        )


def _record_failure(event: OutboxEvent, errors: list[str]) -> None:
    """Count a failed attempt: back off for the sweeper, or give up after the last attempt."""
    now = timezone.now()
    attempts = event.attempts + 1
    retry_at: datetime | None = None
    if attempts < MAX_DISPATCH_ATTEMPTS:
        delay = backoff_delay(attempts, RETRY_BASE_SECONDS, RETRY_CAP_SECONDS)
        retry_at = now + timedelta(seconds=delay)
    else:
        logger.error("Event %s gave up after %s dispatch attempts", event.pk, attempts)
    OutboxEvent.unscoped.filter(pk=event.pk).update(
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
    if not due:
        return 0
    try:
        dispatch_many(due)
    except Exception:  # handler failures are caught per event; this is the batch itself
        logger.exception("Sweeper could not dispatch a batch of %s events; one by one", len(due))
        for event_id in due:
            try:
                dispatch(event_id)
            except Exception:  # one broken event must not stop the sweep
                logger.exception("Sweeper could not dispatch event %s", event_id)
    return len(due)
