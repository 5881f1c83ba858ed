"""Merges racing each other on PostgreSQL: row locks in primary-key order, no deadlock."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from valuechain.crm.customers import merging, services
from valuechain.crm.customers.merge_models import MergeRecord
from valuechain.crm.customers.models import EmailAddress, Person
from valuechain.platform.errors import DomainError
from valuechain.platform.tenancy.context import tenant_context


def _race(works: list[Callable[[], object]]) -> tuple[list[object], list[BaseException]]:
    """Run each work in its own thread, released together, each with its own connection."""
    barrier = threading.Barrier(len(works))
    results: list[object] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(work: Callable[[], object]) -> None:
        try:
            barrier.wait()
            outcome = work()
            with lock:
                results.append(outcome)
        except BaseException as exc:  # reported by the main thread
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=run, args=(work,)) for work in works]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return results, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_crossed_merges_run_one_after_the_other(tenant_a, admin_a) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("real row locks need PostgreSQL")
    with tenant_context(tenant_a, actor=admin_a.user):
        a = services.create_person(first_name="Ada", last_name="One")
        b = services.create_person(first_name="Ada", last_name="Two")
        for person in (a, b):
            services.add_email("person", person.pk, email=f"{person.pk}@example.com")

    def merge(survivor: Person, loser: Person) -> Callable[[], object]:
        def work() -> object:
            with tenant_context(tenant_a, actor=admin_a.user):
                return merging.merge_parties("person", survivor.pk, loser.pk).pk

        return work

    results, errors = _race([merge(a, b), merge(b, a)] * 2)

    assert len(results) == 1
    assert len(errors) == 3
    assert all(isinstance(e, DomainError) and e.code == "not_found" for e in errors), errors
    with tenant_context(tenant_a):
        assert Person.objects.count() == 1
        survivor = Person.objects.get()
        assert EmailAddress.objects.filter(person=survivor).count() == 2
        assert MergeRecord.objects.count() == 1
