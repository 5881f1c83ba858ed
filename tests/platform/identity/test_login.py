"""Sign-in security: Argon2, lockout, session rotation, CSRF, session timeouts, headers."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.messages import get_messages
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from valuechain.platform.identity.middleware import CONTENT_SECURITY_POLICY, LOGIN_AT_KEY

PASSWORD = "correct horse battery staple"
LOGIN = "/login/"


def sign_in(client: Client, email: str, password: str = PASSWORD, **extra: str):
    return client.post(LOGIN, {"username": email, "password": password}, **extra)


def test_passwords_are_stored_with_argon2(admin_a):
    stored = get_user_model().objects.get(pk=admin_a.user_id).password
    assert stored.startswith("argon2$argon2id$")
    assert PASSWORD not in stored


def test_login_page_labels_the_username_e_mail(db):
    response = Client().get(LOGIN)
    assert response.status_code == 200
    assert b'<label for="id_username">E-mail:</label>' in response.content
    assert b'type="email"' in response.content


def test_sign_in_with_e_mail_in_any_case(admin_a):
    client = Client()
    response = sign_in(client, "Admin@Alpha.TEST")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session[SESSION_KEY] == str(admin_a.user_id)
    assert isinstance(client.session[LOGIN_AT_KEY], int)


def test_wrong_password_shows_the_error_on_the_form(admin_a):
    response = sign_in(Client(), "admin@alpha.test", "wrong password")
    assert response.status_code == 200
    assert b"E-mail or password is wrong." in response.content
    assert SESSION_KEY not in response.wsgi_request.session


def test_missing_field_error_is_next_to_the_field(db):
    response = Client().post(LOGIN, {"username": "admin@alpha.test", "password": ""})
    assert response.status_code == 200
    assert response.context["form"].errors == {"password": ["This field is required."]}
    assert b'id="id_password_error"' in response.content


def test_fifth_failure_locks_out_and_the_right_password_is_then_refused(admin_a):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "admin@alpha.test", "wrong password").status_code == 200
    locked = sign_in(client, "admin@alpha.test", "wrong password")
    assert locked.status_code == 429
    assert "identity/locked_out.html" in [t.name for t in locked.templates]
    assert b"Too many failed sign-in attempts for admin@alpha.test" in locked.content
    assert b"Try again in 15 minutes." in locked.content

    sixth = sign_in(client, "admin@alpha.test", PASSWORD)
    assert sixth.status_code == 429
    assert SESSION_KEY not in client.session


def test_lockout_is_per_username_and_address(admin_a, make_member, tenant_a):
    make_member(tenant_a, "other@alpha.test", "buyer")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), "admin@alpha.test", "wrong password")
    assert sign_in(Client(), "other@alpha.test").status_code == 302
    elsewhere = sign_in(Client(), "admin@alpha.test", REMOTE_ADDR="10.0.0.9")
    assert elsewhere.status_code == 302
    assert sign_in(Client(), "admin@alpha.test").status_code == 429


def test_session_key_changes_at_sign_in(admin_a):
    client = Client()
    session = client.session
    session["before"] = "sign-in"
    session.save()
    anonymous_key = session.session_key
    assert sign_in(client, "admin@alpha.test").status_code == 302
    assert client.session.session_key != anonymous_key
    assert not Session.objects.filter(session_key=anonymous_key).exists()


def test_login_form_without_csrf_token_is_refused(admin_a):
    client = Client(enforce_csrf_checks=True)
    response = sign_in(client, "admin@alpha.test")
    assert response.status_code == 403
    assert SESSION_KEY not in client.session


def test_login_form_with_csrf_token_works(admin_a):
    client = Client(enforce_csrf_checks=True)
    client.get(LOGIN)
    token = client.cookies["csrftoken"].value
    response = client.post(
        LOGIN,
        {"username": "admin@alpha.test", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302


def test_logout_needs_post(client_a):
    assert client_a.get("/logout/").status_code == 405
    response = client_a.post("/logout/")
    assert (response.status_code, response["Location"]) == (302, "/login/")
    assert SESSION_KEY not in client_a.session


# --- session timeouts -------------------------------------------------------------------------


def _age_session(client: Client, seconds: int) -> None:
    session = client.session
    session[LOGIN_AT_KEY] = int(time.time()) - seconds
    session.save()


def test_session_within_the_absolute_limit_lives(client_a):
    _age_session(client_a, settings.SESSION_ABSOLUTE_SECONDS - 60)
    assert client_a.get("/settings/tokens/").status_code == 200


def test_absolute_timeout_signs_out_and_redirects_with_a_notice(client_a):
    _age_session(client_a, settings.SESSION_ABSOLUTE_SECONDS + 1)
    response = client_a.get("/settings/tokens/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/settings/tokens/"
    assert SESSION_KEY not in client_a.session
    notices = [m.message for m in get_messages(client_a.get(LOGIN).wsgi_request)]
    assert notices == ["Your session has expired. Please sign in again."]


def test_absolute_timeout_answers_401_json_on_the_api(client_a):
    _age_session(client_a, settings.SESSION_ABSOLUTE_SECONDS + 1)
    response = client_a.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {
        "code": "session_expired",
        "message": "Your session has expired. Please sign in again.",
        "details": {},
    }
    assert client_a.get("/api/v1/me").json()["code"] == "not_authenticated"


def test_expired_session_does_not_block_a_valid_api_token(client_a, admin_a, issue_token):
    _, raw = issue_token(admin_a, ["crm:read"])
    _age_session(client_a, settings.SESSION_ABSOLUTE_SECONDS + 1)
    response = client_a.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()["permissions"] == ["crm:read"]
    assert SESSION_KEY not in client_a.session


def test_each_request_pushes_the_idle_expiry_forward(client_a):
    key = client_a.session.session_key
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + dt.timedelta(seconds=30)
    )
    before = timezone.now()
    assert client_a.get("/settings/tokens/").status_code == 200
    expiry = Session.objects.get(session_key=key).expire_date
    assert expiry >= before + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 5)


def test_idle_session_past_its_expiry_is_signed_out(client_a):
    key = client_a.session.session_key
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client_a.get("/settings/tokens/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_idle_limit_is_the_cookie_age_saved_on_every_request():
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_AGE == 30 * 60


# --- headers -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/login/", "/api/v1/me", "/api/v1/openapi.json"])
def test_security_headers_are_on_every_response(db, path):
    response = Client().get(path)
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["Permissions-Policy"].startswith("accelerometer=()")
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_api_docs_page_loads_its_scripts_from_self(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert b"/static/ninja/swagger-ui-init.js" in response.content
    assert b"<script>" not in response.content  # no inline script the CSP would block
