"""Touch points: recording, idempotency, matching by identifier, bulk ingest, review, activities."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType

from valuechain.crm.customers import interaction_queries, interactions, services
from valuechain.crm.customers.models import Interaction, PartyIdentifier
from valuechain.platform.audit.models import AuditEntry
from valuechain.platform.errors import DomainError
from valuechain.platform.events.models import OutboxEvent

pytestmark = pytest.mark.usefixtures("in_tenant_a")
WHEN = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)


def _refused(code, field, call, *args, **kwargs):
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    assert (caught.value.code, caught.value.field) == (code, field)
    return caught.value


def _types():
    return list(OutboxEvent.objects.order_by("occurred_at", "pk").values_list("type", flat=True))


@pytest.fixture
def ada():
    account = services.create_account(name="Acme")
    person = services.create_person(first_name="Ada", last_name="Lovelace", account_id=account.pk)
    services.add_email("person", person.pk, email="Ada@Example.com")
    services.add_phone("person", person.pk, number="+49 30 1234567")
    interactions.add_identifier("person", person.pk, kind="loyalty_card", value="lc-12 34")
    interactions.add_identifier("person", person.pk, kind="social_handle", value="@Ada_L")
    return person


def test_record_with_person_stores_exact_values(ada):
    interaction, created = interactions.record_interaction(
        {
            "channel": "store",
            "kind": "purchase",
            "occurred_at": "2026-03-01T09:30:00+00:00",
            "actor_name": "Till 4",
            "subject": "  Receipt   881 ",
            "body": "2 items",
            "payload": {"total": "19.90", "currency": "EUR"},
            "person_id": ada.pk,
            "related_type": "customers.account",
            "related_id": str(ada.account_id),
            "source": "pos",
            "external_id": "R-881",
        }
    )
    assert created is True
    interaction.refresh_from_db()
    assert (interaction.channel, interaction.kind, interaction.direction) == (
        "store",
        "purchase",
        "inbound",
    )
    assert interaction.occurred_at == WHEN
    assert (interaction.subject, interaction.actor_name) == ("Receipt 881", "Till 4")
    assert interaction.payload == {"total": "19.90", "currency": "EUR"}
    assert (interaction.person_id, interaction.account_id, interaction.status) == (
        ada.pk,
        None,
        "matched",
    )
    assert interaction.related_type == ContentType.objects.get_by_natural_key(
        "customers", "account"
    )
    assert _types()[-1] == "InteractionRecorded"
    assert (
        AuditEntry.objects.filter(
            content_type__model="interaction", object_id=str(interaction.pk), action="create"
        ).count()
        == 1
    )


def test_record_is_idempotent_by_source_and_external_id(ada):
    row = {
        "channel": "web",
        "kind": "visit",
        "person_id": ada.pk,
        "source": "shop",
        "external_id": "s1",
    }
    first, created = interactions.record_interaction(row)
    again, created_again = interactions.record_interaction({**row, "subject": "changed"})
    assert (created, created_again, again.pk, again.subject) == (True, False, first.pk, "")
    other_source, created_other = interactions.record_interaction({**row, "source": "app"})
    assert created_other is True and other_source.pk != first.pk
    assert Interaction.objects.count() == 2


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("email", " ADA@example.COM "),
        ("phone", "+49301234567"),
        ("loyalty_card", "LC 1234"),
        ("social_handle", "ada_l"),
    ],
)
def test_identifier_matches_its_owner(ada, kind, value):
    interaction, _ = interactions.record_interaction(
        {"channel": "email", "identifier_kind": kind, "identifier_value": value}
    )
    assert (interaction.status, interaction.person_id) == ("matched", ada.pk)


def test_unknown_identifier_is_parked_then_resolved_and_later_ones_match(ada):
    first, _ = interactions.record_interaction(
        {"channel": "social", "identifier_kind": "social_handle", "identifier_value": "@Grace"}
    )
    second, _ = interactions.record_interaction(
        {"channel": "social", "identifier_kind": "social_handle", "identifier_value": "grace"}
    )
    assert (first.status, first.person_id, first.identifier_value) == ("unmatched", None, "grace")
    assert list(interaction_queries.unmatched()) == [second, first]
    grace = services.create_person(first_name="Grace", last_name="Hopper")
    attached = interactions.resolve_unmatched(
        first.pk, "person", grace.pk, remember_identifier=True
    )
    assert attached == 2
    assert list(interaction_queries.unmatched()) == []
    assert list(interaction_queries.timeline(grace)) == [second, first]
    assert PartyIdentifier.objects.get(kind="social_handle", value="grace").person_id == grace.pk
    later, _ = interactions.record_interaction(
        {"channel": "social", "identifier_kind": "social_handle", "identifier_value": "@GRACE"}
    )
    assert (later.status, later.person_id) == ("matched", grace.pk)
    _refused("not_unmatched", None, interactions.resolve_unmatched, first.pk, "person", ada.pk)


def test_resolve_by_email_adds_the_email_and_dismiss(ada):
    parked, _ = interactions.record_interaction(
        {"channel": "email", "identifier_kind": "email", "identifier_value": "new@example.com"}
    )
    assert (
        interactions.resolve_unmatched(
            parked.pk, "account", ada.account_id, remember_identifier=True
        )
        == 1
    )
    parked.refresh_from_db()
    assert (parked.status, parked.account_id, parked.person_id) == ("matched", ada.account_id, None)
    assert interaction_queries.timeline(ada.account).count() == 1
    other, _ = interactions.record_interaction(
        {"channel": "call_centre", "identifier_kind": "phone", "identifier_value": "+14155550100"}
    )
    interactions.dismiss_unmatched(other.pk)
    other.refresh_from_db()
    assert other.status == "dismissed"
    _refused("not_unmatched", None, interactions.dismiss_unmatched, other.pk)


def test_single_record_failures(ada):
    _refused(
        "invalid_channel",
        "channel",
        interactions.record_interaction,
        {"channel": "fax", "person_id": ada.pk},
    )
    _refused("party_required", "person_id", interactions.record_interaction, {"channel": "web"})
    _refused(
        "unknown_person",
        "person_id",
        interactions.record_interaction,
        {"channel": "web", "person_id": 999999},
    )
    _refused(
        "invalid_email",
        "email",
        interactions.record_interaction,
        {"channel": "web", "identifier_kind": "email", "identifier_value": "nope"},
    )
    _refused(
        "source_required",
        "source",
        interactions.record_interaction,
        {"channel": "web", "person_id": ada.pk, "external_id": "x"},
    )
    _refused(
        "invalid_related_type",
        "related_type",
        interactions.record_interaction,
        {"channel": "web", "person_id": ada.pk, "related_type": "sales.nothing", "related_id": "1"},
    )
    _refused(
        "unknown_field",
        "colour",
        interactions.record_interaction,
        {"channel": "web", "person_id": ada.pk, "colour": 1},
    )
    assert Interaction.objects.count() == 0


def _batch(count, person_id=None):
    rows = []
    for index in range(count):
        row = {"channel": "web", "kind": "visit", "source": "shop", "external_id": f"v{index}"}
        if index % 2:
            row |= {"identifier_kind": "email", "identifier_value": f"anon{index}@example.com"}
        else:
            row["person_id"] = person_id
        rows.append(row)
    return rows


def test_bulk_ingest_of_1000_is_idempotent(ada):
    rows = _batch(1000, ada.pk)
    rows[1] = {**rows[1], "identifier_value": "ada@example.com"}
    result = interactions.ingest_interactions(rows)
    assert (result.created, result.duplicates, result.unmatched, result.rejected) == (
        1000,
        0,
        499,
        0,
    )
    assert [row["index"] for row in result.rows] == list(range(1000))
    assert Interaction.objects.filter(person=ada).count() == 501
    assert AuditEntry.objects.filter(content_type__model="interaction").count() == 1
    assert _types().count("InteractionsIngested") == 1
    again = interactions.ingest_interactions(rows)
    assert (again.created, again.duplicates, again.unmatched) == (0, 1000, 0)
    assert [row["id"] for row in again.rows] == [row["id"] for row in result.rows]
    assert Interaction.objects.count() == 1000


def test_bulk_duplicate_inside_one_batch_points_at_the_first(ada):
    row = {"channel": "web", "person_id": ada.pk, "source": "shop", "external_id": "same"}
    result = interactions.ingest_interactions(
        [row, row, {"channel": "mobile", "person_id": ada.pk}]
    )
    assert (result.created, result.duplicates) == (2, 1)
    assert result.rows[1] == {"index": 1, "id": result.rows[0]["id"], "result": "duplicate"}


def test_bulk_reports_every_bad_row_and_writes_nothing(ada):
    rows = _batch(10, ada.pk)
    rows[3] = {"channel": "telegraph", "person_id": ada.pk}
    rows[7] = {"channel": "web", "person_id": 424242}
    rows[8] = "not an object"
    error = _refused("invalid_rows", "items", interactions.ingest_interactions, rows)
    assert error.message == "3 of 10 interactions are invalid; nothing was saved."
    assert [(r["index"], r["code"], r["field"]) for r in error.details["rows"]] == [
        (3, "invalid_channel", "channel"),
        (7, "unknown_person", "person_id"),
        (8, "invalid_row", None),
    ]
    assert Interaction.objects.count() == 0
    _refused("no_rows", "items", interactions.ingest_interactions, [])
    _refused("too_many_rows", "items", interactions.ingest_interactions, [{}] * 5001)


def test_log_activity_as_the_current_user(ada, admin_a):
    call = interactions.log_activity("person", ada.pk, kind="call", subject="Follow-up")
    assert (call.channel, call.direction, call.actor_id, call.person_id) == (
        "sales_rep",
        "outbound",
        admin_a.user_id,
        ada.pk,
    )
    note = interactions.log_activity("account", ada.account_id, kind="note", body="Prefers e-mail")
    assert (note.direction, note.account_id) == ("internal", ada.account_id)
    _refused(
        "subject_required", "subject", interactions.log_activity, "person", ada.pk, kind="note"
    )
    _refused(
        "invalid_kind",
        "kind",
        interactions.log_activity,
        "person",
        ada.pk,
        kind="purchase",
        subject="x",
    )
    _refused(
        "invalid_channel",
        "channel",
        interactions.log_activity,
        "person",
        ada.pk,
        kind="call",
        subject="x",
        channel="web",
    )
    assert [i.kind for i in interaction_queries.timeline(ada.account)] == ["note", "call"]
    assert [i.kind for i in interaction_queries.timeline(ada, channel="sales_rep")] == ["call"]


def test_identifiers_are_unique_per_tenant(ada):
    other = services.create_person(last_name="Other")
    error = _refused(
        "identifier_taken",
        "value",
        interactions.add_identifier,
        "person",
        other.pk,
        kind="loyalty_card",
        value="LC1234",
    )
    assert error.status == 409
    _refused(
        "invalid_loyalty_card",
        "loyalty_card",
        interactions.add_identifier,
        "person",
        other.pk,
        kind="loyalty_card",
        value="!!",
    )
    row = PartyIdentifier.objects.get(kind="loyalty_card")
    interactions.remove_identifier(row.pk)
    assert (
        interactions.add_identifier("person", other.pk, kind="loyalty_card", value="lc1234").value
        == "LC1234"
    )


def test_a_concurrent_twin_is_returned_not_an_error(ada, monkeypatch):
    row = {"channel": "web", "person_id": ada.pk, "source": "shop", "external_id": "race"}
    first, _ = interactions.record_interaction(row)
    monkeypatch.setattr(interactions, "_existing", lambda rows: {})  # as if not yet committed
    twin, created = interactions.record_interaction(row)
    assert (twin.pk, created) == (first.pk, False)
    assert Interaction.objects.count() == 1
