"""Fixtures shared by every suite: two tenants with members, and clients signed in to each."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection
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


def _free_connection_slots() -> int:
    """How many more ordinary (non-superuser) connections the PostgreSQL server accepts now."""
    with connection.cursor() as cursor:
        cursor.execute(
            "select current_setting('max_connections')::int"
            " - current_setting('superuser_reserved_connections')::int"
            " - (select count(*) from pg_stat_activity)"
        )
        return int(cursor.fetchone()[0])


@pytest.fixture
def require_connections() -> Callable[[int], None]:
    """Check that PostgreSQL can give a race test ``needed`` more connections.

    The one place the race tests ask: a stock server allows 100 connections in all, fewer
    than 100 clients plus the test's own. Under CI=true a shortfall fails the test (the
    proof is required; scripts/ensure-postgres.sh raises the limit there); elsewhere it skips.
    """

    def check(needed: int) -> None:
        free = _free_connection_slots()
        if free >= needed:
            return
        message = (
            f"PostgreSQL accepts {free} more connections, {needed} needed: raise"
            " max_connections (scripts/ensure-postgres.sh does it under CI=true)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)

    return check
