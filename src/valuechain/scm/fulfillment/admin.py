"""Back-office screens of fulfillment, read-only: the fulfillment pages and API change them."""

from __future__ import annotations

from django.contrib import admin

from valuechain.platform.web.admin_site import ReadOnlyTenantAdmin, admin_site
from valuechain.scm.fulfillment.models import FulfillmentSettings, Package, PickList, Shipment


@admin.register(FulfillmentSettings, site=admin_site)
class FulfillmentSettingsAdmin(ReadOnlyTenantAdmin):
    """The tenant's GS1 company prefix and default tare."""

    list_display = ("gs1_company_prefix", "sscc_extension_digit", "default_tare_kg")


@admin.register(PickList, site=admin_site)
class PickListAdmin(ReadOnlyTenantAdmin):
    """Pick lists."""

    list_display = ("number", "warehouse", "state", "assignee", "created_at")
    list_filter = ("state",)
    search_fields = ("number",)
    list_select_related = ("warehouse", "assignee")


@admin.register(Package, site=admin_site)
class PackageAdmin(ReadOnlyTenantAdmin):
    """Packages."""

    list_display = ("sscc", "order", "state", "weight_kg", "computed_weight_kg", "created_at")
    list_filter = ("state",)
    search_fields = ("sscc",)
    list_select_related = ("order",)


@admin.register(Shipment, site=admin_site)
class ShipmentAdmin(ReadOnlyTenantAdmin):
    """Shipments."""

    list_display = ("number", "order", "carrier_name", "tracking_number", "state", "shipped_at")
    list_filter = ("state",)
    search_fields = ("number", "tracking_number")
    list_select_related = ("order",)
