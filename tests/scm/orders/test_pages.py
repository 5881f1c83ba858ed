"""The order pages: list with filters and pages, new order, lines, confirm/cancel/close."""

from __future__ import annotations

from decimal import Decimal

from valuechain.scm.orders import services
from valuechain.scm.orders.models import SalesOrder

D = Decimal


def _draft(shop, **values):
    return services.create_order({"channel": "phone", "person_id": shop.ada.pk, **values})


def test_list_filters_and_costs_fixed_queries(client_a, shop, django_assert_max_num_queries):
    for channel in ("web", "phone", "web"):
        _draft(shop, channel=channel)
    page = client_a.get("/scm/orders/")
    assert page.status_code == 200
    assert page.content.decode().count("SO-00000") == 3
    filtered = client_a.get("/scm/orders/?channel=phone").content.decode()
    assert filtered.count("SO-00000") == 1
    fragment = client_a.get("/scm/orders/?state=draft", headers={"HX-Request": "true"})
    assert b"<html" not in fragment.content and fragment.content.count(b"SO-00000") == 3
    for _ in range(10):
        _draft(shop, account_id=shop.acme.pk, person_id=shop.bob.pk)
    with django_assert_max_num_queries(15):
        assert client_a.get("/scm/orders/").status_code == 200


def test_new_order_form_and_errors_next_to_fields(client_a, shop):
    form = client_a.get(f"/scm/orders/new/?person={shop.ada.pk}")
    assert form.status_code == 200
    refused = client_a.post("/scm/orders/new/", {"channel": "phone"})
    assert refused.status_code == 200
    assert "Choose the customer" in refused.content.decode()
    refused = client_a.post(
        "/scm/orders/new/", {"channel": "phone", "person_id": shop.ada.pk, "currency": "ABC"}
    )
    assert "ISO 4217" in refused.content.decode()
    created = client_a.post(
        "/scm/orders/new/", {"channel": "phone", "person_id": shop.ada.pk, "allow_split": "on"}
    )
    order = SalesOrder.objects.get()
    assert created.status_code == 302 and created["Location"] == f"/scm/orders/{order.pk}/"


def test_add_line_confirm_and_cancel_in_the_ui(client_a, shop):
    order = _draft(shop)
    bad = client_a.post(f"/scm/orders/{order.pk}/lines/", {"sku": "NOPE", "quantity": "1"})
    assert bad.status_code == 200 and "No such active product variant." in bad.content.decode()
    added = client_a.post(
        f"/scm/orders/{order.pk}/lines/", {"sku": "4006381333931", "quantity": "2"}
    )
    assert added.status_code == 302
    client_a.post(f"/scm/orders/{order.pk}/lines/", {"sku": "G-1", "quantity": "11"})
    short = client_a.post(f"/scm/orders/{order.pk}/confirm/")
    text = short.content.decode()
    assert short.status_code == 200 and "available 10" in text
    order.refresh_from_db()
    assert order.state == "draft"
    line = order.lines.get(sku="G-1")
    client_a.post(f"/scm/orders/{order.pk}/lines/{line.pk}/remove/")
    assert client_a.post(f"/scm/orders/{order.pk}/confirm/").status_code == 302
    page = client_a.get(f"/scm/orders/{order.pk}/").content.decode()
    assert "confirmed" in page and "Cancel order" in page and "History" in page
    client_a.post(f"/scm/orders/{order.pk}/cancel/", {"reason": "test"})
    order.refresh_from_db()
    assert order.state == "cancelled"


def test_service_agent_reads_without_buttons(shop, tenant_a):
    from django.test import Client
    from tests.conftest import make_member

    order = _draft(shop)
    agent = make_member(tenant_a, "agent@alpha.test", "service_agent")
    client = Client()
    client.force_login(agent.user)
    page = client.get(f"/scm/orders/{order.pk}/")
    assert page.status_code == 200 and b"Confirm</button>" not in page.content
    assert client.post(f"/scm/orders/{order.pk}/confirm/").status_code == 403


def _won_deal(shop, name="Acme fit-out"):
    from valuechain.crm.sales import services as sales

    deal = sales.create_opportunity(
        {
            "name": name,
            "account_id": shop.acme.pk,
            "currency": "EUR",
            "lines": [
                {"product_name": "Widget", "sku": "W-1", "quantity": "5", "unit_price": "7.00"}
            ],
        }
    )
    return deal, sales


def test_a_sales_rep_creates_the_order_of_a_won_deal_from_its_page(shop, tenant_a):
    from django.test import Client
    from tests.conftest import make_member

    deal, sales = _won_deal(shop)
    rep = make_member(tenant_a, "rep@alpha.test", "sales_rep")
    client = Client()
    client.force_login(rep.user)
    page = f"/crm/opportunities/{deal.pk}/"
    action = f"/scm/orders/from-opportunity/{deal.pk}/"
    assert action.encode() not in client.get(page).content  # open deals have no button
    refused = client.post(action, follow=True)
    assert refused.redirect_chain == [(page, 302)]
    assert b"only won opportunities become orders" in refused.content

    sales.mark_won(deal.pk)
    assert b"Create order</button>" in client.get(page).content
    created = client.post(action, follow=True)
    order = SalesOrder.objects.get(opportunity_id=deal.pk)
    assert created.redirect_chain == [(f"/scm/orders/{order.pk}/", 302)]
    assert f"Draft order {order.number} created from the deal".encode() in created.content
    assert (order.state, order.account_id, order.created_by_id) == (
        "draft",
        shop.acme.pk,
        rep.user.pk,
    )
    again = client.post(action, follow=True)  # a second click lands on the same order
    assert again.redirect_chain == [(f"/scm/orders/{order.pk}/", 302)]
    assert f"This deal already has order {order.number}.".encode() in again.content
    assert SalesOrder.objects.filter(opportunity_id=deal.pk).count() == 1


def test_a_marketer_may_not_create_orders_from_deals(shop, tenant_a):
    from django.test import Client
    from tests.conftest import make_member

    deal, sales = _won_deal(shop)
    sales.mark_won(deal.pk)
    marketer = make_member(tenant_a, "marketer@alpha.test", "marketer")
    client = Client()
    client.force_login(marketer.user)
    assert b"Create order</button>" not in client.get(f"/crm/opportunities/{deal.pk}/").content
    assert client.post(f"/scm/orders/from-opportunity/{deal.pk}/").status_code == 403
    assert not SalesOrder.objects.filter(opportunity_id=deal.pk).exists()
