"""Back-office screens of customer returns, read-only: the returns pages and API change them."""

from __future__ import annotations

from django.contrib import admin

from valuechain.platform.web.admin_site import ReadOnlyTenantAdmin, admin_site
from valuechain.scm.returns.models import CustomerRefund, ReturnAuthorization, ReturnLine


@admin.register(ReturnAuthorization, site=admin_site)
class ReturnAuthorizationAdmin(ReadOnlyTenantAdmin):
    """Customer returns (RMAs)."""

    list_display = ("number", "order", "state", "warehouse", "created_at")
    list_filter = ("state",)
    search_fields = ("number",)


@admin.register(ReturnLine, site=admin_site)
class ReturnLineAdmin(ReadOnlyTenantAdmin):
    """Lines of customer returns."""

    list_display = ("rma", "variant", "quantity", "quantity_received", "disposition")
    list_filter = ("disposition",)


@admin.register(CustomerRefund, site=admin_site)
class CustomerRefundAdmin(ReadOnlyTenantAdmin):
    """Refunds and credit notes."""

    list_display = ("number", "rma", "method", "state", "gross_amount", "currency")
    list_filter = ("state", "method")
