"""Back-office screen of the audit trail: read-only."""

from __future__ import annotations

from django.contrib import admin

from valuechain.platform.audit.models import AuditEntry
from valuechain.platform.web.admin_site import ReadOnlyTenantAdmin, admin_site


@admin.register(AuditEntry, site=admin_site)
class AuditEntryAdmin(ReadOnlyTenantAdmin):
    """Browse the trail; entries are never added, changed or deleted by hand."""

    list_display = ("at", "action", "content_type", "object_id", "object_repr", "actor", "channel")
    list_filter = ("action", "channel", "content_type")
    search_fields = ("object_id", "object_repr")
    list_select_related = ("content_type", "actor")
    date_hierarchy = "at"
