"""Back-office screens of the shared kernel's tenant-owned tables (FX rates, number sequences)."""

from __future__ import annotations

from django.contrib import admin

from valuechain.platform.models import DocumentSequence, FxRate
from valuechain.platform.web.admin_site import TenantOwnedAdmin, admin_site


@admin.register(FxRate, site=admin_site)
class FxRateAdmin(TenantOwnedAdmin):
    """FX rates of the current tenant."""

    list_display = ("valid_on", "base", "quote", "rate", "source")
    list_filter = ("base", "quote")
    search_fields = ("base", "quote", "source")
    date_hierarchy = "valid_on"


@admin.register(DocumentSequence, site=admin_site)
class DocumentSequenceAdmin(TenantOwnedAdmin):
    """Document number sequences of the current tenant."""

    list_display = ("key", "prefix", "padding", "next_value")
    search_fields = ("key", "prefix")
