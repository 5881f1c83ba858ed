"""API routes of carriers (scm area): carriers, services, rate cards, zones, weight breaks,
carrier quotes and the carrier choice of a shipment."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import HttpRequest
from ninja import Query, Status

from valuechain.platform.api import ListParams, Page, area_router, paginate
from valuechain.platform.errors import DomainError
from valuechain.scm.carriers import domain, queries, services
from valuechain.scm.carriers.models import Carrier, RateCard, RateZone, ShipmentCarrierChoice
from valuechain.scm.carriers.schemas import (
    BreakIn,
    BreakOut,
    CarrierIn,
    CarrierOut,
    CarrierPatch,
    ComparisonOut,
    QuoteIn,
    RateCardDetailOut,
    RateCardFilters,
    RateCardIn,
    RateCardOut,
    RateCardPatch,
    ServiceIn,
    ServiceOut,
    ServicePatch,
    ShipmentChoiceIn,
    ShipmentChoiceOut,
    ShipmentChoiceResultOut,
    ZoneIn,
    ZoneOut,
    ZonePatch,
)

router = area_router("scm", tags=["carriers"])


def _comparison(comparison: domain.Comparison) -> dict[str, Any]:
    return asdict(comparison)


# --- carriers and services -------------------------------------------------------------------


@router.get("/carriers", response=Page[CarrierOut], summary="List carriers")
def list_carriers(request: HttpRequest, params: Query[ListParams]) -> dict[str, Any]:
    """Carriers with their services, by name unless sorted otherwise."""
    return paginate(
        queries.carriers(), params, sortable=queries.CARRIER_SORTS, default_sort=("name",)
    )


@router.post("/carriers", response={201: CarrierOut}, summary="Create a carrier")
def create_carrier(request: HttpRequest, data: CarrierIn) -> Status[Carrier]:
    """A carrier; add services to it next."""
    carrier = services.create_carrier(**data.dict())
    return Status(201, queries.carrier(carrier.pk))


@router.get("/carriers/{carrier_id}", response=CarrierOut, summary="Get a carrier")
def get_carrier(request: HttpRequest, carrier_id: int) -> Carrier:
    """One carrier with its services."""
    return queries.carrier(carrier_id)


@router.patch("/carriers/{carrier_id}", response=CarrierOut, summary="Change a carrier")
def update_carrier(request: HttpRequest, carrier_id: int, data: CarrierPatch) -> Carrier:
    """Change the name, tracking link or active flag."""
    services.update_carrier(carrier_id, **data.dict(exclude_unset=True, exclude_none=True))
    return queries.carrier(carrier_id)


@router.delete("/carriers/{carrier_id}", response={204: None}, summary="Delete a carrier")
def delete_carrier(request: HttpRequest, carrier_id: int) -> Status[None]:
    """Delete a carrier no shipment was sent with (``carrier_in_use``, 409)."""
    services.delete_carrier(carrier_id)
    return Status(204, None)


@router.post("/carriers/{carrier_id}/services", response={201: ServiceOut}, summary="Add a service")
def add_service(request: HttpRequest, carrier_id: int, data: ServiceIn) -> Status[Any]:
    """A service of the carrier, such as Express or Economy."""
    return Status(201, services.add_service(carrier_id, **data.dict()))


@router.patch("/carrier-services/{service_id}", response=ServiceOut, summary="Change a service")
def update_service(request: HttpRequest, service_id: int, data: ServicePatch) -> Any:
    """Change a service's name or active flag."""
    return services.update_service(service_id, **data.dict(exclude_unset=True, exclude_none=True))


@router.delete("/carrier-services/{service_id}", response={204: None}, summary="Delete a service")
def delete_service(request: HttpRequest, service_id: int) -> Status[None]:
    """Delete a service (and its rate card) no shipment was sent with."""
    services.delete_service(service_id)
    return Status(204, None)


# --- rate cards, zones, breaks ---------------------------------------------------------------


@router.get("/rate-cards", response=Page[RateCardOut], summary="List rate cards")
def list_rate_cards(
    request: HttpRequest, filters: Query[RateCardFilters], params: Query[ListParams]
) -> dict[str, Any]:
    """Rate cards, newest last; filter by service or carrier."""
    return paginate(
        queries.rate_cards(service_id=filters.service_id, carrier_id=filters.carrier_id),
        params,
        sortable=queries.RATE_CARD_SORTS,
        default_sort=("created_at",),
    )


@router.post("/rate-cards", response={201: RateCardDetailOut}, summary="Create a rate card")
def create_rate_card(request: HttpRequest, data: RateCardIn) -> Status[RateCard]:
    """A service's rate card; add zones and weight breaks next."""
    card = services.create_rate_card(**data.dict())
    return Status(201, queries.rate_card(card.pk))


@router.get("/rate-cards/{rate_card_id}", response=RateCardDetailOut, summary="Get a rate card")
def get_rate_card(request: HttpRequest, rate_card_id: int) -> RateCard:
    """One rate card with its zones and their weight breaks."""
    return queries.rate_card(rate_card_id)


@router.patch(
    "/rate-cards/{rate_card_id}", response=RateCardDetailOut, summary="Change a rate card"
)
def update_rate_card(request: HttpRequest, rate_card_id: int, data: RateCardPatch) -> RateCard:
    """Change the currency, fuel surcharge % or excess price per kg."""
    services.update_rate_card(rate_card_id, **data.dict(exclude_unset=True))
    return queries.rate_card(rate_card_id)


@router.delete("/rate-cards/{rate_card_id}", response={204: None}, summary="Delete a rate card")
def delete_rate_card(request: HttpRequest, rate_card_id: int) -> Status[None]:
    """Delete a rate card with its zones and breaks."""
    services.delete_rate_card(rate_card_id)
    return Status(204, None)


@router.post("/rate-cards/{rate_card_id}/zones", response={201: ZoneOut}, summary="Add a zone")
def add_zone(request: HttpRequest, rate_card_id: int, data: ZoneIn) -> Status[RateZone]:
    """A destination zone: country, optional postal prefix, transit days."""
    zone = services.add_zone(rate_card_id, **data.dict())
    return Status(201, queries.zone(zone.pk))


@router.patch("/rate-zones/{zone_id}", response=ZoneOut, summary="Change a zone")
def update_zone(request: HttpRequest, zone_id: int, data: ZonePatch) -> RateZone:
    """Change the zone's transit days."""
    services.update_zone(zone_id, **data.dict(exclude_unset=True, exclude_none=True))
    return queries.zone(zone_id)


@router.delete("/rate-zones/{zone_id}", response={204: None}, summary="Delete a zone")
def delete_zone(request: HttpRequest, zone_id: int) -> Status[None]:
    """Delete a zone and its breaks."""
    services.delete_zone(zone_id)
    return Status(204, None)


@router.post(
    "/rate-zones/{zone_id}/breaks", response=BreakOut, summary="Set a weight break's price"
)
def set_break(request: HttpRequest, zone_id: int, data: BreakIn) -> Any:
    """The base price up to a weight (changes the price of a break at that weight)."""
    return queries.rate_break(services.set_break(zone_id, **data.dict()).pk)


@router.delete("/rate-breaks/{break_id}", response={204: None}, summary="Remove a weight break")
def remove_break(request: HttpRequest, break_id: int) -> Status[None]:
    """Remove a weight break."""
    services.remove_break(break_id)
    return Status(204, None)


# --- quotes and the shipment's choice --------------------------------------------------------


@router.post("/carrier-quotes", response=ComparisonOut, summary="Compare carriers")
def carrier_quotes(request: HttpRequest, data: QuoteIn) -> dict[str, Any]:
    """Every active service's price and delivery date for the parcel, and the one chosen:
    the cheapest by ``promised_date`` or the fastest within ``cost_cap``. Writes nothing."""
    return _comparison(services.quote(**data.dict()))


@router.get(
    "/shipments/{shipment_id}/carrier-choice",
    response=ShipmentChoiceOut,
    summary="Get a shipment's carrier choice",
)
def get_shipment_choice(request: HttpRequest, shipment_id: int) -> ShipmentCarrierChoice:
    """The service chosen for the shipment and its quote (404 when none was chosen)."""
    choice = queries.choice_for_shipment(shipment_id)
    if choice is None:
        raise DomainError("not_found", "No carrier was chosen for this shipment.", status=404)
    return choice


@router.post(
    "/shipments/{shipment_id}/carrier-choice",
    response=ShipmentChoiceResultOut,
    summary="Choose a shipment's carrier",
)
def choose_for_shipment(
    request: HttpRequest, shipment_id: int, data: ShipmentChoiceIn
) -> dict[str, Any]:
    """Rate the shipment (its packages' weight, its order's ship-to), record the chosen
    service and its price, and set the shipment's carrier name."""
    choice, comparison = services.choose_for_shipment(shipment_id, **data.dict())
    return {
        "choice": queries.choice_for_shipment(choice.shipment_id),
        "comparison": _comparison(comparison),
    }
