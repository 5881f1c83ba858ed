"""The work-order execution page in a phone-sized browser (issue 5, manufacturing).

A production worker opens a planned work order for 5 shelves on a phone, releases it (the
boards and screws are reserved), starts the clock, records 4 good and 1 scrapped shelf,
tries to record more than is left (the refusal appears next to the field), and completes
the order. The stock then holds 4 shelves, the boards consumed for 5, and nothing reserved.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import tenant_context
from valuechain.scm.catalog import services as catalog
from valuechain.scm.inventory import queries as inventory_queries
from valuechain.scm.inventory import services as inventory
from valuechain.scm.inventory import warehouses
from valuechain.scm.inventory.models import StockBalance
from valuechain.scm.manufacturing import services, workorders
from valuechain.scm.manufacturing.models import WorkOrder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "maker@alpha.test"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def plant(transactional_db: Any) -> Any:
    """Tenant Alpha with a production worker, boards and screws, the shelf's bill, an order."""
    tenant = tenancy.create_tenant("Alpha Works", "alpha")
    user = tenancy.create_user(EMAIL, PASSWORD, first_name="Pat", last_name="Production")
    tenancy.add_member(tenant, user, "production")
    with tenant_context(tenant):
        warehouse = warehouses.create_warehouse(code="WH1", name="Main")
        shelf = catalog.create_product(name="Shelf", sku="SHELF").variants.get()
        board = catalog.create_product(name="Board", sku="BOARD").variants.get()
        screw = catalog.create_product(name="Screw", sku="SCREW").variants.get()
        inventory.receive(variant=board, warehouse=warehouse, quantity=Decimal(100))
        inventory.receive(variant=screw, warehouse=warehouse, quantity=Decimal(200))
        services.create_bom(
            variant_id=shelf.pk,
            components=[
                {"variant_id": board.pk, "quantity": Decimal(2), "scrap_percent": Decimal(5)},
                {"variant_id": screw.pk, "quantity": Decimal(8)},
            ],
        )
        saw = services.create_work_centre(code="SAW", name="Panel saw", capacity_per_hour=10)
        order = workorders.create_work_order(
            variant_id=shelf.pk,
            quantity=Decimal(5),
            warehouse_id=warehouse.pk,
            work_centre_id=saw.pk,
        )
    return tenant, order.pk, shelf, board


def test_execute_a_work_order_on_a_phone(chromium, live_server, plant, page_problems):
    tenant, order_id, shelf, board = plant
    base_url = live_server.url
    watcher = page_problems(base_url)
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = watcher.watch(context.new_page())
    page.goto(f"{base_url}/login/")
    page.fill("input[name='username']", EMAIL)
    page.fill("input[name='password']", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type='submit']")

    page.goto(f"{base_url}/scm/work-orders/{order_id}/")
    expect(page.locator("h1")).to_contain_text("planned")
    page.get_by_role("button", name="Release").click()
    expect(page.locator("h1")).to_contain_text("released")
    expect(page.locator("main")).to_contain_text("10.5")  # boards: 5 x 2 x 1.05
    page.get_by_role("button", name="Start").click()
    expect(page.locator("h1")).to_contain_text("in progress")
    expect(page.get_by_role("button", name="Stop")).to_be_visible()

    page.get_by_label("Good").fill("4")
    page.get_by_label("Scrap").fill("1")
    page.get_by_role("button", name="Record").click()
    expect(page.locator("main")).to_contain_text("4 good, 1 scrap")

    page.get_by_label("Good").fill("3")
    page.get_by_role("button", name="Record").click()
    expect(page.locator("main")).to_contain_text("Only 0 left to make")

    page.goto(f"{base_url}/scm/work-orders/{order_id}/")
    page.get_by_role("button", name="Complete").click()
    expect(page.locator("h1")).to_contain_text("done")
    assert watcher.take(page) == []

    with tenant_context(tenant):
        assert WorkOrder.objects.get(pk=order_id).good_quantity == 4
        made = StockBalance.objects.get(variant=shelf)
        boards = StockBalance.objects.get(variant=board)
        assert (made.on_hand, made.reserved) == (Decimal(4), Decimal(0))
        assert (boards.on_hand, boards.reserved) == (Decimal("89.5"), Decimal(0))
        assert inventory_queries.ledger_mismatches() == []
    context.close()
