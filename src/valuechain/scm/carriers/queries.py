"""Read side of carriers: lists for pages and the API, and rate cards loaded for the pure
selection in a fixed number of queries."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse

from valuechain.platform.money import minor_units
from valuechain.platform.web.registry import SearchHit
from valuechain.scm.carriers import domain
from valuechain.scm.carriers.models import (
    Carrier,
    CarrierService,
    RateBreak,
    RateCard,
    RateZone,
    ShipmentCarrierChoice,
)

CARRIER_SORTS = ("name", "code", "created_at")
RATE_CARD_SORTS = ("currency", "created_at")


def carriers(*, active: bool | None = None, search: str = "") -> QuerySet[Carrier]:
    """Carriers with their services, newest last; ``active`` and a name/code filter."""
    rows = Carrier.objects.prefetch_related(
        Prefetch("services", queryset=CarrierService.objects.order_by("code", "pk"))
    ).annotate(service_count=Count("services"))
    if active is not None:
        rows = rows.filter(is_active=active)
    if search:
        rows = rows.filter(Q(name__icontains=search) | Q(code__icontains=search.lower()))
    return rows


def carrier(carrier_id: int) -> Carrier:
    """One carrier with its services (raises Carrier.DoesNotExist)."""
    return carriers().get(pk=carrier_id)


def rate_cards(
    *, service_id: int | None = None, carrier_id: int | None = None
) -> QuerySet[RateCard]:
    """Rate cards with their service and carrier, and the number of zones."""
    rows = RateCard.objects.select_related("service__carrier").annotate(zone_count=Count("zones"))
    if service_id is not None:
        rows = rows.filter(service_id=service_id)
    if carrier_id is not None:
        rows = rows.filter(service__carrier_id=carrier_id)
    return rows


def _zones_with_breaks() -> Prefetch[Any]:
    return Prefetch(
        "zones",
        queryset=RateZone.objects.order_by("country", "postal_prefix", "pk").prefetch_related(
            Prefetch("breaks", queryset=RateBreak.objects.order_by("max_weight_kg", "pk"))
        ),
    )


def rate_card(rate_card_id: int) -> RateCard:
    """One rate card with its zones and their breaks (raises RateCard.DoesNotExist)."""
    return (
        RateCard.objects.select_related("service__carrier")
        .prefetch_related(_zones_with_breaks())
        .get(pk=rate_card_id)
    )


def zone(zone_id: int) -> RateZone:
    """One zone with its breaks (raises RateZone.DoesNotExist)."""
    return RateZone.objects.prefetch_related("breaks").get(pk=zone_id)


def rate_break(break_id: int) -> RateBreak:
    """One weight break as stored (raises RateBreak.DoesNotExist)."""
    return RateBreak.objects.get(pk=break_id)


def _service_rates(card: RateCard) -> domain.ServiceRates:
    service = card.service
    return domain.ServiceRates(
        service_id=service.pk,
        carrier_code=service.carrier.code,
        carrier_name=service.carrier.name,
        service_code=service.code,
        service_name=service.name,
        currency=card.currency,
        fuel_surcharge_percent=card.fuel_surcharge_percent,
        excess_price_per_kg=card.excess_price_per_kg,
        zones=tuple(
            domain.Zone(
                country=z.country,
                postal_prefix=z.postal_prefix,
                transit_days=z.transit_days,
                breaks=tuple(domain.WeightBreak(b.max_weight_kg, b.price) for b in z.breaks.all()),
                zone_id=z.pk,
            )
            for z in card.zones.all()
        ),
        currency_places=minor_units(card.currency),
    )


def active_service_rates(service_ids: list[int] | None = None) -> list[domain.ServiceRates]:
    """Rate cards of active services of active carriers, as the selection reads them.

    Three queries whatever the number of services, zones and breaks.
    """
    cards = (
        RateCard.objects.filter(service__is_active=True, service__carrier__is_active=True)
        .select_related("service__carrier")
        .prefetch_related(_zones_with_breaks())
        .order_by("service__carrier__code", "service__code", "pk")
    )
    if service_ids is not None:
        cards = cards.filter(service_id__in=service_ids)
    return [_service_rates(card) for card in cards]


def choice_for_shipment(shipment_id: int) -> ShipmentCarrierChoice | None:
    """The carrier choice recorded for a shipment, with its service and carrier."""
    return (
        ShipmentCarrierChoice.objects.select_related("service__carrier", "shipment")
        .filter(shipment_id=shipment_id)
        .first()
    )


def shipment_destination(shipment_id: int, *, lock: bool = False) -> dict[str, Any] | None:
    """Country, postal code, total declared weight and order of a fulfillment shipment.

    ``weight_kg`` is None when a package's weight is unknown (no unit weight, not weighed).
    ``lock`` holds the shipment row (not its order) so two choices for it queue up.
    """
    from valuechain.scm.fulfillment.models import Package, Shipment

    rows = Shipment.objects.select_related("order")
    if lock:
        rows = rows.select_for_update(of=("self",))
    shipment = rows.filter(pk=shipment_id).first()
    if shipment is None:
        return None
    packages = list(Package.objects.filter(shipment_id=shipment.pk))
    weights = [p.declared_weight_kg for p in packages]
    known = [w for w in weights if w is not None]
    total = sum(known, Decimal("0")) if known and len(known) == len(weights) else None
    return {
        "shipment": shipment,
        "country": shipment.order.ship_to_country,
        "postal_code": shipment.order.ship_to_postal_code,
        "weight_kg": total,
        "ship_date": shipment.shipped_at.date(),
    }


def search_carriers(query: str, limit: int) -> list[SearchHit]:
    """Global-search provider: carriers by name or code."""
    text = query.strip()
    if len(text) < 2:
        return []
    rows = Carrier.objects.filter(Q(name__icontains=text) | Q(code__icontains=text.lower()))
    return [
        SearchHit(
            "carrier",
            row.name,
            f"{row.code}{'' if row.is_active else ' (inactive)'}",
            reverse("carriers-detail", args=[row.pk]),
        )
        for row in rows.order_by("name", "pk")[:limit]
    ]


def order_parcel(order_id: int) -> dict[str, Any] | None:
    """Ship-to and total declared weight of a sales order's packed, not yet shipped packages.

    ``weight_kg`` is None when there is no packed package or one's weight is unknown.
    """
    from valuechain.scm.fulfillment.models import Package
    from valuechain.scm.orders.models import SalesOrder

    order = SalesOrder.objects.filter(pk=order_id).first()
    if order is None:
        return None
    weights = [p.declared_weight_kg for p in Package.objects.filter(order=order, state="packed")]
    known = [w for w in weights if w is not None]
    return {
        "order": order,
        "country": order.ship_to_country,
        "postal_code": order.ship_to_postal_code,
        "weight_kg": sum(known, Decimal("0")) if known and len(known) == len(weights) else None,
    }
