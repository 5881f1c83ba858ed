"""Receiving with inspection in a phone-sized browser (issue 5, receiving and quality).

A buyer's purchase order for 20 bolts (2.50 each) has been sent; bolts have a receipt
inspection plan with one check. Warehouse staff open the receiving screen on a phone, scan a
GS1 code (GTIN, lot, expiry, count 12), type 8 more, see an unknown code and an item that is
not on the order refused next to the field, and receive. The receipt shows the 20 bolts in
the quality location, not available. The inspector opens the inspection, passes the check,
accepts 17 and rejects 3 as damaged. Then 17 are available in stock at 2.50, 3 are held in
quality, and the order line counts 20 received, 17 accepted, 3 rejected.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import tenant_context
from valuechain.scm.catalog import services as catalog
from valuechain.scm.inventory import queries as inventory_queries
from valuechain.scm.inventory import warehouses
from valuechain.scm.inventory.models import StockBalance, StockMove
from valuechain.scm.procurement import services as procurement
from valuechain.scm.purchasing.models import PurchaseOrder, PurchaseOrderLine
from valuechain.scm.quality import plans
from valuechain.scm.quality.models import Inspection
from valuechain.scm.receiving.models import ReceiptLine

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "dock@alpha.test"
PASSWORD = "correct horse battery staple"
GTIN = "4006381333931"


@pytest.fixture
def dock(transactional_db: Any) -> Any:
    """Tenant Alpha, warehouse staff, a sent order for 20 bolts with a receipt inspection."""
    tenant = tenancy.create_tenant("Alpha Trading", "alpha")
    user = tenancy.create_user(EMAIL, PASSWORD, first_name="Dana", last_name="Dock")
    tenancy.add_member(tenant, user, "warehouse")
    with tenant_context(tenant):
        warehouse = warehouses.create_warehouse(code="WH1", name="Main")
        bolt = catalog.create_product(name="Bolt", sku="BOLT", gtin=GTIN).variants.get()
        catalog.create_product(name="Washer", sku="WASHER")
        nord = procurement.create_supplier(code="NORD", name="Nordwerk GmbH")
        plans.create_plan(
            {
                "name": "Incoming bolts",
                "stage": "receipt",
                "variant_id": bolt.pk,
                "checks": [{"name": "Packaging intact", "kind": "pass_fail"}],
            }
        )
        plans.create_defect_reason(code="DAMAGED", name="Damaged in transit")
        order = PurchaseOrder.objects.create(
            number="PO-000007",
            supplier=nord,
            warehouse=warehouse,
            state="sent",
            currency="EUR",
            order_date=dt.date.today(),
        )
        line = PurchaseOrderLine.objects.create(
            order=order,
            position=1,
            variant=bolt,
            sku="BOLT",
            gtin=GTIN,
            description="Bolt",
            quantity=Decimal(20),
            unit_price=Decimal("2.50"),
            net_amount=Decimal("50.00"),
        )
    return tenant, order, line, bolt


def _balance(bolt: Any, kind: str) -> Decimal:
    rows = StockBalance.objects.filter(variant=bolt, location__kind=kind)
    return sum((row.on_hand for row in rows), Decimal(0))


def test_receive_with_inspection_on_a_phone(chromium, live_server, dock, page_problems):
    tenant, order, line, bolt = dock
    base_url = live_server.url
    watcher = page_problems(base_url)
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = watcher.watch(context.new_page())
    page.goto(f"{base_url}/login/")
    page.fill("input[name='username']", EMAIL)
    page.fill("input[name='password']", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type='submit']")

    page.goto(f"{base_url}/scm/receiving/?number=PO-000007")
    expect(page.locator("h1")).to_contain_text("Receive PO-000007")
    code = page.locator("[data-receive-code]")
    expect(code).to_be_focused()
    code.fill("(01)04006381333931(10)L-77(17)271231(37)12")
    code.press("Enter")
    expect(page.locator("[data-pending='1']")).to_have_text("counted now 12")
    expect(page.locator("#receive-last")).to_contain_text("12 x BOLT, lot L-77")

    code = page.locator("[data-receive-code]")
    code.fill("NOPE-123")
    code.press("Enter")
    expect(page.locator("#id_code_error")).to_have_text(
        "NOPE-123 is no known item (GTIN or SKU) or package."
    )
    code = page.locator("[data-receive-code]")
    code.fill("WASHER")
    code.press("Enter")
    expect(page.locator("#id_code_error")).to_have_text(
        "WASHER (Washer) is not on purchase order PO-000007."
    )
    expect(page.locator("[data-pending='1']")).to_have_text("counted now 12")

    page.locator("summary", has_text="Count, lot, expiry").click()
    page.fill("#id_quantity", "8")
    page.fill("#id_lot_number", "L-77")
    page.fill("#id_expires_on", "2027-12-31")
    code = page.locator("[data-receive-code]")
    code.fill(GTIN)
    code.press("Enter")
    expect(page.locator("[data-pending='1']")).to_have_text("counted now 20")
    assert watcher.take(page) == []

    with page.expect_navigation():
        page.get_by_role("button", name="Receive", exact=True).click()
    expect(page.locator("h1")).to_contain_text("Receipt REC-000001")
    lines = page.locator("#receipt-lines tbody tr")
    expect(lines).to_have_count(1)
    expect(lines.first).to_contain_text("WH1/QUALITY")
    expect(lines.first).to_contain_text("in quality, not available")
    with tenant_context(tenant):
        row = ReceiptLine.objects.get()
        assert (row.quantity, row.lot_number, row.expires_on) == (
            Decimal(20),
            "L-77",
            dt.date(2027, 12, 31),
        )
        assert _balance(bolt, "quality") == Decimal(20)
        assert inventory_queries.available([bolt.pk])[bolt.pk] == 0
        inspection = Inspection.objects.get()
        check = inspection.plan.checks.get()
    assert watcher.take(page) == []

    page.goto(f"{base_url}/scm/quality/inspections/{inspection.pk}/")
    expect(page.locator("h1")).to_contain_text(inspection.number)
    page.locator(f"input[name='check_{check.pk}'][value='pass']").check()
    page.fill("input[name='accepted_quantity']", "17")
    page.fill("input[name='rejected_quantity']", "3")
    page.select_option("select[name='defect_reason']", label="DAMAGED Damaged in transit")
    with page.expect_navigation():
        page.get_by_role("button", name="Complete inspection").click()
    expect(page.locator("main")).to_contain_text("17 accepted")
    expect(page.locator("main")).to_contain_text("3 rejected")
    assert watcher.take(page) == []

    with tenant_context(tenant):
        assert inventory_queries.available([bolt.pk])[bolt.pk] == Decimal(17)
        assert _balance(bolt, "stock") == Decimal(17)
        assert _balance(bolt, "quality") == Decimal(3)
        line.refresh_from_db()
        assert (line.received_quantity, line.accepted_quantity, line.rejected_quantity) == (
            Decimal(20),
            Decimal(17),
            Decimal(3),
        )
        receipt_move = StockMove.objects.get(pk=row.stock_move_id)
        assert receipt_move.unit_cost == Decimal("2.50")
        order.refresh_from_db()
        assert order.state == "received"
        assert inventory_queries.ledger_mismatches() == []
    page.goto(f"{base_url}/scm/receiving/receipts/{row.receipt_id}/")
    expect(page.locator("#receipt-lines tbody tr").first).to_contain_text("17")
    assert watcher.take(page) == []
    context.close()
