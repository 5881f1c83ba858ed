"""Pages of duplicates and merges: list, scan, dismiss, review, merge, history, undo."""

from __future__ import annotations

import pytest

from valuechain.crm.customers import duplicates, services
from valuechain.crm.customers.merge_models import DuplicateCandidate, MergeRecord
from valuechain.crm.customers.models import Account, Person
from valuechain.platform.tenancy.context import tenant_context


@pytest.fixture
def pair(tenant_a, admin_a):
    with tenant_context(tenant_a, actor=admin_a.user):
        ada = services.create_person(first_name="Ada", last_name="Lovelace")
        dup = services.create_person(first_name="Ada", last_name="Lovelace", job_title="Countess")
        services.add_phone("person", dup.pk, number="+4930123456")
        duplicates.scan("person")
        return ada, dup, DuplicateCandidate.objects.get()


def test_duplicate_list_shows_pairs(client_a, pair, django_assert_max_num_queries) -> None:
    ada, dup, candidate = pair
    with django_assert_max_num_queries(14):
        response = client_a.get("/crm/duplicates/?kind=person&sort=-score")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="duplicate-{candidate.pk}"' in html
    assert f"/crm/merge/person/{ada.pk}/{dup.pk}/" in html
    assert "same name" in html
    assert client_a.get("/crm/duplicates/?kind=account").content.decode().count("duplicate-") == 0


def test_list_query_count_does_not_grow(client_a, tenant_a, pair, django_assert_max_num_queries):
    with tenant_context(tenant_a):
        for index in range(30):
            account = services.create_account(name=f"Firm {index}")
            twin = services.create_account(name=f"Firm {index} GmbH")
            DuplicateCandidate.objects.create(
                kind="account", first_id=account.pk, second_id=twin.pk, score=80, reasons=[]
            )
    with django_assert_max_num_queries(14):
        response = client_a.get("/crm/duplicates/")
    assert response.content.decode().count('id="duplicate-') == 31


def test_scan_and_dismiss(client_a, tenant_a, pair) -> None:
    _, _, candidate = pair
    response = client_a.post("/crm/duplicates/scan/")
    assert response.status_code == 302
    response = client_a.post(f"/crm/duplicates/{candidate.pk}/dismiss/")
    assert response.status_code == 302
    with tenant_context(tenant_a):
        assert DuplicateCandidate.objects.get().status == "dismissed"
    assert client_a.post("/crm/duplicates/999999/dismiss/").status_code == 404


def test_review_and_merge(client_a, tenant_a, pair) -> None:
    ada, dup, _ = pair
    url = f"/crm/merge/person/{ada.pk}/{dup.pk}/"
    page = client_a.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="field_job_title"' in html
    assert 'name="field_last_name"' not in html  # the same on both: nothing to choose
    assert "customers.phonenumber.person" in html
    response = client_a.post(url, {"field_job_title": "loser"})
    assert response.status_code == 302
    assert response["Location"] == f"/crm/people/{ada.pk}/"
    with tenant_context(tenant_a):
        assert list(Person.objects.values_list("pk", "job_title")) == [(ada.pk, "Countess")]
        merge = MergeRecord.objects.get()
    history = client_a.get("/crm/merges/")
    assert f'id="merge-{merge.pk}"' in history.content.decode()
    assert client_a.post(f"/crm/merges/{merge.pk}/undo/").status_code == 302
    with tenant_context(tenant_a):
        assert Person.objects.count() == 2
    again = client_a.post(f"/crm/merges/{merge.pk}/undo/", follow=True)
    assert "undone already" in again.content.decode()
    assert client_a.post("/crm/merges/999999/undo/").status_code == 404


def test_review_errors_and_unknown(client_a, tenant_a, pair) -> None:
    with tenant_context(tenant_a):
        group = services.create_account(name="Group")
        child = services.create_account(name="Group Sub", parent_id=group.pk)
    response = client_a.post(f"/crm/merge/account/{child.pk}/{group.pk}/", {})
    assert response.status_code == 422
    assert 'id="merge-error"' in response.content.decode()
    with tenant_context(tenant_a):
        assert Account.objects.count() == 2
    ada, _, _ = pair
    assert client_a.get(f"/crm/merge/person/{ada.pk}/{ada.pk}/").status_code == 404
    assert client_a.get(f"/crm/merge/person/{ada.pk}/999999/").status_code == 404
    assert client_a.get(f"/crm/merge/lead/{ada.pk}/2/").status_code == 404


def test_other_tenant_sees_nothing(client_b, tenant_a, pair) -> None:
    ada, dup, candidate = pair
    assert client_b.get(f"/crm/merge/person/{ada.pk}/{dup.pk}/").status_code == 404
    assert client_b.post(f"/crm/merge/person/{ada.pk}/{dup.pk}/").status_code == 404
    assert "Lovelace" not in client_b.get("/crm/duplicates/").content.decode()
    assert client_b.post(f"/crm/duplicates/{candidate.pk}/dismiss/").status_code == 404
    with tenant_context(tenant_a):
        assert Person.objects.count() == 2


def test_menu_entry(client_a) -> None:
    assert 'href="/crm/duplicates/"' in client_a.get("/crm/people/").content.decode()
