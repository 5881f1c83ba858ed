"""Concurrent imports with real threads on PostgreSQL: one run per job, no duplicates."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from valuechain.crm.customers.models import Account
from valuechain.platform.dataexchange import services
from valuechain.platform.errors import DomainError
from valuechain.platform.tenancy.context import tenant_context

THREADS = 4
CSV = b"Company\nAcme\nGlobex\nInitech\n"


def _race(tenant: Any, work: Callable[[int], Any]) -> tuple[list[Any], list[str]]:
    """Run ``work(index)`` in THREADS threads at once; its results and DomainError codes."""
    barrier = threading.Barrier(THREADS)
    results: list[Any] = []
    codes: list[str] = []
    lock = threading.Lock()

    def run(index: int) -> None:
        try:
            with tenant_context(tenant):
                barrier.wait()
                try:
                    result = work(index)
                    with lock:
                        results.append(result)
                except DomainError as error:
                    with lock:
                        codes.append(error.code)
        finally:
            connection.close()

    workers = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return results, codes


def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("real row locks need PostgreSQL")


def _upload() -> Any:
    return services.upload(importer_key="customers.accounts", filename="a.csv", content=CSV)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_job_runs_once_however_many_try(tenant_a):
    _postgres_only()
    with tenant_context(tenant_a):
        job = _upload()
    results, codes = _race(tenant_a, lambda _: services.run(job.pk))
    assert len(results) == 1
    assert codes == ["import_already_run"] * (THREADS - 1)
    with tenant_context(tenant_a):
        assert Account.objects.count() == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_file_imported_at_once_creates_each_account_once(tenant_a):
    _postgres_only()
    with tenant_context(tenant_a):
        jobs = [_upload() for _ in range(THREADS)]
    results, codes = _race(tenant_a, lambda index: services.run(jobs[index].pk))
    assert (len(results), codes) == (THREADS, [])
    assert sorted(job.created_count for job in results) == [0] * (THREADS - 1) + [3]
    with tenant_context(tenant_a):
        assert sorted(Account.objects.values_list("name", flat=True)) == [
            "Acme",
            "Globex",
            "Initech",
        ]
