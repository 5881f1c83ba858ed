"""Use cases of sales orders against the database: pricing, confirm, MTO, cancel, shipping."""

from __future__ import annotations

from decimal import Decimal

import pytest

from valuechain.platform.errors import DomainError
from valuechain.platform.events.models import OutboxEvent
from valuechain.scm.inventory import queries as inventory_queries
from valuechain.scm.inventory.models import Reservation, SupplyRequest
from valuechain.scm.orders import queries, services
from valuechain.scm.orders.models import SalesOrderEvent, SalesOrderLine

D = Decimal


def _order(shop, *lines, **values):
    data = {"channel": "web", "person_id": shop.ada.pk, "lines": list(lines), **values}
    return services.create_order(data)


def _lines(order):
    return list(SalesOrderLine.objects.filter(order=order).order_by("position"))


def _raises(code, call, *args, **kwargs):
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, caught.value.message
    return caught.value


def test_create_prices_from_lists_with_breaks_discount_and_region_tax(shop):
    order = _order(
        shop,
        {"variant_id": shop.widget.pk, "quantity": "12", "discount_percent": "5"},
        {"sku": "G-1", "quantity": 2},
    )
    assert order.number == "SO-000001"
    assert (order.state, order.currency, order.ship_to_country, order.ship_to_region) == (
        "draft",
        "EUR",
        "DE",
        "BY",
    )
    widget, gadget = _lines(order)
    # 12 x 9.00 (break from 10) = 108.00, less 5 % = 102.60; 19 % = 19.494 -> 19.49
    assert (widget.unit_price, widget.price_source, widget.tax_rate) == (
        D("9.00"),
        "price_list",
        D("0.19"),
    )
    assert (widget.net_amount, widget.tax_amount, widget.gross_amount) == (
        D("102.60"),
        D("19.49"),
        D("122.09"),
    )
    # 2 x 25.50 = 51.00; reduced class 7 % = 3.57
    assert (gadget.tax_rate, gadget.net_amount, gadget.tax_amount) == (
        D("0.07"),
        D("51.00"),
        D("3.57"),
    )
    assert (order.net_total, order.tax_total, order.gross_total) == (
        D("153.60"),
        D("23.06"),
        D("176.66"),
    )
    assert SalesOrderEvent.objects.get(order=order).state == "draft"
    assert OutboxEvent.objects.filter(type="SalesOrderCreated").count() == 1


def test_customer_group_price_and_ship_to_country_of_the_account(shop):
    order = services.create_order(
        {"channel": "edi", "account_id": shop.acme.pk, "lines": [{"sku": "W-1", "quantity": 1}]}
    )
    (line,) = _lines(order)
    assert (order.customer_group, order.ship_to_country) == ("wholesale", "FR")
    assert (line.unit_price, line.tax_rate, line.gross_amount) == (
        D("8.00"),
        D("0.20"),
        D("9.60"),
    )


def test_explicit_prices_and_tax_are_kept(shop):
    order = _order(
        shop,
        {"sku": "W-1", "quantity": 1, "unit_price": "7.50", "tax_rate": "0"},
        currency="usd",
    )
    (line,) = _lines(order)
    assert (order.currency, line.unit_price, line.price_source, line.gross_amount) == (
        "USD",
        D("7.50"),
        "explicit",
        D("7.50"),
    )


def test_create_refusals(shop):
    error = _raises("no_price", _order, shop, {"sku": "W-1", "quantity": 1}, currency="GBP")
    assert error.field == "lines[0].unit_price"
    _raises(
        "customer_required",
        services.create_order,
        {"channel": "web", "lines": [{"sku": "W-1", "quantity": 1}]},
    )
    assert _raises("invalid_channel", _order, shop, channel="fax").field == "channel"
    error = _raises("invalid_quantity", _order, shop, {"sku": "W-1", "quantity": "0"})
    assert error.field == "lines[0].quantity"
    assert _raises("unknown_variant", _order, shop, {"sku": "NOPE", "quantity": 1}).field == (
        "lines[0].variant_id"
    )
    _raises(
        "person_not_of_account",
        services.create_order,
        {"channel": "phone", "account_id": shop.acme.pk, "person_id": shop.ada.pk},
    )
    _raises("invalid_currency", _order, shop, currency="EURO")
    _raises(
        "invalid_discount", _order, shop, {"sku": "W-1", "quantity": 1, "discount_percent": 101}
    )


def test_add_and_remove_lines_update_totals(shop):
    order = _order(shop)
    line = services.add_line(order.pk, {"gtin": "4006381333931", "quantity": 2})
    order.refresh_from_db()
    assert (line.sku, order.gross_total) == ("W-1", D("23.80"))
    services.remove_line(order.pk, line.pk)
    order.refresh_from_db()
    assert order.gross_total == D("0")


def test_confirm_reserves_stock_and_records_the_state(shop):
    order = _order(
        shop,
        {"sku": "W-1", "quantity": 4},
        {"sku": "SRV-1", "quantity": 1},
    )
    services.confirm_order(order.pk)
    order.refresh_from_db()
    widget, service = _lines(order)
    assert order.state == "confirmed" and order.confirmed_at is not None
    assert (widget.supply_kind, widget.reserved_quantity, widget.backordered_quantity) == (
        "stock",
        D("4"),
        D("0"),
    )
    assert (service.supply_kind, service.reserved_quantity) == ("none", D("0"))
    assert inventory_queries.available([shop.widget.pk], warehouse_id=shop.central.pk) == {
        shop.widget.pk: D("16")
    }
    reservation = Reservation.objects.get(source_id=widget.pk, state="active")
    assert (reservation.source_type, reservation.quantity, reservation.reference) == (
        "orders.salesorderline",
        D("4"),
        order.number,
    )
    assert list(SalesOrderEvent.objects.filter(order=order).values_list("state", flat=True)) == [
        "draft",
        "confirmed",
    ]
    _raises("not_draft", services.confirm_order, order.pk)


def test_shortage_propagates_insufficient_stock_and_the_order_stays_draft(shop):
    order = _order(shop, {"sku": "W-1", "quantity": 3}, {"sku": "G-1", "quantity": 11})
    error = _raises("insufficient_stock", services.confirm_order, order.pk)
    assert error.status == 409
    assert (error.details["variant_id"], D(error.details["available"])) == (shop.gadget.pk, D(10))
    order.refresh_from_db()
    assert order.state == "draft"
    assert not Reservation.objects.filter(state="active").exists()
    assert all(line.reserved_quantity == 0 for line in _lines(order))


def test_backorder_keeps_the_rest_on_the_line(shop):
    order = _order(shop, {"sku": "G-1", "quantity": 13}, accept_backorder=True)
    services.confirm_order(order.pk)
    (line,) = _lines(order)
    assert (line.reserved_quantity, line.backordered_quantity) == (D("10"), D("3"))


def test_kit_reserves_its_components(shop):
    order = _order(shop, {"sku": "KIT-1", "quantity": 3})
    services.confirm_order(order.pk)
    (line,) = _lines(order)
    assert (line.supply_kind, line.reserved_quantity) == ("kit", D("3"))
    held = dict(
        Reservation.objects.filter(source_id=line.pk, state="active").values_list(
            "variant_id", "quantity"
        )
    )
    assert held == {shop.widget.pk: D("3"), shop.gadget.pk: D("6")}


def test_make_to_order_line_requests_supply_and_shows_its_status(shop):
    order = _order(shop, {"sku": "MTO-1", "quantity": 2})
    services.confirm_order(order.pk)
    (line,) = queries.lines(order)
    request = SupplyRequest.objects.get(pk=line.supply_request_id)
    assert (request.reason, request.quantity, request.origin_type, request.origin_id) == (
        "mto",
        D("2"),
        "orders.salesorderline",
        line.pk,
    )
    assert (request.warehouse_id, line.supply_status, line.reserved_quantity) == (
        shop.central.pk,
        "open",
        D("0"),
    )
    assert not Reservation.objects.filter(source_id=line.pk).exists()
    SupplyRequest.objects.filter(pk=request.pk).update(state="ordered")
    (line,) = queries.lines(order)
    assert line.supply_status == "ordered"


def test_cancel_releases_reservations_and_cancels_supply(shop):
    order = _order(shop, {"sku": "W-1", "quantity": 5}, {"sku": "MTO-1", "quantity": 1})
    services.confirm_order(order.pk)
    services.cancel_order(order.pk, reason="Customer changed their mind")
    order.refresh_from_db()
    widget, mto = _lines(order)
    assert order.state == "cancelled" and order.cancelled_at is not None
    assert widget.reserved_quantity == D("0")
    assert mto.supply_status == "cancelled"
    assert SupplyRequest.objects.get(pk=mto.supply_request_id).state == "cancelled"
    assert inventory_queries.available([shop.widget.pk], warehouse_id=shop.central.pk) == {
        shop.widget.pk: D("20")
    }
    assert SalesOrderEvent.objects.filter(order=order).last().detail == (
        "Customer changed their mind"
    )
    _raises("invalid_state", services.cancel_order, order.pk)


def test_register_shipment_partial_then_full_then_close(shop):
    order = _order(shop, {"sku": "W-1", "quantity": 4}, {"sku": "G-1", "quantity": 2})
    services.confirm_order(order.pk)
    widget, gadget = _lines(order)
    _raises("invalid_state", services.close_order, order.pk)
    services.register_shipment(order.pk, {widget.pk: D("4")}, reference="SHP-1")
    order.refresh_from_db()
    assert order.state == "partially_shipped"
    error = _raises(
        "over_shipment", services.register_shipment, order.pk, {gadget.pk: D("3")}, reference="x"
    )
    assert error.status == 409
    services.register_shipment(order.pk, {gadget.pk: D("2")}, reference="SHP-2")
    order.refresh_from_db()
    assert (order.state, order.shipped_at is not None) == ("shipped", True)
    widget.refresh_from_db()
    assert (widget.shipped_quantity, widget.reserved_quantity) == (D("4"), D("0"))
    _raises("invalid_state", services.register_shipment, order.pk, {gadget.pk: 1}, reference="x")
    services.close_order(order.pk)
    order.refresh_from_db()
    assert order.state == "closed"
    assert list(SalesOrderEvent.objects.filter(order=order).values_list("state", "detail"))[1:] == [
        ("confirmed", "EUR 102.17"),
        ("partially_shipped", "SHP-1"),
        ("shipped", "SHP-2"),
        ("closed", ""),
    ]


def test_register_shipment_refuses_lines_of_another_order(shop):
    first = _order(shop, {"sku": "W-1", "quantity": 1})
    second = _order(shop, {"sku": "W-1", "quantity": 1})
    services.confirm_order(first.pk)
    services.confirm_order(second.pk)
    (other_line,) = _lines(second)
    error = _raises(
        "unknown_line", services.register_shipment, first.pk, {other_line.pk: 1}, reference="x"
    )
    assert error.details["line_id"] == other_line.pk
    _raises("not_found", services.register_shipment, 999999, {1: 1}, reference="x")


def test_lines_by_ids_loads_order_and_customer(shop, django_assert_num_queries):
    order = _order(shop, {"sku": "W-1", "quantity": 1}, {"sku": "G-1", "quantity": 1})
    ids = [line.pk for line in _lines(order)]
    with django_assert_num_queries(1):
        found = queries.lines_by_ids([*ids, 999999])
        assert sorted(found) == ids
        line = found[ids[0]]
        assert (line.order.number, line.order.person.full_name, line.variant.product.name) == (
            order.number,
            "Ada Lovelace",
            "Widget",
        )
