"""Lead pages: list (filters, sort, pages), detail (score, duplicates), forms, convert, rules."""

from __future__ import annotations

import pytest
from django.test import Client
from tests.conftest import make_member

from valuechain.crm.customers import services as customers
from valuechain.crm.customers.models import Person
from valuechain.crm.leads import services
from valuechain.crm.leads.models import Lead, ScoringRule
from valuechain.crm.sales.models import Opportunity
from valuechain.platform.tenancy.context import tenant_context


@pytest.fixture
def lead(tenant_a, admin_a):
    with tenant_context(tenant_a, actor=admin_a.user):
        return services.create_lead(
            first_name="Ada",
            last_name="Lovelace",
            company="Acme",
            email="ada@acme.example",
            utm_campaign="spring",
        )


def _leads(tenant) -> list[Lead]:
    with tenant_context(tenant):
        return list(Lead.objects.order_by("pk"))


def test_list_filters_and_sorts(client_a, tenant_a, admin_a, lead):
    with tenant_context(tenant_a, actor=admin_a.user):
        services.create_lead(last_name="Babbage", source="import")
    html = client_a.get("/crm/leads/").content.decode()
    assert "Ada Lovelace" in html and "Babbage" in html and "New lead" in html
    html = client_a.get("/crm/leads/", {"source": "import"}).content.decode()
    assert "Babbage" in html and "Ada Lovelace" not in html
    html = client_a.get("/crm/leads/", {"sort": "-score"}).content.decode()
    assert html.index("Ada Lovelace") < html.index("Babbage")
    html = client_a.get("/crm/leads/", {"min_score": "5", "max_score": "1"}).content.decode()
    assert "The lowest score is above the highest." in html and "No leads match." in html


def test_list_page_query_count(client_a, tenant_a, admin_a, django_assert_max_num_queries):
    with tenant_context(tenant_a, actor=admin_a.user):
        for index in range(8):
            services.create_lead(last_name=f"L{index}", owner_id=admin_a.user_id)
    with django_assert_max_num_queries(14):
        assert client_a.get("/crm/leads/").status_code == 200


def test_list_paginates(client_a, tenant_a, admin_a):
    with tenant_context(tenant_a, actor=admin_a.user):
        for index in range(51):
            services.create_lead(last_name=f"L{index:02d}")
    html = client_a.get("/crm/leads/").content.decode()
    assert "Page 1 of 2 · 51 in all" in html
    assert "L00" not in html and "L50" in html
    assert "L00" in client_a.get("/crm/leads/", {"page": 2}).content.decode()


def test_detail_shows_score_explanation_and_duplicates(client_a, tenant_a, admin_a, lead):
    with tenant_context(tenant_a, actor=admin_a.user):
        person = customers.create_person(first_name="Ada", last_name="King")
        customers.add_email("person", person.pk, email="ada@acme.example")
    html = client_a.get(f"/crm/leads/{lead.pk}/").content.decode()
    assert "Score: 20" in html
    assert "<td>Has a company</td><td>10</td>" in html
    assert "<td>Business e-mail</td><td>10</td>" in html
    assert f'href="/crm/people/{person.pk}/">Ada King</a> · same email ada@acme.example' in html
    assert f'href="/crm/leads/{lead.pk}/convert/"' in html


def test_status_and_owner_forms(client_a, tenant_a, admin_a, lead):
    url = f"/crm/leads/{lead.pk}/"
    response = client_a.post(url, {"action": "status", "status-status": "unqualified"})
    assert response.status_code == 200
    assert "Say why the lead is unqualified" in response.content.decode()
    response = client_a.post(
        url, {"action": "status", "status-status": "unqualified", "status-reason": "no_need"}
    )
    assert response.status_code == 302
    client_a.post(url, {"action": "owner", "owner-owner_id": str(admin_a.user_id)})
    [stored] = _leads(tenant_a)
    assert (stored.status, stored.unqualified_reason, stored.owner_id) == (
        "unqualified",
        "no_need",
        admin_a.user_id,
    )
    assert client_a.post(url, {"action": "nope"}).status_code == 404


def test_create_and_edit_forms_show_errors_by_field(client_a, tenant_a):
    response = client_a.post(
        "/crm/leads/new/", {"last_name": "Lovelace", "email": "bad", "source": "manual"}
    )
    assert response.status_code == 200
    assert 'id="id_email_error"' in response.content.decode()
    assert _leads(tenant_a) == []
    response = client_a.post(
        "/crm/leads/new/",
        {"last_name": "Lovelace", "email": "ada@acme.example", "source": "manual"},
    )
    [lead] = _leads(tenant_a)
    assert response["Location"] == f"/crm/leads/{lead.pk}/"
    edit = f"/crm/leads/{lead.pk}/edit/"
    assert 'value="ada@acme.example"' in client_a.get(edit).content.decode()
    response = client_a.post(edit, {"last_name": "Lovelace", "phone": "12", "source": "manual"})
    assert 'id="id_phone_error"' in response.content.decode()
    client_a.post(edit, {"last_name": "King", "source": "manual", "company": "Acme"})
    [lead] = _leads(tenant_a)
    assert (lead.last_name, lead.company, lead.email) == ("King", "Acme", "")


def test_convert_page_links_a_duplicate(client_a, tenant_a, admin_a, lead):
    with tenant_context(tenant_a, actor=admin_a.user):
        person = customers.create_person(first_name="Ada", last_name="King")
        customers.add_email("person", person.pk, email="ada@acme.example")
    url = f"/crm/leads/{lead.pk}/convert/"
    html = client_a.get(url).content.decode()
    assert "Create from company “Acme”" in html and "Link Ada King" in html
    response = client_a.post(url, {"account_id": "none", "person_id": str(person.pk)})
    assert response.status_code == 302
    assert response["Location"] == f"/crm/people/{person.pk}/"
    [stored] = _leads(tenant_a)
    assert (stored.status, stored.converted_person_id, stored.converted_account_id) == (
        "converted",
        person.pk,
        None,
    )
    with tenant_context(tenant_a):
        assert Person.objects.count() == 1
    assert client_a.get(url)["Location"] == f"/crm/leads/{lead.pk}/"
    detail = client_a.get(f"/crm/leads/{lead.pk}/").content.decode()
    assert "Converted" in detail and "Ada King" in detail


def test_convert_page_opens_a_deal_or_shows_the_refusal(client_a, tenant_a, lead):
    url = f"/crm/leads/{lead.pk}/convert/"
    response = client_a.post(
        url, {"account_id": "new", "create_opportunity": "on", "person_id": "new", "amount": "-1"}
    )
    assert response.status_code == 200
    assert 'id="id_amount_error"' in response.content.decode()
    assert _leads(tenant_a)[0].status == "new"
    response = client_a.post(
        url,
        {"account_id": "new", "person_id": "new", "create_opportunity": "on"}
        | {"opportunity_name": "Acme pilot", "amount": "500"},
    )
    assert response.status_code == 302
    with tenant_context(tenant_a):
        deal = Opportunity.objects.get()
    assert (deal.name, deal.amount) == ("Acme pilot", 500)
    assert _leads(tenant_a)[0].converted_opportunity_id == deal.pk
    assert "opportunity Acme pilot" in client_a.get(f"/crm/leads/{lead.pk}/").content.decode()


def test_convert_page_shows_a_service_refusal(client_a, tenant_a, lead):
    response = client_a.post(
        f"/crm/leads/{lead.pk}/convert/", {"account_id": "999999", "person_id": "new"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert _leads(tenant_a)[0].status == "new"


def test_scoring_rules_page(client_a, tenant_a):
    html = client_a.get("/crm/leads/scoring/").content.decode()
    assert "Has a company" in html and "Add a rule" in html
    assert "Create the default rules" in html
    with tenant_context(tenant_a):
        assert ScoringRule.objects.count() == 0  # GET writes nothing
    client_a.post("/crm/leads/scoring/", {"action": "defaults"})
    assert "Create the default rules" not in client_a.get("/crm/leads/scoring/").content.decode()
    response = client_a.post(
        "/crm/leads/scoring/",
        {"action": "add", "rule-name": "Big", "rule-field": "size_employees"}
        | {"rule-operator": "greater_than", "rule-value": "x", "rule-points": "5"},
    )
    assert "compares with a number" in response.content.decode()
    with tenant_context(tenant_a):
        first = ScoringRule.objects.order_by("pk").first()
        assert ScoringRule.objects.count() == 9
    client_a.post("/crm/leads/scoring/", {"action": "toggle", "item": str(first.pk)})
    with tenant_context(tenant_a):
        assert ScoringRule.objects.get(pk=first.pk).is_active is False
    client_a.post("/crm/leads/scoring/", {"action": "delete", "item": str(first.pk)})
    with tenant_context(tenant_a):
        assert ScoringRule.objects.count() == 8
    assert (
        client_a.post("/crm/leads/scoring/", {"action": "delete", "item": "999999"}).status_code
        == 404
    )


def test_readers_see_but_cannot_change(tenant_a, lead):
    planner = make_member(tenant_a, "planner@alpha.test", "planner")
    client = Client()
    client.force_login(planner.user)
    assert client.get(f"/crm/leads/{lead.pk}/").status_code == 200
    assert client.get("/crm/leads/new/").status_code == 403
    assert client.post(f"/crm/leads/{lead.pk}/", {"action": "status"}).status_code == 403
    assert client.post("/crm/leads/scoring/", {"action": "add"}).status_code == 403


def test_other_tenant_gets_404(client_b, lead):
    assert client_b.get(f"/crm/leads/{lead.pk}/").status_code == 404
    assert client_b.get(f"/crm/leads/{lead.pk}/convert/").status_code == 404


def test_search_finds_leads(client_a, lead):
    html = client_a.get("/search/", {"q": "Lovelace"}).content.decode()
    assert f"/crm/leads/{lead.pk}/" in html


def test_menu_has_leads(client_a):
    assert 'href="/crm/leads/"' in client_a.get("/crm/leads/").content.decode()
