"""Tenant-aware jobs: context, enqueue after commit, exponential backoff, queue status, worker."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from valuechain.platform.jobs import queue
from valuechain.platform.jobs.queue import backoff_delay, queue_status, tenant_task
from valuechain.platform.tenancy.context import current

runs: list[tuple[Any, ...]] = []
failures_left = {"count": 0}


@tenant_task(max_attempts=3, backoff_seconds=10, name="jobs_test_record")
def record(value: str, *, extra: int = 0) -> None:
    """Remember what ran, for which tenant and channel; fail while failures are left."""
    ctx = current()
    runs.append((value, extra, ctx.tenant_id, ctx.channel, ctx.bypass))
    if failures_left["count"] > 0:
        failures_left["count"] -= 1
        raise RuntimeError("temporary trouble")


@pytest.fixture(autouse=True)
def clean_state():
    HUEY.flush()
    runs.clear()
    failures_left["count"] = 0
    yield
    HUEY.flush()


def _run_scheduled() -> list[Any]:
    """Run every job scheduled for later, as the consumer would once due; return them."""
    scheduled = HUEY.scheduled()
    HUEY.storage.flush_schedule()
    for task in scheduled:
        HUEY.execute(task, timestamp=task.eta + dt.timedelta(seconds=1))
    return scheduled


def test_backoff_doubles_up_to_the_cap():
    assert [backoff_delay(n, base=10, cap=100) for n in range(1, 6)] == [10, 20, 40, 80, 100]


def test_task_runs_in_the_enqueuing_tenant_with_the_job_channel(
    in_tenant_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record("hello", extra=2)
        assert runs == []  # sent only after commit
    assert runs == [("hello", 2, in_tenant_a.pk, "job", False)]
    assert current().channel == "cli"  # the caller's context is untouched


def test_rolled_back_transaction_enqueues_nothing(in_tenant_a, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        record("never")
        raise RuntimeError("rollback")
    assert runs == []


def test_enqueue_needs_a_tenant(db):
    from valuechain.platform.tenancy.context import TenantNotSet

    with pytest.raises(TenantNotSet):
        record("x")


def test_enqueue_for_names_the_tenant(tenant_b, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        record.enqueue_for(tenant_b.pk, "system work")
    assert runs == [("system work", 0, tenant_b.pk, "job", False)]


def test_failures_are_rescheduled_with_exponential_backoff(
    in_tenant_a, django_capture_on_commit_callbacks
):
    failures_left["count"] = 2
    before = timezone.now().replace(tzinfo=None)
    with django_capture_on_commit_callbacks(execute=True):
        record("retry me")
    [second] = HUEY.scheduled()
    assert second.args[1] == 2
    assert 9 < (second.eta - before).total_seconds() <= 11

    _run_scheduled()
    [third] = HUEY.scheduled()
    assert third.args[1] == 3
    assert 19 < (third.eta - timezone.now().replace(tzinfo=None)).total_seconds() <= 20

    _run_scheduled()
    assert HUEY.scheduled() == []
    assert [run[0] for run in runs] == ["retry me"] * 3
    assert failures_left["count"] == 0


def test_gives_up_after_max_attempts(in_tenant_a, django_capture_on_commit_callbacks, caplog):
    failures_left["count"] = 10
    with django_capture_on_commit_callbacks(execute=True):
        record("doomed")
    _run_scheduled()
    _run_scheduled()
    assert len(runs) == 3
    assert HUEY.scheduled() == []
    assert "failed on attempt 3 of 3; giving up" in caplog.text


def test_schedule_delays_the_first_run(in_tenant_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        record.schedule("later", delay=60)
    assert runs == []
    [task] = _run_scheduled()
    assert task.args[1] == 1
    assert runs == [("later", 0, in_tenant_a.pk, "job", False)]


def test_max_attempts_must_be_positive():
    with pytest.raises(ValueError):
        tenant_task(max_attempts=0)


def test_queue_status_reports_backend_and_pending(monkeypatch, settings):
    assert queue_status() == {"backend": "sqlite", "ok": True, "pending": 0, "error": None}

    def broken() -> int:
        raise ConnectionError("redis is down")

    monkeypatch.setattr(HUEY, "pending_count", broken)
    settings.HUEY = {**settings.HUEY, "huey_class": "huey.RedisHuey"}
    assert queue_status() == {
        "backend": "redis",
        "ok": False,
        "pending": 0,
        "error": "redis is down",
    }


def test_sweeper_is_a_periodic_task():
    from valuechain.platform.events import tasks

    periodic = [task.__name__ for task in HUEY._registry._periodic_tasks]
    assert "sweep_events" in periodic
    assert tasks.sweep_events.task_class.validate_datetime(None, dt.datetime(2026, 1, 5, 9, 1))


class _FakeConsumer:
    def __init__(self, **options: Any) -> None:
        self.options = options
        self.ran = False

    def run(self) -> None:
        self.ran = True


def test_worker_command_prints_its_setup_and_starts_the_consumer(monkeypatch):
    consumers: list[_FakeConsumer] = []

    def create_consumer(**options: Any) -> _FakeConsumer:
        consumers.append(_FakeConsumer(**options))
        return consumers[-1]

    monkeypatch.setattr(HUEY, "create_consumer", create_consumer)
    out, err = StringIO(), StringIO()
    call_command("worker", "--workers", "3", "--worker-type", "thread", stdout=out, stderr=err)
    assert out.getvalue().startswith("valuechain worker: backend=sqlite (")
    assert "workers=3 (thread), queue=valuechain" in out.getvalue()
    assert "Jobs run inline" in err.getvalue()
    [consumer] = consumers
    assert consumer.ran
    assert consumer.options["workers"] == 3
    assert consumer.options["worker_type"] == "thread"
    assert consumer.options["periodic"] is True


def test_worker_defaults_come_from_settings(monkeypatch, settings):
    consumers: list[_FakeConsumer] = []
    monkeypatch.setattr(
        HUEY, "create_consumer", lambda **o: consumers.append(_FakeConsumer(**o)) or consumers[-1]
    )
    out = StringIO()
    call_command("worker", stdout=out, stderr=StringIO())
    assert f"workers={settings.HUEY['consumer']['workers']} (thread)" in out.getvalue()
    assert consumers[0].options["workers"] == settings.HUEY["consumer"]["workers"]


def test_worker_location_hides_redis_credentials(settings):
    from valuechain.platform.jobs.management.commands.worker import _location

    settings.HUEY = {
        **settings.HUEY,
        "huey_class": "huey.RedisHuey",
        "url": "redis://u:pw@r:6379/0",
    }
    assert queue.backend_name() == "redis"
    assert _location() == "r:6379/0"
