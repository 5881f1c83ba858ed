"""Use cases of touch points: record and ingest interactions, staff activities, unmatched review.

An interaction names its party directly (``person_id`` / ``account_id``) or carries one
identifier (e-mail, phone, loyalty card, social handle); the party owning that identifier
gets it, otherwise it is parked as ``unmatched`` for review. ``(source, external_id)`` makes
ingestion idempotent: sending a row again returns the stored one and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from valuechain.crm.customers import domain, queries, services
from valuechain.crm.customers.models import (
    INTERACTION_CHANNELS,
    INTERACTION_DIRECTIONS,
    INTERACTION_KINDS,
    Account,
    EmailAddress,
    Interaction,
    PartyIdentifier,
    Person,
    PhoneNumber,
)
from valuechain.platform.audit.models import AuditEntry
from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.tenancy.context import current, require_tenant_id

MAX_BATCH = 5000
ACTIVITY_KINDS = ("call", "meeting", "note")
ACTIVITY_CHANNELS = ("sales_rep", "call_centre")
ACTIVITY_DIRECTIONS = {"call": "outbound", "meeting": "outbound", "note": "internal"}
IDENTIFIER_NORMALISERS: dict[str, Callable[[str], str]] = {
    "email": domain.normalise_email,
    "phone": domain.normalise_phone,
    "loyalty_card": domain.normalise_loyalty_card,
    "social_handle": domain.normalise_social_handle,
}
ROW_FIELDS = {
    "channel",
    "kind",
    "direction",
    "occurred_at",
    "actor_name",
    "subject",
    "body",
    "payload",
    "person_id",
    "account_id",
    "related_type",
    "related_id",
    "source",
    "external_id",
    "identifier_kind",
    "identifier_value",
}


@dataclass
class IngestResult:
    """What a batch did: counts, and per row its index, interaction id and outcome."""

    created: int = 0
    duplicates: int = 0
    unmatched: int = 0
    rejected: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)


# --- one row: shape and values ------------------------------------------------------------


def _occurred_at(value: Any) -> dt.datetime:
    if value in (None, ""):
        return timezone.now()
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError as exc:
            raise DomainError(
                "invalid_occurred_at",
                f"{value!r} is not a date and time (ISO 8601, e.g. 2026-01-31T14:00:00Z).",
                field="occurred_at",
            ) from exc
    if not isinstance(value, dt.datetime):
        raise DomainError(
            "invalid_occurred_at", "Give occurred_at as a date and time.", field="occurred_at"
        )
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _related(type_label: Any, object_id: Any) -> tuple[ContentType | None, str]:
    label = str(type_label or "").strip().lower()
    ident = str(object_id or "").strip()
    if not label and not ident:
        return None, ""
    if not label or not ident:
        raise DomainError(
            "invalid_related",
            "Give both related_type (app_label.model) and related_id, or neither.",
            field="related_type",
        )
    app_label, _, model = label.partition(".")
    try:
        content_type = ContentType.objects.get_by_natural_key(app_label, model)
    except ContentType.DoesNotExist as exc:
        raise DomainError(
            "invalid_related_type",
            f"{label!r} is not a record type (app_label.model, e.g. customers.account).",
            field="related_type",
        ) from exc
    if len(ident) > 64:
        raise DomainError(
            "invalid_related_id", "related_id is over 64 characters.", field="related_id"
        )
    return content_type, ident


def _clean_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """The row's values checked and normalised; DomainError names the field at fault."""
    if not isinstance(row, Mapping):
        raise DomainError("invalid_row", "Each interaction must be an object.")
    unknown = sorted(set(row) - ROW_FIELDS)
    if unknown:
        raise DomainError(
            "unknown_field", f"Unknown field(s): {', '.join(unknown)}.", field=unknown[0]
        )
    payload = row.get("payload") or {}
    if not isinstance(payload, Mapping):
        raise DomainError("invalid_payload", "The payload must be an object.", field="payload")
    values: dict[str, Any] = {
        "channel": services._choice(row.get("channel"), "channel", INTERACTION_CHANNELS),
        "kind": services._choice(row.get("kind") or "other", "kind", INTERACTION_KINDS),
        "direction": services._choice(
            row.get("direction") or "inbound", "direction", INTERACTION_DIRECTIONS
        ),
        "occurred_at": _occurred_at(row.get("occurred_at")),
        "actor_name": services._text(row.get("actor_name"), "actor_name", 200),
        "subject": services._text(row.get("subject"), "subject", 300),
        "body": str(row.get("body") or ""),
        "payload": dict(payload),
        "source": services._text(row.get("source"), "source", 100),
        "external_id": str(row.get("external_id") or "").strip() or None,
    }
    if values["external_id"] is not None:
        if len(values["external_id"]) > 200:
            raise DomainError(
                "invalid_external_id", "external_id is over 200 characters.", field="external_id"
            )
        if not values["source"]:
            raise DomainError(
                "source_required",
                "Name the source system when giving an external_id.",
                field="source",
            )
    values["related_type"], values["related_id"] = _related(
        row.get("related_type"), row.get("related_id")
    )
    values["person_id"] = _optional_id(row.get("person_id"), "person_id")
    values["account_id"] = _optional_id(row.get("account_id"), "account_id")
    kind = str(row.get("identifier_kind") or "").strip()
    raw_value = row.get("identifier_value")
    values["identifier_kind"], values["identifier_value"] = "", ""
    if kind or raw_value:
        kind = services._choice(kind, "identifier_kind", IDENTIFIER_NORMALISERS)
        values["identifier_kind"] = kind
        values["identifier_value"] = services._domain(IDENTIFIER_NORMALISERS[kind], raw_value)
    elif values["person_id"] is None and values["account_id"] is None:
        raise DomainError(
            "party_required",
            "Give person_id or account_id, or an identifier (email, phone, loyalty_card, "
            "social_handle) to match the customer by.",
            field="person_id",
        )
    return values


def _optional_id(value: Any, name: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise DomainError(f"invalid_{name}", f"{name} must be a number.", field=name) from exc


# --- matching, in a few queries per batch -------------------------------------------------


def _owners(kind: str, values: set[str]) -> dict[str, tuple[int | None, int | None]]:
    """(person_id, account_id) of the party owning each identifier value; a person first."""
    if not values:
        return {}
    rows: Any
    if kind == "email":
        rows = EmailAddress.objects.filter(email__in=values).annotate(value=F("email"))
    elif kind == "phone":
        rows = PhoneNumber.objects.filter(number__in=values).annotate(value=F("number"))
    else:
        rows = PartyIdentifier.objects.filter(kind=kind, value__in=values)
    found: dict[str, tuple[int | None, int | None]] = {}
    for value, person_id, account_id in rows.order_by(
        F("person_id").asc(nulls_last=True), "pk"
    ).values_list("value", "person_id", "account_id"):
        found.setdefault(value, (person_id, account_id))
    return found


def _check_parties(rows: list[dict[str, Any]], errors: dict[int, DomainError]) -> None:
    person_ids = {r["person_id"] for r in rows if r and r["person_id"] is not None}
    account_ids = {r["account_id"] for r in rows if r and r["account_id"] is not None}
    known_people = set(Person.objects.filter(pk__in=person_ids).values_list("pk", flat=True))
    known_accounts = set(Account.objects.filter(pk__in=account_ids).values_list("pk", flat=True))
    for index, row in enumerate(rows):
        if not row:
            continue
        if row["person_id"] is not None and row["person_id"] not in known_people:
            errors[index] = DomainError("unknown_person", "No such person.", field="person_id")
        elif row["account_id"] is not None and row["account_id"] not in known_accounts:
            errors[index] = DomainError("unknown_account", "No such account.", field="account_id")


def _match(rows: list[dict[str, Any]]) -> None:
    """Fill person/account from identifiers; rows left without a party become unmatched."""
    wanted: dict[str, set[str]] = {}
    for row in rows:
        if row["person_id"] is None and row["account_id"] is None:
            wanted.setdefault(row["identifier_kind"], set()).add(row["identifier_value"])
    owners = {kind: _owners(kind, values) for kind, values in wanted.items()}
    for row in rows:
        if row["person_id"] is not None or row["account_id"] is not None:
            row["status"] = "matched"
            continue
        owner = owners[row["identifier_kind"]].get(row["identifier_value"])
        if owner is None:
            row["status"] = "unmatched"
        else:
            row["person_id"], row["account_id"] = owner
            row["status"] = "matched"


def _existing(rows: list[dict[str, Any]]) -> dict[tuple[str, str], int]:
    """Ids of stored interactions with the batch's (source, external_id) pairs."""
    by_source: dict[str, set[str]] = {}
    for row in rows:
        if row["external_id"] is not None:
            by_source.setdefault(row["source"], set()).add(row["external_id"])
    found: dict[tuple[str, str], int] = {}
    for source, external_ids in by_source.items():
        stored = Interaction.objects.filter(source=source, external_id__in=external_ids)
        for pk, external_id in stored.values_list("pk", "external_id"):
            found[(source, external_id)] = pk
    return found


def _row_errors(errors: dict[int, DomainError]) -> list[dict[str, Any]]:
    return [
        {"index": index, "code": exc.code, "message": exc.message, "field": exc.field}
        for index, exc in sorted(errors.items())
    ]


def _cleaned_batch(rows: Sequence[Any]) -> list[dict[str, Any]]:
    """Every row checked; one DomainError listing each bad row by index when any is bad."""
    if isinstance(rows, (str, bytes, Mapping)) or not isinstance(rows, Sequence):
        raise DomainError("invalid_rows", "Send the interactions as a list.", field="items")
    if not rows:
        raise DomainError("no_rows", "Send at least one interaction.", field="items")
    if len(rows) > MAX_BATCH:
        raise DomainError(
            "too_many_rows",
            f"{len(rows)} interactions in one call; send at most {MAX_BATCH}.",
            field="items",
        )
    cleaned: list[dict[str, Any]] = []
    errors: dict[int, DomainError] = {}
    for index, row in enumerate(rows):
        try:
            cleaned.append(_clean_row(row))
        except DomainError as exc:
            errors[index] = exc
            cleaned.append({})
    _check_parties(cleaned, errors)
    if errors:
        raise DomainError(
            "invalid_rows",
            f"{len(errors)} of {len(rows)} interactions are invalid; nothing was saved.",
            field="items",
            details={"rows": _row_errors(errors)},
        )
    return cleaned


def _event_payload(interaction: Interaction) -> dict[str, Any]:
    return {
        "interaction_id": interaction.pk,
        "channel": interaction.channel,
        "kind": interaction.kind,
        "status": interaction.status,
        "person_id": interaction.person_id,
        "account_id": interaction.account_id,
    }


# --- use cases ----------------------------------------------------------------------------


@transaction.atomic
def record_interaction(data: Mapping[str, Any]) -> tuple[Interaction, bool]:
    """Store one interaction; the same (source, external_id) returns the stored one, False."""
    row = _clean_row(data)
    errors: dict[int, DomainError] = {}
    _check_parties([row], errors)
    if errors:
        raise errors[0]
    existing = _existing([row])
    if existing:
        return Interaction.objects.get(pk=next(iter(existing.values()))), False
    _match([row])
    try:
        with transaction.atomic():  # a savepoint: a concurrent twin may win the unique key
            interaction = Interaction.objects.create(**row)
    except IntegrityError:
        if row["external_id"] is None:
            raise
        twin = Interaction.objects.get(source=row["source"], external_id=row["external_id"])
        return twin, False
    publish("InteractionRecorded", _event_payload(interaction))
    return interaction, True


@transaction.atomic
def ingest_interactions(rows: Sequence[Mapping[str, Any]]) -> IngestResult:
    """Store up to 5,000 interactions at once, all or nothing; duplicates are skipped.

    The rows are written with one bulk insert (no per-row audit signal); one audit entry and
    one ``InteractionsIngested`` event summarise the batch.
    """
    cleaned = _cleaned_batch(rows)
    existing = _existing(cleaned)
    result = IngestResult()
    new_rows: list[tuple[int, dict[str, Any]]] = []
    seen: dict[tuple[str, str], int] = {}
    for index, row in enumerate(cleaned):
        key = (row["source"], row["external_id"])
        if row["external_id"] is not None and (key in existing or key in seen):
            result.duplicates += 1
            result.rows.append({"index": index, "id": existing.get(key), "result": "duplicate"})
            continue
        if row["external_id"] is not None:
            seen[key] = index
        new_rows.append((index, row))
    _match([row for _, row in new_rows])
    tenant_id = require_tenant_id()  # bulk_create skips save(), which stamps the tenant
    created = Interaction.objects.bulk_create(
        [Interaction(tenant_id=tenant_id, **row) for _, row in new_rows]
    )
    ids_by_index = {index: obj.pk for (index, _), obj in zip(new_rows, created, strict=True)}
    for index in ids_by_index:
        result.rows.append({"index": index, "id": ids_by_index[index], "result": "created"})
    for entry in result.rows:  # a duplicate inside the batch points at its first copy
        if entry["id"] is None:
            row = cleaned[entry["index"]]
            entry["id"] = ids_by_index[seen[(row["source"], row["external_id"])]]
    result.rows.sort(key=lambda entry: entry["index"])
    result.created = len(created)
    result.unmatched = sum(1 for _, row in new_rows if row["status"] == "unmatched")
    summary = {
        "created": result.created,
        "duplicates": result.duplicates,
        "unmatched": result.unmatched,
        "first_id": created[0].pk if created else None,
        "last_id": created[-1].pk if created else None,
    }
    if created:
        _audit_batch(summary)
    publish("InteractionsIngested", summary)
    return result


def _audit_batch(summary: dict[str, Any]) -> None:
    """One audit entry for a bulk insert, which the per-row audit signals never see."""
    ctx = current()
    AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Interaction),
        object_id=f"{summary['first_id']}-{summary['last_id']}",
        object_repr=f"{summary['created']} interactions ingested",
        action="create",
        changes={"batch": {"old": None, "new": summary}},
        actor_id=ctx.actor_id,
        channel=ctx.channel,
        token_id=ctx.token_id,
    )


@transaction.atomic
def log_activity(
    party_kind: str,
    party_id: int,
    *,
    kind: str,
    subject: str = "",
    body: str = "",
    channel: str = "sales_rep",
    occurred_at: dt.datetime | str | None = None,
) -> Interaction:
    """A staff member logs a call, meeting or note on a person or account, as themselves."""
    party = services.locked_party(party_kind, party_id)
    kind = services._choice(kind, "kind", ACTIVITY_KINDS)
    channel = services._choice(channel or "sales_rep", "channel", ACTIVITY_CHANNELS)
    subject = services._text(subject, "subject", 300)
    body = str(body or "").strip()
    if not subject and not body:
        raise DomainError("subject_required", "Enter a subject or some notes.", field="subject")
    interaction = Interaction.objects.create(
        channel=channel,
        kind=kind,
        direction=ACTIVITY_DIRECTIONS[kind],
        occurred_at=_occurred_at(occurred_at),
        actor_id=current().actor_id,
        subject=subject,
        body=body,
        status="matched",
        **{party_kind: party},
    )
    publish("InteractionRecorded", _event_payload(interaction))
    return interaction


def _locked_unmatched(interaction_id: int) -> Interaction:
    interaction = services._locked(Interaction, interaction_id, "interaction")
    if interaction.status != "unmatched":
        raise DomainError(
            "not_unmatched",
            f"This interaction is {interaction.status}, not waiting for review.",
            status=409,
        )
    return interaction


@transaction.atomic
def resolve_unmatched(
    interaction_id: int, party_kind: str, party_id: int, *, remember_identifier: bool = False
) -> int:
    """Attach an unmatched interaction to a party; the number of interactions attached.

    With ``remember_identifier`` the identifier becomes the party's (so later ones match)
    and the other unmatched interactions carrying it are attached too.
    """
    interaction = _locked_unmatched(interaction_id)
    party = services.locked_party(party_kind, party_id)
    attach = Interaction.objects.filter(pk=interaction.pk)
    if remember_identifier and interaction.identifier_kind:
        _remember(party_kind, party, interaction.identifier_kind, interaction.identifier_value)
        attach = Interaction.objects.filter(
            status="unmatched",
            identifier_kind=interaction.identifier_kind,
            identifier_value=interaction.identifier_value,
        )
    ids = sorted(attach.values_list("pk", flat=True))
    for row in Interaction.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
        row.status = "matched"
        row.person = party if isinstance(party, Person) else None
        row.account = party if isinstance(party, Account) else None
        row.save(update_fields=["status", "person", "account", "updated_at"])
    publish(
        "UnmatchedInteractionsResolved",
        {"interaction_ids": ids, "party_kind": party_kind, "party_id": party.pk},
    )
    return len(ids)


def _remember(party_kind: str, party: Account | Person, kind: str, value: str) -> None:
    if queries.find_party_by_identifier(kind, value) == party:
        return
    if kind == "email":
        services.add_email(party_kind, party.pk, email=value)
    elif kind == "phone":
        services.add_phone(party_kind, party.pk, number=value)
    else:
        add_identifier(party_kind, party.pk, kind=kind, value=value)


@transaction.atomic
def dismiss_unmatched(interaction_id: int) -> Interaction:
    """Take an unmatched interaction off the review list without attaching it."""
    interaction = _locked_unmatched(interaction_id)
    interaction.status = "dismissed"
    interaction.save(update_fields=["status", "updated_at"])
    publish("UnmatchedInteractionDismissed", {"interaction_id": interaction.pk})
    return interaction


@transaction.atomic
def add_identifier(party_kind: str, party_id: int, *, kind: str, value: str) -> PartyIdentifier:
    """Give a party a loyalty card or social handle; one party per value in a tenant."""
    party = services.locked_party(party_kind, party_id)
    kind = services._choice(kind, "kind", queries.IDENTIFIER_NORMALISERS)
    normalised = services._domain(queries.IDENTIFIER_NORMALISERS[kind], value)
    owner = PartyIdentifier.objects.filter(kind=kind, value=normalised).first()
    if owner is not None:
        raise DomainError(
            "identifier_taken",
            f"{normalised} already belongs to {owner.party}.",
            field="value",
            status=409,
        )
    row = PartyIdentifier.objects.create(**{party_kind: party}, kind=kind, value=normalised)
    publish(
        "PartyIdentifierAdded",
        {"party_kind": party_kind, "party_id": party.pk, "kind": kind, "value": normalised},
    )
    return row


@transaction.atomic
def remove_identifier(identifier_id: int) -> None:
    """Remove a loyalty card or social handle from its party."""
    row = services._locked(PartyIdentifier, identifier_id, "identifier")
    payload = {"identifier_id": row.pk, "kind": row.kind, "value": row.value}
    row.delete()
    publish("PartyIdentifierRemoved", payload)
