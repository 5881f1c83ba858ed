"""The sales-order API: create from a channel, list with filters, detail, confirm, cancel,
close, from a won opportunity, idempotency and the error shape."""

from __future__ import annotations

from decimal import Decimal

from valuechain.crm.sales import services as sales
from valuechain.scm.orders.models import SalesOrder

D = Decimal


def _create(api, shop, **values):
    body = {
        "channel": "web",
        "person_id": shop.ada.pk,
        "lines": [{"sku": "W-1", "quantity": 2}, {"variant_id": shop.gadget.pk, "quantity": "1"}],
        **values,
    }
    return api.post("/sales-orders", body)


def test_create_and_read_an_order(api, shop):
    response = _create(api, shop, external_reference="WEB-77")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["number"], body["state"], body["channel"], body["currency"]) == (
        "SO-000001",
        "draft",
        "web",
        "EUR",
    )
    assert (body["net_total"], body["tax_total"], body["gross_total"]) == (
        "45.50",
        "5.59",
        "51.09",
    )
    widget = body["lines"][0]
    assert {
        k: widget[k] for k in ("sku", "quantity", "unit_price", "tax_rate", "gross_amount")
    } == {
        "sku": "W-1",
        "quantity": "2",
        "unit_price": "10",
        "tax_rate": "0.19",
        "gross_amount": "23.80",
    }
    detail = api.get(f"/sales-orders/{body['id']}").json()
    assert detail["lines"] == body["lines"]


def test_confirm_cancel_close_through_the_api(api, shop):
    order_id = _create(api, shop).json()["id"]
    confirmed = api.post(f"/sales-orders/{order_id}/confirm")
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["state"] == "confirmed"
    assert confirmed.json()["lines"][0]["reserved_quantity"] == "2"
    api.error(api.post(f"/sales-orders/{order_id}/close"), 409, "invalid_state")
    cancelled = api.post(f"/sales-orders/{order_id}/cancel", {"reason": "duplicate"})
    assert cancelled.json()["state"] == "cancelled"
    assert cancelled.json()["lines"][0]["reserved_quantity"] == "0"
    api.error(api.post(f"/sales-orders/{order_id}/confirm"), 409, "not_draft")
    api.error(api.post("/sales-orders/999999/confirm"), 404, "not_found")


def test_create_with_confirm_and_shortage_leaves_nothing(api, shop):
    body = {
        "channel": "phone",
        "person_id": shop.ada.pk,
        "confirm": True,
        "lines": [{"sku": "G-1", "quantity": 11}],
    }
    error = api.error(api.post("/sales-orders", body), 409, "insufficient_stock")
    assert D(error["details"]["available"]) == D(10)
    assert D(error["details"]["requested"]) == D(11)
    assert SalesOrder.objects.count() == 0
    body["lines"] = [{"sku": "G-1", "quantity": 10}]
    created = api.post("/sales-orders", body)
    assert created.status_code == 201
    assert created.json()["state"] == "confirmed"


def test_list_filters_sort_and_pages(api, shop):
    first = _create(api, shop).json()
    _create(api, shop, channel="phone")
    _create(api, shop, channel="marketplace", person_id=None, account_id=shop.acme.pk)
    api.post(f"/sales-orders/{first['id']}/confirm")
    page = api.get("/sales-orders?limit=2").json()
    assert (page["count"], len(page["items"]), page["items"][0]["channel"]) == (3, 2, "marketplace")
    assert api.get("/sales-orders?state=confirmed").json()["items"][0]["id"] == first["id"]
    assert api.get("/sales-orders?channel=phone").json()["count"] == 1
    assert api.get(f"/sales-orders?account_id={shop.acme.pk}").json()["count"] == 1
    assert api.get("/sales-orders?search=acme").json()["count"] == 1
    numbers = [o["number"] for o in api.get("/sales-orders?sort=number").json()["items"]]
    assert numbers == ["SO-000001", "SO-000002", "SO-000003"]
    api.error(api.get("/sales-orders?sort=secret"), 422, "invalid_sort", "sort")
    api.error(api.get("/sales-orders?state=lost"), 422, "invalid_state", "state")


def test_validation_errors_name_the_field(api, shop):
    api.error(_create(api, shop, channel="fax"), 422, "invalid_channel", "channel")
    api.error(
        _create(api, shop, lines=[{"sku": "W-1", "quantity": "-1"}]),
        422,
        "invalid_quantity",
        "lines[0].quantity",
    )
    api.error(_create(api, shop, currency="GBP"), 422, "no_price", "lines[0].unit_price")


def test_idempotency_key_replays_the_first_creation(api, shop):
    body = {"channel": "web", "person_id": shop.ada.pk, "lines": [{"sku": "W-1", "quantity": 1}]}
    first = api.post("/sales-orders", body, **{"Idempotency-Key": "order-1"})
    again = api.post("/sales-orders", body, **{"Idempotency-Key": "order-1"})
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert SalesOrder.objects.count() == 1


def test_from_won_opportunity_once(api, shop):
    opportunity = sales.create_opportunity(
        {
            "name": "Acme fit-out",
            "account_id": shop.acme.pk,
            "currency": "EUR",
            "lines": [
                {"product_name": "Widget", "sku": "W-1", "quantity": "5", "unit_price": "7.00"}
            ],
        }
    )
    path = f"/sales-orders/from-opportunity/{opportunity.pk}"
    api.error(api.post(path, {}), 409, "opportunity_not_won")
    sales.mark_won(opportunity.pk)
    created = api.post(path, {"confirm": True})
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["opportunity_id"], body["account_id"], body["channel"], body["state"]) == (
        opportunity.pk,
        shop.acme.pk,
        "sales_rep",
        "confirmed",
    )
    line = body["lines"][0]
    assert (line["unit_price"], line["price_source"], line["tax_rate"], body["gross_total"]) == (
        "7",
        "opportunity",
        "0.2",
        "42.00",
    )
    api.error(api.post(path, {}), 409, "opportunity_already_ordered")
    api.post(f"/sales-orders/{body['id']}/cancel", {})
    assert api.post(path, {}).status_code == 201


def test_from_opportunity_with_an_unknown_sku(api, shop):
    opportunity = sales.create_opportunity(
        {
            "name": "Odd deal",
            "person_id": shop.ada.pk,
            "currency": "EUR",
            "lines": [{"product_name": "Thing", "sku": "", "quantity": "1", "unit_price": "1"}],
        }
    )
    sales.mark_won(opportunity.pk)
    api.error(
        api.post(f"/sales-orders/from-opportunity/{opportunity.pk}", {}),
        422,
        "unknown_sku",
        "lines[0].sku",
    )


def test_sales_rep_writes_orders_but_not_the_rest_of_scm(shop, tenant_a):
    from django.test import Client
    from tests.conftest import make_member
    from tests.scm.orders.conftest import Api

    rep = make_member(tenant_a, "rep@alpha.test", "sales_rep")
    client = Client()
    client.force_login(rep.user)
    api = Api(client)
    assert api.get("/sales-orders").status_code == 200
    created = api.post(
        "/sales-orders",
        {"channel": "phone", "person_id": shop.ada.pk, "lines": [{"sku": "W-1", "quantity": 1}]},
    )
    assert created.status_code == 201, created.content
    from valuechain.scm.orders.models import SalesOrder

    order = SalesOrder.objects.get(pk=created.json()["id"])
    assert (order.created_by_id, order.channel, order.state) == (rep.user.pk, "phone", "draft")
    api.error(api.post("/warehouses", {"code": "X", "name": "X"}), 403, "permission_denied")


def test_service_agent_reads_orders_but_cannot_place_them(shop, tenant_a):
    from django.test import Client
    from tests.conftest import make_member
    from tests.scm.orders.conftest import Api

    agent = make_member(tenant_a, "agent@alpha.test", "service_agent")
    client = Client()
    client.force_login(agent.user)
    api = Api(client)
    assert api.get("/sales-orders").status_code == 200
    api.error(
        api.post("/sales-orders", {"channel": "web", "person_id": shop.ada.pk}),
        403,
        "permission_denied",
    )
