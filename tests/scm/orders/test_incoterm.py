"""Incoterms on sales orders: through the API (upper-cased, refused when unknown) and the
new order form, shown on the order's page."""

from __future__ import annotations

from valuechain.scm.orders.models import SalesOrder


def _body(shop, **values):
    return {
        "channel": "web",
        "person_id": shop.ada.pk,
        "lines": [{"sku": "W-1", "quantity": 1}],
        **values,
    }


def test_incoterm_through_the_api(api, shop):
    created = api.post("/sales-orders", _body(shop, incoterm="fca", incoterm_place="Leipzig hub"))
    assert created.status_code == 201, created.content
    assert (created.json()["incoterm"], created.json()["incoterm_place"]) == ("FCA", "Leipzig hub")
    plain = api.post("/sales-orders", _body(shop))
    assert (plain.json()["incoterm"], plain.json()["incoterm_place"]) == ("", "")
    api.error(
        api.post("/sales-orders", _body(shop, incoterm="XYZ")), 422, "invalid_incoterm", "incoterm"
    )
    assert SalesOrder.objects.count() == 2


def test_incoterm_on_the_form_and_page(client_a, shop):
    created = client_a.post(
        "/scm/orders/new/",
        {
            "channel": "phone",
            "person_id": shop.ada.pk,
            "incoterm": "DAP",
            "incoterm_place": "Zürich",
        },
    )
    order = SalesOrder.objects.get()
    assert created.status_code == 302
    assert (order.incoterm, order.incoterm_place) == ("DAP", "Zürich")
    page = client_a.get(f"/scm/orders/{order.pk}/").content.decode()
    assert "<dt>Incoterm</dt><dd>DAP Zürich</dd>" in page
