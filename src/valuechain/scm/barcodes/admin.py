"""Back-office screens of bar codes, read-only: the RFID page and API change mappings."""

from __future__ import annotations

from django.contrib import admin

from valuechain.platform.web.admin_site import ReadOnlyTenantAdmin, admin_site
from valuechain.scm.barcodes.models import ReaderAntenna, TagRead


@admin.register(ReaderAntenna, site=admin_site)
class ReaderAntennaAdmin(ReadOnlyTenantAdmin):
    """Reader antennas and the locations they watch."""

    list_display = ("reader", "antenna", "name", "location", "is_active")
    list_filter = ("is_active",)
    list_select_related = ("location",)
    search_fields = ("reader", "name")


@admin.register(TagRead, site=admin_site)
class TagReadAdmin(ReadOnlyTenantAdmin):
    """Recorded RFID tag reads and what they caused."""

    list_display = ("read_at", "reader", "antenna", "epc", "gtin", "serial", "outcome")
    list_filter = ("outcome", "scheme")
    list_select_related = ("location",)
    search_fields = ("epc", "gtin", "serial", "sscc")
