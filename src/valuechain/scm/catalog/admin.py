"""Back-office screens of the catalog, read-only: the catalog pages and API change it."""

from __future__ import annotations

from django.contrib import admin

from valuechain.platform.web.admin_site import ReadOnlyTenantAdmin, admin_site
from valuechain.scm.catalog.models import PriceList, Product, TaxRate, Variant


@admin.register(Product, site=admin_site)
class ProductAdmin(ReadOnlyTenantAdmin):
    """The tenant's products."""

    list_display = ("name", "kind", "supply_mode", "tax_class", "is_active")
    list_filter = ("kind", "supply_mode", "is_active")
    search_fields = ("name",)


@admin.register(Variant, site=admin_site)
class VariantAdmin(ReadOnlyTenantAdmin):
    """The tenant's variants."""

    list_display = ("sku", "gtin", "product", "is_active")
    list_select_related = ("product",)
    search_fields = ("sku", "gtin")


@admin.register(PriceList, site=admin_site)
class PriceListAdmin(ReadOnlyTenantAdmin):
    """The tenant's price lists."""

    list_display = ("name", "currency", "customer_group", "valid_from", "valid_to", "is_active")
    list_select_related = ("customer_group",)


@admin.register(TaxRate, site=admin_site)
class TaxRateAdmin(ReadOnlyTenantAdmin):
    """The tenant's tax rates."""

    list_display = ("country", "region", "tax_class", "rate")
