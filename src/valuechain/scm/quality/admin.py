"""Back-office screens of quality, read-only: the quality pages and API change it."""

from __future__ import annotations

from django.contrib import admin

from valuechain.platform.web.admin_site import ReadOnlyTenantAdmin, admin_site
from valuechain.scm.quality.models import DefectReason, Inspection, InspectionPlan


@admin.register(InspectionPlan, site=admin_site)
class InspectionPlanAdmin(ReadOnlyTenantAdmin):
    """Inspection plans."""

    list_display = ("name", "product", "variant", "stage", "is_active")
    list_select_related = ("product", "variant")
    search_fields = ("name",)


@admin.register(DefectReason, site=admin_site)
class DefectReasonAdmin(ReadOnlyTenantAdmin):
    """The tenant's defect reasons."""

    list_display = ("code", "name", "is_active")
    search_fields = ("code", "name")


@admin.register(Inspection, site=admin_site)
class InspectionAdmin(ReadOnlyTenantAdmin):
    """Inspections."""

    list_display = ("number", "stage", "variant", "quantity", "state", "warehouse")
    list_filter = ("state", "stage")
    list_select_related = ("variant", "warehouse")
    search_fields = ("number", "reference", "variant__sku")
