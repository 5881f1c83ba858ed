"""Fixtures of the activities tests: a customer, a second member, dates around "now"."""

from __future__ import annotations

from typing import Any

import pytest

from valuechain.crm.customers import services as customers
from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import tenant_context
from valuechain.platform.tenancy.models import Membership


@pytest.fixture
def ada(tenant_a: Any, admin_a: Membership) -> Any:
    """Ada Lovelace of Acme, e-mail ada@example.com, in tenant A."""
    with tenant_context(tenant_a, actor=admin_a.user):
        account = customers.create_account(name="Acme")
        person = customers.create_person(
            first_name="Ada", last_name="Lovelace", account_id=account.pk
        )
        customers.add_email("person", person.pk, email="ada@example.com")
        return person


@pytest.fixture
def sales_a(tenant_a: Any) -> Membership:
    """A sales rep of tenant A."""
    user = tenancy.create_user("rep@alpha.test", "correct horse battery staple")
    return tenancy.add_member(tenant_a, user, "sales_rep")
