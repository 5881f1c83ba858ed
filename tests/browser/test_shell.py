"""The shell in a real browser: sign in, every area and admin entry, search, mobile, sign out."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from valuechain.platform.tenancy import services as tenancy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "admin@alpha.test"
PASSWORD = "correct horse battery staple"
AREAS = {"CRM": "/crm/", "SCM": "/scm/", "Intelligence": "/intelligence/", "Admin": "/settings/"}
STATIC_ASSETS = [
    "/static/web/app.css",
    "/static/web/components.css",
    "/static/web/app.js",
    "/static/django_htmx/htmx-2.min.js",
]
SCREENSHOTS = Path(os.environ.get("VALUECHAIN_SCREENSHOT_DIR", tempfile.gettempdir()))


@pytest.fixture
def admin_account(transactional_db):
    """Tenant Alpha Retail with an administrator, created through the services."""
    tenant = tenancy.create_tenant("Alpha Retail", "alpha")
    user = tenancy.create_user(EMAIL, PASSWORD, first_name="Alex", last_name="Admin")
    tenancy.add_member(tenant, user, "admin")
    return user


def _sign_in(page, base_url):
    page.goto(f"{base_url}/")
    assert page.url.startswith(f"{base_url}/login/")
    page.fill("input[name='username']", EMAIL)
    page.fill("input[name='password']", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type='submit']")
    assert page.url == f"{base_url}/"


def _no_horizontal_overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_admin_walks_through_the_shell(chromium, live_server, admin_account, page_problems):
    base_url = live_server.url
    watcher = page_problems(base_url)
    context = chromium.new_context(viewport={"width": 1280, "height": 860})
    page = watcher.watch(context.new_page())

    _sign_in(page, base_url)
    assert page.locator("h1").inner_text() == "Welcome, Alex"
    assert page.locator(".tenant-name").inner_text() == "Alpha Retail"
    for asset in STATIC_ASSETS:
        assert watcher.static_status.get(asset) == 200, asset
    assert page.evaluate("typeof window.htmx") == "object"
    assert watcher.take(page) == []

    for title, path in AREAS.items():
        page.click(f"#sidebar a.nav-area-link:text-is('{title}')")
        page.wait_for_url(f"{base_url}{path}")
        assert page.locator("main h1").inner_text() == title
        assert watcher.take(page) == [], title

    admin_entries = page.eval_on_selector_all(
        ".nav-area.is-current .nav-links a",
        "links => links.map(a => [a.textContent.trim(), a.getAttribute('href')])",
    )
    assert ["Back office (Django admin)", "/django-admin/"] in admin_entries
    for label, href in admin_entries:
        response = page.goto(f"{base_url}{href}")
        assert response.status == 200, label
        assert watcher.take(page) == [], label

    page.goto(f"{base_url}/")
    page.fill("#global-search-input", "alex")
    dropdown = page.locator("#search-dropdown")
    dropdown.locator("text=Alex Admin").wait_for()
    assert "admin@alpha.test" in dropdown.inner_text()
    page.keyboard.press("Escape")  # closes the list (and clears a search field)
    assert dropdown.inner_html() == ""
    page.fill("#global-search-input", "alex")
    dropdown.locator("text=Alex Admin").wait_for()
    with page.expect_navigation():
        page.press("#global-search-input", "Enter")
    assert page.url == f"{base_url}/search/?q=alex"
    assert page.locator(".search-results").inner_text().count("Alex Admin") == 1
    assert watcher.take(page) == []

    page.goto(f"{base_url}/")
    page.screenshot(path=str(SCREENSHOTS / "valuechain-shell-desktop.png"), full_page=True)

    page.click(".user-menu summary")
    with page.expect_navigation():
        page.click(".user-menu-panel button[type='submit']")
    assert page.url.startswith(f"{base_url}/login/")
    assert watcher.take(page) == []
    context.close()


def test_mobile_menu_opens_and_nothing_overflows(
    chromium, live_server, admin_account, page_problems
):
    base_url = live_server.url
    watcher = page_problems(base_url)
    context = chromium.new_context(viewport={"width": 375, "height": 812}, is_mobile=True)
    page = watcher.watch(context.new_page())
    _sign_in(page, base_url)

    sidebar = page.locator("#sidebar")
    toggle = page.locator("[data-nav-toggle]")
    assert not sidebar.is_visible()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert _no_horizontal_overflow(page) <= 375

    toggle.click()
    assert sidebar.is_visible()
    assert toggle.get_attribute("aria-expanded") == "true"
    for title in AREAS:
        assert page.locator(f"#sidebar a.nav-area-link:text-is('{title}')").is_visible()
    assert _no_horizontal_overflow(page) <= 375
    page.screenshot(path=str(SCREENSHOTS / "valuechain-shell-mobile.png"), full_page=True)

    for title, path in AREAS.items():
        page.goto(f"{base_url}{path}")
        assert _no_horizontal_overflow(page) <= 375, title
    page.goto(f"{base_url}/search/?q=alex")
    assert _no_horizontal_overflow(page) <= 375
    assert watcher.take(page) == []
    context.close()
