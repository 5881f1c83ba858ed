"""Back-office screens of customers, read-only: the CRM pages and API change them (with checks)."""

from __future__ import annotations

from django.contrib import admin

from valuechain.crm.customers.models import Account, ConsentRecord, Person, Tag
from valuechain.platform.web.admin_site import ReadOnlyTenantAdmin, admin_site


@admin.register(Account, site=admin_site)
class AccountAdmin(ReadOnlyTenantAdmin):
    """The tenant's accounts."""

    list_display = ("name", "industry", "lifecycle_stage", "parent", "owner")
    list_filter = ("lifecycle_stage",)
    list_select_related = ("parent", "owner")
    search_fields = ("name", "legal_name")


@admin.register(Person, site=admin_site)
class PersonAdmin(ReadOnlyTenantAdmin):
    """The tenant's people."""

    list_display = ("last_name", "first_name", "account", "lifecycle_stage", "owner")
    list_filter = ("lifecycle_stage",)
    list_select_related = ("account", "owner")
    search_fields = ("last_name", "first_name")


@admin.register(Tag, site=admin_site)
class TagAdmin(ReadOnlyTenantAdmin):
    """The tenant's tags."""

    list_display = ("name",)
    search_fields = ("name",)


@admin.register(ConsentRecord, site=admin_site)
class ConsentRecordAdmin(ReadOnlyTenantAdmin):
    """Every consent record, for audits of who agreed to what and when."""

    list_display = ("recorded_at", "person", "channel", "granted", "source")
    list_filter = ("channel", "granted")
    list_select_related = ("person",)
    date_hierarchy = "recorded_at"
