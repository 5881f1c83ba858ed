"""The commerce and inventory core end to end in a real browser (issue 4).

A warehouse clerk creates a product with a GTIN in the catalog pages and prints its label,
receives 20 units by scanning a GS1-128 string with lot and expiry on the scan page (typed
like a keyboard-wedge scanner, FNC1 as Ctrl+], then Enter), the store's till sells 5
through the POS endpoint, the web shop sends an order of 10 which is confirmed and reserves,
the order is picked and packed on the scan page, sealed and shipped with a carrier and a
tracking number; then the product page shows 5 on hand and nothing reserved and the
customer's 360° view shows both purchases.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from valuechain.crm.customers import services as customers
from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import tenant_context
from valuechain.scm.catalog.models import Product
from valuechain.scm.fulfillment.models import Package, PickList, Shipment
from valuechain.scm.inventory import queries as inventory_queries
from valuechain.scm.inventory.models import Lot, StockBalance, StockMove
from valuechain.scm.orders.models import SalesOrder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "clerk@alpha.test"
PASSWORD = "correct horse battery staple"
GTIN = "4006381333931"  # a GTIN-13 with a valid check digit (GS1 General Specifications §7.9)
SKU = "PEN-BLUE"
LOT = "L2026-48"
EXPIRY_AI = "281231"  # AI 17 is YYMMDD: 2028-12-31, well after the test runs
STORE = "BER"
PRICE = Decimal("12.50")
FIVE = re.compile(r"^\s*5(\.0+)?\s*$")  # the product page prints 4 decimals


@pytest.fixture
def tenant_a(transactional_db: Any) -> Any:
    """Tenant Alpha Retail (tenant B exists so the slug matters), an admin, a customer."""
    tenant = tenancy.create_tenant("Alpha Retail", "alpha")
    tenancy.create_tenant("Beta Foods", "beta")
    user = tenancy.create_user(EMAIL, PASSWORD, first_name="Wanda", last_name="Warehouse")
    tenancy.add_member(tenant, user, "admin")
    with tenant_context(tenant):
        person = customers.create_person(first_name="Maria", last_name="Schmidt")
    tenant.customer_id = person.pk  # type: ignore[attr-defined]
    return tenant


def _sign_in(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("input[name='username']", EMAIL)
    page.fill("input[name='password']", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type='submit']")


def _api(page: Any, base_url: str, method: str, path: str, body: Any = None) -> Any:
    """Call the REST API with the browser's session (and its CSRF token, as the pages do)."""
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    headers = {"X-CSRFToken": csrf, "Referer": f"{base_url}/", "Content-Type": "application/json"}
    return page.request.fetch(
        f"{base_url}/api/v1{path}",
        method=method,
        headers=headers,
        data=json.dumps(body) if body is not None else None,
    )


def _scan(page: Any, keys: list[str], *, quantity: str | None = None) -> Any:
    """Type a code into the scan field as a keyboard-wedge scanner does and press Enter.

    ``keys`` are text chunks; ``"<FNC1>"`` is sent as Ctrl+] (the page documents it as the
    FNC1 key). Waits for the scan's htmx answer and returns the result box.
    """
    field = page.locator("#scan-code")
    if quantity is not None:
        page.fill("#scan-quantity", quantity)
    field.click()
    for chunk in keys:
        if chunk == "<FNC1>":
            page.keyboard.press("Control+BracketRight")
        else:
            page.keyboard.type(chunk)
    with page.expect_response(lambda r: r.url.endswith("/scm/scan/submit/")) as answer:
        page.keyboard.press("Enter")
    assert answer.value.status == 200
    expect(field).to_have_value("")  # the page clears the field for the next scan
    return page.locator("#scan-live .scan-result")


def _choose_mode(page: Any, base_url: str, label: str) -> None:
    page.goto(f"{base_url}/scm/scan/")
    page.locator("nav.scan-modes").get_by_role("link", name=label, exact=True).click()
    expect(page.locator("nav.scan-modes [aria-current='page']")).to_have_text(label)


def test_receive_sell_order_pick_pack_ship(chromium, live_server, tenant_a, page_problems):
    base_url = live_server.url
    watcher = page_problems(base_url)
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    page = watcher.watch(context.new_page())
    gaps: list[str] = []
    _sign_in(page, base_url)

    # 0. The store (a warehouse that sells over the counter) with its locations.
    answer = _api(
        page,
        base_url,
        "POST",
        "/warehouses",
        {"code": STORE, "name": "Berlin store", "country": "DE", "is_store": True},
    )
    assert answer.status == 201, answer.text()
    warehouse_id = answer.json()["id"]

    # 1. A product with a GTIN, through the catalog pages.
    page.goto(f"{base_url}/scm/products/")
    page.locator(".page-actions, main").get_by_role("link", name="New product").first.click()
    expect(page.locator("h1")).to_have_text("New product")
    page.fill("input[name='name']", "Ballpoint pen blue")
    page.fill("textarea[name='description']", "Refillable, blue ink")
    page.select_option("select[name='kind']", "stockable")
    page.select_option("select[name='supply_mode']", "mts")
    page.fill("input[name='sku']", SKU)
    page.fill("input[name='gtin']", GTIN)
    page.fill("input[name='weight_kg']", "0.25")
    with page.expect_navigation():
        page.locator("main form").get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_have_text("Ballpoint pen blue")
    variants = page.locator("section[aria-labelledby='variants-title'] tbody tr")
    expect(variants).to_have_count(1)
    expect(variants.first).to_contain_text(SKU)
    expect(variants.first).to_contain_text(GTIN)
    assert watcher.take(page) == []
    with tenant_context(tenant_a):
        product = Product.objects.get()
        variant = product.variants.get()
        assert (variant.sku, variant.gtin, product.kind) == (SKU, GTIN, "stockable")
    product_url = page.url

    # 2. Print its label from the product page: SVG and PDF with the EAN-13 bar code.
    label_links = page.locator("main a[href*='/scm/labels/']")
    if label_links.count():
        svg_href = page.locator("main a[href*='/scm/labels/'][href$='.svg']").first
        svg_path = svg_href.get_attribute("href")
        pdf_path = page.locator("main a[href*='/scm/labels/'][href$='.pdf']").first.get_attribute(
            "href"
        )
    else:
        gaps.append(
            "catalog/barcodes: the product page (/scm/products/<id>/) has no link to the "
            "product's label (/scm/labels/product/<id>.svg|.pdf)"
        )
        svg_path = f"/scm/labels/product/{product.pk}.svg"
        pdf_path = f"/scm/labels/product/{product.pk}.pdf"
    svg = page.request.get(f"{base_url}{svg_path}")
    assert svg.status == 200
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.headers["x-label-code"] == GTIN
    assert svg.headers["x-label-symbology"] == "ean13"
    assert "<svg" in svg.text() and GTIN in svg.text() and SKU in svg.text()
    pdf = page.request.get(f"{base_url}{pdf_path}")
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF-")
    assert pdf.headers["x-label-code"] == GTIN
    page.goto(f"{base_url}{svg_path}")  # what "print the label" opens
    expect(page.locator("svg").first).to_be_visible()
    seen = watcher.take(page)
    if seen and all("Content Security Policy" in problem for problem in seen):
        gaps.append(
            f"barcodes: opening {svg_path} in the browser logs {len(seen)} CSP errors "
            "(the SVG's style=\"…\" attributes are refused by style-src 'self', so the "
            "label renders without its fonts and fills)"
        )
        seen = []
    assert seen == []

    # 3. Receive 20 by scanning a GS1-128 label: GTIN, expiry, lot <FNC1> count.
    _choose_mode(page, base_url, "Receive")
    page.select_option("#scan-warehouse", str(warehouse_id))
    result = _scan(
        page, ["]C1", f"01{int(GTIN):014d}", f"17{EXPIRY_AI}", f"10{LOT}", "<FNC1>", "3720"]
    )
    expect(result).to_have_attribute("data-scan-ok", "true")
    expect(result).to_contain_text(f"Received 20 x Ballpoint pen blue ({SKU}) lot {LOT}")
    expect(result).to_contain_text("expires 2028-12-31")
    expect(result).to_contain_text(f"{STORE}/STOCK")
    assert watcher.take(page) == []
    with tenant_context(tenant_a):
        lot = Lot.objects.get(variant=variant)
        assert (lot.number, str(lot.expires_on)) == (LOT, "2028-12-31")
        receipt = StockMove.objects.get(kind="receipt")
        assert (receipt.quantity, receipt.lot_id, receipt.to_location.code) == (
            20,
            lot.pk,
            f"{STORE}/STOCK",
        )

    # 4. The till sells 5 to Maria (she shows her customer card): POS endpoint, one call.
    answer = _api(
        page,
        base_url,
        "POST",
        "/pos/sales",
        {
            "store": STORE,
            "receipt_number": "0001-000417",
            "lines": [{"gtin": GTIN, "quantity": 5, "unit_price": str(PRICE)}],
            "payment": {"method": "cash", "amount": "70.00", "currency": "EUR"},
            "person_id": tenant_a.customer_id,
            "cashier": "Till 1",
        },
    )
    assert answer.status == 201, answer.text()
    sale = answer.json()
    assert (sale["change"], sale["person_id"], sale["order"]["state"]) == (
        "7.50",
        tenant_a.customer_id,
        "shipped",
    )
    assert sale["order"]["channel"] == "pos"
    assert sale["interaction_id"] is not None
    pos_number = sale["order"]["number"]

    # 5. The web shop sends an order of 10 for Maria; it is confirmed on its page and reserves.
    answer = _api(
        page,
        base_url,
        "POST",
        "/sales-orders",
        {
            "channel": "web",
            "person_id": tenant_a.customer_id,
            "currency": "EUR",
            "ship_to_country": "DE",
            "ship_to_postal_code": "10115",
            "external_reference": "shop-1001",
            "lines": [{"gtin": GTIN, "quantity": 10, "unit_price": str(PRICE)}],
        },
    )
    assert answer.status == 201, answer.text()
    web = answer.json()
    assert (web["state"], web["channel"]) == ("draft", "web")
    web_number, web_id = web["number"], web["id"]
    page.goto(f"{base_url}/scm/orders/{web_id}/")
    expect(page.locator("h1")).to_contain_text(web_number)
    with page.expect_navigation():
        page.locator(".page-actions").get_by_role("button", name="Confirm").click()
    expect(page.locator("h1")).to_contain_text("confirmed")
    line_row = page.locator("section[aria-labelledby='lines-title'] tbody tr").first
    expect(line_row.locator("td").nth(8)).to_have_text("10")  # Reserved
    assert watcher.take(page) == []
    with tenant_context(tenant_a):
        (quantities,) = inventory_queries.quantities(variant.pk)
        assert (quantities["on_hand"], quantities["reserved"], quantities["available"]) == (
            15,
            10,
            5,
        )

    # 6. Pick: a pick list for the store, then scan its number, the location, the items.
    page.goto(f"{base_url}/scm/fulfillment/pick-lists/")
    page.select_option("#id_new_warehouse", str(warehouse_id))
    with page.expect_navigation():
        page.get_by_role("button", name="New pick list").click()
    with tenant_context(tenant_a):
        pick_list = PickList.objects.get()
    expect(page.locator("h1")).to_contain_text(pick_list.number)
    assert watcher.take(page) == []

    _choose_mode(page, base_url, "Pick")
    result = _scan(page, [pick_list.number])
    expect(result).to_have_attribute("data-scan-ok", "true")
    expect(result).to_contain_text(f"Picking {pick_list.number}.")
    expect(result).to_contain_text(f"Go to {STORE}/STOCK: 10 x {SKU} lot {LOT}")
    result = _scan(page, [f"{STORE}/STOCK"])
    expect(result).to_contain_text(f"At {STORE}/STOCK.")
    result = _scan(page, ["]C1", f"01{int(GTIN):014d}", f"10{LOT}"], quantity="10")
    expect(result).to_have_attribute("data-scan-ok", "true")
    expect(result).to_contain_text(f"Picked 10 x {SKU} at {STORE}/STOCK.")
    expect(result).to_contain_text("Everything is picked")
    assert watcher.take(page) == []
    with tenant_context(tenant_a):
        pick_list.refresh_from_db()
        assert pick_list.state == "done"

    # 7. Pack: scan the order's number (a new package), then the items.
    _choose_mode(page, base_url, "Pack")
    result = _scan(page, [web_number])
    expect(result).to_have_attribute("data-scan-ok", "true")
    expect(result).to_contain_text(f"for {web_number}.")
    with tenant_context(tenant_a):
        package = Package.objects.get()
    result = _scan(page, [GTIN], quantity="10")
    expect(result).to_have_attribute("data-scan-ok", "true")
    expect(result).to_contain_text(f"Packed 10 x {SKU}.")
    assert watcher.take(page) == []

    # ... seal it with its measured weight on the package page, and check its label.
    page.goto(f"{base_url}/scm/fulfillment/packages/{package.pk}/")
    expect(page.locator("h1")).to_have_text(f"Package {package.sscc}")
    contents = page.locator("section[aria-labelledby='contents-title'] tbody tr")
    expect(contents).to_have_count(1)
    expect(contents.first).to_contain_text(SKU)
    expect(contents.first).to_contain_text(LOT)
    page.fill("#id_weight_kg", "2.8")
    with page.expect_navigation():
        page.get_by_role("button", name="Seal package").click()
    expect(page.locator("h1 + p .badge")).to_have_text("packed")
    label = page.request.get(f"{base_url}/scm/labels/package/{package.pk}.svg")
    assert label.status == 200
    assert label.headers["x-label-code"] == f"(00){package.sscc}"
    assert watcher.take(page) == []

    # 8. Ship: carrier and tracking number by hand.
    with page.expect_navigation():
        page.locator(".page-actions").get_by_role("link", name="Ship").click()
    expect(page.locator("h1")).to_have_text(f"Ship {web_number}")
    expect(page.locator(f"input[name='package_ids'][value='{package.pk}']")).to_be_checked()
    page.fill("#id_carrier_name", "DHL")
    page.fill("#id_tracking_number", "00340434161094042557")
    with page.expect_navigation():
        page.locator("main form").get_by_role("button", name="Ship").click()
    with tenant_context(tenant_a):
        shipment = Shipment.objects.get()
        assert (shipment.carrier_name, shipment.tracking_number) == ("DHL", "00340434161094042557")
    expect(page.locator("h1")).to_contain_text(shipment.number)
    expect(page.locator("main")).to_contain_text("00340434161094042557")
    assert watcher.take(page) == []

    page.goto(f"{base_url}/scm/orders/{web_id}/")
    expect(page.locator("h1")).to_contain_text("shipped")
    line_row = page.locator("section[aria-labelledby='lines-title'] tbody tr").first
    expect(line_row.locator("td").nth(8)).to_have_text("0")  # Reserved
    expect(line_row.locator("td").nth(10)).to_have_text("10")  # Shipped
    assert watcher.take(page) == []

    # 9. The product page: on hand 5, reserved 0 (the inventory panel), available 5.
    page.goto(product_url)
    expect(page.locator(f"[data-variant-available='{variant.pk}']")).to_have_text(FIVE)
    row = page.locator(f"section[data-panel='stock'] tr[data-warehouse='{STORE}']")
    expect(row.locator("[data-field='on_hand']")).to_have_text("5")
    expect(row.locator("[data-field='reserved']")).to_have_text("0")
    expect(row.locator("[data-field='available']")).to_have_text("5")
    assert watcher.take(page) == []
    with tenant_context(tenant_a):
        (quantities,) = inventory_queries.quantities(variant.pk)
        assert (quantities["on_hand"], quantities["reserved"], quantities["available"]) == (5, 0, 5)
        for balance in StockBalance.objects.filter(variant=variant):
            ledger = sum(
                (
                    m.quantity
                    for m in StockMove.objects.filter(to_location=balance.location, variant=variant)
                ),
                Decimal(0),
            ) - sum(
                (
                    m.quantity
                    for m in StockMove.objects.filter(
                        from_location=balance.location, variant=variant
                    )
                ),
                Decimal(0),
            )
            assert balance.on_hand == ledger, balance.location.code
        orders = {o.number: (o.channel, o.state) for o in SalesOrder.objects.all()}
        assert orders == {pos_number: ("pos", "shipped"), web_number: ("web", "shipped")}

    # 10. Maria's 360° view: both purchases in the last orders, the figures and the timeline.
    page.goto(f"{base_url}/crm/people/{tenant_a.customer_id}/360/")
    expect(page.locator("h1")).to_contain_text("Maria Schmidt")
    last_orders = page.locator("#panel-last_orders")
    expect(last_orders).to_contain_text(pos_number)
    expect(last_orders).to_contain_text(web_number)
    expect(last_orders.locator("li", has_text=pos_number)).to_contain_text("pos · shipped")
    expect(last_orders.locator("li", has_text=web_number)).to_contain_text("web · shipped")
    expect(page.locator("[data-figure='Order count']")).to_have_text("2")
    expect(page.locator("[data-figure='Lifetime revenue']")).to_contain_text("187.50")
    expect(page.get_by_text(f"Store purchase {pos_number} at Berlin store")).to_be_visible()
    expect(page.get_by_text(f"Order {web_number} shipped").first).to_be_visible()
    assert watcher.take(page) == []
    context.close()
    assert gaps == [], "\n".join(gaps)
