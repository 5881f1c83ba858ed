"""Purchasing pages: lists render, filter and paginate; forms show service errors by their
fields; detail actions; RFQ compare and award; proposals one click and bulk; the demo."""

from __future__ import annotations

import random

import pytest
from django.test import Client
from tests.conftest import make_member
from tests.scm.purchasing.conftest import D, make_world

from valuechain.platform.tenancy.context import tenant_context
from valuechain.scm.inventory import supply
from valuechain.scm.inventory.models import SupplyRequest
from valuechain.scm.purchasing import rfq, services
from valuechain.scm.purchasing.demo import seed_purchasing
from valuechain.scm.purchasing.models import PurchaseOrder, Rfq


@pytest.fixture
def world(tenant_a, admin_a):
    with tenant_context(tenant_a, actor=admin_a.user):
        world = make_world(tenant_a)
        world.order = services.create_order(
            supplier_id=world.nord.pk,
            warehouse_id=world.warehouse.pk,
            lines=[{"variant_id": world.bolt.pk, "quantity": "10"}],
        )
        world.rfq = rfq.create_rfq(
            warehouse_id=world.warehouse.pk,
            lines=[{"variant_id": world.bolt.pk, "quantity": "10"}],
            supplier_ids=[world.nord.pk, world.lyon.pk],
        )
    return world


def test_pages_render(client_a, world):
    for url in (
        "/scm/purchase-orders/",
        "/scm/purchase-orders/?state=draft&q=PO&sort=supplier&date_from=2020-01-01",
        "/scm/purchase-orders/new/",
        "/scm/purchase-orders/new/?sku=BOLT&quantity=30",
        f"/scm/purchase-orders/{world.order.pk}/",
        f"/scm/purchase-orders/{world.order.pk}/edit/",
        "/scm/rfqs/",
        "/scm/rfqs/new/",
        f"/scm/rfqs/{world.rfq.pk}/",
        f"/scm/rfqs/{world.rfq.pk}/compare/",
        "/scm/purchase-proposals/",
    ):
        assert client_a.get(url).status_code == 200, url
    pdf = client_a.get(f"/scm/purchase-orders/{world.order.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"


def test_list_filters_and_paginates(client_a, tenant_a, admin_a, world):
    with tenant_context(tenant_a, actor=admin_a.user):
        for _ in range(50):
            services.create_order(supplier_id=world.lyon.pk, warehouse_id=world.warehouse.pk)
    first = client_a.get("/scm/purchase-orders/")
    assert len(first.context["page"].object_list) == 50
    assert len(client_a.get("/scm/purchase-orders/?page=2").context["page"].object_list) == 1
    nord = client_a.get(f"/scm/purchase-orders/?supplier={world.nord.pk}").context["page"]
    assert [o.number for o in nord.object_list] == ["PO-000001"]


def test_buying_an_item_preselects_the_best_ranked_supplier(client_a, world, in_tenant_a):
    page = client_a.get("/scm/purchase-orders/new/?sku=BOLT&quantity=25")
    assert page.context["form"].initial["supplier"] == str(world.lyon.pk)
    response = client_a.post(
        "/scm/purchase-orders/new/",
        {"warehouse": world.warehouse.pk, "sku": "BOLT", "quantity": "25"},
    )
    order = PurchaseOrder.objects.exclude(pk=world.order.pk).get()
    assert response.status_code == 302
    assert (order.supplier_id, order.net_total) == (world.lyon.pk, D("23.75"))


def test_form_errors_next_to_fields(client_a, world):
    response = client_a.post(
        "/scm/purchase-orders/new/",
        {"warehouse": world.warehouse.pk, "supplier": world.lyon.pk, "sku": "NUT", "quantity": "1"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["unit_price"] == [
        "NUT has no price list at this supplier; enter the unit price."
    ]
    response = client_a.post(
        f"/scm/purchase-orders/{world.order.pk}/lines/", {"sku": "NOPE", "quantity": "1"}
    )
    assert response.context["line_form"].errors["sku"] == ["No item with SKU NOPE."]


def test_detail_actions(client_a, world, in_tenant_a):
    base = f"/scm/purchase-orders/{world.order.pk}"
    client_a.post(f"{base}/lines/", {"sku": "NUT", "quantity": "5"})
    world.order.refresh_from_db()
    assert world.order.net_total == D("11.00")
    client_a.post(f"{base}/submit/")
    world.order.refresh_from_db()
    assert world.order.state == "sent"
    response = client_a.post(f"{base}/submit/", follow=True)
    assert "only drafts are submitted" in response.content.decode()
    client_a.post(f"{base}/close/")
    world.order.refresh_from_db()
    assert world.order.state == "closed"
    assert client_a.post(f"{base}/explode/").status_code == 404


def test_rfq_quote_compare_award(client_a, world, in_tenant_a):
    line = world.rfq.lines.get()
    response = client_a.post(
        f"/scm/rfqs/{world.rfq.pk}/quotes/",
        {"supplier": world.nord.pk, f"price_{line.pk}": "0.70", f"lead_{line.pk}": "4"},
    )
    assert response.status_code == 302
    client_a.post(
        f"/scm/rfqs/{world.rfq.pk}/quotes/",
        {"supplier": world.lyon.pk, f"price_{line.pk}": "0.90", f"lead_{line.pk}": "9"},
    )
    page = client_a.get(f"/scm/rfqs/{world.rfq.pk}/compare/").content.decode()
    assert 'data-supplier="NORD" class="preferred"' in page
    client_a.post(f"/scm/rfqs/{world.rfq.pk}/award/", {f"line_{line.pk}": world.lyon.pk})
    awarded = PurchaseOrder.objects.get(rfq=world.rfq)
    assert (awarded.supplier_id, awarded.net_total) == (world.lyon.pk, D("9.00"))
    assert Rfq.objects.get(pk=world.rfq.pk).state == "closed"


def test_quote_form_refuses_a_negative_price_next_to_the_field(client_a, world, in_tenant_a):
    line = world.rfq.lines.get()
    response = client_a.post(
        f"/scm/rfqs/{world.rfq.pk}/quotes/",
        {"supplier": world.nord.pk, f"price_{line.pk}": "-0.01", f"lead_{line.pk}": "-1"},
    )
    form = response.context["quote_form"]
    assert list(form.fields)[:3] == ["supplier", "currency", "valid_until"]
    assert form.errors == {
        f"price_{line.pk}": ["Ensure this value is greater than or equal to 0."],
        f"lead_{line.pk}": ["Ensure this value is greater than or equal to 0."],
    }
    assert not world.rfq.quotes.exists()


def test_rfq_create_form(client_a, world, in_tenant_a):
    response = client_a.post(
        "/scm/rfqs/new/",
        {"warehouse": world.warehouse.pk, "items": "BOLT 40\nNUT 10", "suppliers": [world.nord.pk]},
    )
    assert response.status_code == 302
    created = Rfq.objects.exclude(pk=world.rfq.pk).get()
    assert [(line.variant.sku, line.quantity) for line in created.lines.order_by("position")] == [
        ("BOLT", D(40)),
        ("NUT", D(10)),
    ]
    bad = client_a.post("/scm/rfqs/new/", {"warehouse": world.warehouse.pk, "items": "BOLT"})
    assert bad.context["form"].errors["items"] == ["Line 1: write the SKU, a space, the quantity."]


def test_proposals_one_click_and_bulk(client_a, tenant_a, admin_a, world, in_tenant_a):
    with tenant_context(tenant_a, actor=admin_a.user):
        bolt = supply.request_supply(
            variant=world.bolt, warehouse=world.warehouse, quantity=D(25), reason="reorder"
        )
        nut = supply.request_supply(
            variant=world.nut, warehouse=world.warehouse, quantity=D(5), reason="mto"
        )
    page = client_a.get("/scm/purchase-proposals/").content.decode()
    assert f'data-request="{bolt.pk}"' in page
    client_a.post(f"/scm/purchase-proposals/order/?only={bolt.pk}", {"request": [nut.pk]})
    assert SupplyRequest.objects.get(pk=bolt.pk).state == "ordered"
    assert SupplyRequest.objects.get(pk=nut.pk).state == "open"
    again = client_a.post("/scm/purchase-proposals/order/", {"request": [bolt.pk]}, follow=True)
    assert "no longer open" in again.content.decode()
    client_a.post("/scm/purchase-proposals/order/", {"request": [nut.pk]})
    assert SupplyRequest.objects.get(pk=nut.pk).state == "ordered"


def test_demo(tenant_a, admin_a):
    with tenant_context(tenant_a, actor=admin_a.user):
        make_world(tenant_a)
        summary = seed_purchasing(random.Random(1))
        states = set(PurchaseOrder.objects.values_list("state", flat=True))
        assert "draft" in states and "sent" in states
        assert Rfq.objects.filter(state="closed").count() == 1
        assert Rfq.objects.filter(state="sent").count() == 1
    assert "purchase orders" in summary


def _set_state(tenant, order, state):
    """Put the order in a state directly (row-level security needs the tenant bound)."""
    with tenant_context(tenant):
        PurchaseOrder.objects.filter(pk=order.pk).update(state=state)


def test_detail_links_to_the_receiving_screen_when_goods_may_arrive(client_a, world, tenant_a):
    url = f"/scm/purchase-orders/{world.order.pk}/"
    screen = f'href="/scm/receiving/orders/{world.order.pk}/"'
    assert world.order.state == "draft"
    assert screen not in client_a.get(url).content.decode()
    for state in ("sent", "partially_received"):
        _set_state(tenant_a, world.order, state)
        page = client_a.get(url).content.decode()
        assert f'<a class="btn btn-primary" {screen}>Receive</a>' in page, state
        assert client_a.get(f"/scm/receiving/orders/{world.order.pk}/").status_code == 200
    reader = Client()
    reader.force_login(make_member(tenant_a, "agent@alpha.test", "service_agent").user)
    assert screen not in reader.get(url).content.decode()  # scm:read cannot book goods
    for state in ("received", "closed"):
        _set_state(tenant_a, world.order, state)
        assert screen not in client_a.get(url).content.decode(), state
