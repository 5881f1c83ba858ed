"""Global search: providers by permission, inside the current tenant, page and htmx dropdown."""

from __future__ import annotations

import pytest
from django.test import Client

from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import require_tenant_id
from valuechain.platform.web.registry import SearchHit, register_search

PASSWORD = "correct horse battery staple"


@pytest.fixture
def people(tenant_a, tenant_b, admin_a, admin_b):
    """Members with names in both tenants; Dana is in B only, Ada in A only."""
    ada = tenancy.create_user("ada@alpha.test", PASSWORD, first_name="Ada", last_name="Lovelace")
    tenancy.add_member(tenant_a, ada, "sales_rep")
    dana = tenancy.create_user("dana@beta.test", PASSWORD, first_name="Dana", last_name="Scully")
    tenancy.add_member(tenant_b, dana, "buyer")
    return ada, dana


def _hits(response):
    return {group.kind: [hit.title for hit in group.hits] for group in response.context["groups"]}


def test_search_finds_members_of_the_current_tenant_by_name(client_a, people):
    response = client_a.get("/search/", {"q": "ada love"})

    assert response.status_code == 200
    assert _hits(response) == {"Members": ["Ada Lovelace"]}
    html = response.content.decode()
    assert "ada@alpha.test · Sales representative" in html
    assert 'href="/settings/members/"' in html


def test_search_by_email_domain_stays_in_the_tenant(client_a, client_b, people):
    assert _hits(client_a.get("/search/", {"q": ".test"})) == {
        "Members": ["Ada Lovelace", "admin@alpha.test"]
    }
    assert _hits(client_b.get("/search/", {"q": ".test"})) == {
        "Members": ["admin@beta.test", "Dana Scully"]
    }


def test_a_member_of_another_tenant_never_appears(client_a, people):
    response = client_a.get("/search/", {"q": "dana"})

    assert _hits(response) == {}
    assert "No results for “dana” in Alpha Retail." in response.content.decode()


def test_inactive_members_are_not_found(client_a, people):
    ada, _ = people
    ada.memberships.update(is_active=False)

    assert _hits(client_a.get("/search/", {"q": "ada"})) == {}


def test_short_query_asks_for_more(client_a, people):
    response = client_a.get("/search/", {"q": " a "})

    assert response.context["groups"] == []
    assert "Type at least 2 characters." in response.content.decode()


def test_htmx_dropdown_returns_a_fragment(client_a, people):
    response = client_a.get("/search/", {"q": "ada"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "Ada Lovelace" in html
    assert 'href="/search/?q=ada"' in html
    assert "HX-Request" in response["Vary"]


def test_htmx_dropdown_is_empty_for_a_short_query(client_a):
    response = client_a.get("/search/", {"q": "a"}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response.content == b""


def test_providers_need_their_permission(tenant_a, people, monkeypatch):
    monkeypatch.setattr("valuechain.platform.web.registry._search", {})
    register_search("Orders", "scm:read", lambda q, limit: [SearchHit("Orders", "SO-1", "", "/")])
    register_search("Secrets", "admin:read", lambda q, limit: [SearchHit("Secrets", "x", "", "/")])
    user = tenancy.create_user("stock@alpha.test", PASSWORD)
    tenancy.add_member(tenant_a, user, "warehouse")
    client = Client()
    client.force_login(user)

    response = client.get("/search/", {"q": "so-1"})

    assert _hits(response) == {"Orders": ["SO-1"]}
    assert response.context["kinds"] == ["Orders"]


def test_providers_run_inside_the_current_tenant(client_a, tenant_a, monkeypatch):
    seen = []
    monkeypatch.setattr("valuechain.platform.web.registry._search", {})
    register_search("Probe", "crm:read", lambda q, limit: seen.append(require_tenant_id()) or [])

    client_a.get("/search/", {"q": "anything"})

    assert seen == [tenant_a.pk]


def test_a_failing_provider_does_not_hide_the_others(client_a, people, monkeypatch):
    def broken(query, limit):
        raise RuntimeError("index offline")

    monkeypatch.setitem(
        __import__("valuechain.platform.web.registry", fromlist=["_search"])._search,
        "Broken",
        __import__("valuechain.platform.web.registry", fromlist=["x"]).RegisteredSearch(
            "Broken", "crm:read", broken
        ),
    )

    response = client_a.get("/search/", {"q": "ada"})

    assert [(g.kind, g.failed) for g in response.context["groups"]] == [
        ("Broken", True),
        ("Members", False),
    ]
    assert "Searching broken failed; the other results are complete." in (response.content.decode())


def test_sales_rep_cannot_search_members(tenant_a, people):
    ada, _ = people
    client = Client()
    client.force_login(ada)

    response = client.get("/search/", {"q": "admin"})

    assert "Members" not in response.context["kinds"]  # CRM kinds (accounts, people) remain
    assert "admin@alpha.test" not in response.content.decode()
