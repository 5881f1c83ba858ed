"""Customer pages: lists with filters, detail pages and their forms, errors next to fields."""

from __future__ import annotations

import pytest

from valuechain.crm.customers import services
from valuechain.crm.customers.models import Account, EmailAddress, Person, PhoneNumber
from valuechain.platform.tenancy.context import tenant_context
from valuechain.platform.web.registry import menu_items, search_providers


@pytest.fixture
def acme(tenant_a, admin_a):
    with tenant_context(tenant_a, actor=admin_a.user, channel="ui"):
        group = services.create_account(name="Acme Group")
        return services.create_account(
            name="Acme GmbH", industry="Retail", parent_id=group.pk, tags=["VIP"]
        )


@pytest.fixture
def ada(tenant_a, admin_a, acme):
    with tenant_context(tenant_a, actor=admin_a.user, channel="ui"):
        person = services.create_person(first_name="Ada", last_name="Lovelace", account_id=acme.pk)
        services.add_email("person", person.pk, email="ada@example.com")
        return person


def _error_near(html: str, field_id: str, message: str) -> None:
    error_at = html.index(f'id="{field_id}_error"')
    assert message in html[error_at : error_at + 300]


def test_account_list_filters(client_a, acme):
    html = client_a.get("/crm/accounts/").content.decode()
    assert "Acme GmbH" in html and "Acme Group" in html
    assert f'href="/crm/accounts/{acme.pk}/"' in html
    html = client_a.get("/crm/accounts/?tag=vip").content.decode()
    assert (
        "Acme GmbH" in html
        and "Acme Group</a></td>" not in html.split("<tbody>")[1].split("Acme GmbH")[0]
    )
    html = client_a.get("/crm/accounts/?lifecycle_stage=active").content.decode()
    assert "No accounts match." in html
    assert client_a.get("/crm/accounts/?sort=-name").status_code == 200


def test_account_detail_shows_everything(client_a, acme, ada):
    html = client_a.get(f"/crm/accounts/{acme.pk}/").content.decode()
    assert "Acme GmbH" in html and "Part of" in html and "Acme Group" in html
    assert "Ada Lovelace" in html  # contacts
    assert "History" in html  # audit trail
    assert 'name="email-email"' in html and 'name="address-line1"' in html


def test_create_account_and_errors_next_to_fields(client_a, tenant_a, acme):
    response = client_a.post(
        "/crm/accounts/new/",
        {
            "name": "Beta",
            "website": "beta.example",
            "tags": "VIP, Partner",
            "lifecycle_stage": "prospect",
        },
    )
    with tenant_context(tenant_a):
        beta = Account.objects.get(name="Beta")
    assert response.status_code == 302
    assert response["Location"] == f"/crm/accounts/{beta.pk}/"
    assert beta.website == "https://beta.example"
    bad = client_a.post(
        "/crm/accounts/new/",
        {"name": "Gamma", "website": "not a site", "lifecycle_stage": "prospect"},
    )
    assert bad.status_code == 200
    _error_near(bad.content.decode(), "id_website", "is not a web address")
    missing = client_a.post("/crm/accounts/new/", {"name": "", "lifecycle_stage": "prospect"})
    _error_near(missing.content.decode(), "id_name", "This field is required.")
    with tenant_context(tenant_a):
        assert not Account.objects.filter(name="Gamma").exists()


def test_edit_account_refuses_a_cycle_next_to_parent(client_a, tenant_a, acme):
    with tenant_context(tenant_a):
        group = Account.objects.get(name="Acme Group")
    response = client_a.post(
        f"/crm/accounts/{group.pk}/edit/", {"name": "Acme Group", "parent_id": str(acme.pk)}
    )
    assert response.status_code == 200
    _error_near(response.content.decode(), "id_parent_id", "cannot be its own ancestor")
    ok = client_a.post(f"/crm/accounts/{acme.pk}/edit/", {"name": "Acme AG", "parent_id": ""})
    assert ok.status_code == 302
    with tenant_context(tenant_a):
        assert Account.objects.get(pk=acme.pk).parent_id is None


def test_person_pages_and_small_forms(client_a, tenant_a, ada):
    html = client_a.get("/crm/people/").content.decode()
    assert "Ada Lovelace" in html and "ada@example.com" in html
    url = f"/crm/people/{ada.pk}/"
    bad = client_a.post(
        url, {"action": "phone", "phone-number": "030 1234567", "phone-contact_kind": "work"}
    )
    assert bad.status_code == 200
    _error_near(bad.content.decode(), "id_phone-number", "Start with + and the country code")
    dup = client_a.post(
        url, {"action": "email", "email-email": "ADA@example.com", "email-contact_kind": "work"}
    )
    _error_near(dup.content.decode(), "id_email-email", "already an e-mail")
    ok = client_a.post(
        url, {"action": "phone", "phone-number": "+49 30 1234567", "phone-contact_kind": "mobile"}
    )
    assert ok.status_code == 302
    stage = client_a.post(url, {"action": "lifecycle", "lifecycle-stage": "active"})
    _error_near(stage.content.decode(), "id_lifecycle-stage", "cannot go from prospect to active")
    assert (
        client_a.post(url, {"action": "lifecycle", "lifecycle-stage": "acquired"}).status_code
        == 302
    )
    consent = client_a.post(
        url,
        {
            "action": "consent",
            "consent-channel": "email",
            "consent-granted": "yes",
            "consent-source": "phone call",
        },
    )
    assert consent.status_code == 302
    html = client_a.get(url).content.decode()
    assert "+49301234567" in html and "granted" in html and "phone call" in html
    assert "acquired" in html
    with tenant_context(tenant_a):
        phone = PhoneNumber.objects.get()
        email = EmailAddress.objects.get()
    assert client_a.post(url, {"action": "remove_phone", "item": str(phone.pk)}).status_code == 302
    assert client_a.post(url, {"action": "remove_email", "item": "999999"}).status_code == 404
    with tenant_context(tenant_a):
        assert not PhoneNumber.objects.exists()
        assert EmailAddress.objects.filter(pk=email.pk).exists()


def test_create_and_edit_person(client_a, tenant_a, acme):
    response = client_a.post(
        "/crm/people/new/",
        {
            "first_name": "Bob",
            "last_name": "Buyer",
            "lifecycle_stage": "prospect",
            "account_id": str(acme.pk),
        },
    )
    assert response.status_code == 302
    with tenant_context(tenant_a):
        bob = Person.objects.get(last_name="Buyer")
    assert bob.account_id == acme.pk
    assert client_a.get(f"/crm/people/new/?account={acme.pk}").status_code == 200
    bad = client_a.post(f"/crm/people/{bob.pk}/edit/", {"first_name": "Bob", "last_name": ""})
    _error_near(bad.content.decode(), "id_last_name", "This field is required.")
    good = client_a.post(f"/crm/people/{bob.pk}/edit/", {"last_name": "Byers", "job_title": "CFO"})
    assert good.status_code == 302
    with tenant_context(tenant_a):
        bob.refresh_from_db()
    assert (bob.last_name, bob.job_title, bob.account_id) == ("Byers", "CFO", None)


def test_unknown_records_are_404(client_a):
    assert client_a.get("/crm/accounts/999999/").status_code == 404
    assert client_a.get("/crm/people/999999/edit/").status_code == 404


def test_menu_and_search(client_a, tenant_a, acme, ada):
    assert [i.label for i in menu_items("crm")][:2] == ["Accounts", "People"]
    providers = {p.kind: p for p in search_providers()}
    with tenant_context(tenant_a):
        assert [h.title for h in providers["account"].provider("acme gmbh", 5)] == ["Acme GmbH"]
        assert [h.title for h in providers["person"].provider("ada@example", 5)] == ["Ada Lovelace"]
        assert [h.title for h in providers["person"].provider("Ada Love", 5)] == ["Ada Lovelace"]
        assert providers["person"].provider(" ", 5) == []


def test_list_page_query_count(client_a, tenant_a, admin_a, django_assert_max_num_queries):
    with tenant_context(tenant_a, actor=admin_a.user):
        for index in range(5):
            account = services.create_account(name=f"A{index}", tags=["x"])
            services.create_person(last_name=f"P{index}", account_id=account.pk, tags=["y"])
    with django_assert_max_num_queries(14):
        assert client_a.get("/crm/accounts/").status_code == 200
    with django_assert_max_num_queries(16):
        assert client_a.get("/crm/people/").status_code == 200


def test_read_only_members_see_no_forms_and_cannot_post(tenant_a, ada):
    from django.test import Client

    from valuechain.platform.tenancy import services as tenancy

    user = tenancy.create_user("planner@alpha.test", "correct horse battery staple")
    tenancy.add_member(tenant_a, user, "planner")
    client = Client()
    client.force_login(user)
    html = client.get(f"/crm/people/{ada.pk}/").content.decode()
    assert "Ada Lovelace" in html and 'name="action"' not in html
    refused = client.post(f"/crm/people/{ada.pk}/", {"action": "email", "email-email": "x@y.z"})
    assert refused.status_code == 403
    assert client.get("/crm/accounts/new/").status_code == 403


def test_custom_fields_on_forms_lists_and_detail(client_a, tenant_a, admin_a):
    from valuechain.platform.customfields import services as customfields

    with tenant_context(tenant_a, actor=admin_a.user):
        customfields.create_definition(
            target="customers.person",
            key="shoe_size",
            label="Shoe size",
            field_type="number",
            filterable=True,
        )
    form_html = client_a.get("/crm/people/new/").content.decode()
    assert 'name="cf_shoe_size"' in form_html
    bad = client_a.post(
        "/crm/people/new/",
        {"last_name": "Feet", "lifecycle_stage": "prospect", "cf_shoe_size": "huge"},
    )
    assert bad.status_code == 200
    assert 'id="id_cf_shoe_size_error"' in bad.content.decode()
    ok = client_a.post(
        "/crm/people/new/",
        {"last_name": "Feet", "lifecycle_stage": "prospect", "cf_shoe_size": "44"},
    )
    assert ok.status_code == 302
    detail = client_a.get(ok["Location"]).content.decode()
    assert "Shoe size" in detail and "44" in detail
    listed = client_a.get("/crm/people/?cf_shoe_size=44").content.decode()
    assert "Feet" in listed
    assert "No people match." in client_a.get("/crm/people/?cf_shoe_size=45").content.decode()


def test_back_office_lists_are_read_only(client_a, acme, ada):
    html = client_a.get("/django-admin/customers/account/").content.decode()
    assert "Acme GmbH" in html
    assert client_a.get("/django-admin/customers/person/").status_code == 200
    assert client_a.get("/django-admin/customers/account/add/").status_code == 403


def test_detail_page_queries_do_not_grow_with_contacts(
    client_a, tenant_a, admin_a, acme, django_assert_max_num_queries
):
    with tenant_context(tenant_a, actor=admin_a.user):
        for index in range(8):
            person = services.create_person(last_name=f"C{index}", account_id=acme.pk)
            services.add_email("account", acme.pk, email=f"c{index}@acme.example")
            services.create_account(name=f"Sub {index}", parent_id=acme.pk)
            services.add_email("person", person.pk, email=f"c{index}@example.com")
    with django_assert_max_num_queries(26):  # + the record's attachments
        html = client_a.get(f"/crm/accounts/{acme.pk}/").content.decode()
    assert "C7" in html and "Sub 7" in html and "c7@acme.example" in html
