"""Sets the execution context once per request from the signed-in user's membership."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from valuechain.platform.identity import record_rules
from valuechain.platform.tenancy import context
from valuechain.platform.tenancy.services import resolve_membership

SESSION_TENANT_KEY = "valuechain_tenant_id"


class TenantMiddleware:
    """Bind tenant, actor and channel for the request; API token auth may rebind later."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = "api" if request.path.startswith("/api/") else "ui"
        request.membership = None  # type: ignore[attr-defined]
        request.tenant = None  # type: ignore[attr-defined]
        ctx = context.ExecutionContext(channel=channel)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            membership = resolve_membership(user, request.session.get(SESSION_TENANT_KEY))
            if membership is not None:
                request.membership = membership  # type: ignore[attr-defined]
                request.tenant = membership.tenant  # type: ignore[attr-defined]
                ctx = context.ExecutionContext(
                    tenant_id=membership.tenant_id, actor_id=user.pk, channel=channel
                )
            else:
                ctx = context.ExecutionContext(actor_id=user.pk, channel=channel)
        token = context.set_for_request(ctx)
        if request.membership is not None:  # type: ignore[attr-defined]
            record_rules.remember_role(request.membership.role)  # type: ignore[attr-defined]
        try:
            return self.get_response(request)
        finally:
            context.reset_after_request(token)
