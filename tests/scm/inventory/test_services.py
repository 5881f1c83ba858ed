"""Inventory services: warehouses, receipts, reservations, release, shipment, issue, supply."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from tests.scm.inventory.conftest import D, row_for, variant

from valuechain.platform.errors import DomainError
from valuechain.platform.events.models import OutboxEvent
from valuechain.scm.inventory import queries, reservations, services, supply, warehouses
from valuechain.scm.inventory.models import (
    Location,
    Reservation,
    StockBalance,
    StockMove,
    SupplyRequest,
)
from valuechain.scm.inventory.reservations import Demand

SO = "orders.salesorderline"


def demand(line: int, v, qty) -> Demand:
    return Demand(SO, line, v.pk, D(qty))


def assert_reconciled() -> None:
    assert queries.ledger_mismatches() == []


def test_create_warehouse_makes_one_location_per_internal_kind(network):
    codes = sorted(Location.objects.filter(warehouse=network.dc1).values_list("code", "kind"))
    assert codes == [
        ("DC1/PACKING", "packing"),
        ("DC1/QUALITY", "quality"),
        ("DC1/RECEIVING", "receiving"),
        ("DC1/SCRAP", "scrap"),
        ("DC1/SHIPPING", "shipping"),
        ("DC1/STOCK", "stock"),
        ("DC1/TRANSIT", "transit"),
    ]
    # virtual locations are not created by reads or by creating warehouses
    assert not Location.objects.filter(warehouse__isnull=True).exists()
    queries.available([network.apple.pk])
    assert not Location.objects.filter(warehouse__isnull=True).exists()


def test_create_warehouse_refuses_bad_and_duplicate_codes(network):
    with pytest.raises(DomainError) as caught:
        warehouses.create_warehouse(code="dc1", name="Again")
    assert (caught.value.code, caught.value.status, caught.value.field) == (
        "duplicate_code",
        409,
        "code",
    )
    with pytest.raises(DomainError) as caught:
        warehouses.create_warehouse(code="a b", name="Bad")
    assert caught.value.code == "invalid_code"
    with pytest.raises(DomainError) as caught:
        warehouses.create_warehouse(code="OK", name="")
    assert caught.value.code == "name_required"


def test_receive_creates_virtual_supplier_once_and_books_stock(network):
    move = services.receive(
        variant=network.apple, warehouse=network.dc1, quantity=D(10), reference="PO-1"
    )
    services.receive(variant=network.apple, warehouse=network.dc1, quantity=D("2.5"))
    assert move.kind == "receipt"
    assert move.from_location.code == "SUPPLIER"
    assert move.to_location.code == "DC1/STOCK"
    assert Location.objects.filter(warehouse__isnull=True).count() == 1
    balance = StockBalance.objects.get(variant=network.apple)
    assert (balance.on_hand, balance.reserved) == (D("12.5"), D(0))
    assert queries.available([network.apple.pk, network.pear.pk]) == {
        network.apple.pk: D("12.5"),
        network.pear.pk: D(0),
    }
    assert OutboxEvent.objects.filter(type="StockReceived").count() == 2
    assert_reconciled()


@pytest.mark.parametrize("bad", [0, -1, "abc", "1.00001"])
def test_receive_refuses_bad_quantities(network, bad):
    with pytest.raises(DomainError) as caught:
        services.receive(variant=network.apple, warehouse=network.dc1, quantity=bad)
    assert (caught.value.code, caught.value.field) == ("invalid_quantity", "quantity")
    assert not StockMove.objects.exists()


def test_receive_with_lot_and_expiry(network):
    expiry = timezone.localdate() + timedelta(days=30)
    move = services.receive(
        variant=network.apple,
        warehouse=network.dc1,
        quantity=D(5),
        lot_number="L1",
        expires_on=expiry,
    )
    assert (move.lot.number, move.lot.expires_on) == ("L1", expiry)
    with pytest.raises(DomainError) as caught:
        services.receive(
            variant=network.apple,
            warehouse=network.dc1,
            quantity=D(5),
            lot_number="L1",
            expires_on=expiry + timedelta(days=1),
        )
    assert (caught.value.code, caught.value.status) == ("lot_expiry_mismatch", 409)
    with pytest.raises(DomainError) as caught:
        services.receive(
            variant=network.apple, warehouse=network.dc1, quantity=D(5), expires_on=expiry
        )
    assert caught.value.code == "lot_required"


def test_reserve_by_priority_and_split(network):
    services.receive(variant=network.apple, warehouse=network.dc1, quantity=D(4))
    services.receive(variant=network.apple, warehouse=network.dc2, quantity=D(10))
    outcome = reservations.reserve([demand(1, network.apple, 6)], reference="SO-1")
    assert [(a.source_id, a.warehouse_id, a.quantity) for a in outcome.allocations] == [
        (1, network.dc1.pk, D(4)),
        (1, network.dc2.pk, D(2)),
    ]
    assert outcome.backordered == {}
    assert row_for(network.apple, network.dc1)["reserved"] == D(4)
    assert row_for(network.apple, network.dc2)["available"] == D(8)
    assert row_for(network.apple, network.dc2)["outgoing"] == D(2)
    assert queries.available([network.apple.pk]) == {network.apple.pk: D(8)}
    assert_reconciled()


def test_reserve_nearest_first_with_ship_to(network):
    services.receive(variant=network.apple, warehouse=network.dc1, quantity=D(10))
    services.receive(variant=network.apple, warehouse=network.dc2, quantity=D(10))
    outcome = reservations.reserve(
        [demand(1, network.apple, 3)], ship_to_country="DE", ship_to_postal_code="81671"
    )
    assert [(a.warehouse_id, a.quantity) for a in outcome.allocations] == [(network.dc2.pk, D(3))]


def test_reserve_without_split_uses_one_warehouse_or_fails(network):
    services.receive(variant=network.apple, warehouse=network.dc1, quantity=D(4))
    services.receive(variant=network.apple, warehouse=network.dc2, quantity=D(5))
    outcome = reservations.reserve([demand(1, network.apple, 5)], allow_split=False)
    assert [(a.warehouse_id, a.quantity) for a in outcome.allocations] == [(network.dc2.pk, D(5))]
    with pytest.raises(DomainError) as caught:
        reservations.reserve([demand(2, network.apple, 5)], allow_split=False)
    assert caught.value.details == {
        "variant_id": network.apple.pk,
        "requested": "5",
        "available": "4",
    }


def test_reserve_is_all_or_nothing(network):
    services.receive(variant=network.apple, warehouse=network.dc1, quantity=D(10))
    services.receive(variant=network.pear, warehouse=network.dc1, quantity=D(1))
    with pytest.raises(DomainError) as caught:
        reservations.reserve([demand(1, network.apple, 5), demand(2, network.pear, 2)])
    error = caught.value
    assert (error.code, error.status) == ("insufficient_stock", 409)
    assert error.details == {"variant_id": network.pear.pk, "requested": "2", "available": "1"}
    assert not Reservation.objects.exists()
    assert StockBalance.objects.filter(reserved__gt=0).count() == 0


def test_reserve_backorders_the_rest(network):
    services.receive(variant=network.apple, warehouse=network.dc1, quantity=D(3))
    outcome = reservations.reserve([demand(1, network.apple, 5)], allow_backorder=True)
    assert [(a.warehouse_id, a.quantity) for a in outcome.allocations] == [(network.dc1.pk, D(3))]
    assert outcome.backordered == {1: D(2)}


def test_reserve_limited_to_warehouses(network):
    services.receive(variant=network.apple, warehouse=network.dc1, quantity=D(3))
    with pytest.raises(DomainError) as caught:
        reservations.reserve([demand(1, network.apple, 1)], warehouse_ids=[network.store.pk])
    assert caught.value.details["available"] == "0"


def test_reserve_never_takes_expired_lots_and_fefo_orders_the_rest(network):
    day = timezone.localdate()
    warehouses.update_settings(fefo=True)
    for number, days in (("OLD", -1), ("LATE", 60), ("SOON", 10)):
        services.receive(
            variant=network.apple,
            warehouse=network.dc1,
            quantity=D(5),
            lot_number=number,
            expires_on=day + timedelta(days=days),
        )
    assert queries.available([network.apple.pk])[network.apple.pk] == D(10)
    reservations.reserve([demand(1, network.apple, 7)])
    held = {
        r.balance.lot.number: r.quantity for r in Reservation.objects.select_related("balance__lot")
    }
    assert held == {"SOON": D(5), "LATE": D(2)}
    with pytest.raises(DomainError) as caught:
        reservations.reserve([demand(2, network.apple, 4)])
    assert caught.value.details["available"] == "3"


def test_release_frees_stock_and_is_idempotent(network):
    services.receive(variant=network.apple, warehouse=network.dc1, quantity=D(5))
    reservations.reserve([demand(1, network.apple, 2), demand(2, network.apple, 1)])
    assert reservations.release(SO, [1, 2]) == D(3)
    assert reservations.release(SO, [1, 2]) == D(0)
    assert set(Reservation.objects.values_list("state", flat=True)) == {"released"}
    assert queries.available([network.apple.pk])[network.apple.pk] == D(5)
    assert_reconciled()


def test_ship_consumes_reservations_partially_then_fully(network):
    services.receive(variant=network.apple, warehouse=network.dc1, quantity=D(5))
    reservations.reserve([demand(1, network.apple, 4)], reference="SO-9")
    moves = reservations.ship(SO, 1, D(1), reference="SHP-1")
    assert [(m.kind, m.quantity, m.to_location.code, m.source_id) for m in moves] == [
        ("shipment", D(1), "CUSTOMER", 1)
    ]
    reservation = Reservation.objects.get()
    assert (reservation.state, reservation.shipped, reservation.open_quantity) == (
        "active",
        D(1),
        D(3),
    )
    reservations.ship(SO, 1, D(3))
    reservation.refresh_from_db()
    assert reservation.state == "consumed"
    row = row_for(network.apple, network.dc1)
    assert (row["on_hand"], row["reserved"], row["available"]) == (D(1), D(0), D(1))
    with pytest.raises(DomainError) as caught:
        reservations.ship(SO, 1, D(1))
    assert (caught.value.code, caught.value.status) == ("not_reserved", 409)
    assert reservations.release(SO, [1]) == D(0)
    assert_reconciled()


def test_ship_refuses_expired_lot_under_fefo(network, monkeypatch):
    day = timezone.localdate()
    warehouses.update_settings(fefo=True)
    services.receive(
        variant=network.apple,
        warehouse=network.dc1,
        quantity=D(5),
        lot_number="L",
        expires_on=day + timedelta(days=1),
    )
    reservations.reserve([demand(1, network.apple, 2)])
    monkeypatch.setattr(services, "today", lambda: day + timedelta(days=2))
    with pytest.raises(DomainError) as caught:
        reservations.ship(SO, 1, D(2))
    assert (caught.value.code, caught.value.details["lot"]) == ("lot_expired", "L")
    assert not StockMove.objects.filter(kind="shipment").exists()


def test_issue_takes_free_stock_and_refuses_shortage(network):
    services.receive(variant=network.apple, warehouse=network.store, quantity=D(5))
    reservations.reserve([demand(1, network.apple, 2)])
    moves = services.issue(
        variant=network.apple, warehouse=network.store, quantity=D(3), reference="POS-1"
    )
    assert sum(m.quantity for m in moves) == D(3)
    with pytest.raises(DomainError) as caught:
        services.issue(variant=network.apple, warehouse=network.store, quantity=D(1))
    assert caught.value.code == "insufficient_stock"
    assert caught.value.details == {
        "variant_id": network.apple.pk,
        "requested": "1",
        "available": "0",
    }
    row = row_for(network.apple, network.store)
    assert (row["on_hand"], row["reserved"]) == (D(2), D(2))
    assert_reconciled()


def test_issue_goes_negative_when_the_tenant_allows_it(network):
    warehouses.update_settings(allow_negative_stock=True)
    services.receive(variant=network.apple, warehouse=network.store, quantity=D(1))
    services.issue(variant=network.apple, warehouse=network.store, quantity=D(3))
    row = row_for(network.apple, network.store)
    assert (row["on_hand"], row["available"]) == (D(-2), D(0))
    assert_reconciled()


def test_request_supply_counts_as_incoming_and_refuses_duplicate_proposals(network):
    request = supply.request_supply(
        variant=network.apple,
        warehouse=network.dc1,
        quantity=D(7),
        reason="mto",
        origin_type=SO,
        origin_id=5,
    )
    assert (request.state, request.reason, request.origin_id) == ("open", "mto", 5)
    supply.request_supply(
        variant=network.apple, warehouse=network.dc1, quantity=D(3), reason="reorder"
    )
    with pytest.raises(DomainError) as caught:
        supply.request_supply(
            variant=network.apple, warehouse=network.dc1, quantity=D(3), reason="reorder"
        )
    assert (caught.value.code, caught.value.status) == ("duplicate_proposal", 409)
    assert row_for(network.apple, network.dc1)["incoming"] == D(10)
    supply.change_supply_request(request.pk, state="ordered")
    assert row_for(network.apple, network.dc1)["incoming"] == D(10)
    supply.change_supply_request(request.pk, state="done")
    assert row_for(network.apple, network.dc1)["incoming"] == D(3)
    with pytest.raises(DomainError) as caught:
        supply.change_supply_request(request.pk, state="cancelled")
    assert caught.value.code == "invalid_transition"
    assert SupplyRequest.objects.count() == 2
    with pytest.raises(DomainError) as caught:
        supply.request_supply(
            variant=network.apple, warehouse=network.dc1, quantity=D(3), reason="x"
        )
    assert caught.value.code == "invalid_reason"


def test_active_reservations_for_pick_lists(network):
    other = variant("PLM-1", "Plum")
    services.receive(variant=network.apple, warehouse=network.dc1, quantity=D(5))
    services.receive(variant=other, warehouse=network.dc1, quantity=D(5))
    reservations.reserve([demand(2, network.apple, 1), demand(1, other, 2)])
    reservations.reserve([Demand("pos.sale", 9, network.apple.pk, D(1))])
    rows = queries.active_reservations(warehouse_id=network.dc1.pk, source_type=SO)
    assert [
        (r.source_id, r.variant.sku, r.open_quantity, r.balance.location.code) for r in rows
    ] == [
        (1, "PLM-1", D(2), "DC1/STOCK"),
        (2, "APL-1", D(1), "DC1/STOCK"),
    ]
    assert queries.active_reservations(warehouse_id=network.dc2.pk, source_type=SO) == []


def test_quantities_lists_every_active_warehouse(network):
    services.receive(variant=network.apple, warehouse=network.dc2, quantity=D(5))
    rows = queries.quantities(network.apple.pk)
    assert [(r["warehouse_code"], r["on_hand"], r["available"]) for r in rows] == [
        ("DC1", D(0), D(0)),
        ("DC2", D(5), D(5)),
        ("S1", D(0), D(0)),
    ]


def test_tenants_do_not_see_each_others_stock(network, tenant_b):
    from valuechain.platform.tenancy.context import tenant_context

    services.receive(variant=network.apple, warehouse=network.dc1, quantity=D(5))
    with tenant_context(tenant_b):
        assert queries.available([network.apple.pk]) == {network.apple.pk: D(0)}
        assert StockBalance.objects.count() == 0
