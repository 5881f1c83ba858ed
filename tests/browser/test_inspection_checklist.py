"""The inspection checklist in a phone-sized browser (issue 5, quality).

A warehouse worker opens a pending receipt inspection of 10 bolts on a phone, forgets the
diameter (the refusal appears next to that check), measures 10.3 mm (out of tolerance) and
tries to accept everything (refused: accept with deviation or reject), then accepts 7 and
rejects 3 as out of tolerance. Stock holds 7 bolts, QUALITY the 3 rejected, which the worker
then scraps from the same page.
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
from valuechain.scm.quality import plans, services
from valuechain.scm.quality.models import Inspection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "inspector@alpha.test"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def lab(transactional_db: Any) -> Any:
    """Tenant Alpha with a warehouse worker, a bolt plan and 10 bolts awaiting inspection."""
    tenant = tenancy.create_tenant("Alpha Works", "alpha")
    user = tenancy.create_user(EMAIL, PASSWORD, first_name="Ines", last_name="Inspector")
    tenancy.add_member(tenant, user, "warehouse")
    with tenant_context(tenant):
        warehouse = warehouses.create_warehouse(code="WH1", name="Main")
        bolt = catalog.create_product(name="Bolt", sku="BOLT").variants.get()
        plans.create_plan(
            {
                "name": "Bolt incoming",
                "product_id": bolt.product_id,
                "stage": "receipt",
                "checks": [
                    {"name": "Visual", "kind": "pass_fail"},
                    {
                        "name": "Diameter",
                        "kind": "measurement",
                        "target": "10",
                        "lower_tolerance": "0.1",
                        "upper_tolerance": "0.2",
                        "unit": "mm",
                    },
                ],
            }
        )
        plans.create_defect_reason(code="OUT_OF_SPEC", name="Out of tolerance")
        move = inventory.receive(
            variant=bolt,
            warehouse=warehouse,
            quantity=Decimal(10),
            location=inventory.location_of(warehouse, "quality"),
        )
        inspection = services.open_inspection(
            stage="receipt",
            source_type="test.receipt",
            source_id=move.pk,
            variant_id=bolt.pk,
            warehouse_id=warehouse.pk,
            quantity=Decimal(10),
            reference="GR-1",
        )
    return tenant, inspection.pk, bolt, warehouse


def test_complete_an_inspection_on_a_phone(chromium, live_server, lab, page_problems):
    tenant, inspection_id, bolt, warehouse = lab
    base_url = live_server.url
    watcher = page_problems(base_url)
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = watcher.watch(context.new_page())
    page.goto(f"{base_url}/login/")
    page.fill("input[name='username']", EMAIL)
    page.fill("input[name='password']", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type='submit']")

    page.goto(f"{base_url}/scm/quality/inspections/{inspection_id}/")
    expect(page.locator("h1")).to_contain_text("pending")
    expect(page.locator("main")).to_contain_text("Target 10, 9.9 to 10.2")
    page.get_by_label("Pass").first.check()
    page.get_by_role("button", name="Complete inspection").click()
    expect(page.locator(".field-error")).to_contain_text("Enter the measured Diameter.")

    page.get_by_label("Pass").first.check()
    page.get_by_label("Diameter (mm)").fill("10.3")
    page.get_by_role("button", name="Complete inspection").click()
    expect(page.locator(".field-error")).to_contain_text("Diameter failed")

    page.get_by_label("Pass").first.check()
    page.get_by_label("Diameter (mm)").fill("10.3")
    page.locator("#id_accepted_quantity").fill("7")
    page.locator("#id_rejected_quantity").fill("3")
    page.get_by_label("Defect reason").select_option(label="OUT_OF_SPEC Out of tolerance")
    page.get_by_label("Accept with deviation").check()
    page.get_by_role("button", name="Complete inspection").click()
    expect(page.locator("h1")).to_contain_text("partial")
    expect(page.locator("main")).to_contain_text("3 held in quality")

    page.get_by_label("Action").select_option("scrap")
    page.get_by_label("Quantity").fill("3")
    page.get_by_role("button", name="Record").click()
    expect(page.locator("main")).to_contain_text("0 held in quality")
    assert watcher.take(page) == []

    with tenant_context(tenant):
        done = Inspection.objects.get(pk=inspection_id)
        assert (done.state, done.accepted_quantity, done.scrapped_quantity) == (
            "partial",
            Decimal(7),
            Decimal(3),
        )
        stock = StockBalance.objects.get(
            variant=bolt, location=inventory.location_of(warehouse, "stock")
        )
        assert stock.on_hand == Decimal(7)
        assert inventory_queries.ledger_mismatches() == []
    context.close()
