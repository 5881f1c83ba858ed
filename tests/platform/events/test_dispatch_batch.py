"""Batched dispatch: one commit's events load, run and are marked together; no-ops cost nothing."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from valuechain.platform.events import registry, services
from valuechain.platform.events.models import (
    HandlerRun,
    OutboxEvent,
    WebhookDelivery,
    WebhookEndpoint,
)
from valuechain.platform.tenancy.context import system_context, tenant_context

TYPES = ("OrderPlaced", "StockReserved", "InvoiceDrafted")


def _reloaded(events):
    with system_context():
        return {e.pk: e for e in OutboxEvent.objects.filter(pk__in=[e.pk for e in events])}


def _publish_three():
    return [services.publish(event_type, {"n": n}) for n, event_type in enumerate(TYPES)]


def test_three_events_without_endpoints_cost_four_queries(
    in_tenant_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        events = _publish_three()
    assert len(callbacks) == 3  # one per event, so a rolled-back savepoint strands nothing
    with CaptureQueriesContext(connection) as queries:
        for callback in callbacks:
            callback()
    # 1 SELECT of the three events, 1 SELECT of their finished HandlerRuns, 1 SELECT of the
    # tenant's active webhook endpoints (the fan-out's relevance check, which leaves all
    # three out), 1 UPDATE marking all three dispatched. The second and third callbacks
    # find their events taken and query nothing. (Before batching: 24 statements.)
    assert len(queries.captured_queries) == 4, [q["sql"] for q in queries.captured_queries]
    for event in _reloaded(events).values():
        assert (event.status, event.attempts) == ("dispatched", 1)
    assert not HandlerRun.objects.exists()  # provably no-op handlers leave no runs


def test_an_endpoint_gets_only_the_event_it_subscribes_to(
    in_tenant_a, receiver, django_capture_on_commit_callbacks
):
    endpoint = WebhookEndpoint.objects.create(
        url="https://hooks.example.test/batch", event_types=["StockReserved"], secret="whsec_x"
    )
    WebhookEndpoint.objects.create(
        url="https://hooks.example.test/off", event_types=["*"], secret="s", is_active=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        placed, reserved, drafted = _publish_three()
    [delivery] = WebhookDelivery.objects.all()
    assert (delivery.event_id, delivery.endpoint_id) == (reserved.pk, endpoint.pk)
    runs = HandlerRun.objects.values_list("event_id", "handler_name")
    assert list(runs) == [(reserved.pk, "events.webhook_fan_out")]
    assert {e.status for e in _reloaded([placed, reserved, drafted]).values()} == {"dispatched"}
    assert len(receiver.requests) == 1


def test_a_test_event_is_always_relevant(in_tenant_a, receiver, django_capture_on_commit_callbacks):
    from valuechain.platform.events import webhooks

    endpoint = WebhookEndpoint.objects.create(
        url="https://hooks.example.test/t", event_types=["OrderPlaced"], secret="whsec_t"
    )
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.send_test_event(endpoint.pk)
    assert WebhookDelivery.objects.get().endpoint_id == endpoint.pk


def test_event_of_a_rolled_back_savepoint_is_not_dispatched(
    in_tenant_a, subscribe, django_capture_on_commit_callbacks
):
    seen = []
    subscribe(*TYPES)(lambda event: seen.append(event.type))
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        kept = services.publish("OrderPlaced", {})
        with pytest.raises(RuntimeError), transaction.atomic():
            services.publish("StockReserved", {})
            raise RuntimeError("undo the reservation")
        after = services.publish("InvoiceDrafted", {})
    assert len(callbacks) == 2  # the savepoint's callback went with it
    assert seen == ["OrderPlaced", "InvoiceDrafted"]
    assert [e.type for e in OutboxEvent.objects.order_by("occurred_at")] == [
        "OrderPlaced",
        "InvoiceDrafted",
    ]
    assert {e.status for e in _reloaded([kept, after]).values()} == {"dispatched"}


def test_outer_event_is_dispatched_when_the_savepoint_with_the_first_callback_rolls_back(
    in_tenant_a, subscribe, django_capture_on_commit_callbacks
):
    seen = []
    subscribe(*TYPES)(lambda event: seen.append(event.type))
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            services.publish("OrderPlaced", {})
            raise RuntimeError("undo")
        kept = services.publish("StockReserved", {})
    assert seen == ["StockReserved"]
    assert _reloaded([kept])[kept.pk].status == "dispatched"


def test_a_failing_handler_leaves_only_its_event_undispatched(
    in_tenant_a, subscribe, django_capture_on_commit_callbacks
):
    seen = []

    @subscribe(*TYPES)
    def picky(event):
        if event.type == "StockReserved":
            raise ValueError("warehouse offline")
        seen.append(event.type)

    with django_capture_on_commit_callbacks(execute=True):
        placed, reserved, drafted = _publish_three()
    assert seen == ["OrderPlaced", "InvoiceDrafted"]
    events = _reloaded([placed, reserved, drafted])
    assert events[placed.pk].status == events[drafted.pk].status == "dispatched"
    failed = events[reserved.pk]
    assert (failed.status, failed.attempts) == ("retrying", 1)
    assert "picky: ValueError: warehouse offline" in failed.last_error


def test_dispatch_many_reports_per_event_and_skips_unknown_ids(in_tenant_a, subscribe):
    @subscribe("OrderPlaced", "StockReserved")
    def fails_on_reserve(event):
        if event.type == "StockReserved":
            raise RuntimeError("no")

    placed = services.publish("OrderPlaced", {})
    reserved = services.publish("StockReserved", {})
    missing = "00000000-0000-0000-0000-000000000000"
    result = services.dispatch_many([placed.pk, str(reserved.pk), missing])
    assert result == {placed.pk: True, reserved.pk: False}
    assert services.dispatch_many([placed.pk]) == {}  # already dispatched
    assert services.dispatch(missing) is True
    assert services.dispatch(reserved.pk) is False


def test_relevance_predicate_runs_once_per_tenant_and_batch(tenant_a, tenant_b, subscribe):
    calls = []

    def only_placed(events):
        calls.append(sorted(e.type for e in events))
        return {e.pk for e in events if e.type == "OrderPlaced"}

    ran = []
    registry.subscribe(*TYPES, relevant=only_placed, name="test.only_placed")(
        lambda event: ran.append(event.type)
    )
    try:
        ids = []
        for tenant in (tenant_a, tenant_b):
            with tenant_context(tenant):
                ids += [e.pk for e in _publish_three()]
        services.dispatch_many(ids)
    finally:
        registry.unsubscribe("test.only_placed")
    assert calls == [sorted(TYPES), sorted(TYPES)]
    assert ran == ["OrderPlaced", "OrderPlaced"]
    with system_context():
        assert not OutboxEvent.objects.filter(dispatched_at__isnull=True).exists()
        names = set(HandlerRun.objects.values_list("handler_name", flat=True))
    assert names == {"test.only_placed"}


def test_a_broken_predicate_rules_nothing_out(in_tenant_a, caplog):
    def broken(events):
        raise RuntimeError("predicate bug")

    ran = []
    registry.subscribe("OrderPlaced", relevant=broken, name="test.broken_predicate")(
        lambda event: ran.append(event.pk)
    )
    try:
        event = services.publish("OrderPlaced", {})
        assert services.dispatch(event.pk) is True
    finally:
        registry.unsubscribe("test.broken_predicate")
    assert ran == [event.pk]
    assert "Relevance check of test.broken_predicate failed" in caplog.text


def test_sweeper_dispatches_its_batch_and_isolates_failures(in_tenant_a, subscribe):
    from django.utils import timezone

    @subscribe(*TYPES)
    def fails_on_drafts(event):
        if event.type == "InvoiceDrafted":
            raise RuntimeError("no printer")

    placed, reserved, drafted = _publish_three()  # never committed: left for the sweeper
    assert services.sweep_outbox(now=timezone.now() + services.DISPATCH_GRACE) == 3
    events = _reloaded([placed, reserved, drafted])
    assert events[placed.pk].status == events[reserved.pk].status == "dispatched"
    assert events[drafted.pk].status == "retrying"
