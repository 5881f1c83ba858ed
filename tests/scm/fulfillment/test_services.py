"""Fulfillment services end to end with real orders and stock: pick lists, picks by line and
by scan, packing, shipping; every refusal with its code, nothing written on error."""

from __future__ import annotations

from decimal import Decimal

import pytest

from valuechain.platform.errors import DomainError
from valuechain.scm.barcodes import gs1
from valuechain.scm.fulfillment import packing, services, shipping
from valuechain.scm.fulfillment.models import Package, PackageLine, PickList, PickListLine, Shipment
from valuechain.scm.inventory import queries as inventory_queries
from valuechain.scm.inventory import reservations
from valuechain.scm.inventory import services as inventory
from valuechain.scm.inventory.models import StockBalance, StockMove
from valuechain.scm.orders import queries as orders_queries
from valuechain.scm.orders import services as orders
from valuechain.scm.orders.models import SalesOrder, SalesOrderEvent

from .conftest import MUG_GTIN, TEA_GTIN

D = Decimal
TEA_L1 = f"(01)0{TEA_GTIN}(10)L1"


def _refused(expected: str, call, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == expected, caught.value.message
    return caught.value


def _balance(world, variant) -> dict:
    rows = inventory_queries.quantities(variant.pk)
    row = next(r for r in rows if r["warehouse_id"] == world.warehouse.pk)
    return {"on_hand": D(row["on_hand"]), "reserved": D(row["reserved"])}


def _lines(pick_list) -> list[PickListLine]:
    return list(
        PickListLine.objects.filter(pick_list=pick_list)
        .select_related("location", "variant", "lot")
        .order_by("sequence")
    )


def test_full_flow_pick_by_scan_pack_two_packages_ship(world):
    first = world.order((world.mug, "3"), (world.tea, "2"))
    second = world.order((world.mug, "1"))
    mug_line, tea_line = sorted(first.lines.all(), key=lambda line: line.pk)
    (second_line,) = second.lines.all()

    pick_list = services.create_pick_list(warehouse_id=world.warehouse.pk)
    assert pick_list.number == "PICK-000001"
    assert pick_list.state == "open"
    lines = _lines(pick_list)
    # Walking order: shelf A (pick_order 10) before shelf B (20); same stop by order line.
    assert [
        (li.sequence, li.location.code, li.variant.sku, li.order_line_id, li.quantity)
        for li in lines
    ] == [
        (1, "WH1/STOCK/A-01", "TEA-1", tea_line.pk, D("2")),
        (2, "WH1/STOCK/B-01", "MUG-1", mug_line.pk, D("3")),
        (3, "WH1/STOCK/B-01", "MUG-1", second_line.pk, D("1")),
    ]
    assert lines[0].lot.number == "L1"
    assert all(li.reservation_id for li in lines)

    # Wrong item at the right place, then the right item with its lot.
    _refused(
        "wrong_item",
        services.scan_pick,
        pick_list.pk,
        location_code="WH1/STOCK/A-01",
        code=MUG_GTIN,
    )
    picked = services.scan_pick(
        pick_list.pk, location_code="WH1/STOCK/A-01", code=TEA_L1, quantity="2"
    )
    assert [li.pk for li in picked] == [lines[0].pk]
    pick_list.refresh_from_db()
    assert pick_list.state == "in_progress"
    # Shelf A is done now: scanning there again is the wrong location, with the next stop.
    error = _refused(
        "wrong_location",
        services.scan_pick,
        pick_list.pk,
        location_code="wh1/stock/a-01",
        code=TEA_L1,
    )
    assert error.details["expected_location"] == "WH1/STOCK/B-01"
    # Four mugs at B: three for the first order's line, one for the second's.
    picked = services.scan_pick(
        pick_list.pk, location_code="WH1/STOCK/B-01", code=MUG_GTIN, quantity=4
    )
    assert [li.pk for li in picked] == [lines[1].pk, lines[2].pk]
    assert [li.quantity_picked for li in _lines(pick_list)] == [D("2"), D("3"), D("1")]
    pick_list.refresh_from_db()
    assert pick_list.state == "done" and pick_list.done_at is not None

    # Two packages for the first order: the tea by scan, the mugs by line.
    tea_box = packing.create_package(
        order_id=first.pk, warehouse_id=world.warehouse.pk, tare_kg="0.2"
    )
    mug_box = packing.create_package(order_id=first.pk, warehouse_id=world.warehouse.pk)
    assert gs1.validate_sscc(tea_box.sscc) == tea_box.sscc
    assert tea_box.sscc == gs1.make_sscc(0, "0614141", 1)
    assert mug_box.sscc == gs1.make_sscc(0, "0614141", 2)
    packing.scan_pack(tea_box.pk, code=TEA_L1, quantity=2)
    _refused("wrong_item", packing.scan_pack, tea_box.pk, code=TEA_L1)  # all tea packed
    packing.pack_items(mug_box.pk, [(lines[1].pk, "3")])
    _refused("other_order", packing.pack_items, mug_box.pk, [(lines[2].pk, "1")])
    packing.close_package(
        tea_box.pk, weight_kg="1.25", length_cm="30", width_cm="20", height_cm="10"
    )
    packing.close_package(mug_box.pk)
    tea_box.refresh_from_db()
    mug_box.refresh_from_db()
    assert (tea_box.state, tea_box.weight_kg, tea_box.declared_weight_kg) == (
        "packed",
        D("1.250"),
        D("1.250"),
    )
    assert (tea_box.length_cm, tea_box.width_cm, tea_box.height_cm) == (
        D("30.0"),
        D("20.0"),
        D("10.0"),
    )
    assert mug_box.weight_kg is None and mug_box.state == "packed"

    shipment = shipping.ship_packages(
        [mug_box.pk, tea_box.pk], carrier_name=" DHL ", tracking_number="JD0146000012345"
    )
    assert (shipment.number, shipment.carrier_name, shipment.tracking_number, shipment.state) == (
        "SHIP-000001",
        "DHL",
        "JD0146000012345",
        "shipped",
    )
    assert shipment.order_id == first.pk and shipment.shipped_at is not None
    assert set(Package.objects.filter(shipment=shipment).values_list("state", flat=True)) == {
        "shipped"
    }

    first.refresh_from_db()
    assert first.state == "shipped"
    assert {li.pk: li.shipped_quantity for li in first.lines.all()} == {
        mug_line.pk: D("3"),
        tea_line.pk: D("2"),
    }
    assert SalesOrderEvent.objects.filter(order=first, state="shipped").exists()
    event = SalesOrderEvent.objects.get(order=first, state="shipped")
    assert "SHIP-000001" in event.detail
    # The customer's 360 timeline shows the shipment (the orders context's timeline source).
    timeline = orders_queries.timeline_entries("account", world.account, None, None, 50)
    shipped_entries = [e for e in timeline if e.kind == "sales_order_shipped"]
    assert [(e.title, e.detail) for e in shipped_entries] == [
        (f"Order {first.number} shipped", event.detail)
    ]
    # Stock: the mugs of the second order stay reserved, nothing else.
    assert _balance(world, world.mug) == {"on_hand": D("17"), "reserved": D("1")}
    assert _balance(world, world.tea) == {"on_hand": D("8"), "reserved": D("0")}
    moves = StockMove.objects.filter(kind="shipment", reference="SHIP-000001")
    assert sorted((m.source_id, m.quantity) for m in moves) == sorted(
        [(mug_line.pk, D("3")), (tea_line.pk, D("2"))]
    )
    assert [li.quantity_shipped for li in _lines(pick_list)] == [D("2"), D("3"), D("0")]


def test_partial_shipments_then_shipped(world):
    order = world.order((world.mug, "5"))
    pick_list = services.create_pick_list(warehouse_id=world.warehouse.pk)
    (line,) = _lines(pick_list)
    services.confirm_pick(pick_list.pk, line.pk, "5")
    first = packing.create_package(order_id=order.pk, warehouse_id=world.warehouse.pk)
    packing.pack_items(first.pk, [(line.pk, "2")])
    packing.close_package(first.pk)
    shipping.ship_packages([first.pk], carrier_name="UPS")
    order.refresh_from_db()
    assert order.state == "partially_shipped"
    assert _balance(world, world.mug) == {"on_hand": D("18"), "reserved": D("3")}
    # Nothing new to pick: the rest is picked and waits on the done list.
    _refused("nothing_to_pick", services.create_pick_list, warehouse_id=world.warehouse.pk)
    second = packing.create_package(order_id=order.pk, warehouse_id=world.warehouse.pk)
    _refused("exceeds_picked", packing.pack_items, second.pk, [(line.pk, "4")])
    packing.pack_items(second.pk, [(line.pk, "3")])
    packing.close_package(second.pk)
    shipping.ship_packages([second.pk], carrier_name="UPS", tracking_number="1Z999")
    order.refresh_from_db()
    assert order.state == "shipped"
    assert _balance(world, world.mug) == {"on_hand": D("15"), "reserved": D("0")}
    assert Shipment.objects.filter(order=order).count() == 2


def test_new_pick_list_takes_only_what_no_list_holds(world):
    world.order((world.mug, "3"))
    first = services.create_pick_list(warehouse_id=world.warehouse.pk)
    _refused("nothing_to_pick", services.create_pick_list, warehouse_id=world.warehouse.pk)
    later = world.order((world.mug, "2"))
    second = services.create_pick_list(warehouse_id=world.warehouse.pk)
    assert [(li.order_line.order_id, li.quantity) for li in _lines(second)] == [(later.pk, D("2"))]
    # A short pick leaves the rest for the next list.
    (line,) = _lines(first)
    services.confirm_pick(first.pk, line.pk, "1")
    services.close_pick_list(first.pk)
    third = services.create_pick_list(warehouse_id=world.warehouse.pk)
    assert [li.quantity for li in _lines(third)] == [D("2")]
    # Cancelling frees everything it held.
    services.cancel_pick_list(second.pk)
    fourth = services.create_pick_list(warehouse_id=world.warehouse.pk)
    assert [(li.order_line.order_id, li.quantity) for li in _lines(fourth)] == [(later.pk, D("2"))]


def test_pick_list_for_chosen_orders_only(world):
    world.order((world.mug, "1"))
    chosen = world.order((world.mug, "2"))
    pick_list = services.create_pick_list(warehouse_id=world.warehouse.pk, order_ids=[chosen.pk])
    assert [li.order_line.order_id for li in _lines(pick_list)] == [chosen.pk]


def test_picking_refusals(world, tenant_b):
    world.order((world.tea, "2"))
    pick_list = services.create_pick_list(warehouse_id=world.warehouse.pk)
    (line,) = _lines(pick_list)
    assert _refused("over_pick", services.confirm_pick, pick_list.pk, line.pk, "3").status == 409
    _refused("invalid_quantity", services.confirm_pick, pick_list.pk, line.pk, "0")
    _refused("not_found", services.confirm_pick, pick_list.pk, 999999, "1")
    _refused("not_found", services.confirm_pick, 999999, line.pk, "1")
    _refused(
        "unknown_location", services.scan_pick, pick_list.pk, location_code="NOPE", code=TEA_L1
    )
    _refused(
        "wrong_location",
        services.scan_pick,
        pick_list.pk,
        location_code="WH1/STOCK/B-01",
        code=TEA_L1,
    )
    assert (
        _refused(
            "wrong_lot",
            services.scan_pick,
            pick_list.pk,
            location_code="WH1/STOCK/A-01",
            code=f"(01)0{TEA_GTIN}(10)L9",
        ).status
        == 409
    )
    _refused(
        "unreadable_code",
        services.scan_pick,
        pick_list.pk,
        location_code="WH1/STOCK/A-01",
        code="(01)04012345000008",
    )  # wrong check digit
    _refused(
        "not_an_item",
        services.scan_pick,
        pick_list.pk,
        location_code="WH1/STOCK/A-01",
        code=f"(00){gs1.make_sscc(0, '0614141', 5)}",
    )
    _refused(
        "over_pick",
        services.scan_pick,
        pick_list.pk,
        location_code="WH1/STOCK/A-01",
        code=TEA_GTIN,
        quantity=3,
    )
    _refused("nothing_picked", services.close_pick_list, pick_list.pk)
    _refused("not_found", services.create_pick_list, warehouse_id=999999)
    assert _lines(pick_list)[0].quantity_picked == D("0")
    # A plain GTIN is enough when one lot qualifies; the SKU works too.
    services.scan_pick(pick_list.pk, location_code="WH1/STOCK/A-01", code=TEA_GTIN)
    services.scan_pick(pick_list.pk, location_code="WH1/STOCK/A-01", code="tea-1")
    pick_list.refresh_from_db()
    assert pick_list.state == "done"
    _refused("pick_list_closed", services.confirm_pick, pick_list.pk, line.pk, "1")
    assert _refused("invalid_state", services.cancel_pick_list, pick_list.pk).status == 409


def test_several_lots_need_the_lot_scanned(world):
    inventory.receive(
        variant=world.tea,
        warehouse=world.warehouse,
        quantity=D("5"),
        location=world.shelf_a,
        lot_number="L2",
    )
    world.order((world.tea, "12"))  # takes both lots
    pick_list = services.create_pick_list(warehouse_id=world.warehouse.pk)
    assert sorted(li.lot.number for li in _lines(pick_list)) == ["L1", "L2"]
    _refused(
        "lot_required",
        services.scan_pick,
        pick_list.pk,
        location_code="WH1/STOCK/A-01",
        code=TEA_GTIN,
    )
    picked = services.scan_pick(
        pick_list.pk, location_code="WH1/STOCK/A-01", code=f"]C101{'0' + TEA_GTIN}10L2", quantity=2
    )
    assert [li.lot.number for li in picked] == ["L2"]


def test_shipping_takes_the_stock_from_the_lot_that_was_picked_and_packed(world):
    inventory.receive(
        variant=world.tea,
        warehouse=world.warehouse,
        quantity=D("5"),
        location=world.shelf_a,
        lot_number="L2",
    )
    order = world.order((world.tea, "12"))  # 10 of L1 (reserved first), 2 of L2
    pick_list = services.create_pick_list(warehouse_id=world.warehouse.pk)
    by_lot = {line.lot.number: line for line in _lines(pick_list)}
    services.confirm_pick(pick_list.pk, by_lot["L2"].pk, "2")
    package = packing.create_package(order_id=order.pk, warehouse_id=world.warehouse.pk)
    packing.pack_items(package.pk, [(by_lot["L2"].pk, "2")])
    packing.close_package(package.pk)
    shipping.ship_packages([package.pk], carrier_name="UPS")
    shipped = StockMove.objects.filter(kind="shipment", variant=world.tea)
    # Oldest-first would have shipped 2 of L1, which is still on the shelf.
    assert [(m.lot.number, m.quantity) for m in shipped] == [("L2", D("2"))]
    lots = {
        balance.lot.number: (balance.on_hand, balance.reserved)
        for balance in StockBalance.objects.filter(
            variant=world.tea, location=world.shelf_a
        ).select_related("lot")
    }
    assert lots == {"L1": (D("10"), D("10")), "L2": (D("3"), D("0"))}
    assert inventory_queries.ledger_mismatches() == []


def test_cancel_pick_list_refused_once_packed(world):
    order = world.order((world.mug, "2"))
    pick_list = services.create_pick_list(warehouse_id=world.warehouse.pk)
    (line,) = _lines(pick_list)
    services.confirm_pick(pick_list.pk, line.pk, "1")  # in progress
    package = packing.create_package(order_id=order.pk, warehouse_id=world.warehouse.pk)
    packing.pack_items(package.pk, [(line.pk, "1")])
    assert _refused("pick_list_packed", services.cancel_pick_list, pick_list.pk).status == 409
    packing.cancel_package(package.pk)
    line.refresh_from_db()
    assert line.quantity_packed == D("0")
    assert not PackageLine.objects.filter(package=package).exists()
    services.cancel_pick_list(pick_list.pk)
    assert PickList.objects.get(pk=pick_list.pk).state == "cancelled"


def _packed(world, order, quantity: str = "2") -> tuple[Package, PickListLine]:
    pick_list = services.create_pick_list(warehouse_id=world.warehouse.pk, order_ids=[order.pk])
    (line,) = _lines(pick_list)
    services.confirm_pick(pick_list.pk, line.pk, quantity)
    package = packing.create_package(order_id=order.pk, warehouse_id=world.warehouse.pk)
    packing.pack_items(package.pk, [(line.pk, quantity)])
    return package, line


def test_package_rules(world):
    order = world.order((world.mug, "2"))
    package, line = _packed(world, order)
    empty = packing.create_package(order_id=order.pk, warehouse_id=world.warehouse.pk)
    assert _refused("empty_package", packing.close_package, empty.pk).status == 409
    _refused("invalid_weight", packing.close_package, package.pk, weight_kg="-1")
    _refused("invalid_dimension", packing.close_package, package.pk, length_cm="0")
    _refused("wrong_item", packing.scan_pack, empty.pk, code=MUG_GTIN)  # all of it packed
    packing.close_package(package.pk, weight_kg="0.9")
    _refused("package_not_open", packing.pack_items, package.pk, [(line.pk, "1")])
    packing.reopen_package(package.pk)
    package.refresh_from_db()
    assert package.state == "open" and package.packed_at is None
    packing.close_package(package.pk)
    package.refresh_from_db()
    assert package.weight_kg is None  # sealed again without a measured weight
    _refused("not_found", packing.create_package, order_id=999999, warehouse_id=world.warehouse.pk)
    _refused(
        "invalid_weight",
        packing.create_package,
        order_id=order.pk,
        warehouse_id=world.warehouse.pk,
        tare_kg="x",
    )


def test_computed_weight_is_tare_plus_contents(world):
    order = world.order((world.mug, "2"))
    package, _line = _packed(world, order)
    package.refresh_from_db()
    weights = services.queries.unit_weights([world.mug.pk])
    if weights[world.mug.pk] is None:
        assert package.computed_weight_kg is None  # catalog has no weight: unknown
    else:
        assert package.computed_weight_kg == (2 * weights[world.mug.pk] + D("0")).quantize(
            D("0.001")
        )


def test_shipping_refusals_write_nothing(world):
    first = world.order((world.mug, "2"))
    second = world.order((world.mug, "1"))
    open_package, _line = _packed(world, first)
    assert (
        _refused(
            "package_not_packed", shipping.ship_packages, [open_package.pk], carrier_name="DHL"
        ).status
        == 409
    )
    packing.close_package(open_package.pk)
    other, _ = _packed(world, second, "1")
    packing.close_package(other.pk)
    _refused(
        "mixed_orders", shipping.ship_packages, [open_package.pk, other.pk], carrier_name="DHL"
    )
    _refused("carrier_required", shipping.ship_packages, [open_package.pk], carrier_name=" ")
    _refused("no_packages", shipping.ship_packages, [], carrier_name="DHL")
    _refused("not_found", shipping.ship_packages, [open_package.pk, 999999], carrier_name="DHL")
    # The reservation is gone (released behind fulfillment's back): shipping is refused.
    reservations.release("orders.salesorderline", [first.lines.get().pk])
    error = _refused(
        "exceeds_reserved", shipping.ship_packages, [open_package.pk], carrier_name="DHL"
    )
    assert error.status == 409
    assert not Shipment.objects.exists()
    assert not StockMove.objects.filter(kind="shipment").exists()
    assert SalesOrder.objects.get(pk=first.pk).state == "confirmed"
    assert Package.objects.get(pk=open_package.pk).state == "packed"


def test_cancelled_order_does_not_ship(world):
    order = world.order((world.mug, "2"))
    package, _line = _packed(world, order)
    packing.close_package(package.pk)
    orders.cancel_order(order.pk)
    assert (
        _refused(
            "order_not_shippable", shipping.ship_packages, [package.pk], carrier_name="DHL"
        ).status
        == 409
    )


def test_tracking_and_delivery(world):
    order = world.order((world.mug, "1"))
    package, _line = _packed(world, order, "1")
    packing.close_package(package.pk)
    shipment = shipping.ship_packages([package.pk], carrier_name="DPD")
    assert shipment.tracking_number == ""
    shipping.update_tracking(shipment.pk, tracking_number=" 0123 4567 ")
    shipment.refresh_from_db()
    assert (shipment.carrier_name, shipment.tracking_number) == ("DPD", "0123 4567")
    _refused("carrier_required", shipping.update_tracking, shipment.pk, carrier_name="")
    shipping.mark_delivered(shipment.pk)
    shipment.refresh_from_db()
    assert shipment.state == "delivered" and shipment.delivered_at is not None
    _refused("invalid_state", shipping.mark_delivered, shipment.pk)
    _refused("invalid_state", packing.reopen_package, package.pk)
    _refused("invalid_state", packing.cancel_package, package.pk)


def test_settings_and_sscc_numbering(world):
    settings = services.update_settings(
        gs1_company_prefix="4012345", sscc_extension_digit=3, default_tare_kg="0.15"
    )
    assert (
        settings.gs1_company_prefix,
        settings.sscc_extension_digit,
        settings.default_tare_kg,
    ) == ("4012345", 3, D("0.150"))
    order = world.order((world.mug, "1"))
    package = packing.create_package(order_id=order.pk, warehouse_id=world.warehouse.pk)
    assert package.sscc == gs1.make_sscc(3, "4012345", 1)
    assert package.sscc.startswith("34012345")
    assert package.tare_kg == D("0.150")
    _refused("invalid_company_prefix", services.update_settings, gs1_company_prefix="12")
    _refused("invalid_extension_digit", services.update_settings, sscc_extension_digit=10)
    services.update_settings(gs1_company_prefix="401234567890")  # 12 digits: 4 serial digits
    from valuechain.platform.numbering import configure_sequence

    configure_sequence("sscc", next_value=10_000)
    _refused(
        "sscc_exhausted",
        packing.create_package,
        order_id=order.pk,
        warehouse_id=world.warehouse.pk,
    )


def test_assign_pick_list(world, admin_a):
    world.order((world.mug, "1"))
    pick_list = services.create_pick_list(
        warehouse_id=world.warehouse.pk, assignee_id=admin_a.user_id
    )
    assert pick_list.assignee_id == admin_a.user_id
    services.assign_pick_list(pick_list.pk, assignee_id=None)
    assert PickList.objects.get(pk=pick_list.pk).assignee_id is None
    _refused("not_tenant_member", services.assign_pick_list, pick_list.pk, assignee_id=999999)
