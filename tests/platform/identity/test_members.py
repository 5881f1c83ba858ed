"""Member management: add by e-mail, change roles, deactivate; the last admin stays."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from valuechain.platform.errors import DomainError
from valuechain.platform.identity import services
from valuechain.platform.identity.models import ApiToken
from valuechain.platform.tenancy.context import system_context, tenant_context
from valuechain.platform.tenancy.models import Membership


def test_add_member_creates_a_new_account_with_the_password(in_tenant_a):
    member = services.add_member_by_email(
        " Ann@Alpha.TEST ", "planner", password="a long new secret 42", first_name="Ann"
    )
    user = member.user
    assert (user.username, user.email, user.first_name) == ("ann@alpha.test",) * 2 + ("Ann",)
    assert user.check_password("a long new secret 42")
    assert (member.tenant_id, member.role, member.is_active) == (in_tenant_a.pk, "planner", True)


def test_new_account_needs_a_password(in_tenant_a):
    with pytest.raises(DomainError) as caught:
        services.add_member_by_email("ann@alpha.test", "planner")
    assert (caught.value.code, caught.value.field) == ("password_required", "password")


def test_weak_password_is_refused_with_the_validators_message(in_tenant_a):
    with pytest.raises(DomainError) as caught:
        services.add_member_by_email("ann@alpha.test", "planner", password="short")
    assert caught.value.code == "invalid_password"
    assert "at least 10 characters" in caught.value.message


def test_existing_account_joins_and_keeps_its_password(admin_b, in_tenant_a):
    member = services.add_member_by_email(
        "admin@beta.test", "buyer", password="an attempt to take over"
    )
    assert member.user_id == admin_b.user_id
    assert member.role == "buyer"
    assert (
        get_user_model()
        .objects.get(pk=admin_b.user_id)
        .check_password("correct horse battery staple")
    )


def test_unknown_role_and_bad_e_mail_are_refused(in_tenant_a):
    with pytest.raises(DomainError) as role:
        services.add_member_by_email("x@alpha.test", "emperor", password="a long new secret 42")
    assert (role.value.code, role.value.field) == ("invalid_role", "role")
    with pytest.raises(DomainError) as email:
        services.add_member_by_email("not-an-address", "buyer", password="a long new secret 42")
    assert (email.value.code, email.value.field) == ("invalid_email", "email")


def test_deactivated_member_is_reactivated_by_adding_again(rep_a, in_tenant_a):
    services.deactivate_member(rep_a.pk)
    again = services.add_member_by_email("rep@alpha.test", "buyer")
    assert (again.pk, again.is_active, again.role) == (rep_a.pk, True, "buyer")


def test_change_role(rep_a, in_tenant_a):
    assert services.change_role(rep_a.pk, "sales_manager").role == "sales_manager"
    assert Membership.objects.get(pk=rep_a.pk).role == "sales_manager"


def test_last_admin_can_be_neither_demoted_nor_deactivated(admin_a, in_tenant_a):
    with pytest.raises(DomainError) as demote:
        services.change_role(admin_a.pk, "sales_rep")
    assert (demote.value.code, demote.value.status) == ("last_admin", 409)
    assert "admin@alpha.test is the last administrator of Alpha Retail" in demote.value.message
    with pytest.raises(DomainError) as deactivate:
        services.deactivate_member(admin_a.pk)
    assert deactivate.value.code == "last_admin"
    assert Membership.objects.get(pk=admin_a.pk).is_active is True


def test_an_admin_may_step_down_when_another_admin_remains(
    admin_a, make_member, tenant_a, in_tenant_a
):
    second = make_member(tenant_a, "second@alpha.test", "admin")
    assert services.change_role(admin_a.pk, "planner").role == "planner"
    with pytest.raises(DomainError) as caught:
        services.deactivate_member(second.pk)
    assert caught.value.code == "last_admin"


def test_admins_of_other_tenants_do_not_count(admin_a, admin_b, make_member, tenant_b):
    with tenant_context(admin_a.tenant), pytest.raises(DomainError) as caught:
        services.change_role(admin_a.pk, "buyer")
    assert caught.value.code == "last_admin"


def test_deactivating_revokes_the_members_tokens(rep_a, issue_token, in_tenant_a):
    token, raw = issue_token(rep_a, ["crm:read"])
    services.deactivate_member(rep_a.pk)
    with system_context():
        assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert services.authenticate_token(raw) is None
    services.reactivate_member(rep_a.pk)
    assert services.authenticate_token(raw) is None


def test_members_of_other_tenants_are_not_found(admin_b, in_tenant_a):
    for action in (
        lambda: services.change_role(admin_b.pk, "buyer"),
        lambda: services.deactivate_member(admin_b.pk),
        lambda: services.reactivate_member(admin_b.pk),
    ):
        with pytest.raises(DomainError) as caught:
            action()
        assert (caught.value.code, caught.value.status) == ("not_found", 404)


def test_update_member_applies_role_then_deactivation(rep_a, in_tenant_a):
    updated = services.update_member(rep_a.pk, role="buyer", is_active=False)
    assert (updated.role, updated.is_active) == ("buyer", False)
    unchanged = services.update_member(rep_a.pk)
    assert (unchanged.role, unchanged.is_active) == ("buyer", False)
