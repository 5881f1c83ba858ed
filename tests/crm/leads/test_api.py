"""The leads API: every endpoint, the error shape, nothing written on error, query counts."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from tests.conftest import make_member

from valuechain.crm.customers import services as customers
from valuechain.crm.customers.models import Account, Person
from valuechain.crm.leads import services
from valuechain.crm.leads.models import Lead, LeadStatusChange, ScoringRule
from valuechain.crm.sales.models import Opportunity
from valuechain.platform.tenancy.context import tenant_context


def _post(client: Client, path: str, data: object):
    return client.post(f"/api/v1{path}", data=json.dumps(data), content_type="application/json")


def _patch(client: Client, path: str, data: object):
    return client.patch(f"/api/v1{path}", data=json.dumps(data), content_type="application/json")


def _error(response, status: int, code: str, field: str | None = None):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert body["message"]
    if field is not None:
        assert body["details"]["field"] == field
    return body


def _count(tenant, model) -> int:
    with tenant_context(tenant):
        return int(model.objects.count())


@pytest.fixture
def lead(tenant_a, admin_a):
    with tenant_context(tenant_a, actor=admin_a.user):
        return services.create_lead(
            first_name="Ada",
            last_name="Lovelace",
            company="Acme",
            email="ada@acme.example",
            phone="+49 30 1234567",
        )


def test_create_answers_201_with_score_and_duplicates(client_a, tenant_a, admin_a):
    with tenant_context(tenant_a, actor=admin_a.user):
        person = customers.create_person(last_name="Lovelace")
        customers.add_email("person", person.pk, email="ada@acme.example")
    response = _post(
        client_a,
        "/leads",
        {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "company": "Acme",
            "email": "ADA@acme.example",
            "phone": "030 1234567",
            "country": "DE",
            "utm_source": "google",
            "utm_medium": "cpc",
            "utm_campaign": "spring",
            "utm_term": "erp",
            "utm_content": "ad-1",
            "campaign": "Spring fair",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["email"], body["phone"], body["source"], body["status"]) == (
        "ada@acme.example",
        "+49301234567",
        "api",
        "new",
    )
    assert (body["utm_source"], body["utm_medium"], body["utm_campaign"]) == (
        "google",
        "cpc",
        "spring",
    )
    assert (body["utm_term"], body["utm_content"], body["campaign"]) == (
        "erp",
        "ad-1",
        "Spring fair",
    )
    assert body["score"] == 30
    assert body["score_breakdown"] == [
        {"rule": "Has a company", "points": 10},
        {"rule": "Reachable by phone", "points": 10},
        {"rule": "Business e-mail", "points": 10},
    ]
    assert body["duplicates"] == [
        {
            "kind": "person",
            "id": person.pk,
            "name": "Lovelace",
            "matched_on": "email",
            "value": "ada@acme.example",
        }
    ]
    got = client_a.get(f"/api/v1/leads/{body['id']}").json()
    assert {k: v for k, v in body.items() if k != "duplicates"} == got


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        ({"last_name": ""}, "last_name_required", "last_name"),
        ({"last_name": "X", "email": "nope"}, "invalid_email", "email"),
        ({"last_name": "X", "phone": "123"}, "invalid_phone", "phone"),
        ({"last_name": "X", "country": "ZZ"}, "invalid_country", "country"),
        ({"last_name": "X", "source": "fax"}, "invalid_source", "source"),
        ({"last_name": "X", "size_band": "9"}, "invalid_size_band", "size_band"),
        ({"last_name": "X", "owner_id": 99999}, "invalid_owner", "owner_id"),
        ({"last_name": "X", "custom": {"nope": 1}}, "invalid_custom_fields", None),
        ({"first_name": "no last name"}, "validation_error", None),
        ({"last_name": "X", "consent_granted": "maybe"}, "validation_error", None),
    ],
)
def test_bad_lead_is_422_and_writes_nothing(client_a, tenant_a, data, code, field):
    _error(_post(client_a, "/leads", data), 422, code, field)
    assert _count(tenant_a, Lead) == 0


def test_patch_changes_given_fields_and_rescores(client_a, lead):
    response = _patch(client_a, f"/leads/{lead.pk}", {"job_title": "Head of IT", "phone": None})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["job_title"], body["phone"], body["company"]) == ("Head of IT", "", "Acme")
    assert [item["rule"] for item in body["score_breakdown"]] == [
        "Has a company",
        "Has a job title",
        "Decision maker title",
        "Business e-mail",
    ]
    assert body["score"] == 40
    _error(_patch(client_a, f"/leads/{lead.pk}", {"email": "bad"}), 422, "invalid_email", "email")
    assert client_a.get(f"/api/v1/leads/{lead.pk}").json()["email"] == "ada@acme.example"


def test_status_endpoints(client_a, tenant_a, lead):
    response = _post(client_a, f"/leads/{lead.pk}/status", {"status": "contacted"})
    assert response.status_code == 201
    assert (response.json()["from_status"], response.json()["to_status"]) == ("new", "contacted")
    _error(
        _post(client_a, f"/leads/{lead.pk}/status", {"status": "unqualified"}),
        422,
        "reason_required",
        "reason",
    )
    _error(
        _post(client_a, f"/leads/{lead.pk}/status", {"status": "new"}),
        422,
        "invalid_transition",
        "status",
    )
    _error(_post(client_a, f"/leads/{lead.pk}/status", {}), 422, "validation_error")
    history = client_a.get(f"/api/v1/leads/{lead.pk}/status").json()
    assert history["count"] == 1 and history["items"][0]["to_status"] == "contacted"
    assert _count(tenant_a, LeadStatusChange) == 1


def test_owner_endpoint(client_a, tenant_a, admin_a, lead):
    response = _post(client_a, f"/leads/{lead.pk}/owner", {"owner_id": admin_a.user_id})
    assert response.status_code == 200 and response.json()["owner_id"] == admin_a.user_id
    _error(_post(client_a, f"/leads/{lead.pk}/owner", {"owner_id": 99999}), 422, "invalid_owner")
    assert client_a.get(f"/api/v1/leads/{lead.pk}").json()["owner_id"] == admin_a.user_id


def test_duplicates_endpoint(client_a, tenant_a, admin_a, lead):
    with tenant_context(tenant_a, actor=admin_a.user):
        twin = services.create_lead(last_name="Twin", phone="+49 30 1234567")
    response = client_a.get(f"/api/v1/leads/{lead.pk}/duplicates")
    assert response.status_code == 200
    assert response.json() == [
        {
            "kind": "lead",
            "id": twin.pk,
            "name": "Twin",
            "matched_on": "phone",
            "value": "+49301234567",
        }
    ]


def test_convert_endpoint_and_409_on_second_try(client_a, tenant_a, lead):
    response = _post(client_a, f"/leads/{lead.pk}/convert", {"opportunity_name": "Acme deal"})
    assert response.status_code == 201, response.content
    body = response.json()
    with tenant_context(tenant_a):
        deal = Opportunity.objects.get()
    assert (body["opportunity_id"], deal.name) == (deal.pk, "Acme deal")
    assert body["lead"]["converted_opportunity_id"] == deal.pk
    assert body["lead"]["status"] == "converted"
    assert body["lead"]["converted_person_id"] == body["person_id"]
    assert body["lead"]["converted_account_id"] == body["account_id"]
    _error(_post(client_a, f"/leads/{lead.pk}/convert", {}), 409, "already_converted")
    _error(_patch(client_a, f"/leads/{lead.pk}", {"company": "X"}), 409, "already_converted")
    assert _count(tenant_a, Account) == 1 and _count(tenant_a, Person) == 1


def test_convert_bad_input_writes_nothing(client_a, tenant_a, lead):
    _error(
        _post(client_a, f"/leads/{lead.pk}/convert", {"opportunity_name": "x" * 201}),
        422,
        "validation_error",
    )
    _error(
        _post(client_a, f"/leads/{lead.pk}/convert", {"account_id": 99999}),
        422,
        "unknown_account",
        "account_id",
    )
    _error(_post(client_a, f"/leads/{lead.pk}/convert", {"amount": -1}), 422, "validation_error")
    assert _count(tenant_a, Account) == 0 and _count(tenant_a, Person) == 0
    assert _count(tenant_a, Opportunity) == 0
    with tenant_context(tenant_a):
        assert Lead.objects.get().status == "new"


def test_unknown_ids_are_404(client_a):
    _error(client_a.get("/api/v1/leads/999999"), 404, "not_found")
    _error(_patch(client_a, "/leads/999999", {"company": "x"}), 404, "not_found")
    _error(client_a.get("/api/v1/leads/999999/duplicates"), 404, "not_found")
    _error(_post(client_a, "/leads/999999/status", {"status": "contacted"}), 404, "not_found")
    _error(_post(client_a, "/leads/999999/owner", {"owner_id": None}), 404, "not_found")
    _error(_post(client_a, "/leads/999999/convert", {}), 404, "not_found")
    _error(client_a.get("/api/v1/leads/scoring-rules/999999"), 404, "not_found")
    _error(client_a.delete("/api/v1/leads/scoring-rules/999999"), 404, "not_found")


def test_list_filters_and_sorts(client_a, tenant_a, admin_a):
    with tenant_context(tenant_a, actor=admin_a.user):
        low = services.create_lead(last_name="Low", source="import", campaign="fair")
        high = services.create_lead(
            last_name="High", company="Big", job_title="CEO", phone="+49 30 1234567"
        )
        services.change_status(high.pk, "contacted")
        services.assign_owner(low.pk, admin_a.user_id)

    def names(**params):
        response = client_a.get("/api/v1/leads", params)
        assert response.status_code == 200, response.content
        return [item["last_name"] for item in response.json()["items"]]

    assert names() == ["High", "Low"]
    assert names(sort="score") == ["Low", "High"]
    assert names(sort="-score") == ["High", "Low"]
    assert names(status="contacted") == ["High"]
    assert names(source="import") == ["Low"]
    assert names(owner_id=admin_a.user_id) == ["Low"]
    assert names(min_score=1) == ["High"]
    assert names(max_score=0) == ["Low"]
    assert names(campaign="FAIR") == ["Low"]
    assert names(q="big") == ["High"]
    assert names(created_from="2000-01-01", created_to="2999-01-01") == ["High", "Low"]
    assert names(created_to="2000-01-01") == []
    _error(client_a.get("/api/v1/leads", {"status": "won"}), 422, "invalid_status", "status")
    _error(client_a.get("/api/v1/leads", {"source": "fax"}), 422, "invalid_source", "source")
    _error(client_a.get("/api/v1/leads", {"sort": "email"}), 422, "invalid_sort", "sort")
    _error(
        client_a.get("/api/v1/leads", {"min_score": 5, "max_score": 1}),
        422,
        "invalid_score_range",
    )
    _error(client_a.get("/api/v1/leads", {"created_from": "soon"}), 422, "validation_error")


def test_list_query_count_does_not_grow(client_a, tenant_a, admin_a, django_assert_max_num_queries):
    with tenant_context(tenant_a, actor=admin_a.user):
        for index in range(8):
            services.create_lead(last_name=f"L{index}", owner_id=admin_a.user_id)
    with django_assert_max_num_queries(10):
        assert client_a.get("/api/v1/leads").json()["count"] == 8


def test_scoring_rules_crud(client_a, tenant_a):
    assert client_a.get("/api/v1/leads/scoring-rules").json()["count"] == 0  # GET writes nothing
    with tenant_context(tenant_a):
        services.create_lead(last_name="First")  # the first scored lead makes the defaults
    listed = client_a.get("/api/v1/leads/scoring-rules").json()
    assert listed["count"] == 9
    assert listed["items"][0] == {
        "id": listed["items"][0]["id"],
        "name": "Has a company",
        "field": "company",
        "operator": "is_set",
        "value": "",
        "points": 10,
        "is_active": True,
    }
    created = _post(
        client_a,
        "/leads/scoring-rules",
        {"name": "Germany", "field": "country", "operator": "equals", "value": "DE", "points": 5},
    )
    assert created.status_code == 201, created.content
    rule_id = created.json()["id"]
    assert client_a.get(f"/api/v1/leads/scoring-rules/{rule_id}").json()["points"] == 5
    patched = _patch(client_a, f"/leads/scoring-rules/{rule_id}", {"points": 8, "is_active": False})
    assert (patched.json()["points"], patched.json()["is_active"]) == (8, False)
    _error(
        _patch(client_a, f"/leads/scoring-rules/{rule_id}", {"operator": "like"}),
        422,
        "invalid_operator",
        "operator",
    )
    _error(
        _post(
            client_a,
            "/leads/scoring-rules",
            {"name": "Germany", "field": "country", "operator": "is_set", "points": 1},
        ),
        422,
        "duplicate_name",
        "name",
    )
    _error(_post(client_a, "/leads/scoring-rules", {"name": "x"}), 422, "validation_error")
    assert client_a.delete(f"/api/v1/leads/scoring-rules/{rule_id}").status_code == 204
    assert _count(tenant_a, ScoringRule) == 9


def test_reader_cannot_write(tenant_a, lead):
    viewer = make_member(tenant_a, "planner@alpha.test", "planner")
    client = Client()
    client.force_login(viewer.user)
    assert client.get("/api/v1/leads").status_code == 200
    _error(_post(client, "/leads", {"last_name": "X"}), 403, "permission_denied")
    _error(_post(client, f"/leads/{lead.pk}/convert", {}), 403, "permission_denied")
    assert _count(tenant_a, Lead) == 1


def test_other_tenant_cannot_see_the_lead(client_b, lead):
    _error(client_b.get(f"/api/v1/leads/{lead.pk}"), 404, "not_found")
    assert client_b.get("/api/v1/leads").json()["count"] == 0
