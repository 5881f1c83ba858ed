"""Carrier use cases against the database: carriers, services, rate cards, zones and breaks
(success and every refusal code), quotes, and the carrier choice of a shipment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from valuechain.platform.errors import DomainError
from valuechain.platform.events.models import OutboxEvent
from valuechain.scm.carriers import services
from valuechain.scm.carriers.models import Carrier, RateBreak, RateCard, ShipmentCarrierChoice
from valuechain.scm.fulfillment.models import Shipment

D = Decimal
MON = dt.date(2026, 3, 2)


def refused(code: str, call, /, *args, field: str | None = None, status: int | None = None, **kw):
    """Assert the service refuses with the code (and field, status)."""
    with pytest.raises(DomainError) as caught:
        call(*args, **kw)
    assert caught.value.code == code, caught.value.message
    if field is not None:
        assert caught.value.field == field
    if status is not None:
        assert caught.value.status == status
    return caught.value


# --- carriers and services -------------------------------------------------------------------


def test_create_carrier_and_services(in_tenant_a):
    carrier = services.create_carrier(
        name=" DHL  Paket ", code="DHL", tracking_url_template="https://x.example/{tracking}"
    )
    assert (carrier.name, carrier.code) == ("DHL Paket", "dhl")
    assert carrier.tracking_url("123") == "https://x.example/123"
    service = services.add_service(carrier.pk, code="express", name="Express")
    assert service.carrier_id == carrier.pk
    services.update_service(service.pk, name="Express 12", is_active=False)
    service.refresh_from_db()
    assert (service.name, service.is_active) == ("Express 12", False)
    services.update_carrier(carrier.pk, name="DHL", is_active=False)
    carrier.refresh_from_db()
    assert (carrier.name, carrier.is_active) == ("DHL", False)
    assert OutboxEvent.objects.filter(type="CarrierCreated").count() == 1


def test_carrier_refusals(in_tenant_a):
    services.create_carrier(name="DHL", code="dhl")
    refused("duplicate_code", services.create_carrier, name="Other", code="DHL", field="code")
    refused("name_required", services.create_carrier, name=" ", code="x", field="name")
    refused("code_required", services.create_carrier, name="X", code="", field="code")
    refused("invalid_code", services.create_carrier, name="X", code="a b", field="code")
    refused(
        "invalid_tracking_url_template",
        services.create_carrier,
        name="X",
        code="x",
        tracking_url_template="https://x.example/",
        field="tracking_url_template",
    )
    refused(
        "invalid_tracking_url_template",
        services.create_carrier,
        name="X",
        code="x",
        tracking_url_template="ftp://x/{tracking}",
    )
    refused("not_found", services.update_carrier, 999_999, name="X", status=404)
    carrier = Carrier.objects.get()
    refused("unknown_field", services.update_carrier, carrier.pk, code="new", field="code")
    services.add_service(carrier.pk, code="express", name="Express")
    refused(
        "duplicate_code", services.add_service, carrier.pk, code="express", name="E", field="code"
    )
    refused("not_found", services.add_service, 999_999, code="a", name="A", status=404)


def test_delete_carrier_takes_services_and_rate_cards(rates):
    services.delete_carrier(rates.dhl.pk)
    assert list(Carrier.objects.values_list("code", flat=True)) == ["gls"]
    assert RateCard.objects.count() == 1


def test_chosen_services_cannot_be_deleted(shipment, rates):
    services.choose_for_shipment(shipment.pk, cost_cap="100")
    refused("carrier_in_use", services.delete_carrier, rates.dhl.pk, status=409)
    refused("service_in_use", services.delete_service, rates.express.pk, status=409)
    services.delete_service(rates.economy.pk)  # never chosen


# --- rate cards ------------------------------------------------------------------------------


def test_rate_card_zones_and_breaks(in_tenant_a):
    carrier = services.create_carrier(name="DPD", code="dpd")
    service = services.add_service(carrier.pk, code="classic", name="Classic")
    card = services.create_rate_card(
        service_id=service.pk, currency="eur", fuel_surcharge_percent="9.5"
    )
    assert (card.currency, card.fuel_surcharge_percent, card.excess_price_per_kg) == (
        "EUR",
        D("9.5"),
        None,
    )
    zone = services.add_zone(card.pk, country="de", postal_prefix=" 1-2 ", transit_days="2")
    assert (zone.country, zone.postal_prefix, zone.transit_days) == ("DE", "12", 2)
    first = services.set_break(zone.pk, max_weight_kg="5", price="7.90")
    again = services.set_break(zone.pk, max_weight_kg=D("5.000"), price="8.10")
    assert again.pk == first.pk and again.price == D("8.10")  # same weight: new price
    services.update_rate_card(card.pk, excess_price_per_kg="0.75", currency="CHF")
    card.refresh_from_db()
    assert (card.excess_price_per_kg, card.currency) == (D("0.75"), "CHF")
    services.update_rate_card(card.pk, excess_price_per_kg=None)
    card.refresh_from_db()
    assert card.excess_price_per_kg is None
    services.update_zone(zone.pk, transit_days=3)
    services.remove_break(first.pk)
    assert not RateBreak.objects.exists()
    services.delete_zone(zone.pk)
    services.delete_rate_card(card.pk)
    assert not RateCard.objects.exists()


def test_rate_card_refusals(rates):
    card, zone = rates.parcel_card, rates.parcel_de
    new = services.add_service(rates.gls.pk, code="business", name="Business")
    refused(
        "duplicate_rate_card",
        services.create_rate_card,
        service_id=rates.parcel.pk,
        currency="EUR",
        status=409,
    )
    refused(
        "unknown_service_id",
        services.create_rate_card,
        service_id=999_999,
        currency="EUR",
        field="service_id",
    )
    refused(
        "invalid_currency",
        services.create_rate_card,
        service_id=new.pk,
        currency="EURO",
        field="currency",
    )
    refused(
        "invalid_fuel_surcharge_percent",
        services.create_rate_card,
        service_id=new.pk,
        currency="EUR",
        fuel_surcharge_percent="-1",
    )
    refused(
        "invalid_excess_price_per_kg",
        services.create_rate_card,
        service_id=new.pk,
        currency="EUR",
        excess_price_per_kg="x",
    )
    refused("duplicate_zone", services.add_zone, card.pk, country="DE", transit_days=1)
    refused("invalid_country", services.add_zone, card.pk, country="XX", transit_days=1)
    refused("country_required", services.add_zone, card.pk, country="", transit_days=1)
    refused(
        "invalid_postal_prefix",
        services.add_zone,
        card.pk,
        country="FR",
        postal_prefix="75/",
        transit_days=1,
    )
    refused("invalid_transit_days", services.add_zone, card.pk, country="FR", transit_days=-1)
    refused("invalid_transit_days", services.add_zone, card.pk, country="FR", transit_days="x")
    refused("invalid_transit_days", services.update_zone, zone.pk, transit_days=61)
    refused("invalid_max_weight_kg", services.set_break, zone.pk, max_weight_kg="0", price="1")
    refused("invalid_max_weight_kg", services.set_break, zone.pk, max_weight_kg="1.0001", price=1)
    refused("invalid_price", services.set_break, zone.pk, max_weight_kg="1", price="-1")
    refused("invalid_price", services.set_break, zone.pk, max_weight_kg="1", price=1.5)
    refused("not_found", services.set_break, 999_999, max_weight_kg="1", price="1", status=404)
    refused("not_found", services.remove_break, 999_999, status=404)
    refused("unknown_field", services.update_rate_card, card.pk, service_id=1)


# --- quotes ----------------------------------------------------------------------------------


def _quote(**rule):
    return services.quote(country="DE", postal_code="10115", weight_kg="3.5", ship_date=MON, **rule)


def test_quote_compares_every_active_service(rates):
    comparison = _quote(promised_date="2026-03-04")
    rows = [
        (q.carrier_code, q.service_code, q.total, q.estimated_delivery, q.meets)
        for q in comparison.quotes
    ]
    assert rows == [
        ("dhl", "express", D("16.50"), dt.date(2026, 3, 3), True),
        ("dhl", "parcel", D("8.80"), dt.date(2026, 3, 4), True),  # Berlin zone, 2 days
        ("gls", "economy", D("7.35"), dt.date(2026, 3, 6), False),
    ]
    assert comparison.chosen.service_code == "parcel"
    assert _quote(promised_date="2026-03-06").chosen.service_code == "economy"
    assert _quote(cost_cap="10").chosen.service_code == "parcel"
    assert _quote(cost_cap="7").chosen is None


def test_inactive_services_and_carriers_are_not_quoted(rates):
    services.update_service(rates.parcel.pk, is_active=False)
    services.update_carrier(rates.gls.pk, is_active=False)
    comparison = _quote(cost_cap="100")
    assert [q.service_code for q in comparison.quotes] == ["express"]


def test_quote_refusals(rates):
    refused("rule_required", _quote, field="promised_date")
    refused("rule_required", _quote, promised_date="2026-03-04", cost_cap="9")
    refused("invalid_promised_date", _quote, promised_date="2026-03-01", field="promised_date")
    refused("invalid_promised_date", _quote, promised_date="soon")
    refused("invalid_cost_cap", _quote, cost_cap="lots")
    refused("invalid_weight_kg", services.quote, country="DE", weight_kg="0", cost_cap="9")
    refused("invalid_country", services.quote, country="Germany", weight_kg="1", cost_cap="9")
    refused(
        "invalid_ship_date",
        services.quote,
        country="DE",
        weight_kg="1",
        ship_date="tomorrow",
        cost_cap="9",
    )
    refused("invalid_currency", _quote, cost_cap="9", currency="XYZ")
    refused("invalid_ship_date", _quote_on, "9999-12-31", cost_cap="9")
    refused("invalid_promised_date", _quote, promised_date="9999-12-30")
    refused("invalid_weight_kg", services.quote, country="DE", weight_kg="100000", cost_cap="9")


def _quote_on(ship_date, **rule):
    return services.quote(country="DE", weight_kg="1", ship_date=ship_date, **rule)


def test_values_beyond_their_columns_are_refused(rates):
    zone = rates.parcel_de
    refused("invalid_max_weight_kg", services.set_break, zone.pk, max_weight_kg="100000", price=1)
    refused("invalid_price", services.set_break, zone.pk, max_weight_kg="1", price="1000001")
    refused(
        "invalid_fuel_surcharge_percent",
        services.update_rate_card,
        rates.parcel_card.pk,
        fuel_surcharge_percent="1000.01",
    )
    refused(
        "invalid_excess_price_per_kg",
        services.update_rate_card,
        rates.parcel_card.pk,
        excess_price_per_kg="1E+400",
    )


# --- the shipment's choice -------------------------------------------------------------------


def test_choose_for_shipment_records_the_quote_and_names_the_carrier(shipment, rates):
    choice, comparison = services.choose_for_shipment(shipment.pk, promised_date="2026-03-04")
    assert comparison.chosen.service_id == rates.parcel.pk
    assert (choice.service_id, choice.rule, choice.weight_kg, choice.ship_date) == (
        rates.parcel.pk,
        "promised_date",
        D("3.5"),
        MON,
    )
    assert (choice.base_rate, choice.surcharge, choice.total, choice.currency) == (
        D("8.00"),
        D("0.80"),
        D("8.80"),
        "EUR",
    )
    assert (choice.transit_days, choice.estimated_delivery) == (2, dt.date(2026, 3, 4))
    assert Shipment.objects.get(pk=shipment.pk).carrier_name == "DHL Parcel"
    # Choosing again replaces the choice.
    again, _ = services.choose_for_shipment(shipment.pk, cost_cap="100")
    assert again.pk == choice.pk
    assert again.service_id == rates.express.pk
    assert ShipmentCarrierChoice.objects.count() == 1
    assert Shipment.objects.get(pk=shipment.pk).carrier_name == "DHL Express"
    assert OutboxEvent.objects.filter(type="ShipmentCarrierChosen").count() == 2


def test_choose_for_shipment_refusals(shipment, rates):
    error = refused(
        "no_service_meets",
        services.choose_for_shipment,
        shipment.pk,
        cost_cap="5",
        status=409,
        field="cost_cap",
    )
    assert "cost cap" in error.message
    refused(
        "no_service_meets",
        services.choose_for_shipment,
        shipment.pk,
        promised_date="2026-03-02",
        field="promised_date",
    )
    refused("not_found", services.choose_for_shipment, 999_999, cost_cap="9", status=404)
    refused("rule_required", services.choose_for_shipment, shipment.pk)
    assert not ShipmentCarrierChoice.objects.exists()
    assert Shipment.objects.get(pk=shipment.pk).carrier_name == "tbd"


def test_shipment_without_destination_is_refused(rates):
    from .conftest import ship_to_berlin

    shipment = ship_to_berlin()
    Shipment.objects.filter(pk=shipment.pk).update()  # unchanged; order's country cleared next
    from valuechain.scm.orders.models import SalesOrder

    SalesOrder.objects.filter(pk=shipment.order_id).update(ship_to_country="")
    refused(
        "destination_unknown", services.choose_for_shipment, shipment.pk, cost_cap="9", status=422
    )
