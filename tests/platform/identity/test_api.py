"""The identity API: tokens, members and /me, through the whole middleware stack."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from valuechain.platform.identity.models import ApiToken
from valuechain.platform.tenancy.context import system_context
from valuechain.platform.tenancy.models import Membership

TOKENS = "/api/v1/tokens"


def post_json(client: Client, path: str, body: dict, **headers: str):
    return client.post(path, json.dumps(body), content_type="application/json", **headers)


def patch_json(client: Client, path: str, body: dict, **headers: str):
    return client.patch(path, json.dumps(body), content_type="application/json", **headers)


# --- token authentication and scopes ------------------------------------------------------


def test_crm_read_token_may_not_create_tokens(admin_a, issue_token, auth_header):
    _, raw = issue_token(admin_a, ["crm:read"])
    response = post_json(
        Client(), TOKENS, {"name": "x", "scopes": ["crm:read"]}, **auth_header(raw)
    )
    assert response.status_code == 403
    assert response.json() == {
        "code": "permission_denied",
        "message": "This needs the admin:write permission.",
        "details": {"needed": "admin:write"},
    }


def test_admin_write_token_may_create_a_token_within_its_scopes(admin_a, issue_token, auth_header):
    _, raw = issue_token(admin_a, ["admin:write", "crm:read"])
    response = post_json(
        Client(),
        TOKENS,
        {"name": "shop sync", "scopes": ["crm:read"], "expires_in_days": 30},
        **auth_header(raw),
    )
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "shop sync"
    assert body["scopes"] == ["crm:read"]
    assert body["status"] == "active"
    assert body["member_email"] == "admin@alpha.test"
    assert body["token"].startswith(body["prefix"] + "_")
    with system_context():
        stored = ApiToken.objects.get(pk=body["id"])
    assert stored.matches(body["token"])
    assert stored.expires_at.date() == (timezone.now() + dt.timedelta(days=30)).date()
    # the new token works
    me = Client().get("/api/v1/me", **auth_header(body["token"]))
    assert me.status_code == 200 and me.json()["permissions"] == ["crm:read"]


def test_a_token_cannot_create_a_stronger_token(admin_a, issue_token, auth_header):
    _, raw = issue_token(admin_a, ["admin:write"])
    response = post_json(
        Client(), TOKENS, {"name": "x", "scopes": ["crm:write"]}, **auth_header(raw)
    )
    assert response.status_code == 403
    assert response.json()["code"] == "scope_exceeds_token"


def test_raw_token_appears_only_in_the_create_response(client_a, admin_a):
    created = post_json(client_a, TOKENS, {"name": "once", "scopes": ["crm:read"]}).json()
    listed = client_a.get(TOKENS).json()
    assert listed["count"] == 1
    assert "token" not in listed["items"][0]
    assert created["token"] not in json.dumps(listed)
    assert listed["items"][0]["prefix"] == created["prefix"]


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"name": "x", "scopes": ["crm:nope"]}, "invalid_scope", "scopes"),
        (
            {"name": "x", "scopes": ["crm:read"], "expires_in_days": 400},
            "invalid_expiry",
            "expires_in_days",
        ),
        ({"name": "  ", "scopes": ["crm:read"]}, "name_required", "name"),
        ({"name": "x", "scopes": ["crm:read"], "member_id": 999999}, "not_found", None),
    ],
)
def test_bad_token_requests_get_specific_errors(client_a, body, code, field):
    response = post_json(client_a, TOKENS, body)
    assert response.json()["code"] == code
    assert response.json()["details"].get("field") == field


def test_revoked_token_gets_401(client_a, admin_a, issue_token, auth_header):
    token, raw = issue_token(admin_a, ["admin:read"])
    assert Client().get(TOKENS, **auth_header(raw)).status_code == 200
    revoked = client_a.post(f"{TOKENS}/{token.pk}/revoke")
    assert revoked.status_code == 200
    assert revoked.json()["status"] == "revoked"
    response = Client().get(TOKENS, **auth_header(raw))
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_expired_token_gets_401(admin_a, issue_token, auth_header):
    token, raw = issue_token(admin_a, ["admin:read"])
    with system_context():
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    response = Client().get(TOKENS, **auth_header(raw))
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_api_use_records_last_used(admin_a, issue_token, auth_header):
    token, raw = issue_token(admin_a, ["admin:read"])
    before = timezone.now()
    Client().get(TOKENS, **auth_header(raw))
    with system_context():
        last_used = ApiToken.objects.get(pk=token.pk).last_used_at
    assert last_used is not None and last_used >= before


def test_token_list_sorts_and_refuses_unknown_sort(client_a, admin_a, issue_token):
    for name in ("bravo", "alpha", "charlie"):
        issue_token(admin_a, ["crm:read"], name=name)
    names = [item["name"] for item in client_a.get(f"{TOKENS}?sort=name").json()["items"]]
    assert names == ["alpha", "bravo", "charlie"]
    page = client_a.get(f"{TOKENS}?sort=-name&limit=2&offset=1").json()
    assert ([i["name"] for i in page["items"]], page["count"]) == (["bravo", "alpha"], 3)
    bad = client_a.get(f"{TOKENS}?sort=secret_hash")
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_sort"


def test_tokens_of_other_tenants_are_invisible(client_a, admin_b, issue_token):
    token_b, _ = issue_token(admin_b, ["crm:read"])
    assert client_a.get(TOKENS).json()["count"] == 0
    response = client_a.post(f"{TOKENS}/{token_b.pk}/revoke")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


# --- role enforcement and CSRF --------------------------------------------------------------


def test_sales_rep_session_gets_403_on_token_list(rep_client):
    response = rep_client.get(TOKENS)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert response.json()["details"] == {"needed": "admin:read"}


def test_anonymous_gets_401(db):
    response = Client().get(TOKENS)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_session_post_without_csrf_token_is_refused(admin_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_a.user)
    response = post_json(client, TOKENS, {"name": "x", "scopes": ["crm:read"]})
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    with system_context():
        assert ApiToken.objects.count() == 0


def test_session_post_with_csrf_token_passes(admin_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_a.user)
    client.get("/settings/tokens/")  # a page with a form sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    response = post_json(
        client, TOKENS, {"name": "x", "scopes": ["crm:read"]}, HTTP_X_CSRFTOKEN=csrf
    )
    assert response.status_code == 201


def test_token_requests_need_no_csrf_token(admin_a, issue_token, auth_header):
    _, raw = issue_token(admin_a, ["admin:write"])
    client = Client(enforce_csrf_checks=True)
    response = post_json(
        client, TOKENS, {"name": "x", "scopes": ["admin:read"]}, **auth_header(raw)
    )
    assert response.status_code == 201


# --- /me ------------------------------------------------------------------------------------


def test_me_answers_for_any_member_by_session(rep_client, rep_a):
    response = rep_client.get("/api/v1/me")
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == "rep@alpha.test"
    assert body["role"] == "sales_rep"
    assert body["tenant"]["slug"] == "alpha"
    assert body["member_id"] == rep_a.pk
    assert body["permissions"] == [
        "crm:read",
        "crm:write",
        "intelligence:read",
        "orders:read",
        "orders:write",
        "scm:read",
    ]
    assert body["token"] is None


def test_me_by_token_shows_narrowed_permissions(rep_a, issue_token, auth_header):
    token, raw = issue_token(rep_a, ["crm:read"])
    body = Client().get("/api/v1/me", **auth_header(raw)).json()
    assert body["permissions"] == ["crm:read"]
    assert body["token"]["id"] == token.pk
    assert body["token"]["prefix"] == token.display_prefix


def test_me_needs_authentication(db):
    assert Client().get("/api/v1/me").status_code == 401


# --- members --------------------------------------------------------------------------------


def test_member_list(client_a, admin_a, rep_a):
    body = client_a.get("/api/v1/members?sort=email").json()
    assert body["count"] == 2
    assert [(m["email"], m["role"], m["is_active"]) for m in body["items"]] == [
        ("admin@alpha.test", "admin", True),
        ("rep@alpha.test", "sales_rep", True),
    ]
    assert body["items"][1]["role_label"] == "Sales representative"


def test_add_member_creates_the_account(client_a, tenant_a):
    response = post_json(
        client_a,
        "/api/v1/members",
        {"email": "New.Person@Alpha.test", "role": "planner", "password": "a long new secret 42"},
    )
    assert response.status_code == 201
    assert (response.json()["email"], response.json()["role"]) == (
        "new.person@alpha.test",
        "planner",
    )
    fresh = Client()
    signed_in = fresh.post(
        "/login/", {"username": "new.person@alpha.test", "password": "a long new secret 42"}
    )
    assert signed_in.status_code == 302


def test_add_existing_member_again_is_a_conflict(client_a, rep_a):
    response = post_json(client_a, "/api/v1/members", {"email": "rep@alpha.test", "role": "buyer"})
    assert response.status_code == 409
    assert response.json()["code"] == "already_member"


def test_patch_member_changes_role_and_deactivates(client_a, rep_a):
    changed = patch_json(client_a, f"/api/v1/members/{rep_a.pk}", {"role": "buyer"})
    assert changed.status_code == 200 and changed.json()["role"] == "buyer"
    off = patch_json(client_a, f"/api/v1/members/{rep_a.pk}", {"is_active": False})
    assert off.json()["is_active"] is False
    rep_a.refresh_from_db()
    assert (rep_a.role, rep_a.is_active) == ("buyer", False)


def test_last_admin_cannot_demote_themselves(client_a, admin_a):
    response = patch_json(client_a, f"/api/v1/members/{admin_a.pk}", {"role": "sales_rep"})
    assert response.status_code == 409
    assert response.json()["code"] == "last_admin"
    assert Membership.objects.get(pk=admin_a.pk).role == "admin"


def test_members_of_other_tenants_cannot_be_changed(client_a, admin_b):
    response = patch_json(client_a, f"/api/v1/members/{admin_b.pk}", {"role": "buyer"})
    assert response.status_code == 404
    assert Membership.objects.get(pk=admin_b.pk).role == "admin"
