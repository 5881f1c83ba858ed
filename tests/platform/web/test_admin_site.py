"""The tenant back office: admins of the current tenant only, scoped to it, our login page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from valuechain.platform.models import DocumentSequence, FxRate
from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import tenant_context
from valuechain.platform.tenancy.models import Membership
from valuechain.platform.web.admin_site import TenantOwnedAdmin, admin_site

PASSWORD = "correct horse battery staple"
DAY = dt.date(2026, 1, 5)


@pytest.fixture
def rates(tenant_a, tenant_b):
    with tenant_context(tenant_a):
        usd = FxRate.objects.create(base="EUR", quote="USD", rate=Decimal("1.1"), valid_on=DAY)
    with tenant_context(tenant_b):
        gbp = FxRate.objects.create(base="EUR", quote="GBP", rate=Decimal("0.8"), valid_on=DAY)
    return usd, gbp


def test_only_tenant_business_models_are_registered():
    assert set(admin_site._registry) >= {FxRate, DocumentSequence}
    unscoped = [
        type(model_admin).__name__
        for model_admin in admin_site._registry.values()
        if not isinstance(model_admin, TenantOwnedAdmin)
    ]
    assert unscoped == [], "derive these from TenantOwnedAdmin"


def test_models_that_are_not_tenant_owned_are_refused():
    with pytest.raises(ImproperlyConfigured, match="not tenant-owned"):
        TenantOwnedAdmin(Membership, admin_site)


def test_admin_index_lists_the_models_and_names_the_tenant(client_a):
    response = client_a.get("/django-admin/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Back office · Alpha Retail" in html
    assert "/django-admin/platform/fxrate/" in html
    assert "/django-admin/platform/documentsequence/" in html
    assert "Recent actions" not in html


def test_admin_lists_only_the_current_tenants_rows(client_a, rates):
    usd, gbp = rates

    response = client_a.get("/django-admin/platform/fxrate/")

    assert response.status_code == 200
    assert [r.pk for r in response.context["cl"].result_list] == [usd.pk]
    other = client_a.get(f"/django-admin/platform/fxrate/{gbp.pk}/change/")
    assert other.status_code == 302  # "does not exist" redirect to the index, nothing shown
    with tenant_context(gbp.tenant):
        assert FxRate.objects.get(pk=gbp.pk).rate == Decimal("0.8")


def test_admin_add_stamps_the_tenant_and_hides_the_field(client_a, tenant_a):
    form_page = client_a.get("/django-admin/platform/documentsequence/add/")
    assert 'name="tenant"' not in form_page.content.decode()

    response = client_a.post(
        "/django-admin/platform/documentsequence/add/",
        {"key": "sales-order", "prefix": "SO-", "padding": "6", "next_value": "1"},
    )

    assert response.status_code == 302
    with tenant_context(tenant_a):
        sequence = DocumentSequence.objects.get()
    assert (sequence.tenant_id, sequence.key) == (tenant_a.pk, "sales-order")


def test_admin_reports_a_duplicate_in_the_tenant_as_a_form_error(client_a, tenant_a):
    with tenant_context(tenant_a):
        DocumentSequence.objects.create(key="sales-order", prefix="SO-")

    response = client_a.post(
        "/django-admin/platform/documentsequence/add/",
        {"key": "sales-order", "prefix": "X-", "padding": "6", "next_value": "1"},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "Document sequence with this Tenant and Key already exists."
    ]


def test_same_key_in_another_tenant_is_allowed(client_a, tenant_a, tenant_b):
    with tenant_context(tenant_b):
        DocumentSequence.objects.create(key="sales-order", prefix="SO-")

    response = client_a.post(
        "/django-admin/platform/documentsequence/add/",
        {"key": "sales-order", "prefix": "SO-", "padding": "6", "next_value": "1"},
    )

    assert response.status_code == 302


def test_sales_rep_gets_403_at_the_admin(tenant_a):
    user = tenancy.create_user("rep@alpha.test", PASSWORD)
    tenancy.add_member(tenant_a, user, "sales_rep")
    client = Client()
    client.force_login(user)

    for path in ["/django-admin/", "/django-admin/platform/fxrate/", "/django-admin/login/"]:
        response = client.get(path)
        assert response.status_code == 403, path
        assert "administrators of the current tenant" in response.content.decode()


def test_anonymous_visitors_go_to_our_login(client):
    index = client.get("/django-admin/platform/fxrate/")
    assert index.status_code == 302
    assert index.url == "/login/?next=/django-admin/platform/fxrate/"

    login = client.get("/django-admin/login/", {"next": "/django-admin/platform/"})
    assert login.url == "/login/?next=/django-admin/platform/"


def test_admin_login_page_sends_admins_onward(client_a):
    response = client_a.get("/django-admin/login/", {"next": "https://evil.example/"})

    assert response.status_code == 302
    assert response.url == "/django-admin/"
