"""RFQ lines for supply proposals: the award orders the proposal (the order line keeps it),
closing the order finishes what did not come; refusals for another item, a proposal no
longer open, and one ordered from the Proposals page while the RFQ was out."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.scm.purchasing.conftest import D

from valuechain.platform.errors import DomainError
from valuechain.scm.inventory import supply
from valuechain.scm.inventory.models import SupplyRequest
from valuechain.scm.purchasing import proposals, rfq, services
from valuechain.scm.purchasing.models import PurchaseOrderLine

REQUESTED = dt.date(2030, 1, 15)


@pytest.fixture
def proposal(buying):
    return supply.request_supply(
        variant=buying.bolt, warehouse=buying.warehouse, quantity=D(40), reason="reorder"
    )


def _rfq_for(buying, proposal):
    created = rfq.create_rfq(
        warehouse_id=buying.warehouse.pk,
        lines=[{"variant_id": buying.bolt.pk, "quantity": "40", "supply_request_id": proposal.pk}],
        supplier_ids=[buying.nord.pk],
        requested_on=REQUESTED,
    )
    (line,) = created.lines.all()
    rfq.record_quote(
        created.pk,
        supplier_id=buying.nord.pk,
        lines=[{"rfq_line_id": line.pk, "unit_price": "0.95", "min_order_quantity": "50"}],
    )
    return created, line


def test_the_award_orders_the_proposal_and_closing_finishes_it(buying, proposal):
    created, line = _rfq_for(buying, proposal)
    assert line.supply_request_id == proposal.pk
    (order,) = rfq.award(created.pk)
    (order_line,) = PurchaseOrderLine.objects.filter(order=order)
    # The MOQ raised 40 to 50: the proposal is ordered with what was bought.
    assert (order_line.quantity, order_line.supply_request_id) == (D("50.0000"), proposal.pk)
    proposal.refresh_from_db()
    assert (proposal.state, proposal.quantity, proposal.expected_on) == (
        "ordered",
        D("50.0000"),
        REQUESTED,
    )
    assert list(proposals.open_requests()) == []
    services.submit_order(order.pk)
    services.close_order(order.pk)
    proposal.refresh_from_db()
    assert proposal.state == "done"


def test_refusals(buying, proposal):
    with pytest.raises(DomainError) as mismatch:
        rfq.create_rfq(
            warehouse_id=buying.warehouse.pk,
            lines=[
                {"variant_id": buying.nut.pk, "quantity": "1", "supply_request_id": proposal.pk}
            ],
        )
    assert (mismatch.value.code, mismatch.value.field) == (
        "supply_request_mismatch",
        "lines[0].supply_request_id",
    )
    with pytest.raises(DomainError) as unknown:
        rfq.create_rfq(
            warehouse_id=buying.warehouse.pk,
            lines=[{"variant_id": buying.bolt.pk, "quantity": "1", "supply_request_id": 999999}],
        )
    assert (unknown.value.code, unknown.value.status) == ("supply_request_not_found", 404)
    created, _line = _rfq_for(buying, proposal)
    # Ordered from the Proposals page while the RFQ was out: the award refuses, nothing made.
    proposals.order_proposals([proposal.pk])
    with pytest.raises(DomainError) as taken:
        rfq.award(created.pk)
    assert (taken.value.code, taken.value.status, taken.value.details) == (
        "already_ordered",
        409,
        {"supply_request_id": proposal.pk, "field": "lines"},
    )
    with pytest.raises(DomainError) as closed:
        rfq.create_rfq(
            warehouse_id=buying.warehouse.pk,
            lines=[
                {"variant_id": buying.bolt.pk, "quantity": "1", "supply_request_id": proposal.pk}
            ],
        )
    assert closed.value.code == "already_ordered"
    assert SupplyRequest.objects.get(pk=proposal.pk).state == "ordered"
