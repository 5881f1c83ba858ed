"""Two dispatchers racing on one event still run each handler once (PostgreSQL, real threads)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from valuechain.platform.events import services
from valuechain.platform.events.models import HandlerRun, OutboxEvent
from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import system_context, tenant_context

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks and real commits"
    ),
]


def test_concurrent_dispatch_runs_the_handler_once(transactional_db, subscribe):
    tenant = tenancy.create_tenant("Race Co", "race")
    calls: list[int] = []
    lock = threading.Lock()

    @subscribe("RaceHappened")
    def slow(event):
        with lock:
            calls.append(threading.get_ident())
        time.sleep(0.2)  # widen the window in which the other dispatcher arrives

    with tenant_context(tenant):
        event = services.publish("RaceHappened", {})  # autocommit: dispatched at once
    assert len(calls) == 1
    with system_context():
        HandlerRun.objects.filter(event_id=event.pk).delete()
        OutboxEvent.objects.filter(pk=event.pk).update(dispatched_at=None)
    calls.clear()

    start = threading.Barrier(2)
    results: list[bool] = []

    def dispatcher() -> None:
        try:
            start.wait()
            results.append(services.dispatch(event.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=dispatcher) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert results == [True, True]
    with system_context():
        runs = HandlerRun.objects.filter(event_id=event.pk, handler_name__endswith=".slow")
        assert runs.count() == 1
