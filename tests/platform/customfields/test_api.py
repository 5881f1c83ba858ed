"""The custom fields API: list by target, create, change, deactivate, error shape, access."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from valuechain.platform.customfields import services
from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import tenant_context


def _post(client, path, data):
    return client.post(path, data=json.dumps(data), content_type="application/json")


def _patch(client, path, data):
    return client.patch(path, data=json.dumps(data), content_type="application/json")


def _field(target_label, **overrides):
    return {
        "target": target_label,
        "key": "tier",
        "label": "Tier",
        "field_type": "choice",
        "choices": ["Gold", "Silver"],
        **overrides,
    }


def test_create_then_list_by_target(client_a, target):
    response = _post(client_a, "/api/v1/custom-fields", _field(target, filterable=True))
    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in ("target", "key", "label", "field_type", "choices")} == {
        "target": target,
        "key": "tier",
        "label": "Tier",
        "field_type": "choice",
        "choices": ["Gold", "Silver"],
    }
    assert (body["required"], body["filterable"], body["is_active"], body["order"]) == (
        False,
        True,
        True,
        0,
    )
    _post(
        client_a,
        "/api/v1/custom-fields",
        _field(target, key="amount", label="Amount", field_type="number", choices=[], order=1),
    )
    listed = client_a.get("/api/v1/custom-fields", {"target": target}).json()
    assert listed["count"] == 2
    assert [item["key"] for item in listed["items"]] == ["tier", "amount"]


def test_targets_are_listed(client_a, target):
    response = client_a.get("/api/v1/custom-fields/targets")
    assert response.status_code == 200
    assert {"label": target, "verbose_name": "Test thing"} in response.json()


@pytest.mark.parametrize(
    ("overrides", "status", "code", "field"),
    [
        ({"target": "customers.nothing"}, 422, "unknown_target", "target"),
        ({"key": "Tier Level"}, 422, "invalid_key", "key"),
        ({"field_type": "money"}, 422, "invalid_field_type", "field_type"),
        ({"choices": []}, 422, "invalid_choices", "choices"),
    ],
)
def test_create_errors_use_the_error_shape(client_a, target, overrides, status, code, field):
    response = _post(client_a, "/api/v1/custom-fields", _field(target, **overrides))
    assert response.status_code == status
    body = response.json()
    assert body["code"] == code
    assert body["details"]["field"] == field
    assert body["message"]


def test_duplicate_key_is_a_conflict(client_a, target):
    assert _post(client_a, "/api/v1/custom-fields", _field(target)).status_code == 201
    response = _post(client_a, "/api/v1/custom-fields", _field(target, label="Again"))
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_key"


def test_patch_and_deactivate(client_a, target):
    created = _post(client_a, "/api/v1/custom-fields", _field(target)).json()
    path = f"/api/v1/custom-fields/{created['id']}"
    patched = _patch(client_a, path, {"label": "Level", "choices": ["Gold", "Bronze"]})
    assert patched.status_code == 200
    assert (patched.json()["label"], patched.json()["choices"]) == ("Level", ["Gold", "Bronze"])

    refused = _patch(client_a, path, {"key": "level"})
    assert refused.status_code == 422
    assert refused.json()["code"] == "key_immutable"
    assert refused.json()["details"]["field"] == "key"

    assert client_a.delete(path).status_code == 204
    assert client_a.get(path).json()["is_active"] is False
    assert client_a.get("/api/v1/custom-fields", {"target": target}).json()["count"] == 0
    everything = client_a.get(
        "/api/v1/custom-fields", {"target": target, "include_inactive": "true"}
    ).json()
    assert everything["count"] == 1
    assert _patch(client_a, path, {"is_active": True}).json()["is_active"] is True


def test_unknown_target_filter_is_refused(client_a, target):
    response = client_a.get("/api/v1/custom-fields", {"target": "customers.nothing"})
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_target"


def test_other_tenants_definitions_are_invisible(client_a, target, tenant_b):
    with tenant_context(tenant_b):
        theirs = services.create_definition(
            target=target, key="secret", label="Secret", field_type="text"
        )
    assert client_a.get("/api/v1/custom-fields").json()["count"] == 0
    assert client_a.get(f"/api/v1/custom-fields/{theirs.pk}").status_code == 404
    assert _patch(client_a, f"/api/v1/custom-fields/{theirs.pk}", {"label": "x"}).status_code == 404
    assert client_a.delete(f"/api/v1/custom-fields/{theirs.pk}").status_code == 404


def test_members_read_definitions_but_only_admins_change_them(tenant_a, target):
    with tenant_context(tenant_a):
        services.create_definition(target=target, key="notes", label="Notes", field_type="text")
    user = tenancy.create_user("rep@a.example", password=None)
    tenancy.add_member(tenant_a, user, role="sales_rep")
    client = Client()
    client.force_login(user)
    listed = client.get("/api/v1/custom-fields", {"target": target})
    assert listed.status_code == 200
    assert listed.json()["count"] == 1
    refused = _post(client, "/api/v1/custom-fields", _field(target))
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"


def test_list_takes_a_fixed_number_of_queries(
    client_a, target, tenant_a, django_assert_max_num_queries
):
    with tenant_context(tenant_a):
        for index in range(20):
            services.create_definition(
                target=target, key=f"field_{index}", label=f"Field {index}", field_type="text"
            )
    with django_assert_max_num_queries(12):
        response = client_a.get("/api/v1/custom-fields", {"target": target, "limit": 100})
    assert response.json()["count"] == 20


def test_context_schemas_take_custom_values_with_a_description():
    from typing import Any

    from ninja import Schema

    from valuechain.platform.customfields.schemas import (
        CUSTOM_VALUES_DESCRIPTION,
        custom_values_field,
    )

    class ThingIn(Schema):
        name: str
        custom: dict[str, Any] = custom_values_field()

    assert ThingIn(name="x").custom == {}
    assert ThingIn(name="x", custom={"tier": "Gold"}).custom == {"tier": "Gold"}
    schema = ThingIn.model_json_schema()
    assert schema["properties"]["custom"]["description"] == CUSTOM_VALUES_DESCRIPTION
