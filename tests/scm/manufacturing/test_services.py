"""Manufacturing use cases against the database: bills (versions, units, cycles), work
orders through every state with exact stock at each step, every refusal code, the supply
request hand-over; the ledger equals the balances after each flow."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from tests.scm.manufacturing.conftest import D, assert_ledger_reconciles, stock, variant

from valuechain.platform.errors import DomainError
from valuechain.platform.events.models import OutboxEvent
from valuechain.scm.catalog import services as catalog
from valuechain.scm.inventory import services as inventory
from valuechain.scm.inventory import supply
from valuechain.scm.inventory.models import Reservation, StockMove, SupplyRequest
from valuechain.scm.manufacturing import services, workorders
from valuechain.scm.manufacturing.models import ProductionRecord, TimeEntry


def refused(expected: str, call, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == expected, caught.value.message
    return caught.value


def new_order(plant, quantity=10, **values):
    return workorders.create_work_order(
        variant_id=plant.shelf.pk,
        quantity=D(quantity),
        warehouse_id=plant.warehouse.pk,
        work_centre_id=plant.saw.pk,
        **values,
    )


def events(name: str) -> int:
    return OutboxEvent.objects.filter(type=name).count()


# --- a work order's life ------------------------------------------------------------------


def test_release_reserves_record_consumes_and_produces_complete_releases(plant):
    order = new_order(plant)
    assert order.state == "planned" and order.number.startswith("WO-")
    assert order.bom == plant.bom
    workorders.release_work_order(order.pk)
    order.refresh_from_db()
    assert order.state == "released"
    required = {c.variant.sku: c.required_quantity for c in order.components.all()}
    assert required == {"BOARD": D(21), "SCREW": D(80)}  # 10 x 2 x 1.05, 10 x 8
    assert stock(plant.board, plant.warehouse) == (D(100), D(21))
    assert stock(plant.screw, plant.warehouse) == (D(200), D(80))

    workorders.start_work_order(order.pk)
    workorders.record_production(order.pk, good=D(4), scrap=D(1))
    assert stock(plant.board, plant.warehouse) == (D("89.5"), D("10.5"))
    assert stock(plant.screw, plant.warehouse) == (D(160), D(40))
    assert stock(plant.shelf, plant.warehouse) == (D(4), D(0))
    assert stock(plant.offcut, plant.warehouse) == (D("2.5"), D(0))

    workorders.record_production(order.pk, good=D(5))
    order.refresh_from_db()
    assert (order.good_quantity, order.scrap_quantity, order.remaining) == (D(9), D(1), D(0))
    assert stock(plant.board, plant.warehouse) == (D(79), D(0))
    assert stock(plant.screw, plant.warehouse) == (D(120), D(0))
    assert stock(plant.shelf, plant.warehouse) == (D(9), D(0))
    assert stock(plant.offcut, plant.warehouse) == (D(5), D(0))

    workorders.complete_work_order(order.pk)
    order.refresh_from_db()
    assert order.state == "done" and order.done_at is not None
    assert not TimeEntry.objects.filter(work_order=order, stopped_at__isnull=True).exists()
    kinds = sorted(
        set(StockMove.objects.filter(reference=order.number).values_list("kind", flat=True))
    )
    assert kinds == ["consume", "produce"]
    assert ProductionRecord.objects.filter(work_order=order).count() == 2
    for name in (
        "WorkOrderPlanned",
        "WorkOrderReleased",
        "WorkOrderStarted",
        "ProductionRecorded",
        "WorkOrderCompleted",
    ):
        assert events(name) >= 1, name
    assert_ledger_reconciles()


def test_completing_early_releases_what_was_not_consumed(plant):
    order = new_order(plant)
    workorders.release_work_order(order.pk)
    workorders.start_work_order(order.pk)
    workorders.record_production(order.pk, good=D(4))
    workorders.complete_work_order(order.pk)
    assert stock(plant.board, plant.warehouse) == (D("91.6"), D(0))  # 8.4 consumed
    assert stock(plant.screw, plant.warehouse) == (D(168), D(0))
    assert not Reservation.objects.filter(state="active").exists()
    assert_ledger_reconciles()


def test_cancelling_releases_reservations(plant):
    order = new_order(plant)
    workorders.release_work_order(order.pk)
    workorders.cancel_work_order(order.pk)
    order.refresh_from_db()
    assert order.state == "cancelled"
    assert stock(plant.board, plant.warehouse) == (D(100), D(0))
    assert events("WorkOrderCancelled") == 1
    assert_ledger_reconciles()


def test_stop_and_start_again_keeps_separate_runs(plant):
    order = new_order(plant)
    workorders.release_work_order(order.pk)
    workorders.start_work_order(order.pk)
    workorders.stop_work_order(order.pk)
    workorders.start_work_order(order.pk)
    assert TimeEntry.objects.filter(work_order=order).count() == 2
    assert TimeEntry.objects.filter(work_order=order, stopped_at__isnull=True).count() == 1


def test_a_shortage_is_insufficient_stock_and_reserves_nothing(plant):
    order = new_order(plant, quantity=60)  # 126 boards needed, 100 there
    error = refused("insufficient_stock", workorders.release_work_order, order.pk)
    assert error.status == 409
    assert error.details["available"] == "100" and error.details["requested"] == "126"
    order.refresh_from_db()
    assert order.state == "planned" and not order.components.exists()
    assert stock(plant.board, plant.warehouse) == (D(100), D(0))


def test_work_order_refusals(plant):
    order = new_order(plant)
    refused("invalid_transition", workorders.complete_work_order, order.pk)
    refused("invalid_transition", workorders.start_work_order, order.pk)
    refused("invalid_transition", workorders.record_production, order.pk, good=D(1))
    refused("not_running", workorders.stop_work_order, order.pk)
    workorders.release_work_order(order.pk)
    refused("invalid_transition", workorders.release_work_order, order.pk)
    refused("not_started", workorders.record_production, order.pk, good=D(1))
    refused("nothing_produced", workorders.complete_work_order, order.pk)
    workorders.start_work_order(order.pk)
    refused("already_running", workorders.start_work_order, order.pk)
    refused("nothing_produced", workorders.record_production, order.pk, good=D(0))
    refused("invalid_good_quantity", workorders.record_production, order.pk, good="-1")
    refused("invalid_scrap_quantity", workorders.record_production, order.pk, good=1, scrap=0.5)
    error = refused(
        "over_production", workorders.record_production, order.pk, good=D(10), scrap=D(1)
    )
    assert error.details["remaining"] == "10"
    refused("invalid_transition", workorders.cancel_work_order, order.pk)
    workorders.record_production(order.pk, good=D(10))
    workorders.complete_work_order(order.pk)
    refused("invalid_transition", workorders.complete_work_order, order.pk)
    refused("invalid_transition", workorders.cancel_work_order, order.pk)
    refused("work_order_not_found", workorders.release_work_order, 999999)


def test_creation_refusals(plant):
    refused("invalid_quantity", new_order, plant, quantity=0)
    refused(
        "variant_not_found",
        workorders.create_work_order,
        variant_id=999999,
        quantity=D(1),
        warehouse_id=plant.warehouse.pk,
        work_centre_id=plant.saw.pk,
    )
    refused(
        "no_active_bom",
        workorders.create_work_order,
        variant_id=plant.board.pk,
        quantity=D(1),
        warehouse_id=plant.warehouse.pk,
        work_centre_id=plant.saw.pk,
    )
    other = services.create_bom(
        variant_id=plant.offcut.pk, components=[{"variant_id": plant.board.pk, "quantity": D(1)}]
    )
    refused("bom_mismatch", new_order, plant, bom_id=other.pk)
    refused("bom_not_found", new_order, plant, bom_id=999999)
    refused(
        "warehouse_not_found",
        workorders.create_work_order,
        variant_id=plant.shelf.pk,
        quantity=D(1),
        warehouse_id=999999,
        work_centre_id=plant.saw.pk,
    )
    refused(
        "work_centre_not_found",
        workorders.create_work_order,
        variant_id=plant.shelf.pk,
        quantity=D(1),
        warehouse_id=plant.warehouse.pk,
        work_centre_id=999999,
    )
    services.update_work_centre(plant.saw.pk, is_active=False)
    refused("work_centre_inactive", new_order, plant)


# --- bills --------------------------------------------------------------------------------


def test_versions_follow_each_other_and_the_valid_one_is_used(plant):
    today = date.today()
    refused(
        "bom_overlap",
        services.create_bom,
        variant_id=plant.shelf.pk,
        components=[{"variant_id": plant.board.pk, "quantity": D(3)}],
        valid_from=today + timedelta(days=10),
    )
    services.end_bom(plant.bom.pk, valid_to=today + timedelta(days=9))
    second = services.create_bom(
        variant_id=plant.shelf.pk,
        components=[{"variant_id": plant.board.pk, "quantity": D(3)}],
        valid_from=today + timedelta(days=10),
    )
    assert second.version == 2
    assert new_order(plant).bom == plant.bom
    assert new_order(plant, planned_start=today + timedelta(days=10)).bom == second
    services.archive_bom(plant.bom.pk)
    refused("no_active_bom", new_order, plant)
    refused("invalid_valid_to", services.end_bom, second.pk, valid_to=today)


def test_bill_refusals(plant):
    board = plant.board.pk
    create = services.create_bom
    refused("components_required", create, variant_id=plant.offcut.pk, components=[])
    refused(
        "invalid_kind",
        create,
        variant_id=plant.offcut.pk,
        kind="magic",
        components=[{"variant_id": board, "quantity": 1}],
    )
    refused(
        "invalid_output_quantity",
        create,
        variant_id=plant.offcut.pk,
        output_quantity=0,
        components=[{"variant_id": board, "quantity": 1}],
    )
    refused(
        "invalid_quantity",
        create,
        variant_id=plant.offcut.pk,
        components=[{"variant_id": board, "quantity": "x"}],
    )
    refused(
        "invalid_scrap_percent",
        create,
        variant_id=plant.offcut.pk,
        components=[{"variant_id": board, "quantity": 1, "scrap_percent": -1}],
    )
    refused(
        "invalid_scrap_percent",
        create,
        variant_id=plant.offcut.pk,
        components=[{"variant_id": board, "quantity": 1}],
        byproducts=[{"variant_id": plant.screw.pk, "quantity": 1, "scrap_percent": 5}],
    )
    refused(
        "variant_not_found",
        create,
        variant_id=plant.offcut.pk,
        components=[{"variant_id": 999999, "quantity": 1}],
    )
    refused(
        "bom_cycle",
        create,
        variant_id=plant.offcut.pk,
        components=[{"variant_id": plant.offcut.pk, "quantity": 1}],
    )
    refused(
        "invalid_valid_to",
        create,
        variant_id=plant.offcut.pk,
        components=[{"variant_id": board, "quantity": 1}],
        valid_to=date.today() - timedelta(days=1),
    )
    catalog.install_standard_units()
    refused(
        "unit_not_found",
        create,
        variant_id=plant.offcut.pk,
        components=[{"variant_id": board, "quantity": 1, "unit": "furlong"}],
    )
    refused(
        "unit_mismatch",
        create,
        variant_id=plant.offcut.pk,
        components=[{"variant_id": board, "quantity": 1, "unit": "kg"}],
    )
    # a board made from shelves: shelf -> board -> shelf
    error = refused(
        "bom_cycle",
        create,
        variant_id=board,
        components=[{"variant_id": plant.shelf.pk, "quantity": 1}],
    )
    assert error.details["path"] == [board, plant.shelf.pk, board]
    assert "BOARD → SHELF → BOARD" in error.message


def test_units_and_phantom_kits_in_requirements(plant):
    catalog.install_standard_units()
    bracket = variant("BRACKETS", "Bracket set")
    services.create_bom(
        variant_id=bracket.pk,
        kind="kit",
        components=[{"variant_id": plant.screw.pk, "quantity": D(4)}],
    )
    rack = variant("RACK", "Rack")
    services.create_bom(
        variant_id=rack.pk,
        output_quantity=D(2),
        components=[
            {"variant_id": plant.board.pk, "quantity": D(1)},
            {"variant_id": plant.screw.pk, "quantity": D(1), "unit": "dozen"},
            {"variant_id": bracket.pk, "quantity": D(2)},
            {"variant_id": plant.shelf.pk, "quantity": D(2)},
        ],
    )
    inventory.receive(variant=plant.shelf, warehouse=plant.warehouse, quantity=D(10))
    order = workorders.create_work_order(
        variant_id=rack.pk,
        quantity=D(4),
        warehouse_id=plant.warehouse.pk,
        work_centre_id=plant.saw.pk,
    )
    workorders.release_work_order(order.pk)
    required = {c.variant.sku: c.required_quantity for c in order.components.all()}
    # per 2 racks: 1 board, 12 screws, 2 kits of 4 screws (phantom), 2 shelves (made apart)
    assert required == {"BOARD": D(2), "SCREW": D(40), "SHELF": D(4)}


# --- work centres -------------------------------------------------------------------------


def test_work_centre_refusals(plant):
    refused(
        "duplicate_code", services.create_work_centre, code="saw", name="Other", capacity_per_hour=1
    )
    refused(
        "invalid_code", services.create_work_centre, code="a b", name="Other", capacity_per_hour=1
    )
    refused(
        "code_required", services.create_work_centre, code="", name="Other", capacity_per_hour=1
    )
    refused("name_required", services.create_work_centre, code="X", name="", capacity_per_hour=1)
    refused(
        "invalid_capacity_per_hour",
        services.create_work_centre,
        code="X",
        name="X",
        capacity_per_hour=0,
    )
    refused(
        "invalid_hours_per_day",
        services.create_work_centre,
        code="X",
        name="X",
        capacity_per_hour=1,
        hours_per_day=25,
    )
    refused("unknown_field", services.update_work_centre, plant.saw.pk, colour="red")
    refused("work_centre_not_found", services.update_work_centre, 999999, name="X")
    changed = services.update_work_centre(plant.saw.pk, capacity_per_hour="12.5", code="saw-2")
    assert (changed.capacity_per_hour, changed.code) == (D("12.5"), "SAW-2")


# --- supply requests ----------------------------------------------------------------------


def test_a_supply_request_becomes_a_work_order(plant):
    request = supply.request_supply(
        variant=plant.shelf,
        warehouse=plant.warehouse,
        quantity=D(3),
        reason="mto",
        origin_type="orders.salesorderline",
        origin_id=7,
    )
    order = workorders.work_order_from_supply_request(request.pk, work_centre_id=plant.saw.pk)
    request.refresh_from_db()
    assert (order.quantity, order.supply_request_id, request.state) == (D(3), request.pk, "ordered")
    refused(
        "already_ordered",
        workorders.work_order_from_supply_request,
        request.pk,
        work_centre_id=plant.saw.pk,
    )
    workorders.cancel_work_order(order.pk)
    again = workorders.work_order_from_supply_request(request.pk, work_centre_id=plant.saw.pk)
    workorders.release_work_order(again.pk)
    workorders.start_work_order(again.pk)
    workorders.record_production(again.pk, good=D(3))
    workorders.complete_work_order(again.pk)
    request.refresh_from_db()
    assert request.state == "done"
    refused(
        "invalid_transition",
        workorders.work_order_from_supply_request,
        request.pk,
        work_centre_id=plant.saw.pk,
    )
    refused(
        "supply_request_not_found",
        workorders.work_order_from_supply_request,
        999999,
        work_centre_id=plant.saw.pk,
    )
    assert_ledger_reconciles()


def test_a_supply_request_without_bill_is_refused(plant):
    request = supply.request_supply(
        variant=plant.board, warehouse=plant.warehouse, quantity=D(3), reason="mto"
    )
    refused(
        "no_active_bom",
        workorders.work_order_from_supply_request,
        request.pk,
        work_centre_id=plant.saw.pk,
    )
    assert SupplyRequest.objects.get(pk=request.pk).state == "open"
