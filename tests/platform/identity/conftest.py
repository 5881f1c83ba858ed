"""Fixtures of the identity suite: members in roles and freshly issued API tokens."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django.test import Client

from valuechain.platform.identity import services
from valuechain.platform.identity.models import ApiToken
from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import tenant_context
from valuechain.platform.tenancy.models import Membership, Tenant

PASSWORD = "correct horse battery staple"

MakeMember = Callable[..., Membership]
IssueToken = Callable[..., tuple[ApiToken, str]]


@pytest.fixture
def make_member(db: Any) -> MakeMember:
    """Create a user with PASSWORD and make them a member of a tenant in a role."""

    def make(tenant: Tenant, email: str, role: str = "admin") -> Membership:
        user = tenancy.create_user(email, PASSWORD)
        return tenancy.add_member(tenant, user, role)

    return make


@pytest.fixture
def issue_token(db: Any) -> IssueToken:
    """Issue a token for a membership inside its tenant; returns (token, raw)."""

    def issue(
        membership: Membership, scopes: Iterable[str], days: int = 90, name: str = "test"
    ) -> tuple[ApiToken, str]:
        with tenant_context(membership.tenant, actor=membership.user, channel="cli"):
            return services.create_token(membership, name, list(scopes), days, membership.user)

    return issue


@pytest.fixture
def rep_a(tenant_a: Tenant, make_member: MakeMember) -> Membership:
    """A sales representative of tenant A."""
    return make_member(tenant_a, "rep@alpha.test", "sales_rep")


@pytest.fixture
def rep_client(rep_a: Membership) -> Client:
    """A browser session signed in as tenant A's sales representative."""
    client = Client()
    client.force_login(rep_a.user)
    return client


def bearer(raw: str) -> dict[str, str]:
    """Headers for a token request."""
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def auth_header() -> Callable[[str], dict[str, str]]:
    """The Authorization header of a raw token, as Client keyword arguments."""
    return bearer
