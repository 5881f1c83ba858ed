"""Document numbers: sequential per tenant, configurable forward only, unique under concurrency."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, transaction
from django.test import Client

from valuechain.platform import numbering
from valuechain.platform.errors import DomainError
from valuechain.platform.models import DocumentSequence
from valuechain.platform.tenancy.context import tenant_context


def test_numbers_are_sequential_from_one(in_tenant_a):
    assert [numbering.next_number("so") for _ in range(3)] == [
        "SO-000001",
        "SO-000002",
        "SO-000003",
    ]
    sequence = DocumentSequence.objects.get(key="so")
    assert (sequence.prefix, sequence.padding, sequence.next_value) == ("SO-", 6, 4)


def test_each_key_and_tenant_counts_on_its_own(tenant_a, tenant_b):
    with tenant_context(tenant_a):
        assert numbering.next_number("so") == "SO-000001"
        assert numbering.next_number("po", prefix="PO", padding=4) == "PO0001"
        assert numbering.next_number("so") == "SO-000002"
    with tenant_context(tenant_b):
        assert numbering.next_number("so") == "SO-000001"


def test_prefix_and_padding_apply_only_on_creation(in_tenant_a):
    assert numbering.next_number("inv", prefix="INV/", padding=3) == "INV/001"
    assert numbering.next_number("inv", prefix="X-", padding=9) == "INV/002"


def test_long_keys_get_a_prefix_that_fits_its_column(in_tenant_a):
    key = "a" + "b" * 39
    assert numbering.next_number(key) == "A" + "B" * 18 + "-000001"
    assert DocumentSequence.objects.get(key=key).prefix == "A" + "B" * 18 + "-"


def test_numbers_outgrow_their_padding(in_tenant_a):
    numbering.configure_sequence("t", padding=2, next_value=99)
    assert [numbering.next_number("t") for _ in range(2)] == ["T-99", "T-100"]


def test_rolled_back_transaction_gives_its_number_back(in_tenant_a):
    numbering.next_number("so")
    with pytest.raises(RuntimeError), transaction.atomic():
        assert numbering.next_number("so") == "SO-000002"
        raise RuntimeError("the order could not be saved")
    assert numbering.next_number("so") == "SO-000002"


def test_configure_moves_forward_only(in_tenant_a):
    sequence = numbering.configure_sequence("so", prefix="ORD-", padding=5, next_value=1000)
    assert (sequence.prefix, sequence.padding, sequence.next_value) == ("ORD-", 5, 1000)
    assert numbering.next_number("so") == "ORD-01000"
    with pytest.raises(DomainError) as error:
        numbering.configure_sequence("so", next_value=1000)
    assert (error.value.code, error.value.field) == ("sequence_backwards", "next_value")
    assert error.value.details["current"] == 1001
    assert numbering.configure_sequence("so", next_value=1001).next_value == 1001
    assert numbering.next_number("so") == "ORD-01001"


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"key": "SO"}, "invalid_sequence_key", "key"),
        ({"key": "-so"}, "invalid_sequence_key", "key"),
        ({"key": "123"}, "invalid_sequence_key", "key"),
        ({"key": "s" * 41}, "invalid_sequence_key", "key"),
        ({"key": "so", "prefix": "P" * 21}, "invalid_prefix", "prefix"),
        ({"key": "so", "prefix": " SO"}, "invalid_prefix", "prefix"),
        ({"key": "so", "padding": 21}, "invalid_padding", "padding"),
        ({"key": "so", "padding": -1}, "invalid_padding", "padding"),
        ({"key": "so", "next_value": 0}, "invalid_next_value", "next_value"),
    ],
)
def test_invalid_configuration_is_refused(in_tenant_a, kwargs, code, field):
    key = kwargs.pop("key")
    with pytest.raises(DomainError) as error:
        numbering.configure_sequence(key, **kwargs)
    assert (error.value.code, error.value.field) == (code, field)


def test_sequences_api(client_a, tenant_a):
    response = client_a.patch(
        "/api/v1/sequences/so",
        data={"prefix": "SO-", "padding": 4, "next_value": 10},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["key"], body["prefix"], body["padding"], body["next_value"]) == (
        "so",
        "SO-",
        4,
        10,
    )
    assert body["next_number"] == "SO-0010"

    reserved = client_a.post("/api/v1/sequences/so/next")
    assert reserved.status_code == 201
    assert reserved.json() == {"key": "so", "number": "SO-0010"}

    back = client_a.patch(
        "/api/v1/sequences/so", data={"next_value": 5}, content_type="application/json"
    )
    assert back.status_code == 422
    assert back.json()["code"] == "sequence_backwards"
    assert back.json()["details"] == {"field": "next_value", "current": 11}

    listed = client_a.get("/api/v1/sequences").json()
    assert listed["count"] == 1
    assert [(s["key"], s["next_number"]) for s in listed["items"]] == [("so", "SO-0011")]

    bad_key = client_a.post("/api/v1/sequences/Bad%20Key/next")
    assert bad_key.status_code == 422
    assert bad_key.json()["code"] == "invalid_sequence_key"


def test_sequences_api_validates_bounds(client_a):
    response = client_a.patch(
        "/api/v1/sequences/so", data={"padding": 99}, content_type="application/json"
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["details"]["errors"]] == ["payload.padding"]


def test_reserving_needs_admin_write(warehouse_client_a):
    response = warehouse_client_a.post("/api/v1/sequences/so/next")
    assert response.status_code == 403
    assert response.json()["details"] == {"needed": "admin:write"}


def _race(threads: int, work: Callable[[], str]) -> list[str]:
    """Run work in threads released together; each thread closes its own DB connection."""
    barrier = threading.Barrier(threads)
    results: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            barrier.wait()
            number = work()
            with lock:
                results.append(number)
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


def _skip_on_in_memory_sqlite() -> None:
    """Shared-cache in-memory SQLite fails concurrent writers at once ('table is locked')
    instead of queueing them; run with VALUECHAIN_SQLITE_TEST_NAME=<file> to include these."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():  # type: ignore[attr-defined]
        pytest.skip("threads need a file-backed SQLite test database")


def _api_reserver(client_a: Client) -> Callable[[], str]:
    def reserve() -> str:
        client = Client()
        client.cookies = client_a.cookies
        response = client.post("/api/v1/sequences/so/next")
        assert response.status_code == 201, response.content
        return str(response.json()["number"])

    return reserve


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_50_concurrent_api_requests_get_50_distinct_numbers(client_a, tenant_a):
    if connection.vendor != "postgresql":
        pytest.skip("real row locks need PostgreSQL")
    numbers = _race(50, _api_reserver(client_a))
    assert sorted(numbers) == [f"SO-{n:06d}" for n in range(1, 51)]
    with tenant_context(tenant_a):
        assert DocumentSequence.objects.get(key="so").next_value == 51


@pytest.mark.django_db(transaction=True)
def test_concurrent_service_calls_get_distinct_numbers(tenant_a):
    _skip_on_in_memory_sqlite()
    threads = 50 if connection.vendor == "postgresql" else 8

    def take() -> str:
        with tenant_context(tenant_a):
            return numbering.next_number("inv")

    numbers = _race(threads, take)
    assert sorted(numbers) == [f"INV-{n:06d}" for n in range(1, threads + 1)]


@pytest.mark.django_db(transaction=True)
def test_concurrent_api_requests_on_sqlite_queue_up(client_a):
    if connection.vendor != "sqlite":
        pytest.skip("the PostgreSQL variant runs 50 requests")
    _skip_on_in_memory_sqlite()
    numbers = _race(6, _api_reserver(client_a))
    assert sorted(numbers) == [f"SO-{n:06d}" for n in range(1, 7)]
