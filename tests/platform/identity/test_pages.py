"""Settings pages: tokens and members, permission checks, the shared @requires decorator."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.test import Client, RequestFactory

from valuechain.platform.identity.decorators import requires
from valuechain.platform.identity.domain import InvalidScope
from valuechain.platform.identity.models import ApiToken, hash_token
from valuechain.platform.tenancy.context import system_context
from valuechain.platform.tenancy.models import Membership
from valuechain.platform.web.registry import menu_items

TOKENS = "/settings/tokens/"
MEMBERS = "/settings/members/"


def _notices(response) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request)]


# --- access -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [TOKENS, MEMBERS])
def test_anonymous_visitors_are_sent_to_sign_in(db, path):
    response = Client().get(path)
    assert (response.status_code, response["Location"]) == (302, f"/login/?next={path}")


@pytest.mark.parametrize("path", [TOKENS, MEMBERS])
def test_sales_rep_gets_403(rep_client, path):
    response = rep_client.get(path)
    assert response.status_code == 403
    assert b"needs the admin:read permission" in response.content
    assert "identity/forbidden.html" in [t.name for t in response.templates]


@pytest.mark.parametrize(
    "path", [TOKENS + "new/", "/settings/tokens/1/revoke/", MEMBERS + "new/", MEMBERS + "1/"]
)
def test_sales_rep_cannot_post_changes(rep_client, path):
    assert rep_client.post(path, {}).status_code == 403


def test_user_without_membership_gets_403(db):
    user = get_user_model().objects.create_user("loner@x.test", "loner@x.test", "pw")
    client = Client()
    client.force_login(user)
    response = client.get(TOKENS)
    assert response.status_code == 403
    assert b"not a member of any active tenant" in response.content


def test_requires_refuses_an_unknown_permission_at_import():
    with pytest.raises(InvalidScope):
        requires("billing", "read")


def test_requires_sets_request_permissions(client_a, admin_a):
    seen = {}

    @requires("crm", "write")
    def view(request):
        seen["permissions"] = request.permissions
        return HttpResponse("ok")

    request = RequestFactory().get("/x")
    request.user = admin_a.user
    request.membership = admin_a
    assert view(request).status_code == 200
    assert "admin:write" in seen["permissions"]


def test_admin_menu_has_tokens_and_members():
    items = {item.label: item for item in menu_items("admin")}
    assert items["API tokens"].url_name == "identity-tokens"
    assert items["Members"].url_name == "identity-members"
    assert items["API tokens"].permission == "admin:read"


# --- tokens page ----------------------------------------------------------------------------


def test_token_page_lists_tokens_with_their_prefix(client_a, admin_a, issue_token):
    token, raw = issue_token(admin_a, ["crm:read"], name="nightly export")
    response = client_a.get(TOKENS)
    assert response.status_code == 200
    assert b"nightly export" in response.content
    assert token.display_prefix.encode() in response.content
    assert raw.encode() not in response.content
    assert b'data-confirm="Revoke token' in response.content


def test_creating_a_token_shows_it_once(client_a, admin_a):
    response = client_a.post(
        TOKENS + "new/",
        {"name": "shop", "member": admin_a.pk, "scopes": ["crm:read"], "expires_in_days": 30},
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    raw = response.context["raw_token"]
    assert raw.startswith("vc_") and raw.encode() in response.content
    assert b"shown only this once" in response.content
    with system_context():
        token = ApiToken.objects.get()
    assert token.secret_hash == hash_token(raw)
    assert (token.name, token.scopes, token.created_by_id) == (
        "shop",
        ["crm:read"],
        admin_a.user_id,
    )
    assert raw.encode() not in client_a.get(TOKENS).content


def test_a_token_for_another_member_is_limited_by_their_role(client_a, rep_a):
    response = client_a.post(
        TOKENS + "new/",
        {"name": "rep", "member": rep_a.pk, "scopes": ["admin:read"], "expires_in_days": 30},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "scopes": ["The member's role (Sales representative) does not grant admin:read."]
    }
    assert b'id="id_scopes_error"' in response.content
    with system_context():
        assert ApiToken.objects.count() == 0


def test_token_form_errors_are_next_to_their_fields(client_a, admin_a):
    response = client_a.post(
        TOKENS + "new/", {"name": "", "member": admin_a.pk, "expires_in_days": 999}
    )
    errors = response.context["form"].errors
    assert set(errors) == {"name", "scopes", "expires_in_days"}
    assert b'id="id_expires_in_days_error"' in response.content


def test_revoke_from_the_page(client_a, admin_a, issue_token):
    token, _ = issue_token(admin_a, ["crm:read"], name="old")
    assert client_a.get(f"/settings/tokens/{token.pk}/revoke/").status_code == 405
    response = client_a.post(f"/settings/tokens/{token.pk}/revoke/")
    assert (response.status_code, response["Location"]) == (302, TOKENS)
    assert _notices(response) == [f"Token {token.display_prefix} (old) is revoked."]
    with system_context():
        assert ApiToken.objects.get(pk=token.pk).status == "revoked"


def test_revoking_an_unknown_token_says_so(client_a):
    response = client_a.post("/settings/tokens/424242/revoke/")
    assert response.status_code == 302
    assert _notices(response) == ["No API token 424242."]


# --- members page ---------------------------------------------------------------------------


def test_members_page_lists_members(client_a, rep_a):
    response = client_a.get(MEMBERS)
    assert response.status_code == 200
    assert b"rep@alpha.test" in response.content
    assert b"admin@alpha.test" in response.content


def test_add_member_from_the_page(client_a, tenant_a):
    response = client_a.post(
        MEMBERS + "new/",
        {"email": "ben@alpha.test", "role": "buyer", "password": "a long new secret 42"},
    )
    assert (response.status_code, response["Location"]) == (302, MEMBERS)
    assert _notices(response) == ["ben@alpha.test is now a member (Buyer)."]
    assert Membership.objects.get(user__username="ben@alpha.test").tenant_id == tenant_a.pk


def test_add_member_error_is_next_to_the_password(client_a):
    response = client_a.post(MEMBERS + "new/", {"email": "ben@alpha.test", "role": "buyer"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "password": ["This e-mail has no account yet: give an initial password."]
    }


def test_change_role_and_deactivate_from_the_page(client_a, rep_a):
    changed = client_a.post(f"{MEMBERS}{rep_a.pk}/", {"action": "role", "role": "planner"})
    assert changed.status_code == 302
    assert _notices(changed) == ["rep@alpha.test is now Planner."]
    off = client_a.post(f"{MEMBERS}{rep_a.pk}/", {"action": "deactivate"})
    assert _notices(off)[-1] == "rep@alpha.test is deactivated and their API tokens revoked."
    rep_a.refresh_from_db()
    assert (rep_a.role, rep_a.is_active) == ("planner", False)
    on = client_a.post(f"{MEMBERS}{rep_a.pk}/", {"action": "reactivate"})
    assert _notices(on)[-1] == "rep@alpha.test is active again."


def test_last_admin_error_is_shown_on_the_members_row(client_a, admin_a):
    response = client_a.post(f"{MEMBERS}{admin_a.pk}/", {"action": "role", "role": "buyer"})
    assert response.status_code == 200
    assert response.context["row_errors"] == {
        admin_a.pk: "admin@alpha.test is the last administrator of Alpha Retail; make another "
        "member an administrator first."
    }
    assert b"is the last administrator" in response.content
    assert Membership.objects.get(pk=admin_a.pk).role == "admin"


# --- back office ----------------------------------------------------------------------------


def test_back_office_lists_tokens_read_only_and_revokes(client_a, admin_a, issue_token):
    token, raw = issue_token(admin_a, ["crm:read"], name="legacy")
    listing = client_a.get("/django-admin/identity/apitoken/")
    assert listing.status_code == 200
    assert token.display_prefix.encode() in listing.content
    assert raw.encode() not in listing.content
    assert client_a.get("/django-admin/identity/apitoken/add/").status_code == 403
    response = client_a.post(
        "/django-admin/identity/apitoken/",
        {"action": "revoke_selected", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    with system_context():
        assert ApiToken.objects.get(pk=token.pk).status == "revoked"
