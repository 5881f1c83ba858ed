"""``@requires(area, level)``: the permission check every page view uses.

Anonymous visitors go to the sign-in page; signed-in people without a membership or
without the permission get the 403 page. ``request.permissions`` is set for the view.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from valuechain.platform.identity.domain import allows, effective_permissions, parse_scope

View = TypeVar("View", bound=Callable[..., HttpResponse])


def request_permissions(request: HttpRequest) -> frozenset[str]:
    """The signed-in member's permissions (their role's), empty without a membership."""
    membership = getattr(request, "membership", None)
    if membership is None or not request.user.is_authenticated:
        return frozenset()
    return effective_permissions(membership.role, None)


def forbidden(request: HttpRequest, message: str, needed: str = "") -> HttpResponse:
    """The 403 page with a reason."""
    return render(
        request,
        "identity/forbidden.html",
        {"message": message, "needed": needed},
        status=403,
    )


def requires(area: str, level: str) -> Callable[[View], View]:
    """Let the view run only for members whose role grants ``area:level``."""
    parse_scope(f"{area}:{level}")  # a typo fails at import time, not at request time

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if getattr(request, "membership", None) is None:
                return forbidden(request, "Your account is not a member of any active tenant.")
            permissions = request_permissions(request)
            request.permissions = permissions  # type: ignore[attr-defined]
            if not allows(permissions, area, level):
                return forbidden(
                    request,
                    f"This page needs the {area}:{level} permission, which your role lacks.",
                    needed=f"{area}:{level}",
                )
            return view(request, *args, **kwargs)

        return cast(View, wrapped)

    return decorator
