"""Concurrent conversions and first scorings, with real threads on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from valuechain.crm.customers.models import Person
from valuechain.crm.leads import conversion, services
from valuechain.crm.leads.models import Lead, ScoringRule, ScoringSetup
from valuechain.platform.errors import DomainError
from valuechain.platform.tenancy.context import tenant_context

THREADS = 8


def _race(tenant: Any, work: Callable[[], Any]) -> tuple[list[Any], list[str]]:
    """Run ``work`` in THREADS threads at once; its results and the DomainError codes."""
    barrier = threading.Barrier(THREADS)
    results: list[Any] = []
    codes: list[str] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            with tenant_context(tenant):
                barrier.wait()
                try:
                    result = work()
                    with lock:
                        results.append(result)
                except DomainError as error:
                    with lock:
                        codes.append(error.code)
        finally:
            connection.close()

    workers = [threading.Thread(target=run) for _ in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return results, codes


def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("real row locks need PostgreSQL")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_lead_converts_once_however_many_try_at_once(tenant_a):
    _postgres_only()
    with tenant_context(tenant_a):
        lead = services.create_lead(last_name="Lovelace", email="ada@acme.example")
    results, codes = _race(
        tenant_a, lambda: conversion.convert_lead(lead.pk, create_opportunity=False)
    )
    assert len(results) == 1
    assert codes == ["already_converted"] * (THREADS - 1)
    with tenant_context(tenant_a):
        assert Person.objects.count() == 1
        assert Lead.objects.get().converted_person_id == results[0].person.pk


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_leads_create_the_default_rules_once(tenant_a):
    _postgres_only()
    results, codes = _race(tenant_a, lambda: services.create_lead(last_name="L", company="C"))
    assert (len(results), codes) == (THREADS, [])
    with tenant_context(tenant_a):
        assert ScoringSetup.objects.count() == 1
        assert ScoringRule.objects.count() == 9
        assert Lead.objects.count() == THREADS
