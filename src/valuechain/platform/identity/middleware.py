"""Security headers on every response and the absolute limit on a session's life.

The idle limit needs no code: SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST makes the
session expire that many seconds after the last request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.contrib.messages.storage import default_storage
from django.http import HttpRequest, HttpResponse, JsonResponse

LOGIN_AT_KEY = "valuechain_login_at"

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
}


class SecurityHeadersMiddleware:
    """Adds Content-Security-Policy, Permissions-Policy and Cross-Origin-Opener-Policy.

    A view that sets its own header (e.g. a stricter CSP) keeps it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        for header, value in SECURITY_HEADERS.items():
            response.headers.setdefault(header, value)
        return response


def stamp_login_time(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """user_logged_in receiver: remember when the session began, for the absolute limit."""
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT_KEY] = int(time.time())


class SessionTimeoutMiddleware:
    """Ends sessions older than SESSION_ABSOLUTE_SECONDS, however active they were."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and self._expired(request):
            logout(request)
            if not request.headers.get("Authorization"):
                return self._expired_response(request)
            # An API token may still authenticate the request on its own.
        return self.get_response(request)

    @staticmethod
    def _expired(request: HttpRequest) -> bool:
        """True when the session began longer ago than the absolute limit allows."""
        started = request.session.get(LOGIN_AT_KEY)
        if not isinstance(started, int):
            # A session from before the stamp existed: its life counts from now.
            request.session[LOGIN_AT_KEY] = int(time.time())
            return False
        return time.time() - started > settings.SESSION_ABSOLUTE_SECONDS

    @staticmethod
    def _expired_response(request: HttpRequest) -> HttpResponse:
        """401 JSON for the API; otherwise back to sign-in with a notice."""
        message = "Your session has expired. Please sign in again."
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"code": "session_expired", "message": message, "details": {}}, status=401
            )
        response = redirect_to_login(request.get_full_path())
        # The message middleware runs inside this one, so store the notice directly.
        storage = default_storage(request)
        storage.add(messages.WARNING, message)
        storage.update(response)
        return response
