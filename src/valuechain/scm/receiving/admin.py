"""Back-office screens of receiving, read-only: the receiving pages and API change it."""

from __future__ import annotations

from django.contrib import admin

from valuechain.platform.web.admin_site import ReadOnlyTenantAdmin, admin_site
from valuechain.scm.receiving.models import AdvanceShipNotice, Receipt


@admin.register(Receipt, site=admin_site)
class ReceiptAdmin(ReadOnlyTenantAdmin):
    """Goods receipts against purchase orders."""

    list_display = ("number", "purchase_order", "warehouse", "received_at", "lead_time_days")
    list_select_related = ("purchase_order", "warehouse")
    search_fields = ("number", "purchase_order__number")


@admin.register(AdvanceShipNotice, site=admin_site)
class AdvanceShipNoticeAdmin(ReadOnlyTenantAdmin):
    """Suppliers' advance ship notices."""

    list_display = ("number", "supplier", "purchase_order", "expected_on", "state")
    list_filter = ("state",)
    list_select_related = ("supplier", "purchase_order")
    search_fields = ("number", "purchase_order__number")
