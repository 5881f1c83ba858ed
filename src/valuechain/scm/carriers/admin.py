"""Back-office screens of carriers, read-only: the carrier pages and API change them."""

from __future__ import annotations

from django.contrib import admin

from valuechain.platform.web.admin_site import ReadOnlyTenantAdmin, admin_site
from valuechain.scm.carriers.models import Carrier, RateCard, ShipmentCarrierChoice


@admin.register(Carrier, site=admin_site)
class CarrierAdmin(ReadOnlyTenantAdmin):
    """Carriers."""

    list_display = ("code", "name", "is_active", "created_at")
    search_fields = ("code", "name")


@admin.register(RateCard, site=admin_site)
class RateCardAdmin(ReadOnlyTenantAdmin):
    """Rate cards."""

    list_display = ("service", "currency", "fuel_surcharge_percent", "excess_price_per_kg")
    list_select_related = ("service",)


@admin.register(ShipmentCarrierChoice, site=admin_site)
class ShipmentCarrierChoiceAdmin(ReadOnlyTenantAdmin):
    """Carrier choices of shipments."""

    list_display = ("shipment", "service", "total", "currency", "estimated_delivery")
    list_select_related = ("shipment", "service")
