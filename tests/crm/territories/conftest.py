"""Fixtures of the territories suite: a sales team in two territories and their records."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from valuechain.crm.customers import services as customers
from valuechain.crm.territories import assignment, services
from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import tenant_context
from valuechain.platform.tenancy.models import Membership, Tenant

PASSWORD = "correct horse battery staple"


def member(tenant: Tenant, email: str, role: str) -> Membership:
    """A user of the tenant in the role."""
    return tenancy.add_member(tenant, tenancy.create_user(email, PASSWORD), role)


def signed_in(membership: Membership) -> Client:
    """A browser session of the member."""
    client = Client()
    client.force_login(membership.user)
    return client


def post(client: Client, path: str, data: object) -> Any:
    """POST JSON to the API."""
    return client.post(f"/api/v1{path}", data=json.dumps(data), content_type="application/json")


def patch(client: Client, path: str, data: object) -> Any:
    """PATCH JSON to the API."""
    return client.patch(f"/api/v1{path}", data=json.dumps(data), content_type="application/json")


def error(response: Any, status: int, code: str, field: str | None = None) -> dict[str, Any]:
    """Assert the API's error shape."""
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code, body
    assert body["message"]
    if field is not None:
        assert body["details"]["field"] == field
    return body


@dataclass
class Team:
    """Members of tenant A: DACH (manager, rep1, rep2), France (rep3), and others."""

    tenant: Tenant
    admin: Membership
    manager: Membership
    rep1: Membership
    rep2: Membership
    rep3: Membership
    marketer: Membership
    dach: Any
    france: Any


@pytest.fixture
def team(tenant_a: Tenant, admin_a: Membership) -> Team:
    """DACH (DE, AT, CH; manager + rep1 + rep2) and France (FR; rep3), no rules yet."""
    manager = member(tenant_a, "manager@alpha.test", "sales_manager")
    rep1 = member(tenant_a, "rep1@alpha.test", "sales_rep")
    rep2 = member(tenant_a, "rep2@alpha.test", "sales_rep")
    rep3 = member(tenant_a, "rep3@alpha.test", "sales_rep")
    marketer = member(tenant_a, "marketer@alpha.test", "marketer")
    with tenant_context(tenant_a, actor=admin_a.user):
        dach = services.create_territory(name="DACH", countries=["DE", "AT", "CH"])
        france = services.create_territory(name="France", countries=["FR"])
        services.add_member(dach.pk, user_id=manager.user_id, role="manager")
        services.add_member(dach.pk, user_id=rep1.user_id)
        services.add_member(dach.pk, user_id=rep2.user_id)
        services.add_member(france.pk, user_id=rep3.user_id)
    return Team(tenant_a, admin_a, manager, rep1, rep2, rep3, marketer, dach, france)


def account_in(country: str | None, name: str, owner: Membership | None = None) -> Any:
    """An account with a billing address in the country, linked to its territory."""
    account = customers.create_account(name=name, owner_id=owner.user_id if owner else None)
    if country:
        customers.add_address(
            "account",
            account.pk,
            address_kind="billing",
            line1="1 Main St",
            city="X",
            country=country,
        )
    assignment.place_account(account.pk)
    account.refresh_from_db()
    return account
