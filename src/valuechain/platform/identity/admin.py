"""Back office for API tokens: read-only, revocation through the service."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from valuechain.platform.identity import services
from valuechain.platform.identity.models import ApiToken
from valuechain.platform.web.admin_site import ReadOnlyTenantAdmin, admin_site


@admin.register(ApiToken, site=admin_site)
class ApiTokenAdmin(ReadOnlyTenantAdmin):
    """Tokens are issued where their value can be shown once and revoked, never deleted, so
    their use stays traceable: here they can only be browsed and revoked."""

    list_display = ("name", "display_prefix", "membership", "expires_at", "last_used_at", "status")
    list_select_related = ("membership__user", "membership__tenant")
    search_fields = ("name", "prefix")
    fields = (
        "name",
        "display_prefix",
        "membership",
        "scopes",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
        "created_by",
    )
    readonly_fields = fields
    actions = ("revoke_selected",)

    @admin.action(description="Revoke selected tokens")
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        """Revoke each selected token through the service."""
        for token in queryset:
            services.revoke_token(token.pk, actor=request.user)
        messages.success(request, f"Revoked {queryset.count()} token(s).")
