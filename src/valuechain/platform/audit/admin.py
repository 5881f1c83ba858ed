"""Back-office screen of the audit trail: read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from valuechain.platform.audit.models import AuditEntry
from valuechain.platform.web.admin_site import TenantOwnedAdmin, admin_site


@admin.register(AuditEntry, site=admin_site)
class AuditEntryAdmin(TenantOwnedAdmin):
    """Browse the trail; entries are never added, changed or deleted by hand."""

    list_display = ("at", "action", "content_type", "object_id", "object_repr", "actor", "channel")
    list_filter = ("action", "channel", "content_type")
    search_fields = ("object_id", "object_repr")
    list_select_related = ("content_type", "actor")
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
