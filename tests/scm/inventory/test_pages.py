"""Inventory pages: lists render, filter and paginate; forms show errors next to fields;
the product page's stock panel; the demo seeder."""

from __future__ import annotations

import random

import pytest
from django.test import Client
from tests.conftest import make_member
from tests.scm.inventory.conftest import D

from valuechain.platform.tenancy.context import tenant_context
from valuechain.scm.catalog import services as catalog
from valuechain.scm.inventory import movements, replenishment, services, warehouses
from valuechain.scm.inventory.demo import seed_inventory
from valuechain.scm.inventory.models import CycleCount, ReorderRule, StockMove, Transfer, Warehouse
from valuechain.scm.inventory.panels import stock_panel


@pytest.fixture
def stocked(tenant_a, admin_a):
    with tenant_context(tenant_a, actor=admin_a.user):
        variant = catalog.create_product(name="Apple", sku="APL").variants.get()
        dc1 = warehouses.create_warehouse(code="DC1", name="Berlin", priority=1)
        dc2 = warehouses.create_warehouse(code="DC2", name="Munich", priority=2)
        services.receive(variant=variant, warehouse=dc1, quantity=D(10), lot_number="L1")
        movements.ship_transfer(
            variant=variant, from_warehouse=dc1, to_warehouse=dc2, quantity=D(2)
        )
        replenishment.create_rule(
            variant_id=variant.pk, warehouse_id=dc2.pk, min_quantity=5, max_quantity=9
        )
        stock = services.location_of(dc1, "stock")
        count = movements.create_count(
            warehouse=dc1,
            lines=[
                {
                    "location_id": stock.pk,
                    "variant_id": variant.pk,
                    "lot_number": "L1",
                    "counted": 7,
                }
            ],
        )
    return variant, dc1, dc2, count


PAGES = [
    "/scm/warehouses/",
    "/scm/stock/",
    "/scm/stock/?q=APL&sort=-on_hand",
    "/scm/stock/moves/",
    "/scm/stock/moves/?kind=receipt&lot=L1&sort=-quantity&since=2000-01-01",
    "/scm/stock/transfers/?state=in_transit",
    "/scm/stock/counts/",
    "/scm/reorder-rules/",
    "/scm/supply-requests/?reason=reorder",
    "/scm/stock/receive/",
]


@pytest.mark.parametrize("path", PAGES)
def test_pages_render(client_a, stocked, path):
    response = client_a.get(path)
    assert response.status_code == 200, path


def test_detail_pages_and_filters(client_a, stocked, tenant_a):
    _variant, dc1, _, count = stocked
    page = client_a.get(f"/scm/warehouses/{dc1.pk}/").content.decode()
    assert "DC1/STOCK" in page and "DC1/TRANSIT" in page
    assert "APL" in client_a.get("/scm/stock/moves/?kind=transfer").content.decode()
    assert "No moves match." in client_a.get("/scm/stock/moves/?kind=scrap").content.decode()
    assert count.number in client_a.get(f"/scm/stock/counts/{count.pk}/").content.decode()
    response = client_a.post(f"/scm/stock/counts/{count.pk}/apply/")
    assert response.status_code == 302
    with tenant_context(tenant_a):
        assert CycleCount.objects.get().state == "applied"
        assert StockMove.objects.filter(kind="adjustment").count() == 1


def test_forms_show_errors_next_to_fields(client_a, stocked, tenant_a):
    _variant, dc1, dc2, _ = stocked
    response = client_a.post(
        "/scm/warehouses/new/", {"code": "DC1", "name": "Again", "priority": 1}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "code": ["There already is a warehouse or location with the code DC1."]
    }
    response = client_a.post(
        "/scm/stock/transfers/new/",
        {"sku": "APL", "from_warehouse": dc1.pk, "to_warehouse": dc2.pk, "quantity": "100"},
    )
    assert response.status_code == 200
    assert "Only 8 available" in response.content.decode()
    response = client_a.post(
        "/scm/stock/transfers/new/",
        {"sku": "NOPE", "from_warehouse": dc1.pk, "to_warehouse": dc2.pk, "quantity": "1"},
    )
    assert response.context["form"].errors["sku"] == ["No item with SKU NOPE."]
    response = client_a.post(
        "/scm/reorder-rules/new/",
        {"sku": "APL", "warehouse": dc2.pk, "min_quantity": "1", "max_quantity": "2"},
    )
    assert response.context["form"].errors["sku"] == [
        "This item already has a rule at this warehouse."
    ]
    response = client_a.post(
        "/scm/stock/transfers/new/",
        {"sku": "APL", "from_warehouse": dc1.pk, "to_warehouse": dc2.pk, "quantity": "3"},
    )
    assert response.status_code == 302
    with tenant_context(tenant_a):
        transfer = Transfer.objects.order_by("-pk").first()
    assert client_a.post(f"/scm/stock/transfers/{transfer.pk}/receive/").status_code == 302
    assert client_a.post("/scm/reorder-rules/run/").status_code == 302
    response = client_a.post(
        "/scm/stock/receive/",
        {
            "sku": "APL",
            "warehouse": dc1.pk,
            "quantity": "5",
            "lot_number": "",
            "expires_on": "2030-01-01",
        },
    )
    assert response.status_code == 200
    assert "An expiry date needs a lot number." in response.content.decode()
    with tenant_context(tenant_a):
        assert Warehouse.objects.count() == 2


def test_sales_rep_reads_but_cannot_write(tenant_a, stocked):
    rep = make_member(tenant_a, "rep@alpha.test", "sales_rep")
    client = Client()
    client.force_login(rep.user)
    assert client.get("/scm/stock/").status_code == 200
    assert client.post("/scm/warehouses/new/", {"code": "X", "name": "X"}).status_code == 403


def test_stock_panel_rows(tenant_a, stocked, django_assert_max_num_queries):
    variant, _dc1, _dc2, _ = stocked
    with tenant_context(tenant_a), django_assert_max_num_queries(4):
        template, context = stock_panel([variant.pk])
    assert template == "inventory/_product_panel.html"
    assert [
        (r["warehouse_code"], r["on_hand"], r["available"], r["incoming"])
        for r in context["stock_rows"]
    ] == [
        ("DC1", D(8), D(8), D(0)),
        ("DC2", D(0), D(0), D(2)),
    ]


def test_count_screen_records_lines(client_a, stocked, tenant_a):
    _variant, dc1, _, _ = stocked
    with tenant_context(tenant_a):
        stock = services.location_of(dc1, "stock")
    response = client_a.post(
        f"/scm/stock/counts/new/?warehouse={dc1.pk}",
        {
            "warehouse": dc1.pk,
            "l0-sku": "APL",
            "l0-location": stock.pk,
            "l0-lot_number": "L1",
            "l0-counted": "6",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    with tenant_context(tenant_a):
        assert CycleCount.objects.count() == 2


def test_demo_seeder(tenant_a, admin_a):
    with tenant_context(tenant_a):
        assert seed_inventory(random.Random(1)) == "no catalog variants: no stock seeded"
        for i in range(3):
            catalog.create_product(name=f"Demo {i}", sku=f"DEMO-{i}")
        summary = seed_inventory(random.Random(1))
        assert summary.startswith("3 warehouses")
        assert Warehouse.objects.filter(is_store=True).count() == 1
        assert ReorderRule.objects.count() == 3
        assert StockMove.objects.filter(lot__isnull=False).exists()
