"""Transfers through in-transit, cycle counts, scrap, adjustments, returns, production moves,
negative stock, available-to-promise."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from tests.scm.inventory.conftest import D, row_for

from valuechain.platform.audit.models import AuditEntry
from valuechain.platform.errors import DomainError
from valuechain.scm.inventory import movements, queries, reservations, services, supply, warehouses
from valuechain.scm.inventory.models import CycleCountLine, StockBalance, StockMove, Transfer
from valuechain.scm.inventory.reservations import Demand


def reconciled() -> None:
    assert queries.ledger_mismatches() == []


def test_transfer_goes_through_in_transit_and_counts_as_incoming(network):
    services.receive(variant=network.apple, warehouse=network.dc1, quantity=D(10))
    reservations.reserve([Demand("orders.salesorderline", 1, network.apple.pk, D(6))])
    with pytest.raises(DomainError) as caught:
        movements.ship_transfer(
            variant=network.apple,
            from_warehouse=network.dc1,
            to_warehouse=network.store,
            quantity=D(5),
        )
    assert caught.value.details["available"] == "4"
    transfer = movements.ship_transfer(
        variant=network.apple,
        from_warehouse=network.dc1,
        to_warehouse=network.store,
        quantity=D(4),
        expected_on=timezone.localdate() + timedelta(days=2),
    )
    assert transfer.number.startswith("TR-")
    assert transfer.state == "in_transit"
    store = row_for(network.apple, network.store)
    assert (store["on_hand"], store["incoming"], store["available"]) == (D(0), D(4), D(0))
    assert row_for(network.apple, network.dc1)["on_hand"] == D(6)
    transit = StockBalance.objects.get(location__code="S1/TRANSIT")
    assert transit.on_hand == D(4)
    reconciled()
    movements.receive_transfer(transfer.pk)
    store = row_for(network.apple, network.store)
    assert (store["on_hand"], store["incoming"], store["available"]) == (D(4), D(0), D(4))
    assert [
        m.to_location.code
        for m in StockMove.objects.filter(
            source_id=transfer.pk, source_type="inventory.transfer"
        ).order_by("pk")
    ] == ["S1/TRANSIT", "S1/STOCK"]
    with pytest.raises(DomainError) as caught:
        movements.receive_transfer(transfer.pk)
    assert (caught.value.code, caught.value.status) == ("already_received", 409)
    with pytest.raises(DomainError) as caught:
        movements.ship_transfer(
            variant=network.apple,
            from_warehouse=network.dc1,
            to_warehouse=network.dc1,
            quantity=D(1),
        )
    assert caught.value.code == "same_warehouse"
    reconciled()


def test_transfer_keeps_lots_and_picks_fefo(network):
    warehouses.update_settings(fefo=True)
    day = timezone.localdate()
    services.receive(
        variant=network.apple,
        warehouse=network.dc1,
        quantity=D(3),
        lot_number="B",
        expires_on=day + timedelta(days=20),
    )
    services.receive(
        variant=network.apple,
        warehouse=network.dc1,
        quantity=D(3),
        lot_number="A",
        expires_on=day + timedelta(days=5),
    )
    transfer = movements.ship_transfer(
        variant=network.apple, from_warehouse=network.dc1, to_warehouse=network.dc2, quantity=D(4)
    )
    movements.receive_transfer(transfer.pk)
    at_dc2 = {
        b.lot.number: b.on_hand
        for b in StockBalance.objects.filter(location__code="DC2/STOCK").select_related("lot")
    }
    assert at_dc2 == {"A": D(3), "B": D(1)}
    reconciled()


def test_cycle_count_posts_audited_adjustments(network):
    services.receive(variant=network.apple, warehouse=network.dc1, quantity=D(10))
    services.receive(variant=network.pear, warehouse=network.dc1, quantity=D(2))
    stock = services.location_of(network.dc1, "stock")
    count = movements.create_count(
        warehouse=network.dc1,
        lines=[
            {"location_id": stock.pk, "variant_id": network.apple.pk, "counted": D(8)},
            {"location_id": stock.pk, "variant_id": network.pear.pk, "counted": 5},
        ],
        note="aisle 1",
    )
    assert [
        line.expected for line in CycleCountLine.objects.filter(count=count).order_by("pk")
    ] == [D(10), D(2)]
    movements.apply_count(count.pk)
    count.refresh_from_db()
    assert count.state == "applied"
    moves = StockMove.objects.filter(
        source_type="inventory.cyclecount", source_id=count.pk
    ).order_by("pk")
    assert [
        (m.kind, m.quantity, m.from_location.code, m.to_location.code, m.reference) for m in moves
    ] == [
        ("adjustment", D(2), "DC1/STOCK", "ADJUSTMENT", count.number),
        ("adjustment", D(3), "ADJUSTMENT", "DC1/STOCK", count.number),
    ]
    assert all(m.actor_id is not None for m in moves)
    assert AuditEntry.objects.filter(
        content_type__app_label="inventory",
        content_type__model="cyclecount",
        object_id=str(count.pk),
    ).exists()
    assert row_for(network.apple, network.dc1)["on_hand"] == D(8)
    assert [
        line.difference for line in CycleCountLine.objects.filter(count=count).order_by("pk")
    ] == [D(-2), D(3)]
    with pytest.raises(DomainError) as caught:
        movements.apply_count(count.pk)
    assert caught.value.code == "invalid_transition"
    reconciled()


def test_count_below_reserved_is_refused(network):
    services.receive(variant=network.apple, warehouse=network.dc1, quantity=D(5))
    reservations.reserve([Demand("orders.salesorderline", 1, network.apple.pk, D(4))])
    stock = services.location_of(network.dc1, "stock")
    count = movements.create_count(
        warehouse=network.dc1,
        lines=[{"location_id": stock.pk, "variant_id": network.apple.pk, "counted": 3}],
    )
    with pytest.raises(DomainError) as caught:
        movements.apply_count(count.pk)
    assert (caught.value.code, caught.value.status) == ("count_below_reserved", 409)
    with pytest.raises(DomainError) as caught:
        movements.create_count(
            warehouse=network.dc2,
            lines=[{"location_id": stock.pk, "variant_id": network.apple.pk, "counted": 3}],
        )
    assert (caught.value.code, caught.value.field) == ("invalid_location", "lines.0.location_id")
    with pytest.raises(DomainError) as caught:
        movements.create_count(
            warehouse=network.dc1,
            lines=[{"location_id": stock.pk, "variant_id": network.apple.pk, "counted": -1}],
        )
    assert (caught.value.code, caught.value.field) == ("invalid_counted", "lines.0.counted")


def test_scrap_adjust_and_return(network):
    services.receive(variant=network.apple, warehouse=network.dc1, quantity=D(5), lot_number="L1")
    movements.scrap(variant=network.apple, warehouse=network.dc1, quantity=D(2), lot_number="L1")
    with pytest.raises(DomainError) as caught:
        movements.scrap(
            variant=network.apple, warehouse=network.dc1, quantity=D(4), lot_number="L1"
        )
    assert caught.value.code == "insufficient_stock"
    with pytest.raises(DomainError) as caught:
        movements.scrap(
            variant=network.apple, warehouse=network.dc1, quantity=D(1), lot_number="NOPE"
        )
    assert (caught.value.code, caught.value.status) == ("lot_not_found", 404)
    stock = services.location_of(network.dc1, "stock")
    movements.adjust(
        variant=network.apple, location=stock, quantity=D(-1), lot_number="L1", reference="broken"
    )
    movements.adjust(variant=network.apple, location=stock, quantity=D(4))
    with pytest.raises(DomainError) as caught:
        movements.adjust(variant=network.apple, location=stock, quantity=D(-5))
    assert caught.value.code == "insufficient_stock"
    with pytest.raises(DomainError) as caught:
        movements.adjust(variant=network.apple, location=stock, quantity=D(0))
    assert caught.value.code == "invalid_quantity"
    movements.return_goods(
        variant=network.apple, warehouse=network.dc1, quantity=D(1), to_quality=True
    )
    row = row_for(network.apple, network.dc1)
    assert (row["on_hand"], row["available"]) == (
        D(7),
        D(6),
    )  # scrap excluded; quality not sellable
    assert StockBalance.objects.get(location__code="DC1/SCRAP").on_hand == D(2)
    reconciled()


def test_negative_adjustment_allowed_when_the_tenant_allows_it(network):
    warehouses.update_settings(allow_negative_stock=True)
    stock = services.location_of(network.dc1, "stock")
    movements.adjust(variant=network.apple, location=stock, quantity=D(-3))
    assert row_for(network.apple, network.dc1)["on_hand"] == D(-3)
    assert queries.available([network.apple.pk])[network.apple.pk] == D(0)
    reconciled()


def test_post_move_for_production(network):
    services.receive(variant=network.apple, warehouse=network.dc1, quantity=D(5))
    stock = services.location_of(network.dc1, "stock")
    production = services.virtual_location("production")
    movements.post_move(
        kind="consume",
        variant=network.apple,
        quantity=D(2),
        from_location=stock,
        to_location=production,
        source_type="manufacturing.workorder",
        source_id=1,
    )
    day = timezone.localdate() + timedelta(days=90)
    move = movements.post_move(
        kind="produce",
        variant=network.pear,
        quantity=D(1),
        from_location=production,
        to_location=stock,
        lot_number="P1",
        expires_on=day,
    )
    assert (move.lot.number, move.lot.expires_on) == ("P1", day)
    with pytest.raises(DomainError) as caught:
        movements.post_move(
            kind="consume",
            variant=network.apple,
            quantity=D(1),
            from_location=stock,
            to_location=services.virtual_location("customer"),
        )
    assert caught.value.code == "invalid_location"
    with pytest.raises(DomainError) as caught:
        movements.post_move(
            kind="consume",
            variant=network.apple,
            quantity=D(9),
            from_location=stock,
            to_location=production,
        )
    assert caught.value.code == "insufficient_stock"
    with pytest.raises(DomainError) as caught:
        movements.post_move(
            kind="melt",
            variant=network.apple,
            quantity=D(1),
            from_location=stock,
            to_location=production,
        )
    assert caught.value.code == "invalid_kind"
    assert row_for(network.apple, network.dc1)["on_hand"] == D(3)
    reconciled()


def test_atp_by_date(network):
    day = timezone.localdate()
    services.receive(
        variant=network.apple,
        warehouse=network.dc1,
        quantity=D(5),
        lot_number="X",
        expires_on=day + timedelta(days=3),
    )
    services.receive(variant=network.apple, warehouse=network.dc2, quantity=D(4))
    reservations.reserve(
        [Demand("orders.salesorderline", 1, network.apple.pk, D(1))], warehouse_ids=[network.dc2.pk]
    )
    supply.request_supply(
        variant=network.apple,
        warehouse=network.dc1,
        quantity=D(10),
        reason="reorder",
        expected_on=day + timedelta(days=7),
    )
    movements.ship_transfer(
        variant=network.apple,
        from_warehouse=network.dc2,
        to_warehouse=network.dc1,
        quantity=D(2),
        expected_on=day + timedelta(days=1),
    )
    assert queries.atp(network.apple.pk, day)["atp"] == D(6)  # 5 + 1 free at DC2
    assert queries.atp(network.apple.pk, day + timedelta(days=1))["atp"] == D(8)  # + transfer
    assert queries.atp(network.apple.pk, day + timedelta(days=4))["atp"] == D(3)  # lot X expired
    assert queries.atp(network.apple.pk, day + timedelta(days=7))["atp"] == D(13)  # + supply
    assert queries.atp(network.apple.pk, day + timedelta(days=7), warehouse_id=network.dc1.pk)[
        "atp"
    ] == D(12)
    assert Transfer.objects.count() == 1
