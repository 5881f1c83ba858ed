"""The buyer's side of the supplier extranet: the page and API that grant, list, revoke and
restore a supplier's logins, and who may use them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from tests.conftest import PASSWORD, make_member
from tests.scm.purchasing.conftest import Buying, error, patch, post

from valuechain.platform.errors import DomainError
from valuechain.platform.identity import services as identity
from valuechain.platform.tenancy.context import tenant_context
from valuechain.platform.tenancy.models import Membership
from valuechain.portal.suppliers import services
from valuechain.portal.suppliers.models import SupplierPortalUser


def page_url(buying: Buying) -> str:
    """The NORD extranet access page."""
    return f"/scm/suppliers/{buying.nord.pk}/extranet/"


def signed_in(membership: Membership) -> Client:
    """A browser session of that member."""
    client = Client()
    client.force_login(membership.user)
    return client


def grant_nord(buying: Buying, email: str = "sales@nordwerk.example") -> SupplierPortalUser:
    """A NORD login with a new account."""
    return services.grant_access(buying.nord.pk, email, password=PASSWORD)


def test_page_shows_empty_list_and_form(buying: Buying, client_a: Client) -> None:
    page = client_a.get(page_url(buying))
    assert page.status_code == 200
    text = page.content.decode()
    assert "<h1>Extranet access for" in text
    assert "Nobody logs in for NORD yet." in text
    assert 'name="email"' in text
    assert 'name="password" type="password"' in text or 'type="password" name="password"' in text


def test_grant_through_page_gives_a_working_login(buying: Buying, client_a: Client) -> None:
    response = client_a.post(
        page_url(buying), {"email": " Sales@Nordwerk.example ", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == page_url(buying)
    link = SupplierPortalUser.objects.get()
    assert (link.supplier_id, link.membership.role, link.membership.is_active) == (
        buying.nord.pk,
        "supplier",
        True,
    )
    assert link.membership.user.email == "sales@nordwerk.example"
    listing = client_a.get(page_url(buying)).content.decode()
    assert "sales@nordwerk.example can now log in for NORD." in listing
    assert "<tr><td>sales@nordwerk.example</td>" in listing
    assert '<span class="badge">active</span>' in listing
    assert ">Revoke</button>" in listing
    supplier = Client()
    signed = supplier.post("/login/", {"username": "sales@nordwerk.example", "password": PASSWORD})
    assert signed.status_code == 302
    assert supplier.get("/portal/supplier/rfqs/").status_code == 200


@pytest.mark.parametrize(
    ("form", "errors"),
    [
        (
            {"email": "not-an-address", "password": PASSWORD},
            {"email": ["Enter a valid e-mail address."]},
        ),
        ({"email": ""}, {"email": ["This field is required."]}),
        (
            {"email": "new@nordwerk.example"},
            {"password": ["This e-mail has no account yet: give an initial password."]},
        ),
        (
            {"email": "new@nordwerk.example", "password": "short"},
            {"password": ["This password is too short. It must contain at least 10 characters."]},
        ),
        ({"email": "admin@alpha.test"}, {"email": ["admin@alpha.test is already a member."]}),
    ],
)
def test_bad_input_is_shown_next_to_the_field(
    buying: Buying, client_a: Client, admin_a: Membership, form: dict[str, str], errors: Any
) -> None:
    assert admin_a.user.email == "admin@alpha.test"
    response = client_a.post(page_url(buying), form)
    assert response.status_code == 400
    assert response.context["form"].errors == errors
    assert 'class="field-error"' in response.content.decode()
    assert SupplierPortalUser.objects.count() == 0
    assert Membership.objects.filter(role="supplier").count() == 0


@pytest.mark.parametrize("role", ["warehouse", "production", "planner", "sales_rep"])
def test_only_buyers_and_admins_manage_access(buying: Buying, role: str) -> None:
    member = make_member(buying.tenant, f"{role}@alpha.test", role)
    client = signed_in(member)
    link = grant_nord(buying)
    assert client.get(page_url(buying)).status_code == 403
    assert client.post(page_url(buying), {"email": "x@nordwerk.example"}).status_code == 403
    refused = client.post(f"{page_url(buying)}{link.pk}/")
    assert refused.status_code in (302, 403)
    api = post(
        client,
        f"/suppliers/{buying.nord.pk}/portal-users",
        {"email": "y@nordwerk.example", "password": PASSWORD},
    )
    assert api.status_code == 403
    assert SupplierPortalUser.objects.count() == 1
    assert Membership.objects.get(pk=link.membership_id).is_active is True


def test_warehouse_refused_by_the_service_too(buying: Buying) -> None:
    keeper = make_member(buying.tenant, "keeper@alpha.test", "warehouse")
    with (
        tenant_context(buying.tenant, actor=keeper.user, channel="cli"),
        pytest.raises(DomainError) as caught,
    ):
        grant_nord(buying)
    assert (caught.value.code, caught.value.status) == ("buyer_role_required", 403)
    assert SupplierPortalUser.objects.count() == 0


def test_buyer_may_grant(buying: Buying) -> None:
    buyer = signed_in(make_member(buying.tenant, "buyer@alpha.test", "buyer"))
    response = buyer.post(page_url(buying), {"email": "q@nordwerk.example", "password": PASSWORD})
    assert response.status_code == 302
    assert SupplierPortalUser.objects.get().membership.user.email == "q@nordwerk.example"


def test_revoke_and_restore(buying: Buying, client_a: Client) -> None:
    link = grant_nord(buying)
    supplier = signed_in(link.membership)
    assert supplier.get("/portal/supplier/rfqs/").status_code == 200
    revoked = client_a.post(f"{page_url(buying)}{link.pk}/", follow=True)
    assert revoked.status_code == 200
    text = revoked.content.decode()
    assert "Access of sales@nordwerk.example revoked." in text
    assert '<span class="badge badge-muted">revoked</span>' in text
    assert ">Restore</button>" in text
    assert Membership.objects.get(pk=link.membership_id).is_active is False
    assert supplier.get("/portal/supplier/rfqs/").status_code == 403
    restored = client_a.post(f"{page_url(buying)}{link.pk}/", {"active": "1"}, follow=True)
    assert "Access of sales@nordwerk.example restored." in restored.content.decode()
    assert Membership.objects.get(pk=link.membership_id).is_active is True
    assert supplier.get("/portal/supplier/rfqs/").status_code == 200


def test_login_given_a_staff_role_is_no_longer_managed_here(
    buying: Buying, client_a: Client
) -> None:
    link = grant_nord(buying)
    identity.change_role(link.membership_id, "buyer")
    response = client_a.post(f"{page_url(buying)}{link.pk}/", follow=True)
    text = response.content.decode()
    assert "sales@nordwerk.example now has the buyer role; manage it on the members page." in text
    assert '<span class="badge badge-muted">now buyer</span>' in text
    assert ">Revoke</button>" not in text
    assert Membership.objects.get(pk=link.membership_id).is_active is True


def test_unknown_or_other_suppliers_login_is_404(buying: Buying, client_a: Client) -> None:
    link = grant_nord(buying)
    lyon_page = f"/scm/suppliers/{buying.lyon.pk}/extranet/"
    assert client_a.post(f"{lyon_page}{link.pk}/").status_code == 404
    assert client_a.post(f"{page_url(buying)}999999/").status_code == 404
    assert client_a.get("/scm/suppliers/999999/extranet/").status_code == 404
    assert client_a.get(f"{page_url(buying)}{link.pk}/").status_code == 405
    assert Membership.objects.get(pk=link.membership_id).is_active is True


def test_revoked_login_granted_again_moves_to_the_new_supplier(buying: Buying) -> None:
    link = grant_nord(buying)
    services.set_access(buying.nord.pk, link.pk, is_active=False)
    again = services.grant_access(buying.lyon.pk, "SALES@nordwerk.example")
    assert again.pk == link.pk
    assert (again.supplier_id, again.membership.is_active) == (buying.lyon.pk, True)
    assert SupplierPortalUser.objects.count() == 1


def test_supplier_page_links_to_extranet_access(buying: Buying, client_a: Client) -> None:
    detail = client_a.get(f"/scm/suppliers/{buying.nord.pk}/").content.decode()
    assert f'<a class="btn btn-secondary" href="{page_url(buying)}">Extranet access</a>' in detail


def test_page_queries_do_not_grow_with_logins(
    buying: Buying, client_a: Client, django_assert_max_num_queries: Any
) -> None:
    def cost() -> int:
        with django_assert_max_num_queries(12) as captured:
            assert client_a.get(page_url(buying)).status_code == 200
        return len(captured.captured_queries)

    grant_nord(buying, "one@nordwerk.example")
    few = cost()
    for index in range(5):
        grant_nord(buying, f"more{index}@nordwerk.example")
    assert cost() == few


def test_api_lists_sorts_revokes_and_restores(buying: Buying, client_a: Client) -> None:
    second = grant_nord(buying, "b@nordwerk.example")
    first = grant_nord(buying, "a@nordwerk.example")
    services.set_access(buying.nord.pk, second.pk, is_active=False)
    base = f"/api/v1/suppliers/{buying.nord.pk}/portal-users"

    def row(link: SupplierPortalUser, email: str, active: bool) -> dict[str, Any]:
        return {
            "id": link.pk,
            "supplier_id": buying.nord.pk,
            "membership_id": link.membership_id,
            "email": email,
            "role": "supplier",
            "is_active": active,
        }

    listing = client_a.get(base)
    assert listing.status_code == 200
    assert listing.json() == {
        "items": [row(first, "a@nordwerk.example", True), row(second, "b@nordwerk.example", False)],
        "count": 2,
        "limit": 50,
        "offset": 0,
    }
    by_email = client_a.get(f"{base}?sort=-email&limit=1").json()
    assert (by_email["items"][0]["email"], by_email["count"]) == ("b@nordwerk.example", 2)
    error(client_a.get(f"{base}?sort=password"), 422, "invalid_sort", "sort")
    lyon = client_a.get(f"/api/v1/suppliers/{buying.lyon.pk}/portal-users").json()
    assert (lyon["items"], lyon["count"]) == ([], 0)
    error(client_a.get("/api/v1/suppliers/999999/portal-users"), 404, "supplier_not_found")

    path = f"/suppliers/{buying.nord.pk}/portal-users"
    restored = patch(client_a, f"{path}/{second.pk}", {"is_active": True})
    assert restored.status_code == 200
    assert restored.json() == row(second, "b@nordwerk.example", True)
    revoked = patch(client_a, f"{path}/{first.pk}", {"is_active": False})
    assert revoked.json() == row(first, "a@nordwerk.example", False)
    error(patch(client_a, f"{path}/999999", {"is_active": False}), 404, "not_found", "link_id")
    error(
        patch(
            client_a, f"/suppliers/{buying.lyon.pk}/portal-users/{first.pk}", {"is_active": True}
        ),
        404,
        "not_found",
    )
    bad = patch(client_a, f"{path}/{first.pk}", {"is_active": "perhaps"})
    assert bad.status_code == 422
    assert Membership.objects.get(pk=first.membership_id).is_active is False
