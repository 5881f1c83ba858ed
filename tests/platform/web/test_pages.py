"""Pages of the shell through Django's test client: areas, menus, access, errors, query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from valuechain.platform.identity.domain import ALL_SCOPES, expand
from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.web.navigation import AREAS, build_navigation
from valuechain.platform.web.registry import MenuItem, menu_items, register_menu_item

PASSWORD = "correct horse battery staple"
AREA_PATHS = {
    "crm": "/crm/",
    "scm": "/scm/",
    "intelligence": "/intelligence/",
    "admin": "/settings/",
}


def _client_for(tenant, email, role):
    user = tenancy.create_user(email, PASSWORD)
    tenancy.add_member(tenant, user, role)
    client = Client()
    client.force_login(user)
    return client


def test_area_url_names_match_paths():
    assert {area.key: reverse(area.url_name) for area in AREAS} == AREA_PATHS


@pytest.mark.parametrize("area", sorted(AREA_PATHS))
def test_every_area_page_renders_its_registered_entries_for_an_admin(client_a, area):
    response = client_a.get(AREA_PATHS[area])

    assert response.status_code == 200
    shown = [link.label for link in response.context["area"].links]
    assert shown == [item.label for item in menu_items(area)]
    html = response.content.decode()
    for label in shown:
        assert f">{label}</a>" in html
    if not shown:
        assert "No modules are installed in the" in html


def test_admin_area_shows_the_back_office_entry(client_a):
    response = client_a.get("/settings/")

    labels = [link.label for link in response.context["area"].links]
    assert "Back office (Django admin)" in labels
    assert '<a href="/django-admin/"' in response.content.decode()


def test_empty_area_says_no_modules_are_installed(client_a):
    assert menu_items("intelligence") == []  # no intelligence module is installed yet

    response = client_a.get("/intelligence/")

    assert response.status_code == 200
    assert "No modules are installed in the Intelligence area yet." in response.content.decode()


def test_every_registered_menu_entry_resolves():
    everything = expand(ALL_SCOPES)
    shown = {(area.key, link.label) for area in build_navigation(everything) for link in area.links}
    registered = {(area.key, item.label) for area in AREAS for item in menu_items(area.key)}
    assert shown == registered


def test_home_lists_areas_and_quick_links(client_a, tenant_a):
    response = client_a.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Welcome, admin@alpha.test" in html
    assert "You are working in <strong>Alpha Retail</strong> as Administrator." in html
    assert [area.title for area in response.context["nav_areas"]] == [
        "CRM",
        "SCM",
        "Intelligence",
        "Admin",
    ]
    labels = [link.label for link in response.context["quick_links"]]
    assert labels[0] == "Search"
    assert "Back office" in labels


@pytest.mark.parametrize(
    "path", ["/", "/crm/", "/scm/", "/intelligence/", "/settings/", "/search/"]
)
def test_anonymous_visitors_are_sent_to_login(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={path}"


def test_layout_has_switcher_search_user_menu_and_htmx(client_a):
    html = client_a.get("/").content.decode()

    assert 'class="tenant-name"' in html  # one membership: the name, no select
    assert 'action="/search/"' in html
    assert 'hx-get="/search/"' in html
    assert f'action="{reverse("logout")}"' in html
    assert "django_htmx/htmx-2.min.js" in html
    assert 'hx-headers=\'{"X-CSRFToken": "' in html
    assert "/static/web/app.js" in html
    assert " style=" not in html
    assert "<script>" not in html
    assert " onclick=" not in html


def test_sales_rep_sees_no_admin_menu_and_is_refused_the_admin_area(tenant_a):
    rep = _client_for(tenant_a, "rep@alpha.test", "sales_rep")

    home = rep.get("/")
    assert [area.title for area in home.context["nav_areas"]] == ["CRM", "SCM", "Intelligence"]
    assert 'href="/settings/"' not in home.content.decode()
    assert "Back office" not in [link.label for link in home.context["quick_links"]]

    refused = rep.get("/settings/")
    assert refused.status_code == 403
    assert "Your role has no access to the Admin area." in refused.content.decode()


def test_warehouse_staff_sees_only_scm(tenant_a):
    warehouse = _client_for(tenant_a, "stock@alpha.test", "warehouse")

    home = warehouse.get("/")

    assert [area.title for area in home.context["nav_areas"]] == ["SCM"]
    assert warehouse.get("/crm/").status_code == 403


def test_menu_shows_only_entries_the_role_allows(tenant_a, monkeypatch):
    monkeypatch.setattr("valuechain.platform.web.registry._menu", {})
    register_menu_item(MenuItem("crm", "Reports for everyone", "search", "crm:read", 1))
    register_menu_item(MenuItem("crm", "Managers only", "home", "intelligence:write", 2))
    rep = _client_for(tenant_a, "rep@alpha.test", "sales_rep")

    response = rep.get("/crm/")

    assert [link.label for link in response.context["area"].links] == ["Reports for everyone"]
    assert "Managers only" not in response.content.decode()


def test_user_without_tenant_sees_a_plain_notice(db):
    user = tenancy.create_user("lonely@example.test", PASSWORD)
    client = Client()
    client.force_login(user)

    home = client.get("/")
    assert home.status_code == 200
    assert "You are not an active member of any tenant" in home.content.decode()
    assert home.context["nav_areas"] == []

    refused = client.get("/crm/")
    assert refused.status_code == 403
    assert "not an active member of any tenant" in refused.content.decode()


def test_unknown_page_renders_the_layout_404(client_a):
    response = client_a.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "<code>/no-such-page/</code>" in html
    assert 'id="sidebar"' in html


def test_server_error_page_shows_no_stack_trace(client_a, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("valuechain.platform.web.views.render", explode)
    client_a.raise_request_exception = False

    response = client_a.get("/")

    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "secret internals" not in html
    assert "Traceback" not in html


def test_home_query_count_does_not_grow_with_tenants(client_a, admin_a):
    with CaptureQueriesContext(connection) as one_tenant:
        assert client_a.get("/").status_code == 200
    for number in range(5):
        tenant = tenancy.create_tenant(f"Extra {number}", f"extra-{number}")
        tenancy.add_member(tenant, admin_a.user, "admin")
    with CaptureQueriesContext(connection) as six_tenants:
        response = client_a.get("/")
    assert response.status_code == 200
    assert 'id="tenant-switcher-select"' in response.content.decode()
    assert len(six_tenants) == len(one_tenant)


def test_home_query_count_is_bounded(client_a, django_assert_max_num_queries):
    client_a.get("/")  # the first request of a session stamps it; count a steady-state one
    # session, user, membership (middleware), memberships (switcher), session save (3 with
    # its savepoint): 7 today, one spare for a middleware that needs a lookup.
    with django_assert_max_num_queries(8):
        assert client_a.get("/").status_code == 200


def test_csrf_failure_page_explains_what_to_do(admin_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_a.user)

    response = client.post("/switch-tenant/", {"tenant": str(admin_a.tenant_id)})

    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()
