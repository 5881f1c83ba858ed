"""Back-office screens of manufacturing, read-only: the manufacturing pages and API change it."""

from __future__ import annotations

from django.contrib import admin

from valuechain.platform.web.admin_site import ReadOnlyTenantAdmin, admin_site
from valuechain.scm.manufacturing.models import Bom, WorkCentre, WorkOrder


@admin.register(WorkCentre, site=admin_site)
class WorkCentreAdmin(ReadOnlyTenantAdmin):
    """The tenant's work centres."""

    list_display = ("code", "name", "capacity_per_hour", "hours_per_day", "is_active")
    search_fields = ("code", "name")


@admin.register(Bom, site=admin_site)
class BomAdmin(ReadOnlyTenantAdmin):
    """Versions of bills of materials."""

    list_display = ("variant", "version", "kind", "output_quantity", "valid_from", "valid_to")
    list_select_related = ("variant",)
    search_fields = ("variant__sku",)


@admin.register(WorkOrder, site=admin_site)
class WorkOrderAdmin(ReadOnlyTenantAdmin):
    """Work orders."""

    list_display = ("number", "variant", "quantity", "state", "work_centre", "warehouse")
    list_filter = ("state",)
    list_select_related = ("variant", "work_centre", "warehouse")
    search_fields = ("number", "variant__sku")
