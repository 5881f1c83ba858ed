"""Use cases of customers: error codes, hierarchy cycles, contact points, lifecycle, consent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from valuechain.crm.customers import queries, services
from valuechain.crm.customers.models import (
    Account,
    Address,
    ConsentRecord,
    EmailAddress,
    LifecycleChange,
    Person,
    PhoneNumber,
    Tag,
)
from valuechain.platform.customfields import services as customfields
from valuechain.platform.errors import DomainError
from valuechain.platform.events.models import OutboxEvent

pytestmark = pytest.mark.usefixtures("in_tenant_a")


def _refused(code, field, call, *args, **kwargs):
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    assert (caught.value.code, caught.value.field) == (code, field)
    return caught.value


def _types():
    return list(OutboxEvent.objects.order_by("occurred_at", "pk").values_list("type", flat=True))


def test_create_account_with_parent_owner_and_tags(admin_a):
    customfields.create_definition(
        target="customers.account", key="erp_id", label="ERP id", field_type="text"
    )
    group = services.create_account(name="Acme Group", website="acme.example")
    account = services.create_account(
        name="  Acme   GmbH ",
        legal_name="Acme Deutschland GmbH",
        industry="Retail",
        size_band="51-200",
        parent_id=group.pk,
        owner_id=admin_a.user_id,
        tags=["VIP", "vip", "Reseller"],
        custom={"erp_id": "K-1"},
    )
    account.refresh_from_db()
    assert account.name == "Acme GmbH"
    assert account.parent == group
    assert account.owner_id == admin_a.user_id
    assert group.website == "https://acme.example"
    assert sorted(t.name for t in account.tags.all()) == ["Reseller", "VIP"]
    assert account.custom == {"erp_id": "K-1"}
    assert account.lifecycle_stage == "prospect"
    assert list(queries.children(group)) == [account]
    assert _types()[-2:] == ["AccountCreated", "AccountCreated"]


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        ({"name": " "}, "name_required", "name"),
        ({"name": "x" * 201}, "invalid_name", "name"),
        ({"name": "A", "website": "not a site"}, "invalid_website", "website"),
        ({"name": "A", "size_band": "huge"}, "invalid_size_band", "size_band"),
        ({"name": "A", "parent_id": 999999}, "unknown_account", "parent_id"),
        ({"name": "A", "owner_id": 999999}, "invalid_owner", "owner_id"),
        ({"name": "A", "lifecycle_stage": "gone"}, "invalid_lifecycle_stage", "lifecycle_stage"),
        ({"name": "A", "tags": "VIP"}, "invalid_tags", "tags"),
        ({"name": "A", "custom": ["x"]}, "invalid_custom", "custom"),
    ],
)
def test_bad_account_input_writes_nothing(data, code, field):
    _refused(code, field, services.create_account, **data)
    assert not Account.objects.exists()
    assert not Tag.objects.exists()
    assert _types() == []


def test_hierarchy_cycles_are_refused():
    top = services.create_account(name="Top")
    middle = services.create_account(name="Middle", parent_id=top.pk)
    bottom = services.create_account(name="Bottom", parent_id=middle.pk)
    error = _refused(
        "hierarchy_cycle", "parent_id", services.update_account, top.pk, parent_id=bottom.pk
    )
    assert "Bottom is Top itself or one of its subsidiaries" in error.message
    _refused("hierarchy_cycle", "parent_id", services.update_account, top.pk, parent_id=top.pk)
    top.refresh_from_db()
    assert top.parent_id is None
    services.update_account(bottom.pk, parent_id=top.pk)  # moving up the tree is fine
    services.update_account(bottom.pk, parent_id=None)
    bottom.refresh_from_db()
    assert bottom.parent_id is None


def test_update_account_changes_only_given_fields():
    account = services.create_account(name="Old", industry="Food", tags=["A"])
    services.update_account(account.pk, name="New", tags=["B"])
    account.refresh_from_db()
    assert (account.name, account.industry) == ("New", "Food")
    assert [t.name for t in account.tags.all()] == ["B"]
    _refused("unknown_field", "tenant", services.update_account, account.pk, tenant=1)
    with pytest.raises(DomainError) as caught:
        services.update_account(999999, name="x")
    assert (caught.value.code, caught.value.status) == ("not_found", 404)


def test_people_b2b_and_b2c():
    account = services.create_account(name="Acme")
    contact = services.create_person(
        first_name="Ada", last_name="Lovelace", account_id=account.pk, job_title="CTO"
    )
    consumer = services.create_person(first_name="Bob", last_name="Buyer")
    assert contact.account == account and consumer.account is None
    assert contact.full_name == "Ada Lovelace"
    _refused("last_name_required", "last_name", services.create_person, last_name="")
    _refused(
        "unknown_account", "account_id", services.create_person, last_name="X", account_id=999999
    )
    services.update_person(consumer.pk, account_id=account.pk, tags=["Newsletter"])
    consumer.refresh_from_db()
    assert consumer.account == account
    assert Person.objects.count() == 2
    assert _types() == ["AccountCreated", "PersonCreated", "PersonCreated", "PersonUpdated"]


def test_addresses_one_default_per_kind():
    person = services.create_person(last_name="Lovelace")
    first = services.add_address(
        "person", person.pk, address_kind="billing", line1="1 Main St", city="Berlin", country="de"
    )
    assert (first.country, first.is_default) == ("DE", True)  # the first is the default
    second = services.add_address(
        "person",
        person.pk,
        address_kind="billing",
        line1="2 High St",
        city="Hamburg",
        country="DE",
        is_default=True,
    )
    first.refresh_from_db()
    assert (first.is_default, second.is_default) == (False, True)
    _refused(
        "invalid_country",
        "country",
        services.add_address,
        "person",
        person.pk,
        address_kind="billing",
        line1="x",
        city="y",
        country="Germany",
    )
    _refused(
        "invalid_address_kind",
        "address_kind",
        services.add_address,
        "person",
        person.pk,
        address_kind="home",
        line1="x",
        city="y",
        country="DE",
    )
    _refused(
        "invalid_party_kind",
        "party_kind",
        services.add_address,
        "lead",
        person.pk,
        address_kind="billing",
        line1="x",
        city="y",
        country="DE",
    )
    services.remove_address(first.pk)
    assert list(Address.objects.values_list("pk", flat=True)) == [second.pk]


def test_emails_are_normalised_and_unique_per_party():
    account = services.create_account(name="Acme")
    person = services.create_person(last_name="Lovelace", account_id=account.pk)
    first = services.add_email("person", person.pk, email="Ada@Example.COM")
    assert (first.email, first.is_primary, first.kind) == ("ada@example.com", True, "work")
    _refused(
        "duplicate_identifier",
        "email",
        services.add_email,
        "person",
        person.pk,
        email="ADA@example.com",
    )
    _refused("invalid_email", "email", services.add_email, "person", person.pk, email="ada@")
    _refused(
        "invalid_kind",
        "kind",
        services.add_email,
        "person",
        person.pk,
        email="b@example.com",
        contact_kind="fax",
    )
    # The same address may belong to another party (the company's shared inbox).
    services.add_email("account", account.pk, email="ada@example.com")
    second = services.add_email(
        "person", person.pk, email="ada@home.example", contact_kind="home", is_primary=True
    )
    first.refresh_from_db()
    assert (first.is_primary, second.is_primary) == (False, True)
    assert queries.find_party_by_identifier("email", " ADA@example.com") == person
    assert queries.find_party_by_identifier("email", "nobody@example.com") is None
    assert queries.find_party_by_identifier("email", "garbage") is None
    services.remove_email(first.pk)
    assert EmailAddress.objects.filter(person=person).count() == 1


def test_phones_use_region_then_the_partys_country():
    person = services.create_person(last_name="Lovelace")
    _refused(
        "invalid_phone", "phone", services.add_phone, "person", person.pk, number="030 1234567"
    )
    services.add_address(
        "person", person.pk, address_kind="shipping", line1="1 Main", city="Berlin", country="DE"
    )
    phone = services.add_phone("person", person.pk, number="030 1234567", contact_kind="mobile")
    assert (phone.number, phone.kind, phone.is_primary) == ("+49301234567", "mobile", True)
    us = services.add_phone("person", person.pk, number="(415) 555-2671", region="US")
    assert us.number == "+14155552671"
    _refused(
        "duplicate_identifier",
        "phone",
        services.add_phone,
        "person",
        person.pk,
        number="+49 30 1234567",
    )
    _refused(
        "invalid_country",
        "country",
        services.add_phone,
        "person",
        person.pk,
        number="1",
        region="ZZ",
    )
    assert queries.find_party_by_identifier("phone", "+49 30 123 4567") == person
    assert PhoneNumber.objects.count() == 2
    services.remove_phone(us.pk)
    assert PhoneNumber.objects.count() == 1


def test_a_contact_inherits_the_accounts_country_for_phones():
    account = services.create_account(name="Acme UK")
    services.add_address(
        "account",
        account.pk,
        address_kind="billing",
        line1="1 Strand",
        city="London",
        country="GB",
    )
    person = services.create_person(last_name="Smith", account_id=account.pk)
    assert services.add_phone("person", person.pk, number="020 7946 0958").number == "+442079460958"


def test_lifecycle_history_with_dates(admin_a):
    account = services.create_account(name="Acme")
    acquired_at = timezone.now() - dt.timedelta(days=30)
    services.change_lifecycle_stage("account", account.pk, "acquired", changed_at=acquired_at)
    services.change_lifecycle_stage("account", account.pk, "active")
    _refused(
        "invalid_transition",
        "stage",
        services.change_lifecycle_stage,
        "account",
        account.pk,
        "prospect",
    )
    _refused(
        "future_date",
        "changed_at",
        services.change_lifecycle_stage,
        "account",
        account.pk,
        "at_risk",
        changed_at=timezone.now() + dt.timedelta(days=1),
    )
    account.refresh_from_db()
    assert account.lifecycle_stage == "active"
    history = list(queries.lifecycle_history(account))
    assert [(c.from_stage, c.to_stage) for c in history] == [
        ("acquired", "active"),
        ("prospect", "acquired"),
    ]
    assert history[1].changed_at == acquired_at
    assert history[0].actor_id == admin_a.user_id
    event = OutboxEvent.objects.filter(type="LifecycleStageChanged").order_by("occurred_at")[1]
    assert event.payload["phase"] == "enhance"
    assert event.payload["party_kind"] == "account"
    assert LifecycleChange.objects.count() == 2


def test_consent_latest_wins_and_history_is_kept():
    person = services.create_person(last_name="Lovelace")
    earlier = timezone.now() - dt.timedelta(days=2)
    services.record_consent(
        person.pk, channel="email", granted=True, source="signup form", recorded_at=earlier
    )
    services.record_consent(person.pk, channel="email", granted=False, source="unsubscribe link")
    services.record_consent(person.pk, channel="sms", granted=True)
    current = queries.current_consents(person)
    assert current["email"] is not None and current["email"].granted is False
    assert current["email"].source == "unsubscribe link"
    assert current["sms"] is not None and current["sms"].granted is True
    assert current["phone"] is None and current["post"] is None
    assert ConsentRecord.objects.filter(person=person, channel="email").count() == 2
    _refused(
        "invalid_channel",
        "channel",
        services.record_consent,
        person.pk,
        channel="fax",
        granted=True,
    )
    assert _types().count("ConsentRecorded") == 3


def test_set_tags_reuses_existing_tags():
    person = services.create_person(last_name="A", tags=["VIP"])
    account = services.create_account(name="B")
    services.set_tags("account", account.pk, ["vip", "Partner"])
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Partner", "VIP"]
    assert [t.name for t in person.tags.all()] == ["VIP"]
    assert list(queries.accounts(queries.PartyFilters(tag="vip"))) == [account]


def test_custom_values_are_checked_against_the_definitions():
    customfields.create_definition(
        target="customers.person", key="shoe_size", label="Shoe size", field_type="number"
    )
    customfields.create_definition(
        target="customers.account",
        key="tier",
        label="Tier",
        field_type="choice",
        choices=["Gold", "Silver"],
        required=True,
    )
    person = services.create_person(last_name="A", custom={"shoe_size": "42"})
    assert person.custom == {"shoe_size": "42"}
    with pytest.raises(DomainError) as caught:
        services.create_person(last_name="B", custom={"shoe_size": "big"})
    assert caught.value.code == "invalid_custom_fields"
    with pytest.raises(DomainError) as caught:
        services.create_account(name="No tier")
    assert caught.value.code == "invalid_custom_fields"
    account = services.create_account(name="Gold one", custom={"tier": "Gold"})
    services.update_account(account.pk, name="Renamed")  # custom untouched, still valid
    with pytest.raises(DomainError):
        services.update_account(account.pk, custom={"tier": "Bronze"})
    account.refresh_from_db()
    assert account.custom == {"tier": "Gold"}
    assert Person.objects.count() == 1


def test_a_tag_created_concurrently_is_reused():
    existing = Tag.objects.create(name="VIP")
    # What a request sees when another one created the tag after its lookup.
    assert services._new_tag("VIP") == existing
    assert Tag.objects.count() == 1
