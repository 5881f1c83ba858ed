"""The territories API: every endpoint, the error shape, nothing written on error, query counts."""

from __future__ import annotations

import pytest

from valuechain.crm.territories import services
from valuechain.crm.territories.models import AssignmentRule, Territory, TerritoryMember
from valuechain.platform.tenancy.context import tenant_context

from .conftest import error, patch, post, signed_in


def _count(tenant, model) -> int:
    with tenant_context(tenant):
        return int(model.objects.count())


def test_create_get_patch_delete_territory(client_a, tenant_a):
    response = post(
        client_a,
        "/territories",
        {"name": "Benelux", "countries": ["nl", "BE"], "size_bands": ["51-200"], "priority": 2},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body == {
        "id": body["id"],
        "name": "Benelux",
        "description": "",
        "priority": 2,
        "is_active": True,
        "countries": ["NL", "BE"],
        "regions": [],
        "postal_prefixes": [],
        "industries": [],
        "size_bands": ["51-200"],
        "member_count": 0,
        "account_count": 0,
        "lead_count": 0,
    }
    territory_id = body["id"]
    assert client_a.get(f"/api/v1/territories/{territory_id}").json()["name"] == "Benelux"
    changed = patch(client_a, f"/territories/{territory_id}", {"postal_prefixes": ["10"]})
    assert changed.status_code == 200
    assert changed.json()["postal_prefixes"] == ["10"]
    assert changed.json()["countries"] == ["NL", "BE"]
    assert client_a.delete(f"/api/v1/territories/{territory_id}").status_code == 204
    assert _count(tenant_a, Territory) == 0
    error(client_a.get(f"/api/v1/territories/{territory_id}"), 404, "not_found")
    error(client_a.delete(f"/api/v1/territories/{territory_id}"), 404, "not_found")


@pytest.mark.parametrize(
    ("data", "status", "code", "field"),
    [
        ({"name": ""}, 422, "name_required", "name"),
        ({"name": "A", "countries": ["XX"]}, 422, "unknown_country", "countries"),
        ({"name": "A", "size_bands": ["huge"]}, 422, "invalid_size_bands", "size_bands"),
        ({"name": "A", "priority": 100000}, 422, "invalid_priority", "priority"),
        ({"name": "A", "countries": "DE"}, 422, "validation_error", None),
        ({}, 422, "validation_error", None),
    ],
)
def test_create_territory_bad_input(client_a, tenant_a, data, status, code, field):
    error(post(client_a, "/territories", data), status, code, field)
    assert _count(tenant_a, Territory) == 0


def test_duplicate_and_patch_errors(client_a, tenant_a):
    assert post(client_a, "/territories", {"name": "UK"}).status_code == 201
    error(post(client_a, "/territories", {"name": "uk"}), 409, "duplicate_name", "name")
    other = post(client_a, "/territories", {"name": "FR"}).json()["id"]
    error(patch(client_a, f"/territories/{other}", {"name": "UK"}), 409, "duplicate_name", "name")
    error(patch(client_a, f"/territories/{other}", {"countries": ["QQ"]}), 422, "unknown_country")
    error(patch(client_a, "/territories/999999", {"name": "X"}), 404, "not_found")
    with tenant_context(tenant_a):
        assert Territory.objects.get(pk=other).countries == []


def test_list_filters_sorts_and_counts(team, client_a, django_assert_max_num_queries):
    with tenant_context(team.tenant, actor=team.admin.user):
        for index in range(5):
            services.create_territory(name=f"Extra {index}", priority=index)
    with django_assert_max_num_queries(8):
        body = client_a.get("/api/v1/territories?limit=100").json()
    assert body["count"] == 7
    assert [row["name"] for row in body["items"][:2]] == ["Extra 4", "Extra 3"]
    dach = next(row for row in body["items"] if row["name"] == "DACH")
    assert dach["member_count"] == 3
    names = lambda q: [r["name"] for r in client_a.get(f"/api/v1/territories?{q}").json()["items"]]  # noqa: E731
    assert names("country=fr") == ["France"]
    assert names(f"user_id={team.rep3.user_id}") == ["France"]
    assert names("name=dac") == ["DACH"]
    assert names("sort=name&limit=2") == ["DACH", "Extra 0"]
    error(client_a.get("/api/v1/territories?sort=colour"), 422, "invalid_sort", "sort")
    error(client_a.get("/api/v1/territories?limit=0"), 422, "validation_error")


def test_members_endpoints(team, client_a, tenant_b):
    base = f"/territories/{team.france.pk}/members"
    listed = client_a.get(f"/api/v1{base}").json()
    assert [(m["email"], m["role"]) for m in listed["items"]] == [("rep3@alpha.test", "member")]
    added = post(client_a, base, {"user_id": team.rep1.user_id, "role": "manager"})
    assert added.status_code == 201
    member_id = added.json()["id"]
    assert added.json()["role"] == "manager"
    error(post(client_a, base, {"user_id": team.rep1.user_id}), 409, "duplicate_member", "user_id")
    from .conftest import member

    stranger = member(tenant_b, "x@beta.test", "sales_rep")
    error(post(client_a, base, {"user_id": stranger.user_id}), 422, "not_tenant_member", "user_id")
    error(post(client_a, base, {"user_id": team.rep2.user_id, "role": "boss"}), 422, "invalid_role")
    error(post(client_a, "/territories/999999/members", {"user_id": 1}), 404, "not_found")
    assert _count(team.tenant, TerritoryMember) == 5
    changed = patch(client_a, f"{base}/{member_id}", {"role": "member"})
    assert changed.json()["role"] == "member"
    error(patch(client_a, f"{base}/{member_id}", {"role": "chief"}), 422, "invalid_role", "role")
    dach_member = f"/territories/{team.dach.pk}/members/{member_id}"
    error(client_a.delete(f"/api/v1{dach_member}"), 404, "not_found")
    assert client_a.delete(f"/api/v1{base}/{member_id}").status_code == 204
    assert _count(team.tenant, TerritoryMember) == 4
    error(client_a.get("/api/v1/territories/999999/members"), 404, "not_found")


def test_rules_endpoints(team, client_a):
    base = f"/territories/{team.dach.pk}/rules"
    created = post(client_a, base, {"applies_to": "lead", "method": "round_robin"})
    assert created.status_code == 201
    rule = created.json()
    assert {k: rule[k] for k in ("applies_to", "method", "is_active", "last_user_id")} == {
        "applies_to": "lead",
        "method": "round_robin",
        "is_active": True,
        "last_user_id": None,
    }
    error(
        post(client_a, base, {"applies_to": "lead", "method": "least_loaded"}),
        409,
        "duplicate_rule",
    )
    error(
        post(client_a, base, {"applies_to": "deal", "method": "round_robin"}),
        422,
        "invalid_applies_to",
    )
    error(
        post(client_a, base, {"applies_to": "account", "method": "lottery"}),
        422,
        "invalid_method",
        "method",
    )
    assert _count(team.tenant, AssignmentRule) == 1
    listed = client_a.get(f"/api/v1{base}").json()
    assert [r["id"] for r in listed["items"]] == [rule["id"]]
    changed = patch(client_a, f"{base}/{rule['id']}", {"is_active": False})
    assert changed.json()["is_active"] is False
    error(patch(client_a, f"{base}/{rule['id']}", {"method": "x"}), 422, "invalid_method")
    error(
        patch(client_a, f"/territories/{team.france.pk}/rules/{rule['id']}", {}), 404, "not_found"
    )
    assert client_a.delete(f"/api/v1{base}/{rule['id']}").status_code == 204
    assert _count(team.tenant, AssignmentRule) == 0


def test_preview_match_writes_nothing(team, client_a):
    with tenant_context(team.tenant, actor=team.admin.user):
        services.create_rule(team.dach.pk, applies_to="lead", method="round_robin")
    first = min(team.rep1.user_id, team.rep2.user_id)
    for _ in range(2):
        response = post(
            client_a, "/territories/preview-match", {"record_type": "lead", "country": "at"}
        )
        assert response.json() == {
            "territory_id": team.dach.pk,
            "territory_name": "DACH",
            "owner_id": first,
        }
    assert post(client_a, "/territories/preview-match", {"country": "US"}).json() == {
        "territory_id": None,
        "territory_name": None,
        "owner_id": None,
    }
    assert post(
        client_a, "/territories/preview-match", {"record_type": "account", "country": "FR"}
    ).json() == {
        "territory_id": team.france.pk,
        "territory_name": "France",
        "owner_id": None,
    }
    error(
        post(client_a, "/territories/preview-match", {"record_type": "deal"}),
        422,
        "invalid_record_type",
        "record_type",
    )
    error(post(client_a, "/territories/preview-match", {"country": "DEU"}), 422, "validation_error")
    with tenant_context(team.tenant):
        assert AssignmentRule.objects.get().last_user_id is None


@pytest.mark.parametrize("who", ["rep1", "marketer"])
def test_reps_and_marketers_read_but_cannot_change(team, who):
    client = signed_in(getattr(team, who))
    assert client.get("/api/v1/territories").json()["count"] == 2
    error(post(client, "/territories", {"name": "Mine"}), 403, "forbidden")
    error(patch(client, f"/territories/{team.dach.pk}", {"name": "Mine"}), 403, "forbidden")
    error(client.delete(f"/api/v1/territories/{team.dach.pk}"), 403, "forbidden")
    error(
        post(client, f"/territories/{team.dach.pk}/members", {"user_id": team.rep3.user_id}),
        403,
        "forbidden",
    )
    error(
        post(
            client,
            f"/territories/{team.dach.pk}/rules",
            {"applies_to": "lead", "method": "round_robin"},
        ),
        403,
        "forbidden",
    )
    assert _count(team.tenant, Territory) == 2
    assert _count(team.tenant, TerritoryMember) == 4


def test_manager_may_change(team):
    client = signed_in(team.manager)
    assert (
        post(client, "/territories", {"name": "Nordics", "countries": ["SE", "NO"]}).status_code
        == 201
    )


def test_planner_without_crm_write_is_refused(team, tenant_a):
    from .conftest import member

    planner = signed_in(member(tenant_a, "planner@alpha.test", "planner"))
    assert planner.get("/api/v1/territories").status_code == 200
    assert post(planner, "/territories", {"name": "X"}).status_code == 403
    assert _count(tenant_a, Territory) == 2


def test_territories_are_tenant_scoped(team, client_b):
    error(client_b.get(f"/api/v1/territories/{team.dach.pk}"), 404, "not_found")
    assert client_b.get("/api/v1/territories").json()["count"] == 0
    error(patch(client_b, f"/territories/{team.dach.pk}", {"name": "Stolen"}), 404, "not_found")
