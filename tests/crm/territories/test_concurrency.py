"""Round robin under concurrency: N parallel assignments spread exactly evenly (PostgreSQL)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection

from valuechain.crm.territories import assignment, services
from valuechain.crm.territories.domain import RecordAttributes
from valuechain.crm.territories.models import AssignmentRule
from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import tenant_context

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks and real commits"
    ),
]


def _race(threads: int, work: Callable[[], int | None]) -> list[int | None]:
    """Run work in threads released together; each thread closes its own DB connection."""
    barrier = threading.Barrier(threads)
    results: list[int | None] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            barrier.wait()
            owner = work()
            with lock:
                results.append(owner)
        except BaseException as exc:  # reported by the main thread
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    return results


def test_concurrent_round_robin_spreads_exactly_evenly(transactional_db):
    tenant = tenancy.create_tenant("Race Co", "race")
    reps = [
        tenancy.add_member(tenant, tenancy.create_user(f"rep{i}@race.test", None), "sales_rep")
        for i in range(3)
    ]
    with tenant_context(tenant):
        territory = services.create_territory(name="DACH", countries=["DE"])
        for rep in reps:
            services.add_member(territory.pk, user_id=rep.user_id)
        services.create_rule(territory.pk, applies_to="lead", method="round_robin")

    def assign() -> int | None:
        with tenant_context(tenant):
            return assignment.choose_owner("lead", RecordAttributes(country="DE")).owner_id

    owners = _race(30, assign)
    assert Counter(owners) == {rep.user_id: 10 for rep in reps}
    with tenant_context(tenant):
        assert AssignmentRule.objects.get().last_user_id == max(rep.user_id for rep in reps)
