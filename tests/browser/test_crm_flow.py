"""The CRM core end to end in a real browser: a web-to-lead submission becomes a lead, the
admin qualifies and converts it, drags the deal to Won on the board, and sees it in the
forecast and on the customer's 360° timeline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from valuechain.crm.leads.models import Lead
from valuechain.crm.sales.models import Opportunity, Stage
from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import tenant_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "admin@alpha.test"
PASSWORD = "correct horse battery staple"
SORTABLE = Path(__file__).parents[2] / "src/valuechain/crm/sales/static/sales/vendor"


@pytest.fixture
def tenant_a(transactional_db: Any) -> Any:
    """Tenant Alpha Retail with an administrator (tenant B exists so the slug matters)."""
    if not (SORTABLE / "Sortable.min.js").exists():
        pytest.skip("SortableJS is missing: run `make deps-dev`")
    tenant = tenancy.create_tenant("Alpha Retail", "alpha")
    tenancy.create_tenant("Beta Foods", "beta")
    user = tenancy.create_user(EMAIL, PASSWORD, first_name="Alex", last_name="Admin")
    tenancy.add_member(tenant, user, "admin")
    return tenant


def _sign_in(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("input[name='username']", EMAIL)
    page.fill("input[name='password']", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type='submit']")


def _drag(page: Any, card: Any, target: Any) -> None:
    """Drag a board card onto a column once SortableJS holds it; wait for the swapped board."""
    expect(target).to_have_attribute("data-sortable", "1")  # htmx swapped boards re-init late
    target.scroll_into_view_if_needed()
    card.hover()
    box = target.bounding_box()
    # Sortable moves the card client-side before the server answers, so the answer alone
    # says nothing about the DOM: mark the board and wait until htmx has replaced it.
    page.evaluate("document.getElementById('board').dataset.stale = '1'")
    with page.expect_response(lambda r: r.url.endswith("/board/move/")):
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 20, steps=12)
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 24, steps=4)
        page.mouse.up()
    expect(page.locator("#board:not([data-stale])")).to_have_count(1)


def test_web_lead_to_won_deal(chromium, live_server, tenant_a, page_problems):
    base_url = live_server.url
    watcher = page_problems(base_url)
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    page = watcher.watch(context.new_page())

    # 1. An anonymous visitor fills tenant A's public form.
    page.goto(f"{base_url}/forms/alpha/lead/?utm_source=newsletter&utm_campaign=spring")
    expect(page.locator("h1")).to_have_text("Contact Alpha Retail")
    page.fill("input[name='first_name']", "Maria")
    page.fill("input[name='last_name']", "Schmidt")
    page.fill("input[name='company']", "Schmidt Bau GmbH")
    page.fill("input[name='email']", "maria@schmidt-bau.de")
    page.check("input[name='consent']")
    page.click("form button[type='submit']")
    expect(page.locator("h1")).to_have_text("Thank you")
    assert page.url == f"{base_url}/forms/alpha/lead/thanks/"
    assert watcher.take(page) == []
    with tenant_context(tenant_a):
        lead = Lead.objects.get()
        assert (lead.email, lead.utm_source, lead.utm_campaign, lead.consent_granted) == (
            "maria@schmidt-bau.de",
            "newsletter",
            "spring",
            True,
        )

    # 2. The admin finds the lead, qualifies and converts it.
    _sign_in(page, base_url)
    page.goto(f"{base_url}/crm/leads/")
    row = page.locator("table.table tbody tr", has_text="Schmidt Bau GmbH")
    expect(row).to_contain_text("new")
    row.get_by_role("link", name="Maria Schmidt").click()
    expect(page.locator("h1")).to_have_text("Maria Schmidt")
    expect(page.locator("#profile-title + p")).to_contain_text("new")
    expect(page.get_by_text("UTM: newsletter")).to_be_visible()
    page.select_option("select[name$='-status']", "qualified")
    page.get_by_role("button", name="Change status").click()
    expect(page.locator("#profile-title + p .badge")).to_have_text("qualified")
    assert watcher.take(page) == []

    page.locator(".page-actions").get_by_role("link", name="Convert").click()
    page.check("input[name$='create_opportunity']")
    page.fill("input[name$='opportunity_name']", "Schmidt Bau shop")
    page.fill("input[name$='amount']", "1500")
    page.locator("main form").get_by_role("button", name="Convert").click()
    expect(page.locator("h1")).to_have_text("Maria Schmidt")
    assert "/crm/people/" in page.url
    assert watcher.take(page) == []
    with tenant_context(tenant_a):
        lead.refresh_from_db()
        assert lead.status == "converted"
        deal = Opportunity.objects.get()
        assert (deal.name, deal.amount, deal.status) == ("Schmidt Bau shop", 1500, "open")
        assert deal.account.name == "Schmidt Bau GmbH"
        person_id = lead.converted_person_id
        stages = {s.name: s for s in Stage.objects.filter(pipeline_id=deal.pipeline_id)}

    # 3. On the board the deal is dragged across stages to Won.
    page.goto(f"{base_url}/crm/pipelines/{deal.pipeline_id}/board/")
    card = page.locator(f".board-card[data-id='{deal.pk}']")
    expect(card).to_contain_text("Schmidt Bau shop")
    won = next(s for s in stages.values() if s.is_won)
    middle = [
        s for s in stages.values() if not s.is_won and not s.is_lost and s.pk != deal.stage_id
    ]
    middle_stage = sorted(middle, key=lambda s: s.position)[0]
    _drag(page, card, page.locator(f".board-cards[data-stage-id='{middle_stage.pk}']"))
    expect(
        page.locator(f".board-cards[data-stage-id='{middle_stage.pk}'] [data-id='{deal.pk}']")
    ).to_have_count(1)
    _drag(page, card, page.locator(f".board-cards[data-stage-id='{won.pk}']"))
    won_card = page.locator(f".board-cards[data-stage-id='{won.pk}'] [data-id='{deal.pk}']")
    expect(won_card).to_have_count(1)
    expect(won_card).to_contain_text("Schmidt Bau shop")
    assert watcher.take(page) == []
    with tenant_context(tenant_a):
        deal.refresh_from_db()
        assert (deal.stage_id, deal.status) == (won.pk, "won")
        assert deal.closed_at is not None

    # 4. The forecast shows the closed-won amount in the current period.
    page.goto(f"{base_url}/crm/forecast/")
    expect(page.locator("main table tfoot")).to_contain_text("1500.00")
    assert watcher.take(page) == []

    # 5. The customer's 360° timeline shows the deal: created and won.
    page.goto(f"{base_url}/crm/people/{person_id}/360/")
    expect(page.get_by_text("Opportunity Schmidt Bau shop won")).to_be_visible()
    expect(page.get_by_text("Opportunity Schmidt Bau shop created")).to_be_visible()
    assert watcher.take(page) == []
    context.close()
