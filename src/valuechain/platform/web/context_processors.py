"""Template context every page of the shell needs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from valuechain.platform.tenancy.services import active_memberships
from valuechain.platform.web.navigation import build_navigation, member_permissions


def shell(request: HttpRequest) -> dict[str, Any]:
    """The current tenant and membership, the tenants to switch to and the navigation."""
    user = getattr(request, "user", None)
    permissions = member_permissions(request)
    return {
        "current_tenant": getattr(request, "tenant", None),
        "current_membership": getattr(request, "membership", None),
        "member_permissions": permissions,
        # Lazy: only pages that render the switcher pay for the query.
        "tenant_choices": SimpleLazyObject(
            lambda: active_memberships(user) if user is not None else []
        ),
        "nav_areas": SimpleLazyObject(lambda: build_navigation(permissions, request.path)),
    }
