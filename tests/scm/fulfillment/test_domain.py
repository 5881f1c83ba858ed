"""Pure fulfillment rules: walking order, what is left to pick, weights, state machines."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from valuechain.scm.fulfillment import domain
from valuechain.scm.fulfillment.domain import LineProgress, Reserved, RuleBroken, Stop


def _reserved(rid: int, line: int, qty: str, order: int, code: str, sku: str = "A") -> Reserved:
    return Reserved(rid, line, 7, rid * 10, None, D(qty), Stop(order, code, sku, "", line))


# --- walking order ------------------------------------------------------------------------


def test_pick_path_sorts_by_pick_order_then_code_then_sku_lot_and_line():
    stops = [
        Stop(20, "WH/A-01", "SKU-B", "", 3),
        Stop(10, "WH/Z-99", "SKU-A", "", 4),
        Stop(20, "WH/A-01", "SKU-A", "L2", 2),
        Stop(20, "WH/A-01", "SKU-A", "L1", 9),
        Stop(20, "WH/A-00", "SKU-Z", "", 1),
        Stop(0, "WH/B-01", "SKU-A", "", 5),
    ]
    path = domain.pick_path(stops)
    assert [(s.pick_order, s.location_code, s.sku, s.lot_number) for s in path] == [
        (0, "WH/B-01", "SKU-A", ""),
        (10, "WH/Z-99", "SKU-A", ""),
        (20, "WH/A-00", "SKU-Z", ""),
        (20, "WH/A-01", "SKU-A", "L1"),
        (20, "WH/A-01", "SKU-A", "L2"),
        (20, "WH/A-01", "SKU-B", ""),
    ]


def test_same_location_same_item_orders_by_order_line():
    path = domain.pick_path([Stop(1, "A", "X", "", 8), Stop(1, "A", "X", "", 2)])
    assert [s.order_line_id for s in path] == [2, 8]


# --- what a new pick list takes ---------------------------------------------------------------


def test_pick_demands_without_earlier_lists_take_everything_in_walking_order():
    rows = [
        _reserved(1, 100, "3", 20, "B"),
        _reserved(2, 101, "2", 10, "C"),
        _reserved(3, 100, "1", 10, "A"),
    ]
    demands = domain.pick_demands(rows, {})
    assert [(d.reservation_id, d.order_line_id, d.quantity) for d in demands] == [
        (3, 100, D("1")),
        (2, 101, D("2")),
        (1, 100, D("3")),
    ]


def test_pick_demands_take_off_what_lists_hold_in_walking_order():
    rows = [_reserved(1, 100, "3", 20, "B"), _reserved(3, 100, "2", 10, "A")]
    # 3 held: the first stop (A, 2) is covered, then 1 of B; 2 of B are left.
    demands = domain.pick_demands(rows, {100: D("3")})
    assert [(d.reservation_id, d.quantity) for d in demands] == [(1, D("2"))]
    assert domain.pick_demands(rows, {100: D("5")}) == []
    assert domain.pick_demands(rows, {100: D("9")}) == []
    assert domain.pick_demands(rows, {999: D("9")})[0].quantity == D("2")


def test_held_by_line_depends_on_list_state_and_what_was_shipped():
    line = LineProgress(D("5"), picked=D("3"), packed=D("2"), shipped=D("1"))
    assert domain.held_by_line(line, "open") == D("4")
    assert domain.held_by_line(line, "in_progress") == D("4")
    assert domain.held_by_line(line, "done") == D("2")
    assert domain.held_by_line(line, "cancelled") == D("0")
    shipped_all = LineProgress(D("5"), picked=D("5"), packed=D("5"), shipped=D("5"))
    assert domain.held_by_line(shipped_all, "done") == D("0")


# --- picking progress -----------------------------------------------------------------------


def test_fully_picked_and_packed_and_the_state_after_picks():
    none = [LineProgress(D("2")), LineProgress(D("1"))]
    some = [LineProgress(D("2"), picked=D("1")), LineProgress(D("1"))]
    all_ = [LineProgress(D("2"), picked=D("2")), LineProgress(D("1"), picked=D("1"))]
    assert domain.state_after_pick(none) == "open"
    assert domain.state_after_pick(some) == "in_progress"
    assert domain.state_after_pick(all_) == "done"
    assert domain.state_after_pick([]) == "open"
    assert not domain.fully_picked(some) and domain.fully_picked(all_)
    assert domain.fully_packed(none)  # nothing picked, nothing to pack
    assert not domain.fully_packed(all_)
    packed = [LineProgress(D("2"), picked=D("2"), packed=D("2"))]
    assert domain.fully_packed(packed)
    assert LineProgress(D("2"), picked=D("2"), packed=D("0.5")).to_pack == D("1.5")
    assert LineProgress(D("2"), picked=D("3")).to_pick == D("0")


def test_check_pick_refuses_more_than_left():
    line = LineProgress(D("3"), picked=D("2"))
    domain.check_pick(line, D("1"))
    with pytest.raises(RuleBroken) as caught:
        domain.check_pick(line, D("1.5"))
    assert (caught.value.code, caught.value.status, caught.value.field) == (
        "over_pick",
        409,
        "quantity",
    )
    assert "Only 1 left to pick" in caught.value.message


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", D("1.0000")), (D("2.5"), D("2.5000")), (3, D("3.0000")), ("0.0001", D("0.0001"))],
)
def test_quantity_accepts_positive_numbers_with_four_decimals(value, expected):
    assert domain.quantity(value) == expected


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.00001", "NaN", "Infinity", None, "1e20"])
def test_quantity_refuses(value):
    with pytest.raises(RuleBroken) as caught:
        domain.quantity(value)
    assert caught.value.code == "invalid_quantity"
    assert caught.value.field == "quantity"


def test_quantity_zero_when_allowed():
    assert domain.quantity("0", allow_zero=True) == D("0")


def test_take_in_order_splits_over_lines_and_refuses_shortage():
    assert domain.take_in_order([(1, D("2")), (2, D("3"))], D("4")) == [(1, D("2")), (2, D("2"))]
    assert domain.take_in_order([(1, D("0")), (2, D("3"))], D("1")) == [(2, D("1"))]
    with pytest.raises(RuleBroken) as caught:
        domain.take_in_order([(1, D("2"))], D("3"))
    assert (caught.value.code, caught.value.status) == ("nothing_to_pack", 409)


# --- weights --------------------------------------------------------------------------------


def test_contents_weight_sums_unit_weights_and_tare():
    assert domain.contents_weight([(D("2"), D("0.25")), (D("3"), D("1.1"))], D("0.4")) == D("4.200")
    assert domain.contents_weight([], D("0.35")) == D("0.350")
    assert domain.contents_weight([(D("1"), D("0.5")), (D("1"), None)], D("0.4")) is None


def test_package_weight_prefers_the_measured_one():
    assert domain.package_weight(D("5.2"), D("4.2")) == D("5.2")
    assert domain.package_weight(None, D("4.2")) == D("4.2")
    assert domain.package_weight(None, None) is None
    assert domain.package_weight(D("0"), D("4.2")) == D("0")


def test_weight_and_dimension_validation():
    assert domain.weight("1.2346") == D("1.235")
    assert domain.weight(0) == D("0.000")
    assert domain.dimension("30", "length") == D("30.0")
    for bad in ("-1", "x", "1e9"):
        with pytest.raises(RuleBroken) as caught:
            domain.weight(bad)
        assert caught.value.code == "invalid_weight"
    for bad in ("0", "-3", "x"):
        with pytest.raises(RuleBroken) as caught:
            domain.dimension(bad, "width")
        assert (caught.value.code, caught.value.field) == ("invalid_dimension", "width")


def test_shipment_quantities_sum_per_order_line_sorted():
    totals = domain.shipment_quantities([(5, D("1")), (2, D("2")), (5, D("3"))])
    assert totals == {2: D("2"), 5: D("4")}
    assert list(totals) == [2, 5]


def test_check_shippable_refuses_more_than_reserved():
    domain.check_shippable({1: D("2")}, {1: D("2")}, {})
    with pytest.raises(RuleBroken) as caught:
        domain.check_shippable({1: D("2"), 2: D("3")}, {1: D("2"), 2: D("1")}, {2: "SO-1 line 2"})
    assert (caught.value.code, caught.value.status) == ("exceeds_reserved", 409)
    assert caught.value.message == "SO-1 line 2: 3 to ship but only 1 reserved."


# --- state machines -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("machine", "current", "target", "allowed"),
    [
        ("pick_list", "open", "in_progress", True),
        ("pick_list", "open", "done", True),
        ("pick_list", "open", "cancelled", True),
        ("pick_list", "in_progress", "done", True),
        ("pick_list", "in_progress", "cancelled", True),
        ("pick_list", "in_progress", "open", False),
        ("pick_list", "done", "cancelled", False),
        ("pick_list", "cancelled", "open", False),
        ("package", "open", "packed", True),
        ("package", "packed", "open", True),
        ("package", "packed", "shipped", True),
        ("package", "open", "shipped", False),
        ("package", "shipped", "cancelled", False),
        ("package", "packed", "cancelled", True),
        ("shipment", "shipped", "delivered", True),
        ("shipment", "delivered", "shipped", False),
    ],
)
def test_state_machines(machine, current, target, allowed):
    assert domain.can_move(machine, current, target) is allowed
    if allowed:
        domain.check_move(machine, current, target)
    else:
        with pytest.raises(RuleBroken) as caught:
            domain.check_move(machine, current, target)
        assert (caught.value.code, caught.value.status) == ("invalid_state", 409)


def test_every_state_has_a_transition_entry():
    assert set(domain.PICK_LIST_TRANSITIONS) == set(domain.PICK_LIST_STATES)
    assert set(domain.PACKAGE_TRANSITIONS) == set(domain.PACKAGE_STATES)
    assert set(domain.SHIPMENT_TRANSITIONS) == set(domain.SHIPMENT_STATES)


# --- codes ----------------------------------------------------------------------------------


def test_gtin14_pads_valid_lengths_only():
    assert domain.gtin14("4006381333931") == "04006381333931"
    assert domain.gtin14("12345670") == "00000012345670"
    assert domain.gtin14("10614141000415") == "10614141000415"
    assert domain.gtin14("12345") == ""
    assert domain.gtin14("abc") == ""


def test_company_prefix_and_serial_digits():
    assert domain.check_company_prefix(" 0614141 ") == "0614141"
    assert domain.sscc_serial_digits("0614141") == 9
    for bad in ("12345", "1234567890123", "06141x1", ""):
        with pytest.raises(RuleBroken) as caught:
            domain.check_company_prefix(bad)
        assert caught.value.code == "invalid_company_prefix"


def test_normal_drops_trailing_zeros():
    assert domain.normal(D("2.5000")) == "2.5"
    assert domain.normal(D("10.0000")) == "10"
