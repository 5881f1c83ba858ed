"""The outbox: events commit with their change, handlers run once, failures are retried."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from valuechain.platform.errors import DomainError
from valuechain.platform.events import services
from valuechain.platform.events.models import HandlerRun, OutboxEvent
from valuechain.platform.tenancy.context import current, system_context


def _events():
    with system_context():
        return list(OutboxEvent.objects.order_by("occurred_at"))


def test_publish_writes_the_event_and_dispatches_after_commit(
    in_tenant_a, subscribe, django_capture_on_commit_callbacks
):
    seen = []

    @subscribe("ThingHappened")
    def on_thing(event):
        ctx = current()
        seen.append((event.type, event.payload, ctx.tenant_id, ctx.channel))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        event = services.publish("ThingHappened", {"amount": dt.date(2026, 1, 5), "n": 1})
        assert seen == []  # nothing runs before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    assert seen == [("ThingHappened", {"amount": "2026-01-05", "n": 1}, in_tenant_a.pk, "job")]
    event.refresh_from_db()
    assert event.dispatched_at is not None
    assert (event.attempts, event.last_error, event.status) == (1, "", "dispatched")
    assert event.tenant_id == in_tenant_a.pk


def test_rolled_back_transaction_leaves_no_event_and_no_dispatch(
    in_tenant_a, subscribe, django_capture_on_commit_callbacks
):
    seen = []
    subscribe("ThingHappened")(seen.append)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.publish("ThingHappened", {})
        raise RuntimeError("rolled back")
    assert callbacks == []
    assert _events() == []
    assert seen == []


def test_handler_runs_once_even_when_dispatched_twice(
    in_tenant_a, subscribe, django_capture_on_commit_callbacks
):
    calls = []

    @subscribe("ThingHappened")
    def count(event):
        calls.append(event.pk)

    with django_capture_on_commit_callbacks(execute=True):
        event = services.publish("ThingHappened", {})
    OutboxEvent.objects.filter(pk=event.pk).update(dispatched_at=None)  # as if a crash lost it
    assert services.dispatch(event.pk) is True
    assert services.dispatch(event.pk) is True
    assert calls == [event.pk]
    assert HandlerRun.objects.filter(event=event, handler_name__endswith="count").count() == 1


def test_wildcard_and_specific_handlers_both_run(
    in_tenant_a, subscribe, django_capture_on_commit_callbacks
):
    calls = []

    @subscribe("*")
    def any_event(event):
        calls.append(("any", event.type))

    @subscribe("ThingHappened")
    def thing(event):
        calls.append(("thing", event.type))

    with django_capture_on_commit_callbacks(execute=True):
        services.publish("ThingHappened", {})
    assert sorted(calls) == [("any", "ThingHappened"), ("thing", "ThingHappened")]


def test_failing_handler_is_logged_and_retried_by_the_sweeper(
    in_tenant_a, subscribe, django_capture_on_commit_callbacks, caplog
):
    state = {"fail": True, "runs": 0, "other": 0}

    @subscribe("ThingHappened")
    def flaky(event):
        state["runs"] += 1
        if state["fail"]:
            raise ValueError("receiver down")

    @subscribe("ThingHappened")
    def steady(event):
        state["other"] += 1

    with django_capture_on_commit_callbacks(execute=True):
        event = services.publish("ThingHappened", {})  # must not raise
    event.refresh_from_db()
    assert event.dispatched_at is None
    assert event.attempts == 1
    assert event.status == "retrying"
    assert "flaky: ValueError: receiver down" in event.last_error
    assert "Handler" in caplog.text and "failed" in caplog.text
    assert event.next_attempt_at > timezone.now() + dt.timedelta(seconds=50)

    assert services.sweep_outbox(now=timezone.now()) == 0  # not due yet
    state["fail"] = False
    assert services.sweep_outbox(now=event.next_attempt_at) == 1
    event.refresh_from_db()
    assert event.status == "dispatched"
    assert (state["runs"], state["other"]) == (2, 1)  # the one that succeeded is not rerun


def test_sweeper_dispatches_events_a_crash_left_behind(in_tenant_a, subscribe):
    seen = []
    subscribe("ThingHappened")(lambda event: seen.append(event.pk))
    event = services.publish("ThingHappened", {})  # the test transaction never commits
    assert seen == []
    assert services.sweep_outbox(now=timezone.now()) == 0  # still within the grace period
    assert services.sweep_outbox(now=timezone.now() + services.DISPATCH_GRACE) == 1
    assert seen == [event.pk]


def test_dispatch_gives_up_after_max_attempts(in_tenant_a, subscribe, monkeypatch):
    monkeypatch.setattr(services, "MAX_DISPATCH_ATTEMPTS", 2)

    @subscribe("ThingHappened")
    def broken(event):
        raise RuntimeError("always")

    event = services.publish("ThingHappened", {})
    services.dispatch(event.pk)
    services.dispatch(event.pk)
    event.refresh_from_db()
    assert (event.attempts, event.next_attempt_at, event.status) == (2, None, "failed")
    assert services.sweep_outbox(now=timezone.now() + dt.timedelta(days=1)) == 0


def test_background_handler_runs_as_a_job(
    in_tenant_a, subscribe, django_capture_on_commit_callbacks
):
    seen = []

    @subscribe("ThingHappened", background=True)
    def in_background(event):
        ctx = current()
        seen.append((event.payload["n"], ctx.tenant_id, ctx.channel))

    with django_capture_on_commit_callbacks(execute=True):
        event = services.publish("ThingHappened", {"n": 7})
    assert seen == [(7, in_tenant_a.pk, "job")]
    assert HandlerRun.objects.filter(event=event, handler_name__endswith="in_background").exists()
    services.run_background_handler(
        str(event.pk),
        HandlerRun.objects.get(event=event, handler_name__endswith="in_background").handler_name,
    )
    assert len(seen) == 1  # a repeated job does nothing


def test_failing_background_handler_is_retried_with_backoff(
    in_tenant_a, subscribe, django_capture_on_commit_callbacks
):
    from huey.contrib.djhuey import HUEY

    @subscribe("ThingHappened", background=True)
    def always_fails(event):
        raise RuntimeError("no")

    with django_capture_on_commit_callbacks(execute=True):
        event = services.publish("ThingHappened", {})
    event.refresh_from_db()
    assert event.status == "dispatched"  # the in-process part is done; the job retries itself
    [retry] = HUEY.scheduled()
    assert retry.args[1] == 2  # the second attempt
    delay = (retry.eta - timezone.now().replace(tzinfo=None)).total_seconds()
    assert 25 < delay <= 30


def test_two_functions_cannot_share_a_handler_name(subscribe):
    from valuechain.platform.events import registry

    @subscribe("ThingHappened")
    def handler(event):
        pass

    def other(event):
        pass

    with pytest.raises(ValueError, match="already subscribed"):
        registry.subscribe("OtherThing", name=registry.handler_name(handler))(other)


@pytest.mark.parametrize("name", ["", "thing_happened", "Th", "Thing Happened"])
def test_event_types_must_be_names(in_tenant_a, name):
    with pytest.raises(DomainError) as error:
        services.publish(name, {})
    assert error.value.code == "invalid_event_type"


def test_payload_must_be_json(in_tenant_a):
    with pytest.raises(DomainError) as error:
        services.publish("ThingHappened", {"x": object()})
    assert error.value.code == "invalid_payload"


def test_publish_needs_a_tenant(db):
    from valuechain.platform.tenancy.context import TenantNotSet

    with pytest.raises(TenantNotSet):
        services.publish("ThingHappened", {})
