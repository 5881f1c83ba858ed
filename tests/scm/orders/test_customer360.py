"""Orders on the customer 360° view: timeline entries, key figures, the last-orders panel."""

from __future__ import annotations

from decimal import Decimal

from valuechain.scm.orders import queries, services

D = Decimal


def _confirmed(shop, quantity, **values):
    order = services.create_order(
        {
            "channel": values.pop("channel", "web"),
            "person_id": shop.ada.pk,
            "lines": [{"sku": "W-1", "quantity": quantity}],
            **values,
        }
    )
    return services.confirm_order(order.pk)


def test_360_api_shows_orders_on_timeline_key_figures_and_panel(api, shop):
    first = _confirmed(shop, 1)
    second = _confirmed(shop, 2, channel="phone")
    services.cancel_order(second.pk)
    services.create_order({"channel": "web", "person_id": shop.ada.pk})  # a draft
    body = api.get(f"/customers/person-{shop.ada.pk}/360").json()
    titles = [i["title"] for i in body["timeline"]["items"] if i["source"] == "sales_order"]
    assert titles == [
        "Order SO-000003 created",
        f"Order {second.number} cancelled",
        f"Order {second.number} confirmed",
        f"Order {second.number} created",
        f"Order {first.number} confirmed",
        f"Order {first.number} created",
    ]
    figures = body["key_figures"]
    # only the confirmed first order counts: 1 x 10.00 net
    assert (figures["lifetime_revenue"], figures["lifetime_revenue_currency"]) == ("10.00", "EUR")
    assert (figures["order_count"], figures["open_order_count"]) == (1, 2)
    panel = body["panels"]["last_orders"]
    assert [item["number"] for item in panel["items"]] == [
        "SO-000003",
        second.number,
        first.number,
    ]
    assert panel["items"][1]["state"] == "cancelled"


def test_timeline_source_costs_one_query_and_filters_by_channel(shop, django_assert_num_queries):
    _confirmed(shop, 1, channel="phone")
    with django_assert_num_queries(1):
        entries = queries.timeline_entries("person", shop.ada, None, None, 1)
    assert [e.title for e in entries] == ["Order SO-000001 confirmed"]
    assert entries[0].channel == "call_centre"
    assert len(queries.timeline_entries("person", shop.ada, "call_centre", None, 10)) == 2
    assert queries.timeline_entries("person", shop.ada, "store", None, 10) == []
    assert queries.timeline_entries("person", shop.ada, "email", None, 10) == []
    assert queries.timeline_entries("account", shop.acme, None, None, 10) == []


def test_360_page_shows_the_last_orders_panel(client_a, shop):
    order = _confirmed(shop, 3)
    page = client_a.get(f"/crm/people/{shop.ada.pk}/360/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Last orders" in text
    assert order.number in text
