"""API tokens: issued once, stored hashed, scoped, expiring, revocable, use recorded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from valuechain.platform.errors import DomainError
from valuechain.platform.identity import services
from valuechain.platform.identity.domain import expand, role_permissions
from valuechain.platform.identity.models import ApiToken, hash_token
from valuechain.platform.tenancy.context import current, system_context, tenant_context


def test_raw_token_has_public_prefix_and_only_its_hash_is_stored(admin_a, issue_token):
    token, raw = issue_token(admin_a, ["crm:read", "admin:write"])
    marker, prefix, secret = raw.split("_", 2)
    assert marker == "vc"
    assert prefix == token.prefix and len(prefix) == 8
    assert len(secret) >= 43
    assert token.display_prefix == f"vc_{prefix}"
    with system_context():
        stored = ApiToken.objects.get(pk=token.pk)
        row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert stored.secret_hash == hash_token(raw) and len(stored.secret_hash) == 64
    assert raw not in {str(value) for value in row.values()}
    assert secret not in stored.secret_hash
    assert stored.scopes == ["crm:read", "admin:write"]  # canonical order: by area
    assert stored.created_by_id == admin_a.user_id
    assert stored.tenant_id == admin_a.tenant_id


def test_default_lifetime_is_90_days(admin_a, issue_token):
    before = timezone.now()
    token, _ = issue_token(admin_a, ["crm:read"])
    assert before + dt.timedelta(days=90) <= token.expires_at
    assert token.expires_at <= timezone.now() + dt.timedelta(days=90)


@pytest.mark.parametrize("days", [0, -1, 367])
def test_lifetime_outside_1_to_366_days_is_refused(admin_a, issue_token, days):
    with pytest.raises(DomainError) as caught:
        issue_token(admin_a, ["crm:read"], days=days)
    assert caught.value.code == "invalid_expiry"
    assert caught.value.field == "expires_in_days"


def test_366_days_is_allowed(admin_a, issue_token):
    token, _ = issue_token(admin_a, ["crm:read"], days=366)
    assert token.expires_at.date() >= (timezone.now() + dt.timedelta(days=365)).date()


@pytest.mark.parametrize(
    ("scopes", "code"),
    [
        (["crm:delete"], "invalid_scope"),
        (["billing:read"], "invalid_scope"),
        ([], "scopes_required"),
        (["  "], "scopes_required"),
    ],
)
def test_bad_scopes_are_refused_with_their_code(admin_a, issue_token, scopes, code):
    with pytest.raises(DomainError) as caught:
        issue_token(admin_a, scopes)
    assert caught.value.code == code
    assert caught.value.field == "scopes"


def test_scopes_beyond_the_role_are_refused(rep_a, issue_token):
    with pytest.raises(DomainError) as caught:
        issue_token(rep_a, ["crm:write", "admin:read"])
    assert caught.value.code == "scope_not_granted"
    assert caught.value.details["not_granted"] == ["admin:read"]


def test_a_token_cannot_mint_a_stronger_token(admin_a, in_tenant_a):
    with pytest.raises(DomainError) as caught:
        services.create_token(
            admin_a, "x", ["crm:write"], limit_to=frozenset({"admin:read", "admin:write"})
        )
    assert caught.value.code == "scope_exceeds_token"
    assert caught.value.status == 403


def test_blank_name_is_refused(admin_a, in_tenant_a):
    with pytest.raises(DomainError) as caught:
        services.create_token(admin_a, "   ", ["crm:read"])
    assert (caught.value.code, caught.value.field) == ("name_required", "name")


def test_member_of_another_tenant_gets_no_token_here(admin_b, in_tenant_a):
    with pytest.raises(DomainError) as caught:
        services.create_token(admin_b, "x", ["crm:read"])
    assert caught.value.code == "not_found"


def test_permissions_are_the_role_narrowed_to_the_scopes(rep_a, issue_token):
    token, _ = issue_token(rep_a, ["crm:read", "scm:read"])
    # scm includes its narrower orders area
    assert token.permissions() == frozenset({"crm:read", "scm:read", "orders:read"})


def test_scm_grants_orders_too_and_orders_is_granted_on_its_own():
    assert expand(["scm:write"]) == {"scm:read", "scm:write", "orders:read", "orders:write"}
    assert expand(["orders:write"]) == {"orders:read", "orders:write"}
    rep = role_permissions("sales_rep")
    assert {"orders:write", "scm:read"} <= rep and "scm:write" not in rep
    assert "orders:write" in role_permissions("warehouse")  # through scm:write
    assert "orders:write" not in role_permissions("service_agent")
    assert "orders:read" in role_permissions("service_agent")
    assert not any(p.startswith("orders:") for p in role_permissions("marketer"))


def test_a_sales_rep_token_may_write_orders_but_not_scm(rep_a, issue_token):
    token, _ = issue_token(rep_a, ["orders:write"])
    assert token.permissions() == frozenset({"orders:read", "orders:write"})
    with pytest.raises(DomainError) as caught:
        issue_token(rep_a, ["scm:write"])
    assert caught.value.details["not_granted"] == ["scm:write"]


def test_authenticate_returns_token_with_member_and_tenant_loaded(admin_a, issue_token):
    token, raw = issue_token(admin_a, ["crm:read"])
    found = services.authenticate_token(raw)
    assert found is not None and found.pk == token.pk
    assert "membership" in found._state.fields_cache
    assert found.membership.tenant.slug == "alpha"
    assert current().tenant_id is None and current().bypass is False


@pytest.mark.parametrize(
    "mangle",
    [
        lambda raw: raw[:-1] + ("A" if raw[-1] != "A" else "B"),  # wrong secret
        lambda raw: "vc_00000000_" + raw.split("_", 2)[2],  # unknown prefix
        lambda raw: raw.replace("vc_", "xx_", 1),
        lambda raw: "",
        lambda raw: "vc_",
        lambda raw: raw.split("_", 2)[0] + "_" + raw.split("_", 2)[1],  # no secret
    ],
)
def test_wrong_or_malformed_tokens_are_unknown(admin_a, issue_token, mangle):
    _, raw = issue_token(admin_a, ["crm:read"])
    assert services.authenticate_token(mangle(raw)) is None


def test_revoked_token_no_longer_authenticates(admin_a, issue_token):
    token, raw = issue_token(admin_a, ["crm:read"])
    with tenant_context(admin_a.tenant):
        revoked = services.revoke_token(token.pk, admin_a.user)
        first = revoked.revoked_at
        assert services.revoke_token(token.pk, admin_a.user).revoked_at == first
    assert first is not None
    assert revoked.status == "revoked"
    assert services.authenticate_token(raw) is None


def test_revoking_another_tenants_token_is_not_found(admin_a, admin_b, issue_token):
    token, raw = issue_token(admin_b, ["crm:read"])
    with tenant_context(admin_a.tenant), pytest.raises(DomainError) as caught:
        services.revoke_token(token.pk, admin_a.user)
    assert (caught.value.code, caught.value.status) == ("not_found", 404)
    assert services.authenticate_token(raw) is not None


def test_expired_token_no_longer_authenticates(admin_a, issue_token):
    token, raw = issue_token(admin_a, ["crm:read"])
    with system_context():
        ApiToken.objects.filter(pk=token.pk).update(
            expires_at=timezone.now() - dt.timedelta(seconds=1)
        )
        assert ApiToken.objects.get(pk=token.pk).status == "expired"
    assert services.authenticate_token(raw) is None


@pytest.mark.parametrize("target", ["membership", "tenant", "user"])
def test_inactive_member_tenant_or_user_disables_the_token(admin_a, issue_token, target):
    _, raw = issue_token(admin_a, ["crm:read"])
    obj = {"membership": admin_a, "tenant": admin_a.tenant, "user": admin_a.user}[target]
    obj.is_active = False
    obj.save()
    assert services.authenticate_token(raw) is None


def test_last_used_is_recorded_at_most_once_a_minute(admin_a, issue_token):
    token, raw = issue_token(admin_a, ["crm:read"])
    assert token.last_used_at is None
    first = services.authenticate_token(raw)
    assert first is not None and first.last_used_at is not None
    with system_context():
        stamped = ApiToken.objects.get(pk=token.pk).last_used_at
    assert stamped == first.last_used_at

    services.authenticate_token(raw)
    with system_context():
        assert ApiToken.objects.get(pk=token.pk).last_used_at == stamped  # no new write

        earlier = stamped - dt.timedelta(minutes=2)
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    again = services.authenticate_token(raw)
    assert again is not None and again.last_used_at > earlier
    with system_context():
        assert ApiToken.objects.get(pk=token.pk).last_used_at == again.last_used_at
