"""Back-office screens of procurement, read-only: the procurement pages and API change it."""

from __future__ import annotations

from django.contrib import admin

from valuechain.platform.web.admin_site import ReadOnlyTenantAdmin, admin_site
from valuechain.scm.procurement.models import Supplier, SupplierProduct


@admin.register(Supplier, site=admin_site)
class SupplierAdmin(ReadOnlyTenantAdmin):
    """The tenant's suppliers."""

    list_display = ("code", "account", "currency", "payment_terms_days", "incoterm", "is_active")
    list_filter = ("is_active", "incoterm")
    list_select_related = ("account",)
    search_fields = ("code", "account__name", "gln")


@admin.register(SupplierProduct, site=admin_site)
class SupplierProductAdmin(ReadOnlyTenantAdmin):
    """Who supplies which variant."""

    list_display = ("supplier", "variant", "supplier_sku", "currency", "lead_time_days")
    list_select_related = ("supplier", "variant")
    search_fields = ("supplier_sku", "variant__sku", "supplier__code")
