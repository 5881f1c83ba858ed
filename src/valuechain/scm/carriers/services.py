"""Use cases of carriers: carriers and services, rate cards with zones and weight breaks,
quotes comparing every service, and the carrier chosen for a fulfillment shipment.

Every function runs in one transaction, raises DomainError with the field at fault for bad
input (nothing is written then) and publishes a past-tense event.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import pycountry
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.fx import tenant_base_currency
from valuechain.platform.inputs import clean_text
from valuechain.platform.money import InvalidCurrency, normalize_currency
from valuechain.scm.carriers import domain, queries
from valuechain.scm.carriers.models import (
    Carrier,
    CarrierService,
    RateBreak,
    RateCard,
    RateZone,
    ShipmentCarrierChoice,
)

T = TypeVar("T", bound=Model)
# Bounds that keep every stored value inside its column (12 digits, 4 decimals for money;
# 9 digits, 3 decimals for kilograms; 6 digits, 2 decimals for the percentage).
MAX_AMOUNT = Decimal("1000000")
MAX_WEIGHT_KG = Decimal("99999")
MAX_PERCENT = Decimal("1000")
MAX_DATE = dt.date(9000, 12, 31)  # far dates would overflow when transit days are added


def _locked(model: type[T], pk: Any, label: str) -> T:
    row = model.objects.select_for_update().filter(pk=pk).first()  # type: ignore[attr-defined]
    if row is None:
        raise DomainError("not_found", f"No such {label}.", status=404, details={"id": pk})
    return row


def _unknown_fields(changes: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise DomainError("unknown_field", f"{unknown[0]} cannot be changed.", field=unknown[0])


def _code(value: Any) -> str:
    code = str(value or "").strip().lower()
    if not code:
        raise DomainError("code_required", "Enter the code.", field="code")
    if len(code) > 20 or not code.isascii() or not all(c.isalnum() or c in "-_" for c in code):
        raise DomainError(
            "invalid_code", "A code has letters, digits, - and _ (at most 20).", field="code"
        )
    return code


def _decimal(
    value: Any,
    field: str,
    *,
    minimum: Decimal = Decimal("0"),
    maximum: Decimal = MAX_AMOUNT,
    positive: bool = False,
) -> Decimal:
    """A finite Decimal from a Decimal, int or numeric string (floats refused), in range."""
    if isinstance(value, bool) or value is None or isinstance(value, float):
        raise DomainError(f"invalid_{field}", f"Enter a number for {field}.", field=field)
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError(
            f"invalid_{field}", f"{value!r} is not a number ({field}).", field=field
        ) from None
    if not number.is_finite() or abs(number) > maximum:
        raise DomainError(f"invalid_{field}", f"{value!r} is out of range.", field=field)
    if (positive and number <= 0) or number < minimum:
        bound = "above zero" if positive else f"at least {minimum}"
        raise DomainError(f"invalid_{field}", f"The {field} must be {bound}.", field=field)
    return number


def _optional_decimal(value: Any, field: str) -> Decimal | None:
    return None if value in (None, "") else _decimal(value, field)


def _currency(value: Any) -> str:
    try:
        return normalize_currency(value)
    except InvalidCurrency:
        raise DomainError(
            "invalid_currency", f"{value!r} is not an ISO 4217 currency.", field="currency"
        ) from None


def _country(value: Any, field: str = "country") -> str:
    code = str(value or "").strip().upper()
    if not code:
        raise DomainError(f"{field}_required", "Enter the country.", field=field)
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise DomainError(
            f"invalid_{field}", f"{value!r} is not an ISO country code (e.g. DE).", field=field
        )
    return code


def _postal_prefix(value: Any) -> str:
    prefix = domain.normalize_postal(str(value or ""))
    if len(prefix) > 10 or (prefix and not prefix.isalnum()):
        raise DomainError(
            "invalid_postal_prefix",
            "A postal prefix has letters and digits only (at most 10).",
            field="postal_prefix",
        )
    return prefix


def _transit_days(value: Any) -> int:
    try:
        days = int(str(value).strip())
    except (TypeError, ValueError):
        days = -1
    if isinstance(value, bool | float) or not 0 <= days <= domain.MAX_TRANSIT_DAYS:
        raise DomainError(
            "invalid_transit_days",
            f"Transit days are a whole number from 0 to {domain.MAX_TRANSIT_DAYS}.",
            field="transit_days",
        )
    return days


def _date(value: Any, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise DomainError(
                f"invalid_{field}", f"{value!r} is not a date (YYYY-MM-DD).", field=field
            ) from None
    if day > MAX_DATE:
        raise DomainError(f"invalid_{field}", f"{day} is too far ahead.", field=field)
    return day


def _tracking_template(value: Any) -> str:
    template = clean_text(value, "tracking_url_template", 300)
    if template and "{tracking}" not in template:
        raise DomainError(
            "invalid_tracking_url_template",
            "The tracking link must contain {tracking} where the number goes.",
            field="tracking_url_template",
        )
    if template and not template.startswith(("https://", "http://")):
        raise DomainError(
            "invalid_tracking_url_template",
            "The tracking link starts with https:// or http://.",
            field="tracking_url_template",
        )
    return template


# --- carriers and services -------------------------------------------------------------------


def create_carrier(
    *, name: str, code: str, tracking_url_template: str = "", is_active: bool = True
) -> Carrier:
    """Create a carrier; its code is unique in the tenant (``duplicate_code``)."""
    clean_name = clean_text(name, "name", 100, required=True)
    clean_code = _code(code)
    template = _tracking_template(tracking_url_template)
    with transaction.atomic():
        if Carrier.objects.filter(code=clean_code).exists():
            raise DomainError(
                "duplicate_code", f"A carrier with code {clean_code!r} exists.", field="code"
            )
        carrier = Carrier.objects.create(
            name=clean_name,
            code=clean_code,
            tracking_url_template=template,
            is_active=bool(is_active),
        )
        publish("CarrierCreated", {"carrier_id": carrier.pk, "code": carrier.code})
    return carrier


def update_carrier(carrier_id: int, **changes: Any) -> Carrier:
    """Change a carrier's name, tracking link or active flag (the code is fixed)."""
    _unknown_fields(changes, {"name", "tracking_url_template", "is_active"})
    with transaction.atomic():
        carrier = _locked(Carrier, carrier_id, "carrier")
        if "name" in changes:
            carrier.name = clean_text(changes["name"], "name", 100, required=True)
        if "tracking_url_template" in changes:
            carrier.tracking_url_template = _tracking_template(changes["tracking_url_template"])
        if "is_active" in changes:
            carrier.is_active = bool(changes["is_active"])
        carrier.save()
        publish("CarrierUpdated", {"carrier_id": carrier.pk, "changed": sorted(changes)})
    return carrier


def _service_used(service_filter: dict[str, Any]) -> bool:
    return ShipmentCarrierChoice.objects.filter(**service_filter).exists()


def delete_carrier(carrier_id: int) -> None:
    """Delete a carrier with its services and rate cards; refused (``carrier_in_use``, 409)
    when a shipment's choice names one of its services (deactivate it instead)."""
    with transaction.atomic():
        carrier = _locked(Carrier, carrier_id, "carrier")
        if _service_used({"service__carrier": carrier}):
            raise DomainError(
                "carrier_in_use",
                "Shipments were sent with this carrier; deactivate it instead.",
                status=409,
            )
        code = carrier.code
        RateCard.objects.filter(service__carrier=carrier).delete()
        carrier.delete()
        publish("CarrierDeleted", {"carrier_id": carrier_id, "code": code})


def add_service(carrier_id: int, *, code: str, name: str, is_active: bool = True) -> CarrierService:
    """Add a service ("express", "Express") to a carrier; codes are unique per carrier."""
    clean_code = _code(code)
    clean_name = clean_text(name, "name", 100, required=True)
    with transaction.atomic():
        carrier = _locked(Carrier, carrier_id, "carrier")
        if CarrierService.objects.filter(carrier=carrier, code=clean_code).exists():
            raise DomainError(
                "duplicate_code",
                f"{carrier.name} has a service with code {clean_code!r}.",
                field="code",
            )
        service = CarrierService.objects.create(
            carrier=carrier, code=clean_code, name=clean_name, is_active=bool(is_active)
        )
        publish("CarrierServiceAdded", {"carrier_id": carrier.pk, "service_id": service.pk})
    return service


def update_service(service_id: int, **changes: Any) -> CarrierService:
    """Change a service's name or active flag (the code is fixed)."""
    _unknown_fields(changes, {"name", "is_active"})
    with transaction.atomic():
        service = _locked(CarrierService, service_id, "carrier service")
        if "name" in changes:
            service.name = clean_text(changes["name"], "name", 100, required=True)
        if "is_active" in changes:
            service.is_active = bool(changes["is_active"])
        service.save()
        publish("CarrierServiceUpdated", {"service_id": service.pk, "changed": sorted(changes)})
    return service


def delete_service(service_id: int) -> None:
    """Delete a service and its rate card; refused (``service_in_use``, 409) once chosen."""
    with transaction.atomic():
        service = _locked(CarrierService, service_id, "carrier service")
        if _service_used({"service": service}):
            raise DomainError(
                "service_in_use",
                "Shipments were sent with this service; deactivate it instead.",
                status=409,
            )
        RateCard.objects.filter(service=service).delete()
        service.delete()
        publish("CarrierServiceDeleted", {"service_id": service_id})


# --- rate cards ------------------------------------------------------------------------------


def create_rate_card(
    *,
    service_id: int,
    currency: str,
    fuel_surcharge_percent: Any = "0",
    excess_price_per_kg: Any = None,
) -> RateCard:
    """Create a service's rate card (one per service, ``duplicate_rate_card``).

    Without ``excess_price_per_kg`` weights above the last break are refused; with it
    every started kilogram above the last break costs that much more.
    """
    clean_currency = _currency(currency)
    percent = _decimal(fuel_surcharge_percent, "fuel_surcharge_percent", maximum=MAX_PERCENT)
    excess = _optional_decimal(excess_price_per_kg, "excess_price_per_kg")
    with transaction.atomic():
        service = CarrierService.objects.filter(pk=service_id).first()
        if service is None:
            raise DomainError("unknown_service_id", "No such service.", field="service_id")
        if RateCard.objects.filter(service=service).exists():
            raise DomainError(
                "duplicate_rate_card",
                "This service has a rate card; change that one.",
                field="service_id",
                status=409,
            )
        card = RateCard.objects.create(
            service=service,
            currency=clean_currency,
            fuel_surcharge_percent=percent,
            excess_price_per_kg=excess,
        )
        publish("RateCardCreated", {"rate_card_id": card.pk, "service_id": service.pk})
    return card


def update_rate_card(rate_card_id: int, **changes: Any) -> RateCard:
    """Change a rate card's currency, fuel surcharge % or excess price per kg."""
    _unknown_fields(changes, {"currency", "fuel_surcharge_percent", "excess_price_per_kg"})
    with transaction.atomic():
        card = _locked(RateCard, rate_card_id, "rate card")
        if "currency" in changes:
            card.currency = _currency(changes["currency"])
        if "fuel_surcharge_percent" in changes:
            card.fuel_surcharge_percent = _decimal(
                changes["fuel_surcharge_percent"], "fuel_surcharge_percent", maximum=MAX_PERCENT
            )
        if "excess_price_per_kg" in changes:
            card.excess_price_per_kg = _optional_decimal(
                changes["excess_price_per_kg"], "excess_price_per_kg"
            )
        card.save()
        publish("RateCardUpdated", {"rate_card_id": card.pk, "changed": sorted(changes)})
    return card


def delete_rate_card(rate_card_id: int) -> None:
    """Delete a rate card with its zones and breaks (its service can no longer be quoted)."""
    with transaction.atomic():
        card = _locked(RateCard, rate_card_id, "rate card")
        card.delete()
        publish("RateCardDeleted", {"rate_card_id": rate_card_id})


def add_zone(
    rate_card_id: int, *, country: str, postal_prefix: str = "", transit_days: Any
) -> RateZone:
    """Add a destination zone; one zone per country and prefix (``duplicate_zone``)."""
    clean_country = _country(country)
    prefix = _postal_prefix(postal_prefix)
    days = _transit_days(transit_days)
    with transaction.atomic():
        card = _locked(RateCard, rate_card_id, "rate card")
        if RateZone.objects.filter(
            rate_card=card, country=clean_country, postal_prefix=prefix
        ).exists():
            raise DomainError(
                "duplicate_zone",
                f"The rate card has a zone for {clean_country} {prefix or '(whole country)'}.",
                field="postal_prefix",
            )
        zone = RateZone.objects.create(
            rate_card=card, country=clean_country, postal_prefix=prefix, transit_days=days
        )
        publish("RateZoneAdded", {"rate_card_id": card.pk, "zone_id": zone.pk})
    return zone


def update_zone(zone_id: int, **changes: Any) -> RateZone:
    """Change a zone's transit days (delete and add it again to move it)."""
    _unknown_fields(changes, {"transit_days"})
    with transaction.atomic():
        zone = _locked(RateZone, zone_id, "rate zone")
        if "transit_days" in changes:
            zone.transit_days = _transit_days(changes["transit_days"])
        zone.save()
        publish("RateZoneUpdated", {"zone_id": zone.pk, "changed": sorted(changes)})
    return zone


def delete_zone(zone_id: int) -> None:
    """Delete a zone and its weight breaks."""
    with transaction.atomic():
        zone = _locked(RateZone, zone_id, "rate zone")
        zone.delete()
        publish("RateZoneDeleted", {"zone_id": zone_id})


def set_break(zone_id: int, *, max_weight_kg: Any, price: Any) -> RateBreak:
    """Set the price up to a weight in a zone (a break at that weight changes its price)."""
    weight = _decimal(max_weight_kg, "max_weight_kg", positive=True, maximum=MAX_WEIGHT_KG)
    amount = _decimal(price, "price")
    if weight != weight.quantize(Decimal("0.001")):
        raise DomainError(
            "invalid_max_weight_kg", "Weights are kilograms to the gram.", field="max_weight_kg"
        )
    with transaction.atomic():
        zone = _locked(RateZone, zone_id, "rate zone")
        row = RateBreak.objects.filter(zone=zone, max_weight_kg=weight).first()
        if row is None:
            row = RateBreak.objects.create(zone=zone, max_weight_kg=weight, price=amount)
        else:
            row.price = amount
            row.save()
        publish("RateBreakSet", {"zone_id": zone.pk, "break_id": row.pk})
    return row


def remove_break(break_id: int) -> None:
    """Remove a weight break from its zone."""
    with transaction.atomic():
        row = _locked(RateBreak, break_id, "weight break")
        zone_id = row.zone_id
        row.delete()
        publish("RateBreakRemoved", {"zone_id": zone_id, "break_id": break_id})


# --- quotes and the choice -------------------------------------------------------------------


def _rule(promised_date: Any, cost_cap: Any) -> tuple[dt.date | None, Decimal | None]:
    promised = _date(promised_date, "promised_date")
    cap = _optional_decimal(cost_cap, "cost_cap")
    if (promised is None) == (cap is None):
        raise DomainError(
            "rule_required",
            "Give either a promised delivery date or a cost cap (one of them).",
            field="promised_date",
        )
    return promised, cap


def _compare(
    *,
    country: str,
    postal_code: str,
    weight_kg: Decimal,
    ship_date: dt.date,
    promised: dt.date | None,
    cap: Decimal | None,
    currency: str,
) -> domain.Comparison:
    if promised is not None and promised < ship_date:
        raise DomainError(
            "invalid_promised_date",
            "The promised date is before the ship date.",
            field="promised_date",
        )
    return domain.select_service(
        queries.active_service_rates(),
        country=country,
        postal_code=postal_code,
        weight_kg=weight_kg,
        ship_date=ship_date,
        promised_date=promised,
        cost_cap=cap,
        currency=currency,
    )


def quote(
    *,
    country: str,
    postal_code: str = "",
    weight_kg: Any,
    ship_date: Any = None,
    promised_date: Any = None,
    cost_cap: Any = None,
    currency: Any = None,
) -> domain.Comparison:
    """Compare every active service for a parcel and choose one by the rule given.

    ``promised_date``: the cheapest service arriving by then; ``cost_cap``: the fastest
    within the cap. Only services priced in ``currency`` (default: the tenant's base
    currency) can be chosen. Writes nothing; ``chosen`` is None when no service meets.
    """
    clean_country = _country(country)
    postal = clean_text(postal_code, "postal_code", 20)
    weight = _decimal(weight_kg, "weight_kg", positive=True, maximum=MAX_WEIGHT_KG)
    day = _date(ship_date, "ship_date") or timezone.localdate()
    promised, cap = _rule(promised_date, cost_cap)
    clean_currency = _currency(currency or tenant_base_currency())
    with transaction.atomic():
        return _compare(
            country=clean_country,
            postal_code=postal,
            weight_kg=weight,
            ship_date=day,
            promised=promised,
            cap=cap,
            currency=clean_currency,
        )


def choose_for_shipment(
    shipment_id: int,
    *,
    promised_date: Any = None,
    cost_cap: Any = None,
    currency: Any = None,
    ship_date: Any = None,
) -> tuple[ShipmentCarrierChoice, domain.Comparison]:
    """Choose the service for a fulfillment shipment and record it with its quote.

    The destination is the order's ship-to, the weight the sum of the shipment's packages'
    declared weights, the ship date the shipment's (unless given). The shipment's carrier
    name becomes "<carrier> <service>" through fulfillment's own service. Refuses
    ``destination_unknown`` / ``weight_unknown`` (422) and ``no_service_meets`` (409).
    """
    from valuechain.scm.fulfillment import shipping

    promised, cap = _rule(promised_date, cost_cap)
    clean_currency = _currency(currency or tenant_base_currency())
    with transaction.atomic():
        facts = queries.shipment_destination(shipment_id, lock=True)
        if facts is None:
            raise DomainError(
                "not_found", "No such shipment.", status=404, details={"id": shipment_id}
            )
        if not facts["country"]:
            raise DomainError(
                "destination_unknown", "The order has no ship-to country.", field="shipment_id"
            )
        if facts["weight_kg"] is None or facts["weight_kg"] <= 0:
            raise DomainError(
                "weight_unknown",
                "A package of the shipment has no weight; weigh it first.",
                field="shipment_id",
            )
        day = _date(ship_date, "ship_date") or facts["ship_date"]
        comparison = _compare(
            country=facts["country"],
            postal_code=facts["postal_code"],
            weight_kg=facts["weight_kg"],
            ship_date=day,
            promised=promised,
            cap=cap,
            currency=clean_currency,
        )
        chosen = comparison.chosen
        if chosen is None:
            raise DomainError(
                "no_service_meets",
                "No service meets the promised date."
                if promised is not None
                else "No service is within the cost cap.",
                status=409,
                field="promised_date" if promised is not None else "cost_cap",
            )
        assert chosen.total is not None and chosen.base_rate is not None
        if chosen.total > MAX_AMOUNT or facts["weight_kg"] > MAX_WEIGHT_KG:
            raise DomainError(
                "quote_out_of_range",
                f"A quote of {chosen.total} {chosen.currency} cannot be recorded.",
                field="shipment_id",
            )
        assert chosen.surcharge is not None and chosen.estimated_delivery is not None
        assert chosen.transit_days is not None
        values = {
            "service_id": chosen.service_id,
            "rule": comparison.rule,
            "promised_date": promised,
            "cost_cap": cap,
            "ship_date": day,
            "weight_kg": facts["weight_kg"],
            "currency": chosen.currency,
            "base_rate": chosen.base_rate,
            "surcharge": chosen.surcharge,
            "total": chosen.total,
            "transit_days": chosen.transit_days,
            "estimated_delivery": chosen.estimated_delivery,
        }
        choice = (
            ShipmentCarrierChoice.objects.select_for_update()
            .filter(shipment_id=shipment_id)
            .first()
        )
        if choice is None:
            choice = ShipmentCarrierChoice.objects.create(shipment_id=shipment_id, **values)
        else:
            for name, value in values.items():
                setattr(choice, name, value)
            choice.save()
        shipping.update_tracking(
            shipment_id, carrier_name=f"{chosen.carrier_name} {chosen.service_name}"[:100]
        )
        publish(
            "ShipmentCarrierChosen",
            {
                "shipment_id": shipment_id,
                "service_id": chosen.service_id,
                "total": str(chosen.total),
                "currency": chosen.currency,
                "estimated_delivery": chosen.estimated_delivery.isoformat(),
            },
        )
    return choice, comparison
