"""Merging duplicates: everything moves to the survivor, and undo puts it all back exactly."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models

from valuechain.crm.customers import interactions, merging, services
from valuechain.crm.customers.merge_models import DuplicateCandidate, MergeRecord
from valuechain.crm.customers.models import (
    Account,
    Address,
    ConsentRecord,
    EmailAddress,
    Interaction,
    LifecycleChange,
    PartyIdentifier,
    Person,
    PhoneNumber,
)
from valuechain.platform.audit.models import AuditEntry
from valuechain.platform.errors import DomainError
from valuechain.platform.events.models import OutboxEvent

pytestmark = pytest.mark.usefixtures("in_tenant_a")

PARTY_MODELS = (Address, EmailAddress, PhoneNumber, LifecycleChange, PartyIdentifier, Interaction)


def _state(model: type[models.Model], *, skip: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Every row of a model as a dict (ids and values), in pk order."""
    return [
        {f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields}
        | dict.fromkeys(skip)
        for row in model._base_manager.order_by("pk")
    ]


def _everything() -> dict[str, Any]:
    tables = (ConsentRecord, *PARTY_MODELS)
    state: dict[str, Any] = {model.__name__: _state(model) for model in tables}
    # The survivor was saved by the merge and by the undo: only its updated_at moves on.
    state["Account"] = _state(Account, skip=("updated_at",))
    state["Person"] = _state(Person, skip=("updated_at",))
    state["person_tags"] = sorted(Person.tags.through.objects.values_list("person_id", "tag_id"))
    state["account_tags"] = sorted(Account.tags.through.objects.values_list("account_id", "tag_id"))
    state["candidates"] = sorted(DuplicateCandidate.objects.values_list("pk", "status"))
    return state


def _error(call, code: str, status: int = 422, field: str | None = None) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call()
    assert caught.value.code == code
    assert caught.value.status == status
    if field is not None:
        assert caught.value.details["field"] == field
    return caught.value


@pytest.fixture
def people() -> tuple[Person, Person]:
    """A survivor and a loser person, the loser with one of everything."""
    acme = services.create_account(name="Acme")
    survivor = services.create_person(
        first_name="Ada", last_name="Lovelace", tags=["VIP"], job_title=""
    )
    loser = services.create_person(
        first_name="Ada",
        last_name="Lovelace-King",
        account_id=acme.pk,
        job_title="Countess",
        tags=["VIP", "Poet"],
        custom={},
    )
    services.add_email("person", survivor.pk, email="ada@example.com", is_primary=True)
    services.add_email("person", loser.pk, email="ADA@example.com", is_primary=True)  # clash
    services.add_email("person", loser.pk, email="countess@example.com", is_primary=False)
    services.add_phone("person", loser.pk, number="+44 20 7946 0000", is_primary=True)
    services.add_address(
        "person",
        survivor.pk,
        address_kind="billing",
        line1="1 St",
        city="London",
        country="GB",
        is_default=True,
    )
    services.add_address(
        "person",
        loser.pk,
        address_kind="billing",
        line1="2 Rd",
        city="Kirkby",
        country="GB",
        is_default=True,
    )
    services.change_lifecycle_stage("person", loser.pk, "acquired")
    services.record_consent(loser.pk, channel="email", granted=True, source="signup")
    interactions.add_identifier("person", loser.pk, kind="loyalty_card", value="LC-1")
    interactions.log_activity("person", loser.pk, kind="call", subject="Called her")
    interactions.record_interaction(
        {
            "channel": "web",
            "kind": "note",
            "subject": "About her",
            "account_id": acme.pk,
            "related_type": "customers.person",
            "related_id": str(loser.pk),
        }
    )
    low, high = sorted((survivor.pk, loser.pk))
    DuplicateCandidate.objects.create(
        kind="person", first_id=low, second_id=high, score=80, reasons=["same_email"]
    )
    return survivor, loser


def test_merge_moves_everything_and_is_undoable(people) -> None:
    survivor, loser = people
    before = _everything()
    loser_interactions = sorted(
        Interaction.objects.filter(person=loser).values_list("pk", flat=True)
    )

    record = merging.merge_parties(
        "person", survivor.pk, loser.pk, {"last_name": "loser", "job_title": "loser"}
    )

    assert not Person.objects.filter(pk=loser.pk).exists()
    kept = Person.objects.get(pk=survivor.pk)
    assert (kept.first_name, kept.last_name, kept.job_title) == ("Ada", "Lovelace-King", "Countess")
    assert kept.account_id is None  # not chosen: the survivor's own (none) stays
    assert kept.lifecycle_stage == "prospect"  # the survivor's stage stays
    assert sorted(t.name for t in kept.tags.all()) == ["Poet", "VIP"]
    assert sorted(EmailAddress.objects.filter(person=kept).values_list("email", "is_primary")) == [
        ("ada@example.com", True),
        ("countess@example.com", False),
    ]
    assert list(PhoneNumber.objects.filter(person=kept).values_list("number", "is_primary")) == [
        ("+442079460000", True)
    ]
    assert sorted(Address.objects.filter(person=kept).values_list("line1", "is_default")) == [
        ("1 St", True),
        ("2 Rd", False),
    ]
    assert LifecycleChange.objects.filter(person=kept).count() == 1
    assert ConsentRecord.objects.filter(person=kept).count() == 1
    assert PartyIdentifier.objects.get().person_id == kept.pk
    assert (
        sorted(Interaction.objects.filter(person=kept).values_list("pk", flat=True))
        == loser_interactions
    )
    assert Interaction.objects.get(subject="About her").related_id == str(kept.pk)
    for model in PARTY_MODELS:
        assert not model._base_manager.filter(person_id=loser.pk).exists()
    assert record.counts == {
        "customers.address.person": 1,
        "customers.consentrecord.person": 1,
        "customers.emailaddress.person": 1,
        "customers.interaction.person": 1,
        "customers.interaction.related_id": 1,
        "customers.lifecyclechange.person": 1,
        "customers.partyidentifier.person": 1,
        "customers.person_tags.person": 1,
        "customers.phonenumber.person": 1,
    }
    assert [entry["model"] for entry in record.deleted] == [
        "customers.emailaddress",
        "customers.person_tags",
    ]
    assert DuplicateCandidate.objects.get().status == "merged"
    event = OutboxEvent.objects.get(type="PartiesMerged")
    assert event.payload == {
        "kind": "person",
        "survivor_id": survivor.pk,
        "loser_id": loser.pk,
        "merge_id": record.pk,
        "moved": record.counts,
    }
    audit = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Person), object_id=str(survivor.pk)
    ).first()
    assert audit is not None
    assert audit.changes["merge"]["new"]["moved"] == record.counts

    merging.undo_merge(record.pk)

    assert _everything() == before
    record.refresh_from_db()
    assert record.undone_at is not None
    assert OutboxEvent.objects.get(type="PartyMergeUndone").payload["merge_id"] == record.pk
    _error(lambda: merging.undo_merge(record.pk), "already_undone", 409)


def test_account_merge_moves_children_contacts_and_is_undoable() -> None:
    group = services.create_account(name="Group")
    survivor = services.create_account(name="Acme GmbH", website="acme.example", parent_id=group.pk)
    loser = services.create_account(name="ACME", industry="Retail", tags=["Key"])
    child = services.create_account(name="Acme Berlin", parent_id=loser.pk)
    contact = services.create_person(first_name="Bob", last_name="Ross", account_id=loser.pk)
    services.add_email("account", loser.pk, email="info@acme.example")
    services.add_phone("account", loser.pk, number="+4930123456")
    services.change_lifecycle_stage("account", loser.pk, "acquired")
    before = _everything()

    record = merging.merge_parties("account", survivor.pk, loser.pk, {"industry": "loser"})

    assert Account.objects.get(pk=child.pk).parent_id == survivor.pk
    assert Person.objects.get(pk=contact.pk).account_id == survivor.pk
    kept = Account.objects.get(pk=survivor.pk)
    assert (kept.industry, kept.parent_id, kept.lifecycle_stage) == ("Retail", group.pk, "prospect")
    assert record.counts == {
        "customers.account.parent": 1,
        "customers.account_tags.account": 1,
        "customers.emailaddress.account": 1,
        "customers.lifecyclechange.account": 1,
        "customers.person.account": 1,
        "customers.phonenumber.account": 1,
    }
    assert not Account.objects.filter(pk=loser.pk).exists()

    merging.undo_merge(record.pk)
    assert _everything() == before


def test_merge_refusals_write_nothing() -> None:
    group = services.create_account(name="Group")
    child = services.create_account(name="Group Sub", parent_id=group.pk)
    person = services.create_person(first_name="A", last_name="B")
    before = _everything()
    _error(lambda: merging.merge_parties("person", person.pk, person.pk), "same_party")
    _error(lambda: merging.merge_parties("person", person.pk, 999_999), "not_found", 404)
    _error(
        lambda: merging.merge_parties("account", child.pk, group.pk),
        "hierarchy_cycle",
        field="survivor_id",
    )
    _error(
        lambda: merging.merge_parties("person", person.pk, group.pk, loser_kind="account"),
        "kind_mismatch",
        field="loser_kind",
    )
    _error(
        lambda: merging.merge_parties("account", group.pk, child.pk, {"lifecycle_stage": "loser"}),
        "invalid_fields",
        field="fields.lifecycle_stage",
    )
    _error(
        lambda: merging.merge_parties("account", group.pk, child.pk, {"name": "both"}),
        "invalid_fields",
        field="fields.name",
    )
    _error(lambda: merging.merge_parties("lead", 1, 2), "invalid_kind", field="kind")
    assert _everything() == before
    assert not MergeRecord.objects.exists()
    assert not OutboxEvent.objects.filter(type="PartiesMerged").exists()


def test_loser_under_survivor_merges_its_children_up() -> None:
    parent = services.create_account(name="Parent")
    loser = services.create_account(name="Parent dup", parent_id=parent.pk)
    grandchild = services.create_account(name="Leaf", parent_id=loser.pk)
    merging.merge_parties("account", parent.pk, loser.pk, {"parent": "loser"})
    assert Account.objects.get(pk=grandchild.pk).parent_id == parent.pk
    assert Account.objects.get(pk=parent.pk).parent_id is None


def test_undo_refused_when_survivor_was_merged_away() -> None:
    a = services.create_person(first_name="A", last_name="One")
    b = services.create_person(first_name="A", last_name="Two")
    c = services.create_person(first_name="A", last_name="Three")
    first = merging.merge_parties("person", a.pk, b.pk)
    merging.merge_parties("person", c.pk, a.pk)
    _error(lambda: merging.undo_merge(first.pk), "survivor_missing", 409)
    assert MergeRecord.objects.get(pk=first.pk).undone_at is None
    _error(lambda: merging.undo_merge(999_999), "not_found", 404)


def test_walker_finds_every_foreign_key_to_person_and_account() -> None:
    for target in (Person, Account):
        expected = {
            (model._meta.label_lower, field.name)
            for model in apps.get_models(include_auto_created=True)
            for field in model._meta.concrete_fields
            if field.is_relation and field.related_model is target
        }
        found = {
            (relation.model._meta.label_lower, relation.field.name)
            for relation in merging.relations(target)
        }
        assert found == expected
        assert ("customers.interaction", target.__name__.lower()) in found
    links = {link.label for link in merging.generic_links()}
    assert "customers.interaction.related_id" in links
    assert not any(label.startswith("audit.") for label in links)
