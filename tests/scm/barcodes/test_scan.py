"""The scan engine: receive by GS1-128 (GTIN, lot, expiry, count), move between bins."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from tests.scm.barcodes.conftest import ledger_matches_balances, location, on_hand

from valuechain.platform.errors import DomainError
from valuechain.scm.barcodes import scan
from valuechain.scm.inventory.models import Lot, StockMove

GS = "\x1d"
# GS1-128 as a scanner sends it: ]C1, GTIN 06291041500213 (GTIN-13 6291041500213 in AI 01),
# expiry 2027-06-30 (DD 00 = end of month), lot L-77 (variable, FNC1), count 20.
RECEIVE_20 = "]C1" + "0106291041500213" + "17270600" + "10L-77" + GS + "3720"


def run(mode, code, state, **data):
    return scan.run_scan(mode, code, state, data)


def refused(mode, code, state, **data):
    with pytest.raises(DomainError) as caught:
        run(mode, code, state, **data)
    return caught.value.code


def test_receive_a_gs1_128_label_with_lot_expiry_and_count(variant, warehouse):
    state = {}
    outcome = run("receive", RECEIVE_20, state, warehouse_id=warehouse.pk)
    assert outcome.message == (
        "Received 20 x Date syrup 500 ml (DS-500) lot L-77, expires 2027-06-30 into WH1/STOCK."
    )
    assert outcome.details["quantity"] == "20"
    assert outcome.details["lot"] == "L-77"
    assert state == {"warehouse_id": warehouse.pk}
    assert on_hand(variant, "WH1/STOCK", "L-77") == Decimal(20)
    lot = Lot.objects.get(variant=variant, number="L-77")
    assert lot.expires_on == date(2027, 6, 30)
    move = StockMove.objects.get()
    assert (move.kind, move.quantity, move.reference) == ("receipt", Decimal(20), "scan")
    assert ledger_matches_balances()


def test_receive_into_a_scanned_location_with_the_quantity_field(variant, warehouse):
    state = {}
    assert run("receive", "wh1/stock/a-01", state, warehouse_id=warehouse.pk).message == (
        "Receiving into WH1/STOCK/A-01."
    )
    assert state["location_id"] == location("WH1/STOCK/A-01").pk
    label = "(01)06291041500213(10)L-1(17)270115"  # the bracketed form, no count
    outcome = run("receive", label, state, quantity="3")
    assert outcome.details["location"] == "WH1/STOCK/A-01"
    assert on_hand(variant, "WH1/STOCK/A-01", "L-1") == Decimal(3)
    # A bare GTIN (EAN-13 on the product) receives one, without lot.
    run("receive", "6291041500213", state)
    assert on_hand(variant, "WH1/STOCK/A-01") == Decimal(1)
    # The SKU works as well.
    run("receive", "DS-500", state, quantity="2")
    assert on_hand(variant, "WH1/STOCK/A-01") == Decimal(3)


def test_receive_without_symbology_identifier_or_separator_markers(variant, warehouse):
    state = {"warehouse_id": warehouse.pk}
    run("receive", "0106291041500213" + "17270600" + "10L-9<GS>375", state)
    assert on_hand(variant, "WH1/STOCK", "L-9") == Decimal(5)
    run("receive", "0106291041500213" + "10L-8" + "\u241d" + "372", state)
    assert on_hand(variant, "WH1/STOCK", "L-8") == Decimal(2)


def test_receive_refusals(variant, warehouse):
    state = {}
    assert refused("receive", RECEIVE_20, state) == "warehouse_required"
    state = {"warehouse_id": warehouse.pk}
    assert refused("receive", "(01)06291041500214(10)X", state) == "invalid_check_digit"
    assert refused("receive", "(01)09506000134352(10)X", state) == "unknown_gtin"
    assert refused("receive", "(11)270101", state) == "unsupported_ai"
    assert refused("receive", "nothing-here", state) == "unknown_code"
    assert refused("receive", "   ", state) == "empty_code"
    assert refused("receive", "DS-500", state, quantity="-1") == "invalid_quantity"
    assert refused("receive", "DS-500", state, quantity="abc") == "invalid_quantity"
    assert refused("receive", "(01)06291041500213(21)S1", state, quantity="2") == (
        "invalid_quantity"
    )
    assert refused("receive", "(00)106141411234567897", state) == "unexpected_sscc"
    assert refused("nope", "DS-500", state) == "unknown_mode"
    assert refused("receive", "DS-500", state, warehouse_id=999999) == "not_found"
    assert StockMove.objects.count() == 0


def test_location_of_another_warehouse_is_refused(variant, warehouse):
    from valuechain.scm.inventory import warehouses

    warehouses.create_warehouse(code="WH2", name="Second")
    state = {"warehouse_id": warehouse.pk}
    assert refused("receive", "WH2/STOCK", state) == "wrong_warehouse"
    assert "location_id" not in state


def test_move_items_from_bin_to_bin(variant, warehouse):
    state = {"warehouse_id": warehouse.pk}
    run("receive", RECEIVE_20, state)
    assert refused("move", "DS-500", state) == "location_first"
    assert run("move", "WH1/STOCK", state).message == "Moving from WH1/STOCK."
    outcome = run("move", "(01)06291041500213(10)L-77(37)5", state)
    assert outcome.message.startswith("To move: 5 x Date syrup 500 ml (DS-500) lot L-77")
    run("move", "(01)06291041500213(10)L-77", state, quantity="2")
    assert len(state["move_items"]) == 2
    assert refused("move", "WH1/STOCK", state) == "same_location"
    outcome = run("move", "WH1/STOCK/B-02", state)
    assert outcome.message == "Moved 7 item(s) from WH1/STOCK to WH1/STOCK/B-02."
    assert len(outcome.details["move_ids"]) == 2
    assert state["move_items"] == []
    assert on_hand(variant, "WH1/STOCK", "L-77") == Decimal(13)
    assert on_hand(variant, "WH1/STOCK/B-02", "L-77") == Decimal(7)
    kinds = set(StockMove.objects.values_list("kind", flat=True))
    assert kinds == {"receipt", "transfer"}
    assert ledger_matches_balances()


def test_move_more_than_on_hand_is_refused_and_nothing_moves(variant, warehouse):
    state = {"warehouse_id": warehouse.pk}
    run("receive", RECEIVE_20, state)
    run("move", "WH1/STOCK", state)
    run("move", "(01)06291041500213(10)L-77(37)15", state)
    run("move", "(01)06291041500213(10)L-77(37)10", state)
    assert refused("move", "WH1/STOCK/A-01", state) == "insufficient_stock"
    assert on_hand(variant, "WH1/STOCK", "L-77") == Decimal(20)
    assert on_hand(variant, "WH1/STOCK/A-01", "L-77") == Decimal(0)
    assert StockMove.objects.filter(kind="transfer").count() == 0
    # The pending lines stay, so the operator can clear them or fix the count.
    assert len(state["move_items"]) == 2


def test_move_of_an_unknown_lot(variant, warehouse):
    state = {"warehouse_id": warehouse.pk}
    run("move", "WH1/STOCK", state)
    run("move", "(01)06291041500213(10)NOPE", state)
    assert refused("move", "WH1/STOCK/A-01", state) == "lot_not_found"


def test_count_a_location_posts_the_differences(variant, warehouse):
    from valuechain.scm.inventory.models import CycleCount

    state = {"warehouse_id": warehouse.pk}
    run("receive", RECEIVE_20, state)  # 20 of L-77 at WH1/STOCK
    run("receive", "(01)06291041500213(10)L-5(37)4", state)  # 4 of L-5 at WH1/STOCK
    assert refused("count", "DS-500", state) == "location_first"
    assert run("count", "WH1/STOCK", state).message == "Counting WH1/STOCK."
    run("count", "(01)06291041500213(10)L-77(37)10", state)
    outcome = run("count", "(01)06291041500213(10)L-77(37)8", state)
    assert outcome.message == "Counted 18 x Date syrup 500 ml (DS-500) lot L-77."
    assert refused("count", "WH1/STOCK/A-01", state) == "count_open"
    outcome = run("count", "FINISH", state)
    # L-77 counted 18 (books 20), L-5 not scanned: counted 0 (books 4).
    assert outcome.message == "Count of WH1/STOCK posted: 2 line(s), 2 adjusted."
    assert on_hand(variant, "WH1/STOCK", "L-77") == Decimal(18)
    assert on_hand(variant, "WH1/STOCK", "L-5") == Decimal(0)
    count = CycleCount.objects.get()
    assert (count.state, outcome.details["number"]) == ("applied", count.number)
    assert StockMove.objects.filter(kind="adjustment").count() == 2
    assert "count_location_id" not in state
    assert ledger_matches_balances()
    assert refused("count", "FINISH", state) == "location_first"
