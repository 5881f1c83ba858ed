"""The tenant switcher: only to tenants the user is an active member of; the choice persists."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.middleware import SESSION_TENANT_KEY


@pytest.fixture
def admin_in_both(admin_a, tenant_b):
    """Tenant A's admin, also a planner in tenant B."""
    tenancy.add_member(tenant_b, admin_a.user, "planner")
    return admin_a


def _messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_switcher_lists_every_active_tenant_of_the_user(client_a, admin_in_both):
    html = client_a.get("/").content.decode()

    assert f'<option value="{admin_in_both.tenant_id}" selected>Alpha Retail</option>' in html
    assert ">Beta Wholesale</option>" in html
    assert 'action="/switch-tenant/"' in html


def test_switching_to_a_member_tenant_changes_the_current_tenant(client_a, admin_in_both, tenant_b):
    response = client_a.post("/switch-tenant/", {"tenant": str(tenant_b.pk)})

    assert response.status_code == 302
    assert response.url == "/"
    assert client_a.session[SESSION_TENANT_KEY] == tenant_b.pk
    assert _messages(response) == ["You are now working in Beta Wholesale."]
    home = client_a.get("/")
    assert home.wsgi_request.tenant == tenant_b
    assert home.context["current_membership"].role == "planner"
    # the choice survives further requests, and the role of that tenant applies
    again = client_a.get("/intelligence/")
    assert again.wsgi_request.tenant == tenant_b
    assert client_a.get("/settings/").status_code == 403


def test_switching_to_a_foreign_tenant_is_refused(client_a, tenant_a, tenant_b, admin_b):
    response = client_a.post("/switch-tenant/", {"tenant": str(tenant_b.pk)}, follow=True)

    assert response.redirect_chain == [("/", 302)]
    assert SESSION_TENANT_KEY not in client_a.session
    assert response.wsgi_request.tenant == tenant_a
    assert [str(m) for m in response.context["messages"]] == [
        "You can only switch to a tenant you are an active member of; "
        "the current tenant is unchanged."
    ]
    assert 'class="flash flash-error"' in response.content.decode()


def test_switching_to_a_tenant_where_membership_was_ended_is_refused(
    client_a, admin_in_both, tenant_b
):
    membership = admin_in_both.user.memberships.get(tenant=tenant_b)
    membership.is_active = False
    membership.save()

    client_a.post("/switch-tenant/", {"tenant": str(tenant_b.pk)})

    assert SESSION_TENANT_KEY not in client_a.session


@pytest.mark.parametrize("value", ["", "abc", "999999"])
def test_switching_with_bad_input_is_refused(client_a, tenant_a, value):
    response = client_a.post("/switch-tenant/", {"tenant": value})

    assert response.status_code == 302
    assert SESSION_TENANT_KEY not in client_a.session
    assert _messages(response)[0].startswith("You can only switch to a tenant")


def test_switching_needs_post(client_a):
    assert client_a.get("/switch-tenant/").status_code == 405


def test_switching_needs_sign_in(client, tenant_a):
    response = client.post("/switch-tenant/", {"tenant": str(tenant_a.pk)})

    assert response.status_code == 302
    assert response.url.startswith("/login/")
