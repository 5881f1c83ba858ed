"""Receiving services: receipts against purchase orders book exact quantities at the PO's
cost, move the PO's state, respect the over-receipt tolerance to the unit, send inspected
items to quality, learn the supplier's lead time and close supply requests."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.scm.receiving.conftest import D, inspect_on_receipt, make_po, on_hand, received_on

from valuechain.platform.errors import DomainError
from valuechain.platform.events.models import OutboxEvent
from valuechain.scm.inventory import queries as inventory_queries
from valuechain.scm.inventory import supply
from valuechain.scm.inventory.models import StockMove, SupplyRequest
from valuechain.scm.procurement.models import SupplierProduct
from valuechain.scm.purchasing.models import PurchaseOrder, PurchaseOrderLine
from valuechain.scm.quality import services as quality
from valuechain.scm.quality.models import Inspection
from valuechain.scm.receiving import services
from valuechain.scm.receiving.models import Receipt, ReceiptLine


def refused(call, code: str, field: str | None = None) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call()
    assert caught.value.code == code, (caught.value.code, caught.value.message)
    if field is not None:
        assert caught.value.field == field
    return caught.value


def line_of(order: PurchaseOrder, position: int = 1) -> PurchaseOrderLine:
    return PurchaseOrderLine.objects.get(order=order, position=position)


def test_partial_then_full_receipt_books_stock_at_po_cost_and_moves_the_state(receiving):
    order = make_po(
        receiving.nord,
        receiving.warehouse,
        [(receiving.bolt, 100, "2.50"), (receiving.nut, 40, "0.10")],
        fx_rate="1.1",
        currency="USD",
    )
    bolt_line, nut_line = line_of(order, 1), line_of(order, 2)
    first = services.receive(
        order.pk, [{"po_line_id": bolt_line.pk, "quantity": D(60), "lot_number": "L1"}]
    )
    assert first.number == "REC-000001"
    bolt_line.refresh_from_db()
    order.refresh_from_db()
    assert (bolt_line.received_quantity, bolt_line.accepted_quantity) == (D(60), D(60))
    assert order.state == "partially_received"
    assert on_hand(receiving.bolt, "stock") == D(60)
    row = ReceiptLine.objects.get(receipt=first)
    move = StockMove.objects.get(pk=row.stock_move_id)
    assert (move.quantity, move.unit_cost, move.reference) == (D(60), D("2.750000"), "REC-000001")
    assert (move.source_type, move.source_id) == ("receiving.receiptline", row.pk)
    assert (row.unit_cost, row.lot.number, row.location.code) == (D("2.75"), "L1", "WH1/STOCK")
    assert row.inspection_id is None

    services.receive(
        order.pk,
        [
            {"po_line_id": bolt_line.pk, "quantity": D(40)},
            {"po_line_id": nut_line.pk, "quantity": D(40)},
        ],
    )
    order.refresh_from_db()
    assert order.state == "received"
    assert on_hand(receiving.bolt, "stock") == D(100)
    assert on_hand(receiving.nut, "stock") == D(40)
    assert inventory_queries.ledger_mismatches() == []
    events = {e.payload["number"]: e for e in OutboxEvent.objects.filter(type="GoodsReceived")}
    assert sorted(events) == ["REC-000001", "REC-000002"]
    assert [line["quantity"] for line in events["REC-000002"].payload["lines"]] == ["40", "40"]


def test_over_receipt_tolerance_edges(receiving):
    order = make_po(receiving.nord, receiving.warehouse, [(receiving.bolt, 100, 1)])
    line = line_of(order)
    error = refused(
        lambda: services.receive(order.pk, [{"po_line_id": line.pk, "quantity": D("100.0001")}]),
        "over_receipt",
        "lines[0].quantity",
    )
    assert error.status == 409
    assert error.details["allowed"] == "100" and error.details["requested"] == "100.0001"
    services.update_settings(over_receipt_tolerance_percent="10")
    services.receive(order.pk, [{"po_line_id": line.pk, "quantity": D(50)}])
    # Two entries of one line add up: 50 + 55 + 5 = 110 is exactly the tolerance.
    error = refused(
        lambda: services.receive(
            order.pk,
            [
                {"po_line_id": line.pk, "quantity": D(55)},
                {"po_line_id": line.pk, "quantity": D("5.0001")},
            ],
        ),
        "over_receipt",
        "lines[1].quantity",
    )
    assert "50 of 100 received already; at most 60 more" in error.message
    services.receive(
        order.pk,
        [{"po_line_id": line.pk, "quantity": D(55)}, {"po_line_id": line.pk, "quantity": D(5)}],
    )
    line.refresh_from_db()
    order.refresh_from_db()
    assert (line.received_quantity, order.state) == (D(110), "received")
    assert on_hand(receiving.bolt, "stock") == D(110)
    # A received order takes no more once the tolerance is used up.
    refused(
        lambda: services.receive(order.pk, [{"po_line_id": line.pk, "quantity": D("0.0001")}]),
        "over_receipt",
        "lines[0].quantity",
    )


def test_a_received_order_still_takes_what_the_tolerance_allows(receiving):
    services.update_settings(over_receipt_tolerance_percent="5")
    order = make_po(receiving.nord, receiving.warehouse, [(receiving.bolt, 100, 1)])
    line = line_of(order)
    services.receive(order.pk, [{"po_line_id": line.pk, "quantity": D(100)}])
    services.receive(order.pk, [{"po_line_id": line.pk, "quantity": D(5)}])
    line.refresh_from_db()
    order.refresh_from_db()
    assert (line.received_quantity, order.state) == (D(105), "received")


def test_an_over_received_line_does_not_make_up_for_a_short_one(receiving):
    services.update_settings(over_receipt_tolerance_percent="20")
    order = make_po(
        receiving.nord, receiving.warehouse, [(receiving.bolt, 10, 1), (receiving.nut, 10, 1)]
    )
    services.receive(
        order.pk,
        [
            {"po_line_id": line_of(order, 1).pk, "quantity": D(12)},
            {"po_line_id": line_of(order, 2).pk, "quantity": D(8)},
        ],
    )
    order.refresh_from_db()
    assert order.state == "partially_received"


@pytest.mark.parametrize("state", ["draft", "to_approve", "closed", "cancelled"])
def test_only_sent_and_received_orders_are_receivable(receiving, state):
    order = make_po(receiving.nord, receiving.warehouse, [(receiving.bolt, 5, 1)], state=state)
    error = refused(
        lambda: services.receive(order.pk, [{"po_line_id": line_of(order).pk, "quantity": 1}]),
        "invalid_state",
        "purchase_order_id",
    )
    assert error.status == 409
    assert Receipt.objects.count() == 0


def test_bad_input_is_refused_by_field(receiving):
    order = make_po(receiving.nord, receiving.warehouse, [(receiving.bolt, 5, 1)])
    other = make_po(receiving.nord, receiving.warehouse, [(receiving.nut, 5, 1)])
    line = line_of(order)
    refused(lambda: services.receive(order.pk, []), "no_lines", "lines")
    refused(
        lambda: services.receive(order.pk, [{"po_line_id": line_of(other).pk, "quantity": 1}]),
        "unknown_line",
        "lines[0].po_line_id",
    )
    refused(
        lambda: services.receive(order.pk, [{"po_line_id": "x", "quantity": 1}]),
        "unknown_line",
        "lines[0].po_line_id",
    )
    for bad in (0, -1, "1.00001", "many", None):
        refused(
            lambda bad=bad: services.receive(order.pk, [{"po_line_id": line.pk, "quantity": bad}]),
            "invalid_quantity",
            "lines[0].quantity",
        )
    refused(
        lambda: services.receive(
            order.pk, [{"po_line_id": line.pk, "quantity": 1, "expires_on": "2027-01-01"}]
        ),
        "lot_required",
        "lines[0].lot_number",
    )
    refused(
        lambda: services.receive(
            order.pk,
            [{"po_line_id": line.pk, "quantity": 1, "lot_number": "A", "expires_on": "soon"}],
        ),
        "invalid_expires_on",
        "lines[0].expires_on",
    )
    error = refused(
        lambda: services.receive(999999, [{"po_line_id": line.pk, "quantity": 1}]),
        "purchase_order_not_found",
    )
    assert error.status == 404
    refused(
        lambda: services.update_settings(over_receipt_tolerance_percent="-1"),
        "invalid_over_receipt_tolerance_percent",
    )
    assert Receipt.objects.count() == 0
    assert on_hand(receiving.bolt, "stock") == 0


def test_inspected_items_go_to_quality_and_the_outcome_reaches_the_po_line(receiving):
    inspect_on_receipt(receiving.bolt)
    order = make_po(
        receiving.nord, receiving.warehouse, [(receiving.bolt, 10, 3), (receiving.nut, 5, 1)]
    )
    receipt = services.receive(
        order.pk,
        [
            {"po_line_id": line_of(order, 1).pk, "quantity": D(10), "lot_number": "B7"},
            {"po_line_id": line_of(order, 2).pk, "quantity": D(5)},
        ],
    )
    bolt_row, nut_row = ReceiptLine.objects.filter(receipt=receipt).order_by("pk")
    assert bolt_row.location.code == "WH1/QUALITY" and nut_row.location.code == "WH1/STOCK"
    assert nut_row.inspection_id is None
    inspection = Inspection.objects.get(pk=bolt_row.inspection_id)
    assert (inspection.quantity, inspection.source_type, inspection.source_id) == (
        D(10),
        "receiving.receiptline",
        bolt_row.pk,
    )
    assert (inspection.supplier_id, inspection.lot.number, inspection.reference) == (
        receiving.nord.pk,
        "B7",
        receipt.number,
    )
    line = line_of(order, 1)
    assert (line.received_quantity, line.accepted_quantity, line.rejected_quantity) == (
        D(10),
        D(0),
        D(0),
    )
    assert inventory_queries.available([receiving.bolt.pk])[receiving.bolt.pk] == 0
    assert on_hand(receiving.bolt, "quality") == D(10)

    check = inspection.plan.checks.get()
    reason = quality_reason()
    quality.complete_inspection(
        inspection.pk,
        results={check.pk: {"passed": True}},
        accepted=D(7),
        rejected=D(3),
        defect_reason_id=reason.pk,
    )
    line.refresh_from_db()
    bolt_row.refresh_from_db()
    assert (line.accepted_quantity, line.rejected_quantity) == (D(7), D(3))
    assert (bolt_row.accepted_quantity, bolt_row.rejected_quantity) == (D(7), D(3))
    assert inventory_queries.available([receiving.bolt.pk])[receiving.bolt.pk] == D(7)
    assert on_hand(receiving.bolt, "quality") == D(3)


def quality_reason():
    from valuechain.scm.quality import plans

    return plans.create_defect_reason(code="DAMAGED", name="Damaged in transit")


def test_lead_time_is_learned_from_receipts(receiving):
    """Samples 5, 9 and 10 days: mean 8, sample standard deviation √7 = 2.65."""
    supplied = SupplierProduct.objects.get(supplier=receiving.nord, variant=receiving.bolt)
    first = make_po(
        receiving.nord, receiving.warehouse, [(receiving.bolt, 10, 1)], sent_on=dt.date(2026, 3, 2)
    )
    services.receive(
        first.pk,
        [{"po_line_id": line_of(first).pk, "quantity": 4}],
        received_at=received_on(dt.date(2026, 3, 7)),
    )
    supplied.refresh_from_db()
    assert (supplied.lead_time_days, supplied.lead_time_std_days) == (D("5.00"), D("0.00"))
    services.receive(
        first.pk,
        [{"po_line_id": line_of(first).pk, "quantity": 6}],
        received_at=received_on(dt.date(2026, 3, 11)),
    )
    # Not sent (no sent_at): the order date starts the clock.
    second = make_po(
        receiving.nord,
        receiving.warehouse,
        [(receiving.bolt, 10, 1), (receiving.nut, 10, 1)],
        order_date=dt.date(2026, 4, 1),
        sent_on=None,
    )
    services.receive(
        second.pk,
        [
            {"po_line_id": line_of(second).pk, "quantity": 5, "lot_number": "A"},
            {"po_line_id": line_of(second).pk, "quantity": 5, "lot_number": "B"},
            {"po_line_id": line_of(second, 2).pk, "quantity": 10},
        ],
        received_at=received_on(dt.date(2026, 4, 11)),
    )
    assert services.lead_time_samples(receiving.nord.pk, receiving.bolt.pk) == [5, 9, 10]
    supplied.refresh_from_db()
    assert (supplied.lead_time_days, supplied.lead_time_std_days) == (D("8.00"), D("2.65"))
    nut = SupplierProduct.objects.get(supplier=receiving.nord, variant=receiving.nut)
    assert (nut.lead_time_days, nut.lead_time_std_days) == (D("10.00"), D("0.00"))


def test_supply_request_of_a_line_waits_for_the_rest_then_is_done(receiving):
    request = supply.request_supply(
        variant=receiving.bolt, warehouse=receiving.warehouse, quantity=D(10), reason="reorder"
    )
    supply.change_supply_request(request.pk, state="ordered")
    order = make_po(receiving.nord, receiving.warehouse, [(receiving.bolt, 10, 1)])
    line = line_of(order)
    PurchaseOrderLine.objects.filter(pk=line.pk).update(supply_request=request)
    services.receive(order.pk, [{"po_line_id": line.pk, "quantity": 4}])
    request.refresh_from_db()
    assert (request.state, request.quantity) == ("ordered", D(6))
    services.receive(order.pk, [{"po_line_id": line.pk, "quantity": 6}])
    request.refresh_from_db()
    assert (request.state, request.quantity) == ("done", D(6))
    assert SupplyRequest.objects.filter(state__in=("open", "ordered")).count() == 0
