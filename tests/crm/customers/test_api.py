"""The customers API: every endpoint, the error shape, nothing written on error, query counts."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from valuechain.crm.customers import services
from valuechain.crm.customers.models import (
    Account,
    Address,
    ConsentRecord,
    EmailAddress,
    LifecycleChange,
    Person,
    PhoneNumber,
)
from valuechain.platform.customfields import services as customfields
from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import tenant_context

PASSWORD = "correct horse battery staple"


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


@pytest.fixture
def acme(tenant_a, admin_a):
    with tenant_context(tenant_a, actor=admin_a.user):
        return services.create_account(name="Acme", industry="Retail", tags=["VIP"])


@pytest.fixture
def ada(tenant_a, admin_a, acme):
    with tenant_context(tenant_a, actor=admin_a.user):
        return services.create_person(first_name="Ada", last_name="Lovelace", account_id=acme.pk)


def _count(tenant, model) -> int:
    with tenant_context(tenant):
        return int(model.objects.count())


def test_create_get_patch_account(client_a, tenant_a, admin_a, acme):
    with tenant_context(tenant_a, actor=admin_a.user):
        customfields.create_definition(
            target="customers.account", key="erp", label="ERP", field_type="text"
        )
    response = _post(
        client_a,
        "/accounts",
        {
            "name": "Acme Berlin",
            "website": "acme.example",
            "parent_id": acme.pk,
            "owner_id": admin_a.user_id,
            "tags": ["vip", "Branch"],
            "size_band": "11-50",
            "custom": {"erp": "K1"},
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "Acme Berlin"
    assert body["website"] == "https://acme.example"
    assert body["parent_id"] == acme.pk
    assert body["owner_id"] == admin_a.user_id
    assert body["tags"] == ["Branch", "VIP"]
    assert body["lifecycle_stage"] == "prospect"
    assert body["custom"] == {"erp": "K1"}

    got = client_a.get(f"/api/v1/accounts/{body['id']}").json()
    assert got == body
    patched = _patch(client_a, f"/accounts/{body['id']}", {"industry": "Food", "parent_id": None})
    assert patched.status_code == 200
    assert (patched.json()["industry"], patched.json()["parent_id"]) == ("Food", None)
    assert patched.json()["name"] == "Acme Berlin"
    children = client_a.get(f"/api/v1/accounts/{acme.pk}/children").json()
    assert children["count"] == 0


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        ({"name": ""}, "name_required", "name"),
        ({"name": "X", "website": "::"}, "invalid_website", "website"),
        ({"name": "X", "size_band": "2"}, "invalid_size_band", "size_band"),
        ({"name": "X", "parent_id": 123456}, "unknown_account", "parent_id"),
        ({"name": "X", "owner_id": 123456}, "invalid_owner", "owner_id"),
        ({"name": "X", "lifecycle_stage": "x"}, "invalid_lifecycle_stage", "lifecycle_stage"),
        ({"name": "X", "custom": {"nope": 1}}, "invalid_custom_fields", None),
    ],
)
def test_bad_account_is_422_and_writes_nothing(client_a, tenant_a, data, code, field):
    _error(_post(client_a, "/accounts", data), 422, code, field)
    assert _count(tenant_a, Account) == 0


def test_wrong_shapes_are_validation_errors(client_a, tenant_a):
    body = _error(
        _post(client_a, "/accounts", {"name": "X", "tags": "VIP"}), 422, "validation_error"
    )
    assert body["details"]["errors"][0]["field"] == "data.tags"
    _error(_post(client_a, "/people", {"first_name": "A"}), 422, "validation_error")
    assert _count(tenant_a, Account) == 0 and _count(tenant_a, Person) == 0


def test_hierarchy_cycle_via_patch(client_a, tenant_a, acme):
    child = _post(client_a, "/accounts", {"name": "Sub", "parent_id": acme.pk}).json()
    _error(
        _patch(client_a, f"/accounts/{acme.pk}", {"parent_id": child["id"]}),
        422,
        "hierarchy_cycle",
        "parent_id",
    )
    children = client_a.get(f"/api/v1/accounts/{acme.pk}/children").json()
    assert [c["name"] for c in children["items"]] == ["Sub"]
    with tenant_context(tenant_a):
        assert Account.objects.get(pk=acme.pk).parent_id is None


def test_unknown_ids_are_404(client_a):
    _error(client_a.get("/api/v1/accounts/999999"), 404, "not_found")
    _error(_patch(client_a, "/accounts/999999", {"name": "x"}), 404, "not_found")
    _error(client_a.get("/api/v1/accounts/999999/children"), 404, "not_found")
    _error(client_a.get("/api/v1/people/999999"), 404, "not_found")
    _error(_post(client_a, "/people/999999/emails", {"email": "a@example.com"}), 404, "not_found")
    _error(client_a.get("/api/v1/people/999999/consents"), 404, "not_found")


def test_account_list_filters_and_sort(client_a, tenant_a, admin_a, acme):
    with tenant_context(tenant_a, actor=admin_a.user):
        services.create_account(name="Zeta", owner_id=admin_a.user_id, lifecycle_stage="active")
        services.create_account(name="Beta Foods", tags=["vip"])
    names = lambda q: [a["name"] for a in client_a.get(f"/api/v1/accounts{q}").json()["items"]]  # noqa: E731
    assert names("") == ["Acme", "Beta Foods", "Zeta"]
    assert names("?sort=-name") == ["Zeta", "Beta Foods", "Acme"]
    assert names("?tag=VIP") == ["Acme", "Beta Foods"]
    assert names("?lifecycle_stage=active") == ["Zeta"]
    assert names(f"?owner_id={admin_a.user_id}") == ["Zeta"]
    assert names("?name=foo") == ["Beta Foods"]
    assert names("?limit=1&offset=1") == ["Beta Foods"]
    _error(client_a.get("/api/v1/accounts?sort=tenant"), 422, "invalid_sort", "sort")
    _error(client_a.get("/api/v1/accounts?lifecycle_stage=x"), 422, "invalid_lifecycle_stage")


def test_people_crud_and_filters(client_a, tenant_a, acme, ada):
    created = _post(
        client_a, "/people", {"first_name": "Bob", "last_name": "Buyer", "tags": ["Newsletter"]}
    )
    assert created.status_code == 201
    bob = created.json()
    assert (bob["full_name"], bob["account_id"], bob["emails"]) == ("Bob Buyer", None, [])
    items = client_a.get("/api/v1/people").json()["items"]
    assert [p["last_name"] for p in items] == ["Buyer", "Lovelace"]
    only_acme = client_a.get(f"/api/v1/people?account_id={acme.pk}").json()["items"]
    assert [p["id"] for p in only_acme] == [ada.pk]
    assert client_a.get("/api/v1/people?name=ada").json()["count"] == 1
    assert client_a.get("/api/v1/people?tag=newsletter").json()["count"] == 1
    patched = _patch(client_a, f"/people/{bob['id']}", {"account_id": acme.pk, "job_title": "CFO"})
    assert (patched.json()["account_id"], patched.json()["job_title"]) == (acme.pk, "CFO")
    _error(
        _patch(client_a, f"/people/{bob['id']}", {"last_name": ""}),
        422,
        "last_name_required",
        "last_name",
    )
    _error(
        _patch(client_a, f"/people/{bob['id']}", {"account_id": 999999}),
        422,
        "unknown_account",
        "account_id",
    )


def test_contact_points_and_addresses(client_a, tenant_a, acme, ada):
    email = _post(client_a, f"/people/{ada.pk}/emails", {"email": "Ada@Example.COM"})
    assert email.status_code == 201
    assert email.json() == {
        "id": email.json()["id"],
        "email": "ada@example.com",
        "kind": "work",
        "is_primary": True,
    }
    _error(
        _post(client_a, f"/people/{ada.pk}/emails", {"email": "ADA@example.com"}),
        422,
        "duplicate_identifier",
        "email",
    )
    _error(
        _post(client_a, f"/people/{ada.pk}/emails", {"email": "nope"}),
        422,
        "invalid_email",
        "email",
    )
    _error(
        _post(client_a, f"/people/{ada.pk}/phones", {"number": "030 1234567"}),
        422,
        "invalid_phone",
        "phone",
    )
    address = _post(
        client_a,
        f"/accounts/{acme.pk}/addresses",
        {
            "kind": "billing",
            "line1": "Unter den Linden 1",
            "city": "Berlin",
            "postal_code": "10117",
            "country": "de",
        },
    )
    assert address.status_code == 201
    assert (address.json()["country"], address.json()["is_default"]) == ("DE", True)
    _error(
        _post(
            client_a,
            f"/people/{ada.pk}/addresses",
            {"kind": "billing", "line1": "x", "city": "y", "country": "XX"},
        ),
        422,
        "invalid_country",
        "country",
    )
    phone = _post(client_a, f"/people/{ada.pk}/phones", {"number": "030 1234567", "kind": "mobile"})
    assert phone.status_code == 201  # the account's German address gives the region
    assert phone.json()["number"] == "+49301234567"
    account_phone = _post(
        client_a, f"/accounts/{acme.pk}/phones", {"number": "(415) 555-2671", "region": "US"}
    )
    assert account_phone.json()["number"] == "+14155552671"
    account_email = _post(client_a, f"/accounts/{acme.pk}/emails", {"email": "info@acme.example"})
    assert account_email.status_code == 201
    person = client_a.get(f"/api/v1/people/{ada.pk}").json()
    assert [e["email"] for e in person["emails"]] == ["ada@example.com"]
    assert [p["number"] for p in person["phones"]] == ["+49301234567"]
    assert _count(tenant_a, EmailAddress) == 2
    assert _count(tenant_a, PhoneNumber) == 2
    assert _count(tenant_a, Address) == 1


def test_lifecycle_endpoints(client_a, tenant_a, acme, ada):
    moved = _post(
        client_a,
        f"/accounts/{acme.pk}/lifecycle",
        {"stage": "acquired", "changed_at": "2026-01-15T10:00:00Z"},
    )
    assert moved.status_code == 201
    assert (moved.json()["from_stage"], moved.json()["to_stage"]) == ("prospect", "acquired")
    assert moved.json()["changed_at"].startswith("2026-01-15T10:00:00")
    _error(
        _post(client_a, f"/people/{ada.pk}/lifecycle", {"stage": "active"}),
        422,
        "invalid_transition",
        "stage",
    )
    _error(
        _post(
            client_a,
            f"/people/{ada.pk}/lifecycle",
            {"stage": "acquired", "changed_at": "2999-01-01T00:00:00Z"},
        ),
        422,
        "future_date",
        "changed_at",
    )
    assert _post(client_a, f"/people/{ada.pk}/lifecycle", {"stage": "acquired"}).status_code == 201
    assert client_a.get(f"/api/v1/accounts/{acme.pk}").json()["lifecycle_stage"] == "acquired"
    assert _count(tenant_a, LifecycleChange) == 2


def test_consents(client_a, tenant_a, ada):
    first = _post(
        client_a,
        f"/people/{ada.pk}/consents",
        {
            "channel": "email",
            "granted": True,
            "source": "signup",
            "recorded_at": "2026-01-01T00:00:00Z",
        },
    )
    assert first.status_code == 201
    _post(client_a, f"/people/{ada.pk}/consents", {"channel": "email", "granted": False})
    _error(
        _post(client_a, f"/people/{ada.pk}/consents", {"channel": "fax", "granted": True}),
        422,
        "invalid_channel",
        "channel",
    )
    overview = client_a.get(f"/api/v1/people/{ada.pk}/consents").json()
    current = {c["channel"]: c["granted"] for c in overview["current"]}
    assert current == {"email": False, "sms": None, "phone": None, "post": None}
    assert [h["granted"] for h in overview["history"]] == [False, True]
    assert _count(tenant_a, ConsentRecord) == 2


def _client_for(tenant, email: str, role: str) -> Client:
    user = tenancy.create_user(email, PASSWORD)
    tenancy.add_member(tenant, user, role)
    client = Client()
    client.force_login(user)
    return client


def test_reading_needs_crm_read_and_writing_crm_write(tenant_a, acme):
    planner = _client_for(tenant_a, "planner@alpha.test", "planner")  # crm:read only
    assert planner.get("/api/v1/accounts").json()["count"] == 1
    body = _error(_post(planner, "/accounts", {"name": "X"}), 403, "permission_denied")
    assert body["details"]["needed"] == "crm:write"
    warehouse = _client_for(tenant_a, "wh@alpha.test", "warehouse")  # no crm at all
    _error(warehouse.get("/api/v1/people"), 403, "permission_denied")
    assert _count(tenant_a, Account) == 1


def test_list_query_counts_do_not_grow(client_a, tenant_a, admin_a, django_assert_max_num_queries):
    with tenant_context(tenant_a, actor=admin_a.user):
        for index in range(6):
            account = services.create_account(name=f"A{index}", tags=["x", f"t{index}"])
            person = services.create_person(
                last_name=f"P{index}", account_id=account.pk, tags=["y"]
            )
            services.add_email("person", person.pk, email=f"p{index}@example.com")
            services.add_phone("person", person.pk, number=f"+4930123456{index}")
    with django_assert_max_num_queries(11):  # +1: restrict() reads the member's role
        assert client_a.get("/api/v1/accounts").json()["count"] == 6
    with django_assert_max_num_queries(13):  # +1: restrict() reads the member's role
        assert client_a.get("/api/v1/people").json()["count"] == 6


def test_custom_field_filters_on_lists(client_a, tenant_a, admin_a):
    with tenant_context(tenant_a, actor=admin_a.user):
        customfields.create_definition(
            target="customers.account",
            key="tier",
            label="Tier",
            field_type="choice",
            choices=["Gold", "Silver"],
            filterable=True,
        )
        services.create_account(name="Gold Co", custom={"tier": "Gold"})
        services.create_account(name="Silver Co", custom={"tier": "Silver"})
    gold = client_a.get("/api/v1/accounts?cf_tier=Gold").json()
    assert [a["name"] for a in gold["items"]] == ["Gold Co"]
    _error(client_a.get("/api/v1/accounts?cf_nope=1"), 422, "invalid_custom_filter")
    patched = _patch(client_a, f"/accounts/{gold['items'][0]['id']}", {"custom": {"tier": "Iron"}})
    _error(patched, 422, "invalid_custom_fields")


def test_remove_contact_points_and_lifecycle_history(client_a, tenant_a, acme, ada):
    email = _post(client_a, f"/people/{ada.pk}/emails", {"email": "ada@example.com"}).json()
    phone = _post(client_a, f"/accounts/{acme.pk}/phones", {"number": "+14155552671"}).json()
    address = _post(
        client_a,
        f"/accounts/{acme.pk}/addresses",
        {"kind": "other", "line1": "1 Main", "city": "Berlin", "country": "DE"},
    ).json()
    # Another party's entry is not found through this party.
    _error(client_a.delete(f"/api/v1/accounts/{acme.pk}/emails/{email['id']}"), 404, "not_found")
    assert client_a.delete(f"/api/v1/people/{ada.pk}/emails/{email['id']}").status_code == 204
    assert client_a.delete(f"/api/v1/accounts/{acme.pk}/phones/{phone['id']}").status_code == 204
    deleted = client_a.delete(f"/api/v1/accounts/{acme.pk}/addresses/{address['id']}")
    assert deleted.status_code == 204
    _error(client_a.delete(f"/api/v1/people/{ada.pk}/phones/999999"), 404, "not_found")
    assert _count(tenant_a, EmailAddress) == 0
    assert _count(tenant_a, PhoneNumber) == 0
    assert _count(tenant_a, Address) == 0

    _post(client_a, f"/people/{ada.pk}/lifecycle", {"stage": "acquired"})
    _post(client_a, f"/people/{ada.pk}/lifecycle", {"stage": "active"})
    history = client_a.get(f"/api/v1/people/{ada.pk}/lifecycle").json()
    assert [(h["from_stage"], h["to_stage"]) for h in history["items"]] == [
        ("acquired", "active"),
        ("prospect", "acquired"),
    ]
    assert client_a.get(f"/api/v1/accounts/{acme.pk}/lifecycle").json()["count"] == 0
    _error(client_a.get("/api/v1/accounts/999999/lifecycle"), 404, "not_found")
