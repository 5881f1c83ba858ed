"""The customers importers: matching rules (no duplicates on re-import), links, refusals."""

from __future__ import annotations

import pytest

from valuechain.crm.customers import services
from valuechain.crm.customers.models import Account, Address, EmailAddress, Person, PhoneNumber
from valuechain.platform.dataexchange import services as dataexchange
from valuechain.platform.dataexchange.models import ExternalKey

pytestmark = pytest.mark.usefixtures("in_tenant_a")


def run(importer: str, text: str, mode: str = "valid_rows", mapping=None):
    """Upload and import a CSV text; the finished job."""
    job = dataexchange.upload(
        importer_key=importer, filename="f.csv", content=text.encode(), mapping=mapping, mode=mode
    )
    return dataexchange.run(job.pk)


def report(job) -> list[tuple[int, str, str, str]]:
    """(row, status, error code, field) of every report line."""
    return [
        (r.row_number, r.status, r.error_code, r.field) for r in job.rows.order_by("row_number")
    ]


ACCOUNTS_CSV = (
    "Company,Website,Industry,Size,Tags,Billing street,Billing city,Billing postal code,"
    "Billing country,Phone,E-mail,Owner\n"
    "Acme,acme.example,Retail,11-50,VIP;Reseller,Main St 1,Berlin,10115,DE,030 1234567,"
    "info@acme.example,admin@alpha.test\n"
    "Globex,,Energy,,,,,,,,,\n"
)


def test_accounts_import_maps_every_field_and_rerun_changes_nothing(admin_a):
    job = run("customers.accounts", ACCOUNTS_CSV)
    assert (job.status, job.created_count, job.rejected_count) == ("imported", 2, 0)
    acme = Account.objects.get(name="Acme")
    assert acme.website == "https://acme.example"
    assert (acme.industry, acme.size_band, acme.owner_id) == ("Retail", "11-50", admin_a.user_id)
    assert sorted(t.name for t in acme.tags.all()) == ["Reseller", "VIP"]
    address = Address.objects.get(account=acme)
    assert (address.kind, address.line1, address.city, address.country) == (
        "billing",
        "Main St 1",
        "Berlin",
        "DE",
    )
    assert PhoneNumber.objects.get(account=acme).number == "+49301234567"
    assert EmailAddress.objects.get(account=acme).email == "info@acme.example"

    again = run("customers.accounts", ACCOUNTS_CSV)
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 2)
    assert Account.objects.count() == 2
    assert Address.objects.count() == 1
    assert PhoneNumber.objects.count() == 1


def test_account_matched_by_name_case_insensitively_and_updated():
    services.create_account(name="ACME", industry="Retail")
    job = run("customers.accounts", "Name,Industry,Tags\nacme,Wholesale,new\n")
    assert (job.created_count, job.updated_count) == (0, 1)
    acme = Account.objects.get()
    assert acme.industry == "Wholesale"
    assert [t.name for t in acme.tags.all()] == ["new"]


def test_blank_cells_never_erase():
    services.create_account(name="Acme", industry="Retail")
    job = run("customers.accounts", "Name,Industry\nAcme,\n")
    assert job.unchanged_count == 1
    assert Account.objects.get().industry == "Retail"


def test_same_name_other_website_domain_is_another_account():
    services.create_account(name="Acme", website="acme.example")
    run("customers.accounts", "Name,Website\nAcme,https://www.acme.example/\nAcme,acme.org\n")
    assert sorted(Account.objects.values_list("website", flat=True)) == [
        "https://acme.example",
        "https://acme.org",
    ]


def test_external_id_is_remembered_so_a_renamed_account_is_updated():
    first = run("customers.accounts", "Id,Name\nK-1,Acme\n")
    assert first.created_count == 1
    account = Account.objects.get()
    assert ExternalKey.objects.get().record_id == account.pk
    second = run("customers.accounts", "Id,Name\nK-1,Acme Group\n")
    assert (second.created_count, second.updated_count) == (0, 1)
    assert list(Account.objects.values_list("name", flat=True)) == ["Acme Group"]


def test_parent_by_name_owner_by_email_and_their_refusals():
    services.create_account(name="Group")
    job = run(
        "customers.accounts",
        "Name,Parent account,Owner e-mail\nSub,group,\nOrphan,Nobody,\nOwned,,x@nowhere.test\n",
    )
    assert report(job) == [
        (2, "created", "", ""),
        (3, "rejected", "unknown_parent", "parent_name"),
        (4, "rejected", "unknown_owner", "owner_email"),
    ]
    assert Account.objects.get(name="Sub").parent.name == "Group"
    assert not Account.objects.filter(name__in=["Orphan", "Owned"]).exists()


def test_service_rules_reject_the_row_with_the_prefixed_field():
    job = run(
        "customers.accounts",
        "Name,Size band,Website,Billing street,Billing country,Phone\n"
        ",11-50,,,,\n"
        "A,huge,,,,\n"
        "B,,not a site,,,\n"
        "C,,,Main St 1,DE,\n"
        "D,,,,,12\n",
    )
    assert report(job) == [
        (2, "rejected", "name_required", "name"),
        (3, "rejected", "invalid_size_band", "size_band"),
        (4, "rejected", "invalid_website", "website"),
        (5, "rejected", "city_required", "billing_city"),
        (6, "rejected", "invalid_phone", "phone"),
    ]
    assert Account.objects.count() == 0  # each reject's savepoint undid its partial writes


CONTACTS_CSV = (
    "First name,Last name,Email,Phone,Title,Company,Street,City,Country,Tags\n"
    "Ada,Lovelace,ADA@Example.com,+44 20 7946 0000,CTO,Acme,1 Road,London,GB,vip\n"
    "Bob,Builder,,+49 30 1234567,,Acme,,,,\n"
    "Cy,Nomail,,,,,,,,\n"
)


def test_contacts_import_links_or_creates_the_account_and_reruns_cleanly():
    services.create_account(name="ACME")
    job = run("customers.contacts", CONTACTS_CSV)
    assert (job.created_count, job.rejected_count) == (3, 0)
    ada = Person.objects.get(last_name="Lovelace")
    assert (ada.first_name, ada.job_title, ada.account.name) == ("Ada", "CTO", "ACME")
    assert EmailAddress.objects.get(person=ada).email == "ada@example.com"
    assert PhoneNumber.objects.get(person=ada).number == "+442079460000"
    assert Address.objects.get(person=ada).country == "GB"
    assert Account.objects.count() == 1

    again = run("customers.contacts", CONTACTS_CSV)
    assert (again.created_count, again.unchanged_count) == (0, 3)
    assert Person.objects.count() == 3


def test_contact_matched_by_email_then_phone():
    ada = services.create_person(first_name="Ada", last_name="L")
    services.add_email("person", ada.pk, email="ada@example.com")
    bob = services.create_person(last_name="Builder")
    services.add_phone("person", bob.pk, number="+49301234567")
    job = run(
        "customers.contacts",
        "Last name,Email,Phone,Job title\n"
        "Lovelace,Ada@example.com,,\n"
        "Builder,,+49 30 1234567,Boss\n",
    )
    assert (job.created_count, job.updated_count) == (0, 2)
    assert Person.objects.get(pk=ada.pk).last_name == "Lovelace"
    assert Person.objects.get(pk=bob.pk).job_title == "Boss"


def test_contact_account_created_when_missing():
    run("customers.contacts", "Last name,Account\nLovelace,Analytical Engines\n")
    assert Person.objects.get().account.name == "Analytical Engines"


def test_contact_refusals():
    job = run(
        "customers.contacts",
        "Last name,Email,Country,City,Street\n"
        "A,not-an-email,,,\n"
        ",a@b.example,,,\n"
        "C,,XX,Town,1 Road\n",
    )
    assert report(job) == [
        (2, "rejected", "invalid_email", "email"),
        (3, "rejected", "last_name_required", "last_name"),
        (4, "rejected", "invalid_country", "country"),
    ]
    assert Person.objects.count() == 0
