"""Supply requests into purchase orders: best-ranked supplier, MOQ and pack rounding, grouping
by supplier + warehouse + currency, requests ordered with their expected date, refusal of a
second click, and cancelled orders putting their proposals back."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.scm.purchasing.conftest import D

from valuechain.platform.errors import DomainError
from valuechain.scm.inventory import supply
from valuechain.scm.inventory.models import SupplyRequest
from valuechain.scm.purchasing import proposals, services

ON = dt.date(2030, 3, 1)


@pytest.fixture
def requests(buying):
    bolt = supply.request_supply(
        variant=buying.bolt, warehouse=buying.warehouse, quantity=D(25), reason="reorder"
    )
    nut = supply.request_supply(
        variant=buying.nut, warehouse=buying.warehouse, quantity=D(40), reason="reorder"
    )
    mto = supply.request_supply(
        variant=buying.nut,
        warehouse=buying.warehouse,
        quantity=D(15),
        reason="mto",
        origin_type="orders.salesorderline",
        origin_id=77,
    )
    return bolt, nut, mto


def test_proposals_preselect_the_best_ranked_supplier(buying, requests):
    rows = proposals.proposals_for(list(proposals.open_requests().order_by("pk")))
    assert [
        (p.request.variant.sku, p.choice.supplier_product.supplier.code, p.choice.quote.quantity)
        for p in rows
    ] == [("BOLT", "LYON", D(25)), ("NUT", "NORD", D(40)), ("NUT", "NORD", D(15))]


def test_bulk_order_groups_by_supplier_and_marks_requests_ordered(buying, requests):
    bolt, nut, mto = requests
    orders = proposals.order_proposals([mto.pk, bolt.pk, nut.pk], order_date=ON)
    assert [(o.supplier.code, o.net_total, o.lines.count()) for o in orders] == [
        ("NORD", D("11.00"), 2),
        ("LYON", D("23.75"), 1),
    ]
    assert [
        (line.supply_request_id, line.quantity, line.requested_on) for line in orders[0].lines.all()
    ] == [
        (nut.pk, D(40), ON + dt.timedelta(days=3)),
        (mto.pk, D(15), ON + dt.timedelta(days=3)),
    ]
    states = {r.pk: (r.state, r.expected_on) for r in SupplyRequest.objects.all()}
    assert states == {
        bolt.pk: ("ordered", ON + dt.timedelta(days=9)),
        nut.pk: ("ordered", ON + dt.timedelta(days=3)),
        mto.pk: ("ordered", ON + dt.timedelta(days=3)),
    }
    with pytest.raises(DomainError) as caught:
        proposals.order_proposals([bolt.pk])
    assert (caught.value.code, caught.value.status) == ("already_ordered", 409)
    assert caught.value.details["supply_request_ids"] == [bolt.pk]


def test_quantity_rounded_to_moq_and_pack_of_the_chosen_supplier(buying, requests):
    bolt, _nut, _mto = requests
    (order,) = proposals.order_proposals(
        [bolt.pk], supplier_products={bolt.pk: buying.nord_bolt.pk}, order_date=ON
    )
    line = order.lines.get()
    assert (order.supplier_id, line.quantity, line.unit_price) == (buying.nord.pk, D(30), D("1.00"))
    bolt.refresh_from_db()
    assert (bolt.state, bolt.quantity) == ("ordered", D(30))


def test_cancelling_the_order_puts_the_proposal_back(buying, requests):
    _bolt, _nut, mto = requests
    (order,) = proposals.order_proposals([mto.pk], order_date=ON)
    services.cancel_order(order.pk)
    mto.refresh_from_db()
    assert mto.state == "cancelled"
    again = SupplyRequest.objects.get(state="open", reason="mto")
    assert (again.quantity, again.origin_type, again.origin_id) == (
        D(15),
        "orders.salesorderline",
        77,
    )


def test_refusals(buying, requests):
    with pytest.raises(DomainError) as caught:
        proposals.order_proposals([])
    assert caught.value.code == "supply_requests_required"
    with pytest.raises(DomainError) as caught:
        proposals.order_proposals([999999])
    assert caught.value.code == "supply_request_not_found"
    bolt, _nut, _mto = requests
    with pytest.raises(DomainError) as caught:
        proposals.order_proposals([bolt.pk], supplier_products={bolt.pk: buying.nord_nut.pk})
    assert caught.value.code == "invalid_supplier_product"
