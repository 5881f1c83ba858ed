"""The audit log page, the {% audit_history %} tag and the menu entry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext

from valuechain.platform.audit import views
from valuechain.platform.models import FxRate
from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import tenant_context, use_context
from valuechain.platform.web.registry import menu_items

DAY = dt.date(2026, 1, 5)
PASSWORD = "correct horse battery staple"


@pytest.fixture
def usd(tenant_a, admin_a):
    with tenant_context(tenant_a, actor=admin_a.user, channel="ui"):
        rate = FxRate.objects.create(base="EUR", quote="USD", rate=Decimal("1.1"), valid_on=DAY)
        with use_context(channel="import"):
            rate.rate = Decimal("1.3")
            rate.save()
    return rate


def test_log_page_shows_who_when_channel_and_old_to_new(client_a, usd):
    response = client_a.get("/settings/audit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Audit log" in html
    assert "admin@alpha.test" in html
    assert "<strong>rate</strong>: 1.1000000000 → 1.3000000000" in html
    assert "<td>import</td>" in html
    assert "1 EUR = 1.3 USD on 2026-01-05" in html


def test_log_page_filters_by_channel_and_model(client_a, usd):
    html = client_a.get("/settings/audit/?channel=ui&model=platform.fxrate").content.decode()
    assert "<td>create</td>" in html
    assert "<td>update</td>" not in html


def test_log_page_shows_filter_errors_next_to_the_field(client_a, usd):
    response = client_a.get("/settings/audit/?channel=fax")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="field-error" id="id_channel_error"' in html
    assert "No changes recorded." in html


def test_log_page_paginates(client_a, tenant_a, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    with tenant_context(tenant_a):
        for quote in ("USD", "GBP", "CHF"):
            FxRate.objects.create(base="EUR", quote=quote, rate=Decimal("1"), valid_on=DAY)
    first = client_a.get("/settings/audit/?channel=system").content.decode()
    assert "Page 1 of 2 · 3 entries" in first
    assert "?channel=system&amp;page=2" in first
    second = client_a.get("/settings/audit/?channel=system&page=2").content.decode()
    assert "Page 2 of 2" in second


def test_log_page_query_count_does_not_grow_with_rows(client_a, tenant_a, admin_a):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client_a.get("/settings/audit/").status_code == 200
        return len(queries)

    with tenant_context(tenant_a, actor=admin_a.user):
        FxRate.objects.create(base="EUR", quote="USD", rate=Decimal("1"), valid_on=DAY)
    few = count_queries()
    with tenant_context(tenant_a, actor=admin_a.user):
        for index in range(10):
            FxRate.objects.create(
                base="EUR", quote="GBP", rate=Decimal("1"), valid_on=DAY + dt.timedelta(index)
            )
    assert count_queries() == few


def test_log_page_needs_admin_read(tenant_a, usd):
    user = tenancy.create_user("rep@alpha.test", PASSWORD)
    tenancy.add_member(tenant_a, user, "sales_rep")
    client = Client()
    client.force_login(user)
    assert client.get("/settings/audit/").status_code == 403
    assert Client().get("/settings/audit/").status_code == 302


def test_log_page_never_shows_another_tenants_entries(client_b, usd):
    html = client_b.get("/settings/audit/").content.decode()
    assert "USD" not in html
    assert "No changes recorded." in html


def test_history_tag_renders_a_records_changes(usd, tenant_a):
    template = Template("{% load audit %}{% audit_history obj %}")
    with tenant_context(tenant_a):
        html = template.render(Context({"obj": usd}))
    assert "History" in html
    assert "<strong>rate</strong>: 1.1000000000 → 1.3000000000" in html
    assert "<td>import</td>" in html
    assert "admin@alpha.test" in html


def test_history_tag_links_to_the_full_log_when_there_is_more(usd, tenant_a):
    template = Template("{% load audit %}{% audit_history obj limit=1 %}")
    with tenant_context(tenant_a):
        html = template.render(Context({"obj": usd}))
    assert "All 2 changes" in html
    assert f"/settings/audit/?model=platform.fxrate&amp;object_id={usd.pk}" in html


def test_menu_has_the_audit_log():
    entries = {(item.label, item.url_name, item.permission) for item in menu_items("admin")}
    assert ("Audit log", "audit-log", "admin:read") in entries
