"""Record rules: restrict() applies the rule registered for a model to the current member."""

from __future__ import annotations

from typing import Any

import pytest

from valuechain.platform.identity import record_rules
from valuechain.platform.tenancy.context import tenant_context
from valuechain.platform.tenancy.models import Membership, Tenant


@pytest.fixture
def only_own_membership() -> Any:
    """A rule on memberships: a sales rep sees only their own membership row."""

    def rule(queryset: Any, actor_id: int, role: str) -> Any:
        return queryset.filter(user_id=actor_id) if role == "sales_rep" else queryset

    record_rules.register_record_rule("tenancy.Membership", rule)
    yield rule
    record_rules._rules.pop("tenancy.membership")


def test_rule_narrows_a_sales_rep_and_not_an_admin(
    tenant_a: Tenant, admin_a: Membership, rep_a: Membership, only_own_membership: Any
) -> None:
    rep = rep_a
    rows = Membership.objects.filter(tenant=tenant_a)
    with tenant_context(tenant_a, actor=rep.user, channel="ui"):
        assert record_rules.current_role() == "sales_rep"
        assert list(record_rules.restrict(rows)) == [rep]
    with tenant_context(tenant_a, actor=admin_a.user, channel="ui"):
        assert set(record_rules.restrict(rows)) == {admin_a, rep}


def test_without_actor_or_rule_nothing_is_narrowed(
    tenant_a: Tenant, admin_a: Membership, rep_a: Membership, only_own_membership: Any
) -> None:
    rep = rep_a
    rows = Membership.objects.filter(tenant=tenant_a)
    with tenant_context(tenant_a, channel="job"):
        assert record_rules.current_role() is None
        assert set(record_rules.restrict(rows)) == {admin_a, rep}
    assert record_rules.rule_for("tenancy.tenant") is None


def test_the_role_is_looked_up_once_per_context(
    tenant_a: Tenant, rep_a: Membership, django_assert_num_queries: Any
) -> None:
    with tenant_context(tenant_a, actor=rep_a.user, channel="ui"):
        with django_assert_num_queries(1):
            assert record_rules.current_role() == "sales_rep"
            assert record_rules.current_role() == "sales_rep"
        Membership.objects.filter(pk=rep_a.pk).update(role="admin")
        assert record_rules.current_role() == "sales_rep"  # same context: memoised
    with tenant_context(tenant_a, actor=rep_a.user, channel="ui"):
        assert record_rules.current_role() == "admin"  # a new context asks again
