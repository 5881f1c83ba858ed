"""The Django admin ("back office"), open to administrators of the current tenant, scoped to it.

Only active members with the ``admin:write`` permission in the current tenant may enter;
anyone else signed in gets 403, and anonymous visitors go to the app's own login page.
Only tenant-owned business models are registered, through ``TenantOwnedAdmin``: its
querysets come from the model's scoped ``objects`` manager, the tenant field never shows,
new rows take the current tenant and unique constraints that include the tenant are
validated as form errors instead of failing in the database.

How a context registers its models (in its own ``admin.py``, found by admin autodiscovery)::

    from django.contrib import admin

    from valuechain.platform.web.admin_site import TenantOwnedAdmin, admin_site
    from valuechain.crm.customers.models import Customer

    @admin.register(Customer, site=admin_site)
    class CustomerAdmin(TenantOwnedAdmin):
        list_display = ("name", "email")
        search_fields = ("name", "email")

A custom ``form`` must derive from ``TenantOwnedForm``. Foreign keys to other tenant-owned
models list only the current tenant's rows (their default manager is scoped too). Never
register models that are not tenant-owned (users, tenants, memberships) on this site:
``TenantOwnedAdmin`` refuses them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin import AdminSite
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from valuechain.platform.identity.domain import allows, role_permissions
from valuechain.platform.tenancy.context import require_tenant_id
from valuechain.platform.tenancy.models import TenantOwned

NOT_ALLOWED_MESSAGE = "The back office is open to administrators of the current tenant only."


class TenantAdminSite(AdminSite):
    """Back office of the current tenant; every tenant-owned queryset is already scoped."""

    site_header = "valuechain back office"
    site_title = "valuechain back office"
    index_title = "Current tenant"
    index_template = "web/admin/index.html"

    def has_permission(self, request: HttpRequest) -> bool:
        """Only active admins of the current tenant may enter."""
        membership = getattr(request, "membership", None)
        return bool(
            request.user.is_active
            and membership is not None
            and allows(role_permissions(membership.role), "admin", "write")
        )

    def admin_view(self, view: Callable[..., Any], cacheable: bool = False) -> Any:
        """Send anonymous visitors to the app's login page; refuse signed-in non-admins (403)."""

        # The stock wrapper (CSRF, never_cache, its own login redirect) stays inside; this
        # check runs first so its login form is never reached.
        protected = super().admin_view(view, cacheable)

        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not self.has_permission(request):
                raise PermissionDenied(NOT_ALLOWED_MESSAGE)
            return protected(request, *args, **kwargs)

        return update_wrapper(guarded, protected)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        """No login form of its own: the app's login page signs people in."""
        index = reverse("admin:index", current_app=self.name)
        wanted = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
            wanted = index
        if not request.user.is_authenticated:
            return redirect_to_login(wanted)
        if not self.has_permission(request):
            raise PermissionDenied(NOT_ALLOWED_MESSAGE)
        return HttpResponseRedirect(wanted)

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        """Name the current tenant in the header so nobody edits the wrong one."""
        context = super().each_context(request)
        tenant = getattr(request, "tenant", None)
        if tenant is not None:
            context["site_header"] = f"Back office · {tenant.name}"
        return context


admin_site = TenantAdminSite(name="tenant_admin")


class TenantOwnedForm(forms.ModelForm):
    """Admin form of a tenant-owned model: stamps the tenant before validation.

    The tenant field is not editable, so Django would leave it out of uniqueness checks;
    stamping it first lets constraints such as (tenant, key) report a clear form error.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.tenant_id is None:
            self.instance.tenant_id = require_tenant_id()

    def _get_validation_exclusions(self) -> set[str]:
        exclusions: set[str] = super()._get_validation_exclusions()  # type: ignore[misc]
        exclusions.discard("tenant")
        return exclusions


class TenantOwnedAdmin(admin.ModelAdmin):
    """Base ModelAdmin for tenant-owned models on the tenant admin site.

    Permissions follow the member's role (tenant admins may do everything), not Django's
    per-model permissions, which are global and know nothing of tenants.
    """

    form = TenantOwnedForm  # the tenant field is not editable, so no form ever shows it

    def __init__(self, model: type[Model], admin_site: AdminSite) -> None:
        if not issubclass(model, TenantOwned):
            raise ImproperlyConfigured(
                f"{model.__name__} is not tenant-owned; it cannot be on the tenant back office."
            )
        if not issubclass(self.form, TenantOwnedForm):
            raise ImproperlyConfigured(f"{type(self).__name__}.form must derive TenantOwnedForm.")
        super().__init__(model, admin_site)

    def _is_tenant_admin(self, request: HttpRequest) -> bool:
        """True for administrators of the current tenant."""
        return bool(self.admin_site.has_permission(request))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._is_tenant_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_tenant_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._is_tenant_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_tenant_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_tenant_admin(request)


class ReadOnlyTenantAdmin(TenantOwnedAdmin):
    """Rows only the platform writes (logs, trails, credentials): browse, never edit."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
