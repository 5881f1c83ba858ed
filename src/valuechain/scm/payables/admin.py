"""Back-office screens of payables, read-only: the payables pages and API change it."""

from __future__ import annotations

from django.contrib import admin

from valuechain.platform.web.admin_site import ReadOnlyTenantAdmin, admin_site
from valuechain.scm.payables.models import ReturnToVendor, SupplierBill, SupplierPayment


@admin.register(SupplierBill, site=admin_site)
class SupplierBillAdmin(ReadOnlyTenantAdmin):
    """Supplier bills."""

    list_display = (
        "number",
        "supplier",
        "supplier_invoice_number",
        "bill_date",
        "due_date",
        "total",
        "currency",
        "state",
    )
    list_filter = ("state",)
    list_select_related = ("supplier",)
    search_fields = ("number", "supplier_invoice_number", "supplier__code")


@admin.register(SupplierPayment, site=admin_site)
class SupplierPaymentAdmin(ReadOnlyTenantAdmin):
    """Payments to suppliers."""

    list_display = ("number", "bill", "paid_on", "amount", "currency", "method")
    list_select_related = ("bill",)
    search_fields = ("number", "reference", "bill__number")


@admin.register(ReturnToVendor, site=admin_site)
class ReturnToVendorAdmin(ReadOnlyTenantAdmin):
    """Returns to vendor."""

    list_display = ("number", "supplier", "purchase_order", "state", "reason")
    list_filter = ("state",)
    list_select_related = ("supplier", "purchase_order")
    search_fields = ("number", "reason")
