"""Returns to vendor: shipping moves the goods out of quality (rejected, on hold) or stock to
the supplier exactly, counts them on the order line, expects a credit note of quantity x PO
price; returns from stock lower what may be billed; refusals."""

from __future__ import annotations

import pytest

from valuechain.platform.errors import DomainError
from valuechain.scm.inventory import queries as inventory_queries
from valuechain.scm.inventory import services as inventory
from valuechain.scm.inventory.models import StockMove
from valuechain.scm.payables import bills, queries, vendor_returns
from valuechain.scm.payables.models import SupplierCreditNote

from .conftest import D, on_hand


def refused(call, code, field=None):
    with pytest.raises(DomainError) as caught:
        call()
    assert caught.value.code == code, caught.value.message
    if field:
        assert caught.value.field == field
    return caught.value


@pytest.fixture
def delivered(buying):
    """100 BOLT at 2.345678 ordered: 90 accepted into stock, 10.5 rejected in quality."""
    order = buying.order(
        {
            "variant": buying.bolt,
            "quantity": 100,
            "unit_price": "2.345678",
            "accepted": 89.5,
            "rejected": "10.5",
        },
    )
    inventory.receive(variant=buying.bolt, warehouse=buying.warehouse, quantity=D("89.5"))
    inventory.receive(
        variant=buying.bolt,
        warehouse=buying.warehouse,
        quantity=D("10.5"),
        location=inventory.location_of(buying.warehouse, "quality"),
    )
    return order


def test_shipping_rejected_goods_moves_them_from_quality_and_expects_a_credit(buying, delivered):
    (line,) = buying.lines(delivered)
    rtv = vendor_returns.create_return(
        purchase_order_id=delivered.pk,
        reason="failed inspection",
        lines=[{"po_line_id": line.pk, "quantity": "10.5", "reason": "scratched"}],
    )
    assert (rtv.number, rtv.state) == ("RTV-000001", "draft")
    assert on_hand(buying.bolt, buying.warehouse, "quality") == D("10.5")  # nothing moved yet
    shipped = vendor_returns.ship_return(rtv.pk)
    assert shipped.state == "shipped"
    assert on_hand(buying.bolt, buying.warehouse, "quality") == D(0)
    assert on_hand(buying.bolt, buying.warehouse, "stock") == D("89.5")
    move = StockMove.objects.get(kind="return")
    assert (move.quantity, move.from_location.kind, move.to_location.kind, move.reference) == (
        D("10.5"),
        "quality",
        "supplier",
        "RTV-000001",
    )
    assert inventory_queries.ledger_mismatches() == []
    line.refresh_from_db()
    assert line.returned_quantity == D("10.5")
    note = SupplierCreditNote.objects.get()
    # 10.5 x 2.345678 = 24.629619 → 24.63 EUR
    assert (note.number, note.state, note.expected_amount, note.currency) == (
        "SCN-000001",
        "expected",
        D("24.63"),
        "EUR",
    )
    # Rejected goods were never accepted: the billable quantity stays 89.5.
    assert [row["quantity"] for row in bills.proposed_lines(delivered.pk)] == [D("89.5")]
    received = vendor_returns.receive_credit_note(
        note.pk, supplier_credit_number="GS-881", amount="24.60", received_on="2026-04-01"
    )
    assert (received.state, received.amount, received.difference) == (
        "received",
        D("24.60"),
        D("-0.03"),
    )
    rtv.refresh_from_db()
    assert rtv.state == "credited"
    refused(
        lambda: vendor_returns.receive_credit_note(
            note.pk, supplier_credit_number="GS-882", amount="1", received_on="2026-04-01"
        ),
        "invalid_state",
    )


def test_returning_accepted_goods_from_stock_lowers_the_billable(buying, delivered):
    (line,) = buying.lines(delivered)
    rtv = vendor_returns.create_return(
        purchase_order_id=delivered.pk,
        reason="faulty after use",
        lines=[{"po_line_id": line.pk, "quantity": "4", "source": "stock"}],
    )
    vendor_returns.ship_return(rtv.pk)
    assert on_hand(buying.bolt, buying.warehouse, "stock") == D("85.5")
    assert on_hand(buying.bolt, buying.warehouse, "quality") == D("10.5")
    assert [row["quantity"] for row in bills.proposed_lines(delivered.pk)] == [D("85.5")]
    assert SupplierCreditNote.objects.get().expected_amount == D("9.38")  # 9.382712
    (row,) = queries.returnable_lines(delivered.pk)
    assert (row.on_hold, row.accepted) == (D("10.5"), D("85.5"))


def test_cannot_return_more_than_rejected_or_accepted(buying, delivered):
    (line,) = buying.lines(delivered)
    rtv = vendor_returns.create_return(
        purchase_order_id=delivered.pk,
        reason="x",
        lines=[
            {"po_line_id": line.pk, "quantity": "6"},
            {"po_line_id": line.pk, "quantity": "4.5001"},
        ],
    )
    error = refused(
        lambda: vendor_returns.ship_return(rtv.pk), "return_exceeds_quantity", "lines[1].quantity"
    )
    assert error.message == (
        "Only 10.5 of BOLT are rejected and on hold on this order line; 10.5001 would go back."
    )
    assert on_hand(buying.bolt, buying.warehouse, "quality") == D("10.5")
    assert buying.lines(delivered)[0].returned_quantity == D(0)
    vendor_returns.cancel_return(rtv.pk)
    refused(lambda: vendor_returns.ship_return(rtv.pk), "invalid_state")
    too_many = vendor_returns.create_return(
        purchase_order_id=delivered.pk,
        reason="x",
        lines=[{"po_line_id": line.pk, "quantity": "89.5001", "source": "stock"}],
    )
    refused(lambda: vendor_returns.ship_return(too_many.pk), "return_exceeds_quantity")


def test_missing_stock_at_the_location_refuses_shipping(buying):
    order = buying.order({"variant": buying.nut, "quantity": 5, "unit_price": 1, "rejected": 5})
    (line,) = buying.lines(order)
    rtv = vendor_returns.create_return(
        purchase_order_id=order.pk, reason="x", lines=[{"po_line_id": line.pk, "quantity": 5}]
    )
    refused(lambda: vendor_returns.ship_return(rtv.pk), "insufficient_stock")
    assert buying.lines(order)[0].returned_quantity == D(0)
    assert SupplierCreditNote.objects.count() == 0


def test_create_refusals(buying, delivered):
    (line,) = buying.lines(delivered)
    refused(
        lambda: vendor_returns.create_return(purchase_order_id=delivered.pk, reason=" ", lines=[]),
        "reason_required",
    )
    refused(
        lambda: vendor_returns.create_return(purchase_order_id=delivered.pk, reason="x", lines=[]),
        "lines_required",
    )
    refused(
        lambda: vendor_returns.create_return(
            purchase_order_id=delivered.pk,
            reason="x",
            lines=[{"po_line_id": line.pk, "quantity": 1, "source": "shelf"}],
        ),
        "invalid_lines[0].source",
    )
    refused(
        lambda: vendor_returns.create_return(
            purchase_order_id=delivered.pk,
            reason="x",
            lines=[{"po_line_id": 999999, "quantity": 1}],
        ),
        "po_line_not_found",
    )
    refused(
        lambda: vendor_returns.create_return(
            purchase_order_id=delivered.pk,
            reason="x",
            lines=[{"po_line_id": line.pk, "quantity": 1, "lot_id": 999999}],
        ),
        "lot_not_found",
    )
    draft = buying.order({"variant": buying.nut, "quantity": 1, "unit_price": 1}, state="draft")
    refused(
        lambda: vendor_returns.create_return(purchase_order_id=draft.pk, reason="x", lines=[]),
        "order_not_returnable",
    )


def test_lots_go_back_by_number(buying):
    order = buying.order({"variant": buying.nut, "quantity": 5, "unit_price": "0.5", "rejected": 5})
    inventory.receive(
        variant=buying.nut,
        warehouse=buying.warehouse,
        quantity=D(5),
        lot_number="L-7",
        location=inventory.location_of(buying.warehouse, "quality"),
    )
    (line,) = buying.lines(order)
    lot = inventory.existing_lot(buying.nut.pk, "L-7")
    rtv = vendor_returns.create_return(
        purchase_order_id=order.pk,
        reason="x",
        lines=[{"po_line_id": line.pk, "quantity": 3, "lot_id": lot.pk}],
    )
    vendor_returns.ship_return(rtv.pk)
    move = StockMove.objects.get(kind="return")
    assert (move.lot_id, move.quantity) == (lot.pk, D(3))
