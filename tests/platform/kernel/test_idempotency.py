"""Idempotency-Key: replays, reuse, principals, in-progress requests, what is kept, purge."""

from __future__ import annotations

import datetime as dt
import json
import threading
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from valuechain.platform.idempotency import ABANDONED_AFTER, purge_expired, request_principal
from valuechain.platform.models import DocumentSequence, FxRate, IdempotencyRecord
from valuechain.platform.tasks import purge_idempotency_records
from valuechain.platform.tenancy.context import system_context, tenant_context

URL = "/api/v1/fx-rates"
RATE = {"base": "EUR", "quote": "USD", "rate": "1.1", "valid_on": "2026-01-05"}


def rate_count(tenant) -> int:
    with tenant_context(tenant):
        return FxRate.objects.count()


def test_replay_returns_the_same_response_and_creates_nothing(client_a, tenant_a, post_json):
    first = post_json(client_a, URL, RATE, **{"Idempotency-Key": "order-1"})
    assert first.status_code == 201
    assert not first.has_header("Idempotent-Replayed")
    again = post_json(client_a, URL, RATE, **{"Idempotency-Key": "order-1"})
    assert again.status_code == 201
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    assert again["Idempotent-Replayed"] == "true"
    assert rate_count(tenant_a) == 1
    record = IdempotencyRecord.objects.get()
    assert (record.key, record.status_code, record.completed) == ("order-1", 201, True)
    assert json.loads(bytes(record.body)) == first.json()


def test_without_a_key_every_post_runs(client_a, tenant_a, post_json):
    assert post_json(client_a, URL, RATE).status_code == 201
    assert post_json(client_a, URL, RATE).status_code == 409
    assert not IdempotencyRecord.objects.exists()


def test_stored_client_errors_replay_too(client_a, tenant_a, post_json):
    bad = {**RATE, "quote": "EUR"}
    first = post_json(client_a, URL, bad, **{"Idempotency-Key": "bad-1"})
    again = post_json(client_a, URL, bad, **{"Idempotency-Key": "bad-1"})
    assert first.status_code == again.status_code == 422
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"


def test_reserved_number_is_replayed_not_taken_again(client_a, tenant_a):
    headers = {"Idempotency-Key": "ext-42"}
    first = client_a.post("/api/v1/sequences/so/next", headers=headers)
    again = client_a.post("/api/v1/sequences/so/next", headers=headers)
    other = client_a.post("/api/v1/sequences/so/next", headers={"Idempotency-Key": "ext-43"})
    assert first.json() == again.json() == {"key": "so", "number": "SO-000001"}
    assert other.json()["number"] == "SO-000002"
    with tenant_context(tenant_a):
        assert DocumentSequence.objects.get(key="so").next_value == 3


def test_same_key_with_another_body_is_refused(client_a, tenant_a, post_json):
    post_json(client_a, URL, RATE, **{"Idempotency-Key": "k"})
    response = post_json(client_a, URL, {**RATE, "rate": "1.2"}, **{"Idempotency-Key": "k"})
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert response.json()["details"] == {"field": "Idempotency-Key"}
    assert rate_count(tenant_a) == 1


def test_same_key_on_another_path_or_query_is_refused(client_a, tenant_a, post_json):
    post_json(client_a, URL, RATE, **{"Idempotency-Key": "k"})
    other_path = client_a.post("/api/v1/sequences/so/next", headers={"Idempotency-Key": "k"})
    assert other_path.json()["code"] == "idempotency_key_reused"
    other_query = post_json(client_a, URL + "?x=1", RATE, **{"Idempotency-Key": "k"})
    assert other_query.json()["code"] == "idempotency_key_reused"


def test_principals_use_the_same_key_independently(
    client_a, client_b, tenant_a, tenant_b, post_json
):
    a = post_json(client_a, URL, RATE, **{"Idempotency-Key": "shared"})
    b = post_json(client_b, URL, RATE, **{"Idempotency-Key": "shared"})
    assert a.status_code == b.status_code == 201
    assert not b.has_header("Idempotent-Replayed")
    assert a.json()["id"] != b.json()["id"]
    assert rate_count(tenant_a) == rate_count(tenant_b) == 1
    assert IdempotencyRecord.objects.count() == 2


def test_token_principal_is_the_hashed_authorization_header(rf):
    request = rf.post(URL, HTTP_AUTHORIZATION="Bearer vc_secret")
    principal = request_principal(request)
    assert principal is not None and principal.startswith("token:")
    assert "vc_secret" not in principal
    assert len(principal) <= 128
    other = request_principal(rf.post(URL, HTTP_AUTHORIZATION="Bearer vc_other"))
    assert other != principal


def test_anonymous_request_has_no_principal(rf):
    assert request_principal(rf.post(URL)) is None


def test_unauthenticated_request_is_not_stored(db):
    for _ in range(2):
        response = Client().post(
            URL,
            data=json.dumps(RATE),
            content_type="application/json",
            headers={"Idempotency-Key": "anon", "Authorization": "Bearer vc_unknown"},
        )
        assert response.status_code == 401
        assert not response.has_header("Idempotent-Replayed")
    assert not IdempotencyRecord.objects.exists()


def test_forbidden_request_is_not_stored(warehouse_client_a, post_json):
    response = post_json(warehouse_client_a, URL, RATE, **{"Idempotency-Key": "w"})
    assert response.status_code == 403
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.parametrize("key", ["", "x" * 256, "naïve", "tab\there"])
def test_invalid_keys_are_refused(client_a, tenant_a, post_json, key):
    response = client_a.post(
        URL,
        data=json.dumps(RATE),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_idempotency_key"
    assert rate_count(tenant_a) == 0


def test_longest_valid_key_is_accepted(client_a, tenant_a, post_json):
    response = post_json(client_a, URL, RATE, **{"Idempotency-Key": "~" * 255})
    assert response.status_code == 201


def test_get_ignores_the_key(client_a):
    response = client_a.get(URL, headers={"Idempotency-Key": ""})
    assert response.status_code == 200
    assert not IdempotencyRecord.objects.exists()


def _principal_of(client: Client, post_json) -> str:
    post_json(client, URL, {**RATE, "quote": "EUR"}, **{"Idempotency-Key": "probe"})
    return IdempotencyRecord.objects.get(key="probe").principal


def _fingerprint_of(client: Client, post_json, body: dict, key: str) -> str:
    """Run once under a throwaway key to learn the fingerprint, then forget the record."""
    post_json(client, URL, body, **{"Idempotency-Key": key})
    record = IdempotencyRecord.objects.get(key=key)
    record.delete()
    return record.request_fingerprint


def test_a_request_still_running_gets_409(client_a, tenant_a, post_json):
    principal = _principal_of(client_a, post_json)
    fingerprint = _fingerprint_of(client_a, post_json, RATE, "learn")
    with tenant_context(tenant_a):
        FxRate.objects.all().delete()
    IdempotencyRecord.objects.create(
        principal=principal, key="busy", request_fingerprint=fingerprint
    )
    response = post_json(client_a, URL, RATE, **{"Idempotency-Key": "busy"})
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_request_in_progress"
    assert rate_count(tenant_a) == 0


def test_an_abandoned_request_is_taken_over(client_a, tenant_a, post_json):
    principal = _principal_of(client_a, post_json)
    fingerprint = _fingerprint_of(client_a, post_json, RATE, "learn")
    with tenant_context(tenant_a):
        FxRate.objects.all().delete()
    record = IdempotencyRecord.objects.create(
        principal=principal, key="stuck", request_fingerprint=fingerprint
    )
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        created_at=timezone.now() - ABANDONED_AFTER - dt.timedelta(seconds=1)
    )
    response = post_json(client_a, URL, RATE, **{"Idempotency-Key": "stuck"})
    assert response.status_code == 201
    record.refresh_from_db()
    assert (record.completed, record.status_code) == (True, 201)
    assert rate_count(tenant_a) == 1


def _record(key: str, age: dt.timedelta) -> IdempotencyRecord:
    record = IdempotencyRecord.objects.create(principal="p", key=key, request_fingerprint="f")
    IdempotencyRecord.objects.filter(pk=record.pk).update(created_at=timezone.now() - age)
    return record


def test_purge_removes_old_records_only(db, settings):
    settings.IDEMPOTENCY_KEY_TTL_HOURS = 48
    _record("old", dt.timedelta(hours=49))
    _record("young", dt.timedelta(hours=47))
    assert purge_expired() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["young"]


def test_ttl_is_never_below_24_hours(db, settings):
    settings.IDEMPOTENCY_KEY_TTL_HOURS = 1
    _record("day-old", dt.timedelta(hours=23))
    _record("older", dt.timedelta(hours=25))
    assert purge_expired() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["day-old"]


def test_purge_job_and_command(db, settings, capsys):
    settings.IDEMPOTENCY_KEY_TTL_HOURS = 48
    _record("a", dt.timedelta(hours=50))
    purge_idempotency_records.call_local()
    assert not IdempotencyRecord.objects.exists()
    _record("b", dt.timedelta(hours=50))
    call_command("purge_idempotency")
    assert "Deleted 1 idempotency record(s)" in capsys.readouterr().out
    assert not IdempotencyRecord.objects.exists()


def test_replay_works_for_a_record_of_the_previous_day(client_a, tenant_a, post_json):
    first = post_json(client_a, URL, RATE, **{"Idempotency-Key": "yesterday"})
    IdempotencyRecord.objects.update(created_at=timezone.now() - dt.timedelta(hours=23))
    with system_context():
        purge_expired()
    again = post_json(client_a, URL, RATE, **{"Idempotency-Key": "yesterday"})
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"


def test_decimal_rates_survive_replay(client_a, tenant_a, post_json):
    body = {**RATE, "rate": "1.0000000001"}
    first = post_json(client_a, URL, body, **{"Idempotency-Key": "d"})
    again = post_json(client_a, URL, body, **{"Idempotency-Key": "d"})
    assert again.json()["rate"] == first.json()["rate"] == "1.0000000001"
    with tenant_context(tenant_a):
        assert FxRate.objects.get().rate == Decimal("1.0000000001")


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_run_the_request_once(client_a, tenant_a):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():  # type: ignore[attr-defined]
        pytest.skip("threads need PostgreSQL or a file-backed SQLite test database")
    threads = 10
    barrier = threading.Barrier(threads)
    statuses: list[tuple[int, bool]] = []
    lock = threading.Lock()

    def post() -> None:
        try:
            client = Client()
            client.cookies = client_a.cookies
            barrier.wait()
            response = client.post(
                "/api/v1/sequences/so/next", headers={"Idempotency-Key": "burst"}
            )
            with lock:
                statuses.append((response.status_code, response.has_header("Idempotent-Replayed")))
        finally:
            connection.close()

    workers = [threading.Thread(target=post) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(statuses) == threads
    assert statuses.count((201, False)) == 1  # ran once
    assert all(
        status in {(201, True), (409, False)} for status in statuses if status != (201, False)
    )
    with tenant_context(tenant_a):
        assert DocumentSequence.objects.get(key="so").next_value == 2


def _token(membership, name: str, scopes: list[str]) -> str:
    from valuechain.platform.identity.services import create_token

    with tenant_context(membership.tenant, actor=membership.user):
        _token, raw = create_token(membership, name, scopes, actor=membership.user)
    return raw


def test_tokens_are_principals_of_their_own(admin_a, tenant_a):
    first_token = _token(admin_a, "shop", ["admin:write"])
    second_token = _token(admin_a, "erp", ["admin:write"])
    path = "/api/v1/sequences/so/next"

    def reserve(raw: str) -> tuple[int, dict, bool]:
        response = Client().post(
            path, headers={"Authorization": f"Bearer {raw}", "Idempotency-Key": "same"}
        )
        return response.status_code, response.json(), response.has_header("Idempotent-Replayed")

    assert reserve(first_token) == (201, {"key": "so", "number": "SO-000001"}, False)
    assert reserve(first_token) == (201, {"key": "so", "number": "SO-000001"}, True)
    assert reserve(second_token) == (201, {"key": "so", "number": "SO-000002"}, False)
    principals = set(IdempotencyRecord.objects.values_list("principal", flat=True))
    assert len(principals) == 2
    assert all(p.startswith("token:") for p in principals)


def test_token_without_the_scope_is_not_stored(admin_a, tenant_a):
    raw = _token(admin_a, "reader", ["admin:read"])
    response = Client().post(
        "/api/v1/sequences/so/next",
        headers={"Authorization": f"Bearer {raw}", "Idempotency-Key": "k"},
    )
    assert response.status_code == 403
    assert not IdempotencyRecord.objects.exists()
