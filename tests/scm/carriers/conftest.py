"""Fixtures of the carriers suite: two carriers with three services rated for Germany (one
with a Berlin postal zone), and a fulfillment shipment to Berlin weighing 3.5 kg."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from tests.scm.fulfillment.conftest import build_world

from valuechain.scm.carriers import services
from valuechain.scm.fulfillment import packing, shipping
from valuechain.scm.fulfillment import queries as fulfillment_queries
from valuechain.scm.fulfillment import services as fulfillment
from valuechain.scm.orders import services as orders

D = Decimal


@dataclass
class Rates:
    """The carriers, services, rate cards and zones of the suite."""

    dhl: Any
    gls: Any
    express: Any  # DHL, 1 day, 2 kg 12.00 / 5 kg 15.00, fuel 10 %, no excess
    parcel: Any  # DHL, 3 days (Berlin 2), 2 kg 6.00 / 5 kg 8.00, fuel 10 %, excess 1.00/kg
    economy: Any  # GLS, 4 days, 5 kg 7.00, fuel 5 %, no excess
    express_card: Any
    parcel_card: Any
    parcel_de: Any  # zone
    parcel_berlin: Any  # zone, prefix 10


def _card(service: Any, fuel: str, excess: str | None, zones: list[tuple[str, str, int]]) -> Any:
    card = services.create_rate_card(
        service_id=service.pk,
        currency="EUR",
        fuel_surcharge_percent=fuel,
        excess_price_per_kg=excess,
    )
    made = [
        services.add_zone(card.pk, country=country, postal_prefix=prefix, transit_days=days)
        for country, prefix, days in zones
    ]
    return card, made


def build_rates() -> Rates:
    """DHL Express and Parcel, GLS Economy, all in EUR for Germany."""
    dhl = services.create_carrier(
        name="DHL", code="dhl", tracking_url_template="https://dhl.example/t/{tracking}"
    )
    gls = services.create_carrier(name="GLS", code="gls")
    express = services.add_service(dhl.pk, code="express", name="Express")
    parcel = services.add_service(dhl.pk, code="parcel", name="Parcel")
    economy = services.add_service(gls.pk, code="economy", name="Economy")
    express_card, (express_de,) = _card(express, "10", None, [("DE", "", 1)])
    services.set_break(express_de.pk, max_weight_kg="2", price="12.00")
    services.set_break(express_de.pk, max_weight_kg="5", price="15.00")
    parcel_card, (parcel_de, parcel_berlin) = _card(
        parcel, "10", "1.00", [("DE", "", 3), ("DE", "10", 2)]
    )
    for zone in (parcel_de, parcel_berlin):
        services.set_break(zone.pk, max_weight_kg="2", price="6.00")
        services.set_break(zone.pk, max_weight_kg="5", price="8.00")
    _economy_card, (economy_de,) = _card(economy, "5", None, [("DE", "", 4)])
    services.set_break(economy_de.pk, max_weight_kg="5", price="7.00")
    return Rates(
        dhl, gls, express, parcel, economy, express_card, parcel_card, parcel_de, parcel_berlin
    )


@pytest.fixture
def rates(in_tenant_a: Any) -> Rates:
    """The rates of ``build_rates`` in tenant A."""
    return build_rates()


def pack_for_berlin(weight_kg: str = "3.5", postal_code: str = "10115") -> Any:
    """Two mugs for Berlin picked and sealed in one package weighed at ``weight_kg``."""
    world = build_world()
    order = orders.create_order(
        {
            "channel": "web",
            "account_id": world.account.pk,
            "currency": "EUR",
            "warehouse_id": world.warehouse.pk,
            "ship_to_country": "DE",
            "ship_to_postal_code": postal_code,
            "lines": [{"variant_id": world.mug.pk, "quantity": "2", "unit_price": "10.00"}],
        }
    )
    orders.confirm_order(order.pk)
    pick_list = fulfillment.create_pick_list(warehouse_id=world.warehouse.pk)
    lines = list(fulfillment_queries.pick_lines(pick_list.pk))
    for line in lines:
        fulfillment.confirm_pick(pick_list.pk, line.pk, line.quantity)
    package = packing.create_package(order_id=order.pk, warehouse_id=world.warehouse.pk)
    packing.pack_items(package.pk, [(line.pk, line.quantity) for line in lines])
    return packing.close_package(package.pk, weight_kg=weight_kg)


def ship_to_berlin(weight_kg: str = "3.5", postal_code: str = "10115") -> Any:
    """Ship two mugs to Berlin in one package weighed at ``weight_kg`` (a Monday)."""
    import datetime as dt

    from django.utils import timezone

    package = pack_for_berlin(weight_kg, postal_code)
    monday = timezone.make_aware(dt.datetime(2026, 3, 2, 10, 0))
    return shipping.ship_packages([package.pk], carrier_name="tbd", shipped_at=monday)


@pytest.fixture
def shipment(rates: Rates) -> Any:
    """A 3.5 kg shipment to Berlin 10115, shipped on Monday 2 March 2026."""
    return ship_to_berlin()
