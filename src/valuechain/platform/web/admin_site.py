"""The Django admin, limited to administrators of the current tenant and scoped to it."""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.http import HttpRequest

from valuechain.platform.identity.domain import allows, role_permissions


class TenantAdminSite(AdminSite):
    """Back office of the current tenant; every tenant-owned queryset is already scoped."""

    site_header = "valuechain back office"
    site_title = "valuechain"
    index_title = "Current tenant"

    def has_permission(self, request: HttpRequest) -> bool:
        """Only active admins of the current tenant may enter."""
        membership = getattr(request, "membership", None)
        return bool(
            request.user.is_active
            and membership is not None
            and allows(role_permissions(membership.role), "admin", "write")
        )


admin_site = TenantAdminSite(name="tenant_admin")
