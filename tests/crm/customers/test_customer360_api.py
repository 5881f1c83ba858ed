"""The customer 360° API: shape, merged timeline with keyset paging, channel filter, errors,
registries (panels, key figures, timeline sources), permissions, record rules, query count."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from valuechain.crm.customers import customer360, panels, services
from valuechain.crm.customers.models import Interaction, LifecycleChange, Person
from valuechain.crm.customers.panels import (
    KeyFigures,
    Panel,
    TimelineCursor,
    TimelineEntry,
    TimelineSource,
)
from valuechain.platform.identity import record_rules
from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import tenant_context

UTC = dt.UTC


def at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, 0, tzinfo=UTC)


def make_member(tenant: Any, email: str, role: str) -> Any:
    return tenancy.add_member(tenant, tenancy.create_user(email, "pw-123456789"), role)


def _error(response: Any, status: int, code: str, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert body["message"]
    if field is not None:
        assert body["details"]["field"] == field
    return body


def _touch(
    party: dict[str, Any], when: dt.datetime, channel: str = "email", subject: str = ""
) -> Interaction:
    return Interaction.objects.create(
        channel=channel, kind="email", occurred_at=when, subject=subject, **party
    )


def _from_customers(function: Any) -> bool:
    return str(getattr(function, "__module__", "")).startswith("valuechain.crm.customers")


@pytest.fixture
def all_contributions() -> None:
    """Keep every installed context's panels (sales, activities, …) for this test."""


@pytest.fixture(autouse=True)
def only_customers_contributions(request: Any, monkeypatch: Any) -> None:
    """Shape tests see the customers context's own contributions only, not other contexts'."""
    if "all_contributions" in request.fixturenames:
        return
    monkeypatch.setattr(panels, "_panels", {})
    monkeypatch.setattr(
        panels,
        "_key_figures",
        {k: v for k, v in panels._key_figures.items() if _from_customers(v.provide)},
    )
    monkeypatch.setattr(
        panels,
        "_timeline_sources",
        {k: v for k, v in panels._timeline_sources.items() if _from_customers(v.load)},
    )


@pytest.fixture
def acme(tenant_a, admin_a) -> dict[str, Any]:
    """Acme with two people; Ada has e-mail, phone, interactions and a lifecycle move."""
    with tenant_context(tenant_a, actor=admin_a.user):
        account = services.create_account(name="Acme", industry="Retail")
        ada = services.create_person(
            first_name="Ada", last_name="Lovelace", account_id=account.pk, job_title="CTO"
        )
        bob = services.create_person(first_name="Bob", last_name="Byron", account_id=account.pk)
        services.add_email("person", ada.pk, email="Ada@Example.com", is_primary=True)
        services.add_phone("person", ada.pk, number="+4930123456")
        services.add_email("person", ada.pk, email="ada@home.example")
        services.add_address(
            "person", ada.pk, address_kind="shipping", line1="Dock 4", city="Hamburg",
            country="DE", postal_code="20457",
        )  # fmt: skip
        services.add_address(
            "person", ada.pk, address_kind="billing", line1="Main St 1", city="Berlin",
            country="DE", postal_code="10115", is_default=True,
        )  # fmt: skip
        services.change_lifecycle_stage("person", ada.pk, "acquired", changed_at=at(2, 12))
        _touch({"person": ada}, at(1), "email", "Hello")
        _touch({"person": ada}, at(3), "web", "Visited pricing")
        _touch({"person": ada}, at(4), "email", "Order question")
        _touch({"person": bob}, at(5), "call_centre", "Bob calls")
        _touch({"account": account}, at(6), "sales_rep", "Account review")
        return {"account": account, "ada": ada, "bob": bob}


def test_person_360_shape_and_values(client_a, acme):
    ada = acme["ada"]
    response = client_a.get(f"/api/v1/customers/person-{ada.pk}/360")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == f"person-{ada.pk}"
    assert body["kind"] == "person"
    assert body["page_url"] == f"/crm/people/{ada.pk}/360/"
    profile = body["profile"]
    assert {k: profile[k] for k in ("name", "job_title", "lifecycle_stage", "tags")} == {
        "name": "Ada Lovelace",
        "job_title": "CTO",
        "lifecycle_stage": "acquired",
        "tags": [],
    }
    assert profile["account"] == {"id": f"account-{acme['account'].pk}", "name": "Acme"}
    assert body["contacts"]["emails"] == [
        {"email": "ada@example.com", "kind": "work", "is_primary": True},
        {"email": "ada@home.example", "kind": "work", "is_primary": False},
    ]
    assert [row["number"] for row in body["contacts"]["phones"]] == ["+4930123456"]
    assert body["contacts"]["addresses"] == [
        {"kind": "billing", "is_default": True, "text": "Main St 1, 10115 Berlin, DE",
         "city": "Berlin", "country": "DE"},
        {"kind": "shipping", "is_default": True, "text": "Dock 4, 20457 Hamburg, DE",
         "city": "Hamburg", "country": "DE"},
    ]  # fmt: skip
    figures = body["key_figures"]
    assert figures["interaction_count"] == 3
    assert figures["channel_mix"] == {"email": 2, "web": 1}
    assert figures["first_interaction_at"].startswith("2026-03-01T09:00:00")
    assert figures["last_interaction_at"].startswith("2026-03-04T09:00:00")
    assert figures["lifecycle_stage"] == "acquired"
    assert figures["lifecycle_stage_since"].startswith("2026-03-02T12:00:00")
    assert body["panels"] == {}
    timeline = body["timeline"]
    assert [(item["source"], item["title"]) for item in timeline["items"]] == [
        ("interaction", "Order question"),
        ("interaction", "Visited pricing"),
        ("lifecycle", "Stage prospect → acquired"),
        ("interaction", "Hello"),
    ]
    assert timeline["next_cursor"] is None
    first = timeline["items"][0]
    assert first["channel"] == "email"
    assert first["ids"]["person_id"] == ada.pk
    assert first["id"] == f"interaction-{first['ids']['interaction_id']}"


def test_plain_digits_mean_a_person(client_a, acme):
    ada = acme["ada"]
    body = client_a.get(f"/api/v1/customers/{ada.pk}/360").json()
    assert body["id"] == f"person-{ada.pk}"


def test_account_360_includes_its_peoples_interactions(client_a, acme):
    account = acme["account"]
    body = client_a.get(f"/api/v1/customers/account-{account.pk}/360").json()
    assert body["kind"] == "account"
    assert body["profile"]["name"] == "Acme"
    assert body["profile"]["industry"] == "Retail"
    assert [p["name"] for p in body["contacts"]["people"]] == ["Bob Byron", "Ada Lovelace"]
    assert body["contacts"]["more_people"] is False
    assert body["key_figures"]["interaction_count"] == 5
    assert body["key_figures"]["channel_mix"] == {
        "email": 2,
        "call_centre": 1,
        "sales_rep": 1,
        "web": 1,
    }
    # the account's own lifecycle has no moves: its stage counts from its creation
    assert body["key_figures"]["lifecycle_stage"] == "prospect"
    assert [item["title"] for item in body["timeline"]["items"]] == [
        "Account review",
        "Bob calls",
        "Order question",
        "Visited pricing",
        "Hello",
    ]


def test_channel_filter_drops_channel_less_sources(client_a, acme):
    ada = acme["ada"]
    body = client_a.get(f"/api/v1/customers/person-{ada.pk}/360?channel=email").json()
    assert [item["title"] for item in body["timeline"]["items"]] == ["Order question", "Hello"]
    assert body["timeline"]["channel"] == "email"
    # the key figures are not filtered
    assert body["key_figures"]["interaction_count"] == 3


def test_keyset_pages_walk_the_merged_timeline_without_gaps_or_repeats(
    client_a, tenant_a, admin_a, acme
):
    ada = acme["ada"]
    with tenant_context(tenant_a, actor=admin_a.user):
        for index in range(4):  # ties on the same instant, across two sources
            _touch({"person": ada}, at(2, 12), "social", f"tie {index}")
    url = f"/api/v1/customers/person-{ada.pk}/360/timeline?limit=3"
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        response = client_a.get(url + (f"&cursor={cursor}" if cursor else ""))
        assert response.status_code == 200, response.content
        page = response.json()
        seen.extend(item["id"] for item in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    everything = client_a.get(f"/api/v1/customers/person-{ada.pk}/360?limit=100").json()
    assert seen == [item["id"] for item in everything["timeline"]["items"]]
    assert len(seen) == len(set(seen)) == 8
    # the first page of the whole view carries the same cursor as the timeline route
    view = client_a.get(f"/api/v1/customers/person-{ada.pk}/360?limit=3").json()
    first = client_a.get(url).json()
    assert view["timeline"] == first


def test_errors(client_a, acme):
    _error(client_a.get("/api/v1/customers/robot-1/360"), 422, "invalid_customer_id", "customer_id")
    _error(client_a.get("/api/v1/customers/person-x/360"), 422, "invalid_customer_id")
    _error(client_a.get("/api/v1/customers/0/360"), 422, "invalid_customer_id")
    _error(client_a.get("/api/v1/customers/person-999999/360"), 404, "not_found")
    _error(client_a.get("/api/v1/customers/account-999999/360/timeline"), 404, "not_found")
    ada = acme["ada"].pk
    _error(
        client_a.get(f"/api/v1/customers/{ada}/360?channel=fax"), 422, "invalid_channel", "channel"
    )
    _error(client_a.get(f"/api/v1/customers/{ada}/360?cursor=nonsense"), 422, "invalid_cursor")
    _error(client_a.get(f"/api/v1/customers/{ada}/360?limit=101"), 422, "validation_error")


def test_other_tenants_customer_is_not_found(client_b, acme):
    _error(client_b.get(f"/api/v1/customers/person-{acme['ada'].pk}/360"), 404, "not_found")


@pytest.fixture
def registered(monkeypatch) -> None:
    """A context's panel, key figures and timeline source, with a second scm-only panel."""

    def orders(kind: str, party: Any) -> dict[str, Any]:
        return {"open": 2, "party": f"{kind}-{party.pk}"}

    def revenue(kind: str, party: Any) -> dict[str, Any]:
        return {"lifetime_revenue": "1200.00", "order_count": 3}

    def order_entries(kind, party, channel, before, limit):
        entry = TimelineEntry(
            occurred_at=at(3, 18),
            source="order",
            record_id=7,
            kind="order",
            title="Order SO-7",
            url="/scm/orders/7/",
        )
        if channel or (before is not None and entry.sort_key() >= before_key(before)):
            return []
        return [entry]

    def before_key(before: TimelineCursor) -> tuple[dt.datetime, str, int]:
        return (before.occurred_at, before.source, before.record_id)

    monkeypatch.setitem(
        panels._panels,
        "orders",
        Panel("orders", "Open orders", "customers/_touchpoints.html", orders, order=5),
    )
    monkeypatch.setitem(
        panels._panels,
        "stock",
        Panel("stock", "Stock", "customers/_touchpoints.html", orders, permission="scm:read"),
    )
    monkeypatch.setitem(panels._key_figures, "orders", KeyFigures("orders", revenue, order=50))
    monkeypatch.setitem(
        panels._timeline_sources, "order", TimelineSource("order", order_entries, "scm:read")
    )


def test_registered_contributions_appear_in_order(client_a, acme, registered):
    ada = acme["ada"]
    body = client_a.get(f"/api/v1/customers/person-{ada.pk}/360").json()
    assert list(body["panels"]) == ["orders", "stock"]
    assert body["panels"]["orders"] == {"open": 2, "party": f"person-{ada.pk}"}
    assert body["key_figures"]["lifetime_revenue"] == "1200.00"
    assert body["key_figures"]["order_count"] == 3
    items = body["timeline"]["items"]
    assert [item["title"] for item in items][:3] == [
        "Order question",
        "Order SO-7",
        "Visited pricing",
    ]
    assert items[1]["url"] == "/scm/orders/7/"
    assert items[1]["id"] == "order-7"


def test_contributions_need_their_permission(tenant_a, acme, registered):
    marketer = make_member(tenant_a, "marketer@alpha.test", "marketer")  # crm, no scm
    client = Client()
    client.force_login(marketer.user)
    body = client.get(f"/api/v1/customers/person-{acme['ada'].pk}/360").json()
    assert list(body["panels"]) == ["orders"]
    assert "order-7" not in [item["id"] for item in body["timeline"]["items"]]


def test_register_timeline_source_refuses_bad_keys():
    with pytest.raises(ValueError):
        panels.register_timeline_source(TimelineSource("a|b", lambda *args: []))


def test_record_rules_hide_a_customer_as_not_found(tenant_a, acme, monkeypatch):
    rep = make_member(tenant_a, "rep@alpha.test", "sales_rep")
    hidden = acme["ada"].pk

    def only_others(queryset, actor_id, role):
        return queryset.exclude(pk=hidden) if role == "sales_rep" else queryset

    monkeypatch.setitem(record_rules._rules, "customers.person", only_others)
    client = Client()
    client.force_login(rep.user)
    _error(client.get(f"/api/v1/customers/person-{hidden}/360"), 404, "not_found")
    ok = client.get(f"/api/v1/customers/person-{acme['bob'].pk}/360")
    assert ok.status_code == 200
    account = client.get(f"/api/v1/customers/account-{acme['account'].pk}/360").json()
    assert [p["name"] for p in account["contacts"]["people"]] == ["Bob Byron"]


# session, user, membership; party, tags; contact points (one UNION); (account: people,
# their ids); figures by channel; stage moves (figures and timeline); interactions;
# session save (3) — then every installed context's panels, key figures and timeline
# sources (sales, activities, orders), each a fixed number of queries.
@pytest.mark.parametrize(("kind", "most"), [("person", 23), ("account", 25)])
def test_query_count_does_not_grow_with_the_data(
    client_a, tenant_a, admin_a, acme, kind, most, django_assert_max_num_queries, all_contributions
):
    party = acme["ada"] if kind == "person" else acme["account"]
    url = f"/api/v1/customers/{kind}-{party.pk}/360"
    with tenant_context(tenant_a, actor=admin_a.user):
        for index in range(40):
            person = Person.objects.create(last_name=f"Extra {index}", account=acme["account"])
            _touch({"person": acme["ada"]}, at(10, index % 20), "web", f"bulk {index}")
            _touch({"person": person}, at(11, index % 20), "store")
            services.add_email("person", acme["ada"].pk, email=f"ada{index}@example.com")
    client_a.get(url)  # warm the session and membership caches
    with django_assert_max_num_queries(most):
        response = client_a.get(url)
    assert response.status_code == 200
    assert len(response.json()["timeline"]["items"]) == 20


def test_stage_since_looks_past_a_long_history(client_a, tenant_a, admin_a, acme):
    bob = acme["bob"]
    with tenant_context(tenant_a, actor=admin_a.user):
        LifecycleChange.objects.create(
            person=bob, from_stage="prospect", to_stage="acquired", changed_at=at(1)
        )
        for index in range(customer360.LIFECYCLE_WINDOW):  # newer moves elsewhere
            LifecycleChange.objects.create(
                person=bob,
                from_stage="active",
                to_stage="at_risk",
                changed_at=at(2) + dt.timedelta(minutes=index),
            )
        Person.objects.filter(pk=bob.pk).update(lifecycle_stage="acquired")
    body = client_a.get(f"/api/v1/customers/person-{bob.pk}/360?limit=100").json()
    assert body["key_figures"]["lifecycle_stage_since"].startswith("2026-03-01T09:00:00")
    moves = [item for item in body["timeline"]["items"] if item["source"] == "lifecycle"]
    assert len(moves) == 99  # 100 entries: Bob's call on the 5th, then the newest moves
