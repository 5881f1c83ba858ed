"""Tracking events: ingestion by shipment and by tracking number, idempotency, delivery,
the order closed when all of it is delivered, the customer's timeline, the outbox, the
shipment page, and refusals with their exact codes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from valuechain.platform.errors import DomainError
from valuechain.platform.events.models import OutboxEvent
from valuechain.scm.fulfillment import packing, services, shipping, tracking
from valuechain.scm.fulfillment.models import Shipment, TrackingEvent
from valuechain.scm.orders import queries as orders_queries
from valuechain.scm.orders.models import SalesOrderEvent

from .conftest import error, member, post, signed_in

D = Decimal
UTC = dt.UTC
T0 = dt.datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def ship(world: Any, order: Any, quantities: list[str], *, tracking_number: str = "") -> Any:
    """Pick everything of the order, pack the quantities into one package each, ship them."""
    pick_list = services.create_pick_list(warehouse_id=world.warehouse.pk, order_ids=[order.pk])
    line = pick_list.lines.get()
    services.confirm_pick(pick_list.pk, line.pk, line.quantity)
    shipments = []
    for index, qty in enumerate(quantities):
        package = packing.create_package(order_id=order.pk, warehouse_id=world.warehouse.pk)
        packing.pack_items(package.pk, [(line.pk, qty)])
        packing.close_package(package.pk)
        number = f"{tracking_number}{index}" if tracking_number else ""
        shipments.append(
            shipping.ship_packages([package.pk], carrier_name="DHL", tracking_number=number)
        )
    return shipments


def event(status: str, minutes: int, code: str = "", **extra: Any) -> dict[str, Any]:
    """A carrier event ``minutes`` after T0."""
    return {
        "occurred_at": T0 + dt.timedelta(minutes=minutes),
        "status": status,
        "code": code,
        **extra,
    }


def _refused(code: str, call: Any, *args: Any, **kwargs: Any) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, caught.value
    return caught.value


def test_events_recorded_once_and_delivery_closes_the_order(world):
    order = world.order((world.mug, "2"))
    (shipment,) = ship(world, order, ["2"])
    first = tracking.record_events(
        shipment.pk,
        [
            event("in_transit", 60, "IT", location="Leipzig hub"),
            event("info_received", 0, "PU"),
            event("in_transit", 60, "IT"),  # the same event twice in one batch
        ],
    )
    assert [(e.status, e.code, e.location) for e in first.recorded] == [
        ("info_received", "PU", ""),
        ("in_transit", "IT", "Leipzig hub"),
    ]
    assert first.duplicates == 1
    # The carrier resends its whole history plus the delivery.
    second = tracking.record_events(
        shipment.pk,
        [
            event("info_received", 0, "PU"),
            event("in_transit", 60, "IT"),
            event("delivered", 300, "DL"),
        ],
    )
    assert [(e.status, e.code) for e in second.recorded] == [("delivered", "DL")]
    assert second.duplicates == 2
    assert TrackingEvent.objects.filter(shipment=shipment).count() == 3
    shipment.refresh_from_db()
    assert shipment.state == "delivered"
    assert shipment.delivered_at == T0 + dt.timedelta(minutes=300)
    order.refresh_from_db()
    assert order.state == "closed"
    assert order.closed_at is not None
    history = list(SalesOrderEvent.objects.filter(order=order).values_list("state", "detail"))
    assert history[-2:] == [("delivered", shipment.number), ("closed", "all shipments delivered")]
    timeline = orders_queries.timeline_entries("account", world.account, None, None, 50)
    assert [e.title for e in timeline][:2] == [
        f"Order {order.number} closed",
        f"Order {order.number} delivered",
    ]
    assert timeline[1].kind == "sales_order_delivered"
    outbox = list(
        OutboxEvent.objects.filter(
            type__in=(
                "ShipmentTrackingEventRecorded",
                "ShipmentDelivered",
                "SalesOrderDelivered",
                "SalesOrderClosed",
            )
        )
        .order_by("occurred_at")
        .values_list("type", flat=True)
    )
    assert outbox == [
        "ShipmentTrackingEventRecorded",
        "ShipmentTrackingEventRecorded",
        "ShipmentTrackingEventRecorded",
        "ShipmentDelivered",
        "SalesOrderDelivered",
        "SalesOrderClosed",
    ]
    # A second delivered event (another code) is recorded but delivers nothing again.
    third = tracking.record_events(shipment.pk, [event("delivered", 310, "POD")])
    assert len(third.recorded) == 1
    shipment.refresh_from_db()
    assert shipment.delivered_at == T0 + dt.timedelta(minutes=300)
    assert SalesOrderEvent.objects.filter(order=order, state="delivered").count() == 1


def test_order_stays_open_until_every_shipment_is_delivered(world):
    order = world.order((world.mug, "5"))
    first, second = ship(world, order, ["2", "3"])
    tracking.record_events(first.pk, [event("delivered", 10)])
    order.refresh_from_db()
    assert order.state == "shipped"
    assert (
        list(SalesOrderEvent.objects.filter(order=order).values_list("state", flat=True))[-1]
        == "delivered"
    )
    shipping.mark_delivered(second.pk)  # by hand: the same rule closes the order
    order.refresh_from_db()
    assert order.state == "closed"


def test_partially_shipped_order_is_not_closed_by_delivery(world):
    order = world.order((world.mug, "5"))
    pick_list = services.create_pick_list(warehouse_id=world.warehouse.pk)
    line = pick_list.lines.get()
    services.confirm_pick(pick_list.pk, line.pk, "2")
    package = packing.create_package(order_id=order.pk, warehouse_id=world.warehouse.pk)
    packing.pack_items(package.pk, [(line.pk, "2")])
    packing.close_package(package.pk)
    shipment = shipping.ship_packages([package.pk], carrier_name="DHL")
    tracking.record_events(shipment.pk, [event("delivered", 10)])
    order.refresh_from_db()
    shipment.refresh_from_db()
    assert (shipment.state, order.state) == ("delivered", "partially_shipped")


def test_refusals(world):
    order = world.order((world.mug, "1"))
    (shipment,) = ship(world, order, ["1"])
    assert (
        _refused("not_found", tracking.record_events, 999999, [event("in_transit", 1)]).status
        == 404
    )
    assert _refused("no_events", tracking.record_events, shipment.pk, []).field == "events"
    bad = _refused(
        "invalid_tracking_status", tracking.record_events, shipment.pk, [event("lost", 1)]
    )
    assert bad.field == "events[0].status"
    naive = {"occurred_at": dt.datetime(2026, 3, 2, 8, 0), "status": "in_transit"}
    assert (
        _refused("invalid_occurred_at", tracking.record_events, shipment.pk, [naive]).field
        == "events[0].occurred_at"
    )
    long = event("in_transit", 1, code="X" * 51)
    assert (
        _refused("too_long", tracking.record_events, shipment.pk, [long]).field == "events[0].code"
    )
    assert TrackingEvent.objects.count() == 0


def test_by_tracking_number(world):
    order = world.order((world.mug, "3"))
    first, second = ship(world, order, ["1", "2"], tracking_number="JD01")
    results = tracking.record_events_by_tracking_number(
        [
            {**event("in_transit", 5), "tracking_number": "JD011"},
            {**event("in_transit", 5), "tracking_number": "JD010"},
            {**event("delivered", 50), "tracking_number": "JD011"},
        ]
    )
    assert [(r.shipment.pk, len(r.recorded)) for r in results] == [(second.pk, 2), (first.pk, 1)]
    refused = _refused(
        "unknown_tracking_number",
        tracking.record_events_by_tracking_number,
        [
            {**event("in_transit", 9), "tracking_number": "JD010"},
            {**event("in_transit", 9), "tracking_number": "NOPE"},
        ],
    )
    assert (refused.status, refused.details["tracking_number"]) == (404, "NOPE")
    assert TrackingEvent.objects.count() == 3  # nothing of the refused batch
    shipping.update_tracking(first.pk, tracking_number="JD011")
    ambiguous = _refused(
        "ambiguous_tracking_number",
        tracking.record_events_by_tracking_number,
        [{**event("in_transit", 9), "tracking_number": "JD011"}],
    )
    assert ambiguous.details["shipment_ids"] == sorted([first.pk, second.pk])
    assert (
        _refused(
            "tracking_number_required",
            tracking.record_events_by_tracking_number,
            [{**event("in_transit", 9), "tracking_number": " "}],
        ).field
        == "events[0].tracking_number"
    )


def test_api_single_list_duplicates_and_tenant_isolation(world, client_a, client_b, tenant_a):
    order = world.order((world.mug, "1"))
    (shipment,) = ship(world, order, ["1"], tracking_number="1Z")
    path = f"/shipments/{shipment.pk}/tracking-events"
    single = post(
        client_a,
        path,
        {
            "occurred_at": "2026-03-02T09:00:00+01:00",
            "status": "in_transit",
            "code": "AR",
            "location": "Köln",
        },
    )
    assert single.status_code == 201, single.content
    body = single.json()
    assert (body["shipment_number"], body["shipment_state"], body["order_state"]) == (
        shipment.number,
        "shipped",
        "shipped",
    )
    assert [
        (e["status"], e["code"], e["location"], e["occurred_at"]) for e in body["recorded"]
    ] == [("in_transit", "AR", "Köln", "2026-03-02T08:00:00Z")]
    again = post(
        client_a,
        path,
        [{"occurred_at": "2026-03-02T08:00:00Z", "status": "in_transit", "code": "AR"}],
    )
    assert again.status_code == 200
    assert (again.json()["recorded"], again.json()["duplicates"]) == ([], 1)
    delivered = post(
        client_a,
        "/tracking-events",
        [{"tracking_number": "1Z0", "occurred_at": "2026-03-03T10:00:00Z", "status": "delivered"}],
    )
    assert delivered.status_code == 201, delivered.content
    (result,) = delivered.json()
    assert (result["shipment_state"], result["delivered_at"], result["order_state"]) == (
        "delivered",
        "2026-03-03T10:00:00Z",
        "closed",
    )
    listed = client_a.get(f"/api/v1{path}?sort=-occurred_at&limit=1")
    assert listed.status_code == 200
    page = listed.json()
    assert (page["count"], [e["status"] for e in page["items"]]) == (2, ["delivered"])
    error(
        post(
            client_a,
            "/shipments/999999/tracking-events",
            {"occurred_at": "2026-03-02T08:00:00Z", "status": "in_transit"},
        ),
        404,
        "not_found",
    )
    error(
        post(client_a, path, {"occurred_at": "2026-03-02T08:00:00Z", "status": "teleported"}),
        422,
        "invalid_tracking_status",
        "events[0].status",
    )
    # Tenant B sees neither the shipment nor its number.
    error(
        post(client_b, path, {"occurred_at": "2026-03-02T08:00:00Z", "status": "in_transit"}),
        404,
        "not_found",
    )
    error(
        post(
            client_b,
            "/tracking-events",
            {
                "tracking_number": "1Z0",
                "occurred_at": "2026-03-02T08:00:00Z",
                "status": "in_transit",
            },
        ),
        404,
        "unknown_tracking_number",
        "tracking_number",
    )
    assert client_b.get(f"/api/v1{path}").status_code == 404
    # Reading members cannot post events.
    viewer = signed_in(member(tenant_a, "viewer@alpha.test", "service_agent"))
    assert (
        post(
            viewer, path, {"occurred_at": "2026-03-02T08:00:00Z", "status": "in_transit"}
        ).status_code
        == 403
    )
    assert viewer.get(f"/api/v1{path}").status_code == 200


def test_shipment_page_shows_events_and_records_one(world, client_a):
    order = world.order((world.mug, "1"))
    (shipment,) = ship(world, order, ["1"])
    tracking.record_events(
        shipment.pk, [event("in_transit", 0, "AR", location="Leipzig hub", description="Arrived")]
    )
    page = client_a.get(f"/scm/fulfillment/shipments/{shipment.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Leipzig hub" in html and "Arrived" in html and "in transit" in html
    assert "Commercial invoice" not in html  # WH1 has no country: not a cross-border page
    url = f"/scm/fulfillment/shipments/{shipment.pk}/tracking-events/"
    done = client_a.post(
        url, {"occurred_at": "2026-03-04T12:30", "status": "delivered", "location": "Door"}
    )
    assert done.status_code == 302
    shipment.refresh_from_db()
    assert shipment.state == "delivered"
    assert TrackingEvent.objects.filter(shipment=shipment, location="Door").count() == 1
    refused = client_a.post(url, {"occurred_at": "", "status": "delivered"}, follow=True)
    assert "Give the event&#x27;s time with its time zone" in refused.content.decode()
    assert Shipment.objects.get(pk=shipment.pk).state == "delivered"
