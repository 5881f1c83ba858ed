"""Tables of carriers: carriers and their services, one rate card per service with zones
(destination country, optional postal prefix) and weight breaks per zone, and the carrier
chosen for a shipment.

The choice lives here, keyed by the fulfillment shipment, instead of in new columns on
``fulfillment.Shipment``: fulfillment keeps its hand-typed carrier name (filled in from the
choice) and knows nothing of rate cards.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q

from valuechain.platform.tenancy.models import TenantOwned


def _money(**kwargs: object) -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(max_digits=12, decimal_places=4, **kwargs)  # type: ignore[arg-type]


def _kg(**kwargs: object) -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(max_digits=9, decimal_places=3, **kwargs)  # type: ignore[arg-type]


class Carrier(TenantOwned):
    """A parcel or freight carrier (DHL, UPS…) with the link pattern of its tracking page."""

    name = models.CharField(max_length=100)
    code = models.CharField(max_length=20)  # unique per tenant, e.g. "dhl"
    tracking_url_template = models.CharField(max_length=300, blank=True)  # has {tracking}
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="carrier_unique_code")
        ]

    def __str__(self) -> str:
        return self.name

    def tracking_url(self, tracking_number: str) -> str:
        """The carrier's tracking page for the number ("" without template or number)."""
        if not self.tracking_url_template or not tracking_number:
            return ""
        return self.tracking_url_template.replace("{tracking}", tracking_number)


class CarrierService(TenantOwned):
    """One product of a carrier ("Express", "Economy"), priced by its rate card."""

    carrier = models.ForeignKey(Carrier, on_delete=models.CASCADE, related_name="services")
    code = models.CharField(max_length=20)  # unique per carrier, e.g. "express"
    name = models.CharField(max_length=100)
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "carrier", "code"], name="carrierservice_unique_code"
            )
        ]

    def __str__(self) -> str:
        return f"{self.carrier_id}/{self.code}"


class RateCard(TenantOwned):
    """A service's prices in one currency: fuel surcharge %, excess price per kg, zones."""

    service = models.ForeignKey(CarrierService, on_delete=models.CASCADE, related_name="+")
    currency = models.CharField(max_length=3)
    fuel_surcharge_percent = models.DecimalField(
        max_digits=6, decimal_places=2, default=Decimal("0")
    )
    # Empty: weights above the last break are refused; else per started kg above it.
    excess_price_per_kg = models.DecimalField(
        max_digits=12, decimal_places=4, null=True, blank=True
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "service"], name="ratecard_one_per_service")
        ]

    def __str__(self) -> str:
        return f"rate card of service {self.service_id} ({self.currency})"


class RateZone(TenantOwned):
    """A destination of a rate card: a country, optionally a postal prefix; transit days."""

    rate_card = models.ForeignKey(RateCard, on_delete=models.CASCADE, related_name="zones")
    country = models.CharField(max_length=2)
    postal_prefix = models.CharField(max_length=10, blank=True)  # "" for the whole country
    transit_days = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "rate_card", "country", "postal_prefix"],
                name="ratezone_unique_destination",
            )
        ]

    def __str__(self) -> str:
        return f"{self.country}{' ' + self.postal_prefix if self.postal_prefix else ''}"


class RateBreak(TenantOwned):
    """Up to a weight (inclusive) a parcel to the zone costs this base price."""

    zone = models.ForeignKey(RateZone, on_delete=models.CASCADE, related_name="breaks")
    max_weight_kg = _kg()
    price = _money()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "zone", "max_weight_kg"], name="ratebreak_unique_weight"
            ),
            models.CheckConstraint(
                condition=Q(max_weight_kg__gt=0) & Q(price__gte=0), name="ratebreak_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"≤ {self.max_weight_kg} kg: {self.price}"


class ShipmentCarrierChoice(TenantOwned):
    """The service chosen for a fulfillment shipment by the selection rule, with its quote."""

    shipment = models.ForeignKey("fulfillment.Shipment", on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(CarrierService, on_delete=models.PROTECT, related_name="+")
    rule = models.CharField(max_length=20)  # promised_date | cost_cap
    promised_date = models.DateField(null=True, blank=True)
    cost_cap = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    ship_date = models.DateField()
    weight_kg = _kg()
    currency = models.CharField(max_length=3)
    base_rate = _money()
    surcharge = _money()
    total = _money()
    transit_days = models.PositiveSmallIntegerField()
    estimated_delivery = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "shipment"], name="shipmentcarrierchoice_one_per_shipment"
            )
        ]

    def __str__(self) -> str:
        return f"shipment {self.shipment_id}: service {self.service_id}"

    @property
    def tracking_url(self) -> str:
        """The carrier's tracking page for the shipment's tracking number ("" when none)."""
        return self.service.carrier.tracking_url(self.shipment.tracking_number)
