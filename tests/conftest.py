"""Fixtures shared by every suite: two tenants with members, and clients signed in to each."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, settings

from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import system_context, tenant_context
from valuechain.platform.tenancy.models import Membership, Tenant

# Machines are shared and noisy: a slow example is the machine, not the code. Property
# tests keep their example counts but never fail on time.
settings.register_profile("valuechain", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("valuechain")

PASSWORD = "correct horse battery staple"


def make_member(tenant: Tenant, email: str, role: str = "admin") -> Membership:
    """A user with a password, member of the tenant in the role."""
    user = tenancy.create_user(email, PASSWORD)
    return tenancy.add_member(tenant, user, role)


@pytest.fixture
def tenant_a(db: Any) -> Tenant:
    """Tenant A."""
    return tenancy.create_tenant("Alpha Retail", "alpha")


@pytest.fixture
def tenant_b(db: Any) -> Tenant:
    """Tenant B."""
    return tenancy.create_tenant("Beta Wholesale", "beta")


@pytest.fixture
def admin_a(tenant_a: Tenant) -> Membership:
    """Administrator of tenant A."""
    return make_member(tenant_a, "admin@alpha.test")


@pytest.fixture
def admin_b(tenant_b: Tenant) -> Membership:
    """Administrator of tenant B."""
    return make_member(tenant_b, "admin@beta.test")


@pytest.fixture
def client_a(admin_a: Membership) -> Client:
    """A browser session signed in as tenant A's administrator."""
    client = Client()
    client.force_login(admin_a.user)
    return client


@pytest.fixture
def client_b(admin_b: Membership) -> Client:
    """A browser session signed in as tenant B's administrator."""
    client = Client()
    client.force_login(admin_b.user)
    return client


@pytest.fixture
def in_tenant_a(tenant_a: Tenant, admin_a: Membership) -> Iterator[Tenant]:
    """Run the test body inside tenant A's context, as its administrator."""
    with tenant_context(tenant_a, actor=admin_a.user, channel="cli"):
        yield tenant_a


@pytest.fixture
def as_system() -> Iterator[None]:
    """Run the test body in the unscoped system context."""
    with system_context():
        yield
