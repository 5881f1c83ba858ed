"""Fixtures of the kernel suites: members of other roles and small API helpers."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.models import Tenant

PASSWORD = "correct horse battery staple"


def signed_in(tenant: Tenant, email: str, role: str) -> Client:
    """A browser session of a new member of the tenant in the role."""
    user = tenancy.create_user(email, PASSWORD)
    tenancy.add_member(tenant, user, role)
    client = Client()
    client.force_login(user)
    return client


def _post_json(client: Client, path: str, body: Any, **headers: str) -> Any:
    return client.post(
        path, data=json.dumps(body), content_type="application/json", headers=headers
    )


@pytest.fixture
def post_json() -> Callable[..., Any]:
    """post_json(client, path, body, **headers): POST a JSON body with extra headers."""
    return _post_json


@pytest.fixture
def warehouse_client_a(tenant_a: Tenant) -> Client:
    """Tenant A's warehouse worker: no admin permission at all."""
    return signed_in(tenant_a, "warehouse@alpha.test", "warehouse")
