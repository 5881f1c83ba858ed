"""POST /api/v1/pos/sales: a store sale in one call (GTIN lines, payment, loyalty card)."""

from __future__ import annotations

from decimal import Decimal

from valuechain.crm.customers.models import Interaction
from valuechain.scm.inventory import queries as inventory_queries
from valuechain.scm.inventory.models import StockMove
from valuechain.scm.orders.models import SalesOrder, SalesOrderEvent

D = Decimal


def _sale(shop, **values):
    return {
        "store": "ST1",
        "receipt_number": "R-0001",
        "lines": [{"gtin": "4006381333931", "quantity": 2}],
        "payment": {"method": "cash", "amount": "30.00", "currency": "EUR"},
        "cashier": "Till 3",
        **values,
    }


def test_store_sale_with_a_loyalty_card(api, shop):
    response = api.post("/pos/sales", _sale(shop, loyalty_card="lc 1001"))
    assert response.status_code == 201, response.content
    body = response.json()
    order = body["order"]
    assert (order["channel"], order["state"], order["person_id"], order["gross_total"]) == (
        "pos",
        "shipped",
        shop.bob.pk,
        "19.04",  # Bob's account is wholesale: 2 x 8.00 + 19 %
    )
    assert (body["change"], order["payment_method"], order["paid_amount"]) == (
        "10.96",
        "cash",
        "30.00",
    )
    assert order["lines"][0]["shipped_quantity"] == "2"
    assert order["external_reference"] == "ST1/R-0001"
    assert inventory_queries.available([shop.widget.pk], warehouse_id=shop.store.pk) == {
        shop.widget.pk: D("3")
    }
    move = StockMove.objects.get(reference="ST1/R-0001")
    assert (move.kind, move.quantity, move.source_type) == (
        "shipment",
        D("2"),
        "orders.salesorderline",
    )
    touch = Interaction.objects.get(pk=body["interaction_id"])
    assert (touch.channel, touch.kind, touch.person_id, touch.actor_name, touch.source) == (
        "store",
        "purchase",
        shop.bob.pk,
        "Till 3",
        "pos",
    )
    assert touch.payload["number"] == order["number"]
    assert list(
        SalesOrderEvent.objects.filter(order_id=order["id"]).values_list("state", flat=True)
    ) == ["draft", "shipped"]


def test_the_same_receipt_twice_changes_nothing(api, shop):
    first = api.post("/pos/sales", _sale(shop, person_id=shop.ada.pk))
    again = api.post("/pos/sales", _sale(shop, person_id=shop.ada.pk))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["order"]["id"] == first.json()["order"]["id"]
    assert again.json()["interaction_id"] == first.json()["interaction_id"]
    assert SalesOrder.objects.count() == 1
    assert StockMove.objects.filter(reference="ST1/R-0001").count() == 1
    keyed = api.post("/pos/sales", _sale(shop, receipt_number="R-2"), **{"Idempotency-Key": "r2"})
    replay = api.post("/pos/sales", _sale(shop, receipt_number="R-2"), **{"Idempotency-Key": "r2"})
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json() == keyed.json()


def test_anonymous_sale_and_unknown_card(api, shop):
    anonymous = api.post("/pos/sales", _sale(shop))
    assert anonymous.status_code == 201
    assert (anonymous.json()["interaction_id"], anonymous.json()["person_id"]) == (None, None)
    unknown = api.post("/pos/sales", _sale(shop, receipt_number="R-2", loyalty_card="ZZ-9"))
    assert unknown.status_code == 201
    touch = Interaction.objects.get(pk=unknown.json()["interaction_id"])
    assert (touch.status, touch.identifier_kind, touch.identifier_value) == (
        "unmatched",
        "loyalty_card",
        "ZZ9",
    )


def test_refusals_change_nothing(api, shop):
    api.error(
        api.post(
            "/pos/sales",
            _sale(shop, payment={"method": "card", "amount": "23.79", "currency": "EUR"}),
        ),
        422,
        "insufficient_payment",
        "payment.amount",
    )
    api.error(api.post("/pos/sales", _sale(shop, store="CEN")), 422, "not_a_store", "store")
    api.error(api.post("/pos/sales", _sale(shop, store="NOPE")), 422, "unknown_store", "store")
    api.error(
        api.post("/pos/sales", _sale(shop, lines=[{"gtin": "4006381333948"}])),
        422,
        "unknown_gtin",
        "lines[0].gtin",
    )
    error = api.error(
        api.post(
            "/pos/sales",
            _sale(
                shop,
                lines=[{"gtin": "4006381333931", "quantity": 6}],
                payment={"method": "cash", "amount": "100", "currency": "EUR"},
            ),
        ),
        409,
        "insufficient_stock",
    )
    assert D(error["details"]["available"]) == D(5)
    assert SalesOrder.objects.count() == 0
    assert not StockMove.objects.filter(kind="shipment").exists()
    assert not Interaction.objects.exists()
