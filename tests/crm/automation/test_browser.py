"""The rule builder in a real browser: choose the event, add rows with htmx, save, on a phone."""

from __future__ import annotations

import pytest
from tests.browser import conftest as browser

from valuechain.crm.automation.models import Rule
from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import tenant_context

chromium = browser.chromium  # the browser suite's fixtures, used here too
page_problems = browser.page_problems
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "admin@alpha.test"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def tenant(transactional_db):
    """Alpha Retail with an administrator."""
    created = tenancy.create_tenant("Alpha Retail", "alpha")
    tenancy.add_member(created, tenancy.create_user(EMAIL, PASSWORD), "admin")
    return created


def _sign_in(page, base_url):
    page.goto(f"{base_url}/login/")
    page.fill("input[name='username']", EMAIL)
    page.fill("input[name='password']", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type='submit']")


def test_build_a_rule_with_htmx_rows_on_a_phone(chromium, live_server, tenant, page_problems):
    base_url = live_server.url
    watcher = page_problems(base_url)
    context = chromium.new_context(viewport={"width": 375, "height": 812}, is_mobile=True)
    page = watcher.watch(context.new_page())
    _sign_in(page, base_url)
    page.goto(f"{base_url}/crm/automation/rules/new/")
    page.fill("#rule-name", "Churn watch")
    page.select_option("#rule-trigger", "customers.account|AccountUpdated")
    page.wait_for_selector("text=Add condition")
    page.click("text=Add condition")
    row = page.locator("#condition-rows .rule-row").first
    row.locator("select[name$='-field']").select_option("industry")
    row.locator("select[name$='-operator']").select_option("changed_to")
    row.locator("input[name$='-value']").fill("Retail")
    action = page.locator("#action-rows .rule-row").first
    action.locator("select[name$='-type']").select_option("assign_owner")
    page.wait_for_selector("#action-rows select[name$='-user_ids']")
    page.locator("#action-rows select[name$='-user_ids']").select_option(label=EMAIL)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    with page.expect_navigation():
        page.click("text=Save rule")
    assert page.locator("main h1").inner_text() == "Churn watch"
    assert watcher.take(page) == []
    with tenant_context(tenant):
        rule = Rule.objects.get()
    assert rule.conditions == [{"field": "industry", "operator": "changed_to", "value": "Retail"}]
    assert rule.actions[0]["type"] == "assign_owner"
    assert rule.actions[0]["params"]["mode"] == "user"
    context.close()
