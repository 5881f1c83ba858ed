"""Back-office screens of events: endpoints, the outbox and deliveries, all read-only."""

from __future__ import annotations

from django.contrib import admin

from valuechain.platform.events.models import OutboxEvent, WebhookDelivery, WebhookEndpoint
from valuechain.platform.web.admin_site import ReadOnlyTenantAdmin, admin_site


@admin.register(OutboxEvent, site=admin_site)
class OutboxEventAdmin(ReadOnlyTenantAdmin):
    """The tenant's events and their dispatch state."""

    list_display = ("occurred_at", "type", "dispatched_at", "attempts")
    list_filter = ("type",)
    search_fields = ("type",)
    date_hierarchy = "occurred_at"


@admin.register(WebhookDelivery, site=admin_site)
class WebhookDeliveryAdmin(ReadOnlyTenantAdmin):
    """Every delivery attempt's outcome."""

    list_display = ("created_at", "endpoint", "event", "status", "attempts", "response_code")
    list_filter = ("status",)
    list_select_related = ("endpoint", "event")


@admin.register(WebhookEndpoint, site=admin_site)
class WebhookEndpointAdmin(ReadOnlyTenantAdmin):
    """Webhook endpoints, read-only: the Webhooks page manages them (checks, secret, events)."""

    list_display = ("url", "is_active", "description")
    search_fields = ("url", "description")
    exclude = ("tenant", "secret")
