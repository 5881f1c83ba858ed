"""Fixtures of the sales tests: an account with a contact, and a JSON API helper."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from valuechain.crm.customers import services as customers
from valuechain.crm.customers.models import Account, Person
from valuechain.platform.tenancy.context import tenant_context
from valuechain.platform.tenancy.models import Membership, Tenant


class Api:
    """JSON calls to /api/v1 and the assertion of the one error shape."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def get(self, path: str) -> Any:
        """GET from the API."""
        return self.client.get(f"/api/v1{path}")

    def post(self, path: str, data: object = None) -> Any:
        """POST JSON to the API."""
        body = json.dumps({} if data is None else data)
        return self.client.post(f"/api/v1{path}", data=body, content_type="application/json")

    def patch(self, path: str, data: object) -> Any:
        """PATCH JSON to the API."""
        body = json.dumps(data)
        return self.client.patch(f"/api/v1{path}", data=body, content_type="application/json")

    def delete(self, path: str) -> Any:
        """DELETE in the API."""
        return self.client.delete(f"/api/v1{path}")

    @staticmethod
    def error(response: Any, status: int, code: str, field: str | None = None) -> dict[str, Any]:
        """Assert the error shape with the status, code and field."""
        assert response.status_code == status, response.content
        body = response.json()
        assert body["code"] == code, body
        assert body["message"]
        if field is not None:
            assert body["details"]["field"] == field, body
        return dict(body)


@pytest.fixture
def api(client_a: Client) -> Api:
    """The API as tenant A's administrator."""
    return Api(client_a)


@pytest.fixture
def api_b(client_b: Client) -> Api:
    """The API as tenant B's administrator."""
    return Api(client_b)


@pytest.fixture
def acme(tenant_a: Tenant, admin_a: Membership) -> Account:
    """An account of tenant A."""
    with tenant_context(tenant_a, actor=admin_a.user):
        return customers.create_account(name="Acme GmbH")


@pytest.fixture
def ada(tenant_a: Tenant, admin_a: Membership, acme: Account) -> Person:
    """A contact of Acme."""
    with tenant_context(tenant_a, actor=admin_a.user):
        return customers.create_person(first_name="Ada", last_name="Lovelace", account_id=acme.pk)


def count(tenant: Tenant, model: Any, **filters: Any) -> int:
    """Rows of a model in a tenant."""
    with tenant_context(tenant):
        return int(model.objects.filter(**filters).count())


@pytest.fixture
def rows() -> Any:
    """``rows(tenant, Model, **filters)`` counts rows in a tenant."""
    return count
