"""API shapes of carriers: carriers with services, rate cards with zones and breaks, quotes
and the carrier choice of a shipment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema
from pydantic import model_validator

from valuechain.platform.money import minor_units

# --- carriers and services -------------------------------------------------------------------


class ServiceOut(Schema):
    """A carrier's service."""

    id: int
    carrier_id: int
    code: str
    name: str
    is_active: bool


class CarrierOut(Schema):
    """A carrier with its services."""

    id: int
    name: str
    code: str
    tracking_url_template: str
    is_active: bool
    services: list[ServiceOut]

    @staticmethod
    def resolve_services(obj: object) -> list[object]:
        """The prefetched services, by code."""
        return list(obj.services.all())  # type: ignore[attr-defined]


class CarrierIn(Schema):
    """A new carrier."""

    name: str
    code: str = Field(..., description="Unique in the tenant, e.g. dhl")
    tracking_url_template: str = Field("", description="A link with {tracking} in it")
    is_active: bool = True


class CarrierPatch(Schema):
    """Changes to a carrier; fields left out stay as they are (the code is fixed)."""

    name: str | None = None
    tracking_url_template: str | None = None
    is_active: bool | None = None


class ServiceIn(Schema):
    """A new service of a carrier."""

    code: str = Field(..., description="Unique per carrier, e.g. express")
    name: str
    is_active: bool = True


class ServicePatch(Schema):
    """Changes to a service (the code is fixed)."""

    name: str | None = None
    is_active: bool | None = None


# --- rate cards ------------------------------------------------------------------------------


class BreakOut(Schema):
    """Up to a weight (inclusive), the base price."""

    id: int
    max_weight_kg: Decimal
    price: Decimal


class ZoneOut(Schema):
    """A destination zone of a rate card with its weight breaks."""

    id: int
    rate_card_id: int
    country: str
    postal_prefix: str
    transit_days: int
    breaks: list[BreakOut]

    @staticmethod
    def resolve_breaks(obj: object) -> list[object]:
        """The breaks, lightest first."""
        return sorted(obj.breaks.all(), key=lambda b: b.max_weight_kg)  # type: ignore[attr-defined]


class RateCardOut(Schema):
    """A rate card (without zones, as lists show it)."""

    id: int
    service_id: int
    service_code: str = Field(..., alias="service.code")
    service_name: str = Field(..., alias="service.name")
    carrier_id: int = Field(..., alias="service.carrier_id")
    carrier_code: str = Field(..., alias="service.carrier.code")
    currency: str
    fuel_surcharge_percent: Decimal
    excess_price_per_kg: Decimal | None = Field(
        None, description="Per started kg above the last break; null: heavier parcels refused"
    )


class RateCardDetailOut(RateCardOut):
    """A rate card with its zones and breaks."""

    zones: list[ZoneOut]

    @staticmethod
    def resolve_zones(obj: object) -> list[object]:
        """The prefetched zones."""
        return list(obj.zones.all())  # type: ignore[attr-defined]


class RateCardIn(Schema):
    """A new rate card of a service (one per service)."""

    service_id: int
    currency: str
    fuel_surcharge_percent: Decimal = Decimal("0")
    excess_price_per_kg: Decimal | None = None


class RateCardPatch(Schema):
    """Changes to a rate card; ``excess_price_per_kg: null`` refuses heavier parcels."""

    currency: str | None = None
    fuel_surcharge_percent: Decimal | None = None
    excess_price_per_kg: Decimal | None = None


class RateCardFilters(Schema):
    """Filters of the rate card list."""

    service_id: int | None = None
    carrier_id: int | None = None


class ZoneIn(Schema):
    """A new zone: a country and an optional postal prefix (longest prefix wins)."""

    country: str
    postal_prefix: str = ""
    transit_days: int


class ZonePatch(Schema):
    """Changes to a zone."""

    transit_days: int | None = None


class BreakIn(Schema):
    """The base price up to a weight; a break at the same weight changes its price."""

    max_weight_kg: Decimal
    price: Decimal


# --- quotes ----------------------------------------------------------------------------------


class QuoteIn(Schema):
    """A parcel to rate: destination, weight, ship date and one rule."""

    country: str
    postal_code: str = ""
    weight_kg: Decimal
    ship_date: dt.date | None = Field(None, description="Default: today")
    promised_date: dt.date | None = Field(
        None, description="Choose the cheapest service arriving by this date"
    )
    cost_cap: Decimal | None = Field(None, description="Choose the fastest service within this")
    currency: str | None = Field(None, description="Default: the tenant's base currency")


class QuoteOut(Schema):
    """One service's quote."""

    service_id: int
    carrier_code: str
    carrier_name: str
    service_code: str
    service_name: str
    currency: str
    zone_id: int | None
    base_rate: Decimal | None
    surcharge: Decimal | None
    total: Decimal | None
    transit_days: int | None
    estimated_delivery: dt.date | None
    meets: bool
    reason_code: str = Field(..., description="meets, late, over_cap, no_zone, …")
    reason: str


class ComparisonOut(Schema):
    """Every service's quote and the chosen one (null: none meets the rule)."""

    rule: str
    quotes: list[QuoteOut]
    chosen: QuoteOut | None


class ShipmentChoiceIn(Schema):
    """The rule to choose a shipment's carrier by."""

    promised_date: dt.date | None = None
    cost_cap: Decimal | None = None
    currency: str | None = None
    ship_date: dt.date | None = Field(None, description="Default: the shipment's ship date")


class ShipmentChoiceOut(Schema):
    """The service chosen for a shipment, with its quote."""

    id: int
    shipment_id: int
    service_id: int
    carrier_code: str = Field(..., alias="service.carrier.code")
    carrier_name: str = Field(..., alias="service.carrier.name")
    service_code: str = Field(..., alias="service.code")
    service_name: str = Field(..., alias="service.name")
    rule: str
    promised_date: dt.date | None
    cost_cap: Decimal | None
    ship_date: dt.date
    weight_kg: Decimal
    currency: str
    base_rate: Decimal
    surcharge: Decimal
    total: Decimal
    transit_days: int
    estimated_delivery: dt.date
    tracking_url: str = Field(..., description="The carrier's page for the tracking number")

    @model_validator(mode="after")
    def in_minor_units(self) -> ShipmentChoiceOut:
        """Answer the stored amounts (kept at 4 places) at the currency's minor unit, as the
        quote they were recorded from did: 8.80, not 8.8000. A cap typed with finer
        decimals keeps them."""
        unit = Decimal(1).scaleb(-minor_units(self.currency))

        def shortened(amount: Decimal) -> Decimal:
            exact = amount.quantize(unit)
            return exact if exact == amount else amount

        self.base_rate = shortened(self.base_rate)
        self.surcharge = shortened(self.surcharge)
        self.total = shortened(self.total)
        if self.cost_cap is not None:
            self.cost_cap = shortened(self.cost_cap)
        return self


class ShipmentChoiceResultOut(Schema):
    """The recorded choice and the comparison it was made from."""

    choice: ShipmentChoiceOut
    comparison: ComparisonOut
