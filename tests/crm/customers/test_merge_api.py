"""The duplicates and merge API: every endpoint, the error shape, nothing written on error."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from valuechain.crm.customers import duplicates, services
from valuechain.crm.customers.merge_models import DuplicateCandidate, MergeRecord
from valuechain.crm.customers.models import EmailAddress, Person
from valuechain.platform.tenancy.context import tenant_context


def _post(client: Client, path: str, data: object = None):
    body = json.dumps(data if data is not None else {})
    return client.post(f"/api/v1{path}", data=body, content_type="application/json")


def _error(response, status: int, code: str, field: str | None = None):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert body["message"]
    if field is not None:
        assert body["details"]["field"] == field
    return body


@pytest.fixture
def pair(tenant_a, admin_a):
    """Two people sharing an e-mail, and the candidate a scan found for them."""
    with tenant_context(tenant_a, actor=admin_a.user):
        ada = services.create_person(first_name="Ada", last_name="Lovelace")
        dup = services.create_person(first_name="Ada", last_name="Lovelace", job_title="Countess")
        services.add_email("person", ada.pk, email="ada@example.com")
        services.add_email("person", dup.pk, email="ada@example.com")
        duplicates.scan("person")
        return ada, dup, DuplicateCandidate.objects.get()


def _count(tenant, model) -> int:
    with tenant_context(tenant):
        return int(model.objects.count())


def test_list_scan_and_dismiss(client_a, tenant_a, pair) -> None:
    ada, dup, candidate = pair
    response = client_a.get("/api/v1/duplicates?kind=person")
    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {
                "id": candidate.pk,
                "kind": "person",
                "first_id": ada.pk,
                "second_id": dup.pk,
                "score": 100,
                "reasons": ["same_email", "same_name"],
                "status": "open",
                "scanned_at": response.json()["items"][0]["scanned_at"],
            }
        ],
        "count": 1,
        "limit": 50,
        "offset": 0,
    }
    assert client_a.get("/api/v1/duplicates?kind=account").json()["count"] == 0
    dismissed = _post(client_a, f"/duplicates/{candidate.pk}/dismiss")
    assert dismissed.status_code == 200
    assert dismissed.json()["status"] == "dismissed"
    assert client_a.get("/api/v1/duplicates").json()["count"] == 0
    scanned = _post(client_a, "/duplicates/scan", {"kind": "person"})
    assert scanned.json() == {
        "kind": "person",
        "scanned": 2,
        "found": 1,
        "created": 0,
        "updated": 1,
        "removed": 0,
        "dismissed_kept": 1,
    }
    listed = client_a.get("/api/v1/duplicates?status=dismissed").json()
    assert [item["id"] for item in listed["items"]] == [candidate.pk]


def test_bad_input_to_duplicates(client_a, tenant_a, pair) -> None:
    _error(client_a.get("/api/v1/duplicates?kind=lead"), 422, "validation_error")
    _error(client_a.get("/api/v1/duplicates?sort=name"), 422, "invalid_sort", "sort")
    _error(_post(client_a, "/duplicates/999999/dismiss"), 404, "not_found")
    _error(_post(client_a, "/duplicates/scan", {"kind": "lead"}), 422, "validation_error")
    with tenant_context(tenant_a):
        assert DuplicateCandidate.objects.get().status == "open"


def test_merge_list_get_undo(client_a, tenant_a, pair) -> None:
    ada, dup, _ = pair
    response = _post(
        client_a,
        "/people/merge",
        {"survivor_id": ada.pk, "loser_id": dup.pk, "fields": {"job_title": "loser"}},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "person"
    assert (body["survivor_id"], body["loser_id"]) == (ada.pk, dup.pk)
    assert body["counts"] == {}
    assert body["deleted"] == 1  # the same e-mail: the survivor keeps its own
    assert body["survivor_before"] == {"job_title": ""}
    assert body["undone_at"] is None
    assert _count(tenant_a, Person) == 1
    with tenant_context(tenant_a):
        assert Person.objects.get().job_title == "Countess"
    listed = client_a.get("/api/v1/merges").json()
    assert [item["id"] for item in listed["items"]] == [body["id"]]
    assert client_a.get(f"/api/v1/merges/{body['id']}").json()["loser_label"] == "Ada Lovelace"

    undone = _post(client_a, f"/merges/{body['id']}/undo")
    assert undone.status_code == 200
    assert undone.json()["undone_at"] is not None
    assert _count(tenant_a, Person) == 2
    assert _count(tenant_a, EmailAddress) == 2
    _error(_post(client_a, f"/merges/{body['id']}/undo"), 409, "already_undone")
    _error(_post(client_a, "/merges/999999/undo"), 404, "not_found")
    _error(client_a.get("/api/v1/merges/999999"), 404, "not_found")


def test_merge_bad_input_writes_nothing(client_a, tenant_a, pair) -> None:
    ada, dup, _ = pair
    with tenant_context(tenant_a):
        account = services.create_account(name="Acme")
    cases = [
        ({"survivor_id": ada.pk, "loser_id": ada.pk}, 422, "same_party", "loser_id"),
        ({"survivor_id": ada.pk, "loser_id": 999_999}, 404, "not_found", None),
        ({"survivor_id": ada.pk}, 422, "validation_error", None),
        (
            {"survivor_id": ada.pk, "loser_id": account.pk, "loser_kind": "account"},
            422,
            "kind_mismatch",
            "loser_kind",
        ),
        (
            {"survivor_id": ada.pk, "loser_id": dup.pk, "fields": {"tags": "loser"}},
            422,
            "invalid_fields",
            "fields.tags",
        ),
    ]
    for data, status, code, field in cases:
        _error(_post(client_a, "/people/merge", data), status, code, field)
    _error(
        _post(client_a, "/accounts/merge", {"survivor_id": account.pk, "loser_id": 999_999}),
        404,
        "not_found",
    )
    assert _count(tenant_a, Person) == 2
    assert _count(tenant_a, MergeRecord) == 0


def test_merge_is_tenant_scoped(client_b, tenant_a, pair) -> None:
    ada, dup, candidate = pair
    _error(
        _post(client_b, "/people/merge", {"survivor_id": ada.pk, "loser_id": dup.pk}),
        404,
        "not_found",
    )
    _error(_post(client_b, f"/duplicates/{candidate.pk}/dismiss"), 404, "not_found")
    assert client_b.get("/api/v1/duplicates").json()["count"] == 0
    assert _count(tenant_a, Person) == 2


def test_lists_query_counts(client_a, tenant_a, pair, django_assert_max_num_queries) -> None:
    ada, dup, _ = pair
    _post(client_a, "/people/merge", {"survivor_id": ada.pk, "loser_id": dup.pk})
    with tenant_context(tenant_a):
        for index in range(20):
            DuplicateCandidate.objects.create(
                kind="account", first_id=index, second_id=index + 100, score=70, reasons=[]
            )
    with django_assert_max_num_queries(8):
        assert client_a.get("/api/v1/duplicates?limit=50").json()["count"] == 20
    with django_assert_max_num_queries(8):
        assert client_a.get("/api/v1/merges").json()["count"] == 1


def test_reader_cannot_merge(tenant_a, pair) -> None:
    from tests.conftest import make_member

    reader = make_member(tenant_a, "planner@alpha.test", role="planner")
    client = Client()
    client.force_login(reader.user)
    ada, dup, _ = pair
    response = _post(client, "/people/merge", {"survivor_id": ada.pk, "loser_id": dup.pk})
    assert response.status_code == 403
    assert _count(tenant_a, Person) == 2
