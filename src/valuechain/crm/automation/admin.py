"""Back-office screens of automation, read-only: the automation pages and API change rules."""

from __future__ import annotations

from django.contrib import admin

from valuechain.crm.automation.models import EmailTemplate, Rule, RuleRun
from valuechain.platform.web.admin_site import ReadOnlyTenantAdmin, admin_site


@admin.register(Rule, site=admin_site)
class RuleAdmin(ReadOnlyTenantAdmin):
    """The tenant's automation rules."""

    list_display = ("name", "event_type", "target_type", "is_active", "position")
    list_filter = ("is_active", "target_type")
    search_fields = ("name",)


@admin.register(EmailTemplate, site=admin_site)
class EmailTemplateAdmin(ReadOnlyTenantAdmin):
    """The tenant's e-mail templates."""

    list_display = ("name", "target_type", "subject")
    search_fields = ("name", "subject")


@admin.register(RuleRun, site=admin_site)
class RuleRunAdmin(ReadOnlyTenantAdmin):
    """The run log of every rule."""

    list_display = ("rule", "event_type", "record_id", "status", "depth", "started_at")
    list_filter = ("status",)
    list_select_related = ("rule",)
