"""Customer returns through the services: the whole path with stock and money exact, each
disposition's stock move, what may still be returned, the timeline and the outbox, and
every refusal with its code."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from valuechain.platform.errors import DomainError
from valuechain.platform.events.models import OutboxEvent
from valuechain.scm.inventory.models import StockMove
from valuechain.scm.orders import queries as orders_queries
from valuechain.scm.orders.models import SalesOrderEvent
from valuechain.scm.returns import domain, queries, services
from valuechain.scm.returns.models import CustomerRefund

from .conftest import on_hand, shipped_order

D = Decimal


def _refused(code: str, call: Any, *args: Any, **kwargs: Any) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, caught.value
    return caught.value


def _request(order: Any, quantity: str, reason_code: str = "damaged") -> Any:
    (line,) = order.lines.all()
    return services.request_return(
        order_id=order.pk,
        lines=[{"order_line_id": line.pk, "quantity": quantity, "reason_code": reason_code}],
        reason="Two arrived broken",
    )


def test_request_to_refund(world, order):
    assert on_hand(world, "stock") == D("16")
    rma = _request(order, "3")
    assert (rma.number, rma.state, rma.warehouse_id, rma.account_id) == (
        "RMA-000001",
        "requested",
        world.warehouse.pk,
        world.account.pk,
    )
    (line,) = queries.lines(rma.pk)
    assert (line.quantity, line.reason_code, line.quantity_received) == (D("3"), "damaged", D("0"))
    services.authorise(rma.pk)
    services.receive(rma.pk, {line.pk: "2"})  # one of three did not come back
    assert on_hand(world, "quality") == D("2")
    assert on_hand(world, "stock") == D("16")
    move = StockMove.objects.get(kind="return")
    assert (move.quantity, move.reference, move.source_type, move.source_id) == (
        D("2"),
        "RMA-000001",
        "returns.returnline",
        line.pk,
    )
    services.inspect(
        rma.pk, [{"line_id": line.pk, "condition": "as_new", "disposition": "restock"}]
    )
    assert (on_hand(world, "quality"), on_hand(world, "stock")) == (D("0"), D("18"))
    refund = services.close(rma.pk, method="refund")
    # 2 x 9.99 less 15 % = 16.983 -> 16.98 net; 19 % tax = 3.2262 -> 3.23; gross 20.21.
    assert (refund.number, refund.method, refund.state, refund.currency) == (
        "RF-000001",
        "refund",
        "pending",
        "EUR",
    )
    assert (refund.net_amount, refund.tax_amount, refund.gross_amount) == (
        D("16.98"),
        D("3.23"),
        D("20.21"),
    )
    rma.refresh_from_db()
    assert rma.state == "closed" and rma.closed_at is not None
    paid = services.mark_refund_paid(refund.pk, reference="SEPA 123")
    assert (paid.state, paid.payment_reference) == ("paid", "SEPA 123")
    _refused("refund_not_pending", services.mark_refund_paid, refund.pk)
    # The order's history and the customer's timeline show the return and the refund.
    history = list(
        SalesOrderEvent.objects.filter(order=order, state__in=("returned", "refunded"))
        .order_by("pk")
        .values_list("state", "detail")
    )
    assert history == [
        ("returned", "RMA-000001: 1 line(s) received"),
        ("refunded", "RF-000001: refund of 20.21 EUR"),
    ]
    titles = [
        e.title for e in orders_queries.timeline_entries("account", world.account, None, None, 50)
    ]
    assert titles[:2] == [f"Order {order.number} refunded", f"Order {order.number} returned"]
    events = list(
        OutboxEvent.objects.filter(type__startswith="Return")
        .order_by("occurred_at")
        .values_list("type", flat=True)
    )
    assert events == [
        "ReturnRequested",
        "ReturnAuthorised",
        "ReturnReceived",
        "ReturnInspected",
        "ReturnClosed",
    ]
    assert OutboxEvent.objects.filter(type="CustomerRefundPaid").count() == 1
    assert OutboxEvent.objects.filter(type="SalesOrderRefunded").count() == 1


def test_full_return_refunds_the_line_exactly_as_credit_note(world, order):
    (order_line,) = order.lines.all()
    assert (order_line.net_amount, order_line.tax_amount, order_line.gross_amount) == (
        D("33.97"),
        D("6.45"),
        D("40.42"),
    )
    rma = _request(order, "4")
    services.authorise(rma.pk)
    services.receive(rma.pk)  # everything authorised
    (line,) = queries.lines(rma.pk)
    services.inspect(
        rma.pk, [{"line_id": line.pk, "condition": "opened", "disposition": "refurbish"}]
    )
    assert on_hand(world, "quality") == D("4")  # refurbished in quality
    credit = services.close(rma.pk, method="credit")
    assert (credit.number, credit.method) == ("CN-000001", "credit")
    assert (credit.net_amount, credit.tax_amount, credit.gross_amount) == (
        D("33.97"),
        D("6.45"),
        D("40.42"),
    )


def test_dispositions_and_returnable_quantities(world, order):
    (order_line,) = order.lines.all()
    made = []
    for disposition in ("scrap", "return_to_vendor", "restock"):
        rma = _request(order, "1")
        services.authorise(rma.pk)
        services.receive(rma.pk)
        (line,) = queries.lines(rma.pk)
        services.inspect(
            rma.pk,
            [{"line_id": line.pk, "condition": "defective", "disposition": disposition}],
        )
        made.append((rma, line))
    assert (on_hand(world, "scrap"), on_hand(world, "quality"), on_hand(world, "stock")) == (
        D("1"),
        D("1"),
        D("17"),
    )
    waiting = queries.awaiting_return_to_vendor()
    assert [(row.pk, row.quantity_received) for row in waiting] == [(made[1][1].pk, D("1"))]
    # Three of four came back: one more may be returned, not two.
    assert queries.returnable_lines(order)[0].returnable == D("1")
    refused = _refused("exceeds_returnable", _request, order, "2")
    assert (refused.status, refused.field) == (409, "lines[0].quantity")
    assert {k: refused.details[k] for k in ("returnable", "shipped", "requested")} == {
        "returnable": "1.0000",
        "shipped": "4.0000",
        "requested": "2",
    }
    # An open request claims its quantity; a rejected or cancelled one gives it back.
    pending = _request(order, "1")
    _refused("exceeds_returnable", _request, order, "1")
    services.reject(pending.pk, note="Outside the 30-day window")
    pending.refresh_from_db()
    assert (pending.state, pending.decision_note) == ("rejected", "Outside the 30-day window")
    again = _request(order, "1")
    services.authorise(again.pk)
    services.cancel(again.pk, note="Customer keeps it")
    assert queries.returnable_lines(order)[0].returnable == D("1")
    assert order_line.pk == queries.lines(again.pk)[0].order_line_id


def test_partially_received_line_frees_the_rest(world, order):
    rma = _request(order, "4")
    services.authorise(rma.pk)
    (line,) = queries.lines(rma.pk)
    services.receive(rma.pk, {line.pk: "1"})
    # Received lines claim what came back, so 3 may be returned on another RMA.
    assert queries.returnable_lines(order)[0].returnable == D("3")


def test_refusals(world, order):
    (order_line,) = order.lines.all()
    unshipped = shipped_order(world, "5", ship="2")
    (unshipped_line,) = unshipped.lines.all()
    assert unshipped.state == "partially_shipped"
    refused = _refused(
        "exceeds_returnable",
        services.request_return,
        order_id=unshipped.pk,
        lines=[{"order_line_id": unshipped_line.pk, "quantity": "3"}],
    )
    assert refused.details["shipped"] == "2.0000"
    draft_like = _refused(
        "unknown_line",
        services.request_return,
        order_id=order.pk,
        lines=[{"order_line_id": unshipped_line.pk, "quantity": "1"}],
    )
    assert draft_like.field == "lines[0].order_line_id"
    _refused("no_lines", services.request_return, order_id=order.pk, lines=[])
    _refused(
        "invalid_quantity",
        services.request_return,
        order_id=order.pk,
        lines=[{"order_line_id": order_line.pk, "quantity": "-1"}],
    )
    _refused(
        "invalid_reason_code",
        services.request_return,
        order_id=order.pk,
        lines=[{"order_line_id": order_line.pk, "quantity": "1", "reason_code": "bored"}],
    )
    _refused(
        "duplicate_line",
        services.request_return,
        order_id=order.pk,
        lines=[
            {"order_line_id": order_line.pk, "quantity": "1"},
            {"order_line_id": order_line.pk, "quantity": "1"},
        ],
    )
    assert _refused("not_found", services.request_return, order_id=999999, lines=[]).status == 404
    rma = _request(order, "2")
    (line,) = queries.lines(rma.pk)
    assert _refused("invalid_state", services.receive, rma.pk).status == 409  # not authorised
    _refused("invalid_state", services.close, rma.pk)
    services.authorise(rma.pk)
    _refused("invalid_state", services.authorise, rma.pk)
    assert _refused("exceeds_authorised", services.receive, rma.pk, {line.pk: "3"}).status == 409
    _refused("nothing_received", services.receive, rma.pk, {line.pk: "0"})
    _refused("unknown_line", services.receive, rma.pk, {999999: "1"})
    services.receive(rma.pk)
    _refused("invalid_state", services.receive, rma.pk)  # booked once
    _refused("invalid_state", services.cancel, rma.pk)  # the goods are here
    assert StockMove.objects.filter(kind="return").count() == 1
    _refused("inspection_incomplete", services.inspect, rma.pk, [])
    _refused(
        "invalid_disposition",
        services.inspect,
        rma.pk,
        [{"line_id": line.pk, "condition": "as_new", "disposition": "burn"}],
    )
    _refused(
        "invalid_condition",
        services.inspect,
        rma.pk,
        [{"line_id": line.pk, "condition": "meh", "disposition": "restock"}],
    )
    services.inspect(
        rma.pk, [{"line_id": line.pk, "condition": "as_new", "disposition": "restock"}]
    )
    _refused("invalid_method", services.close, rma.pk, method="cash")
    assert CustomerRefund.objects.count() == 0


def test_refund_amounts_are_rounded_per_line():
    lines = [
        domain.PricedReturn(D("1"), D("0.333"), D("0"), D("0.19")),
        domain.PricedReturn(D("1"), D("0.333"), D("0"), D("0.19")),
        domain.PricedReturn(D("0"), D("5"), D("0"), D("0.19")),  # nothing came back
    ]
    assert domain.refund_amounts(lines, "EUR") == domain.RefundAmounts(
        D("0.66"), D("0.12"), D("0.78")
    )
    assert domain.refund_amounts(lines[:1], "JPY") == domain.RefundAmounts(D("0"), D("0"), D("0"))
    assert domain.claimed(
        [
            domain.Claim("requested", D("2"), D("0")),
            domain.Claim("received", D("3"), D("1")),
            domain.Claim("cancelled", D("5"), D("0")),
        ]
    ) == D("3")
