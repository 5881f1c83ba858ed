"""Use cases of merging duplicates: merge a loser into a survivor, and undo a merge.

The merge moves everything generically: every foreign key or one-to-one field of any
installed model that points at Person or Account (including many-to-many through tables
and hidden ``related_name="+"`` keys), and every generic link (a content-type field with
an id field beside it). Each row moves with one UPDATE per relation and the MergeRecord
keeps exactly which primary keys moved, so undo moves the same rows back. A row that would
break a unique constraint on the survivor (the same e-mail on both) is snapshotted and
deleted: the survivor keeps its own. A clash on a conditional constraint of a flag (one
default address per kind) clears the loser's flag instead. Then the loser is deleted
(nothing cascades: everything moved) after a full snapshot of its row.

Each use case is one transaction; the parties are locked in primary-key order.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from valuechain.crm.customers.merge_models import DuplicateCandidate, MergeRecord
from valuechain.crm.customers.models import Account, EmailAddress, Person, PhoneNumber
from valuechain.platform.audit.models import AuditEntry
from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.identity.record_rules import restrict
from valuechain.platform.tenancy.context import current

MODELS: Mapping[str, Any] = {"person": Person, "account": Account}
# Fields the reviewer may take from the loser; everything else stays the survivor's.
# Lifecycle stage is never taken over: the survivor's stage and history decide it.
MERGEABLE_FIELDS: Mapping[str, tuple[str, ...]] = {
    "person": ("first_name", "last_name", "account", "job_title", "owner"),
    "account": ("name", "legal_name", "website", "industry", "size_band", "parent", "owner"),
}
FIELD_CHOICES = ("survivor", "loser")
# Rows that are history of other records keep pointing at what they describe.
GENERIC_LINKS_SKIPPED = frozenset({"audit.auditentry"})
PRIMARY_FLAG_MODELS: tuple[type[models.Model], ...] = (EmailAddress, PhoneNumber)


# --- the relations a merge walks -----------------------------------------------------------


@dataclass(frozen=True)
class Relation:
    """A foreign key (or one-to-one) of some model that points at the merged model."""

    model: type[models.Model]
    field: Any  # a ForeignKey or OneToOneField

    @property
    def label(self) -> str:
        """``app_label.model.field``, the key of the merge's counts."""
        return f"{self.model._meta.label_lower}.{self.field.name}"


@dataclass(frozen=True)
class GenericLink:
    """A content-type field and the id field beside it (a generic foreign key)."""

    model: type[models.Model]
    type_field: str  # attname of the content-type foreign key
    id_field: str

    @property
    def label(self) -> str:
        """``app_label.model.id_field``."""
        return f"{self.model._meta.label_lower}.{self.id_field}"


def relations(model: type[models.Model]) -> list[Relation]:
    """Every foreign key of any installed model that points at ``model``, hidden ones too."""
    reverse: list[Any] = list(model._meta.get_fields(include_hidden=True))
    found = [
        Relation(rel.related_model, rel.field)
        for rel in reverse
        if rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)
    ]
    return sorted(found, key=lambda relation: relation.label)


def generic_links() -> list[GenericLink]:
    """Every generic link of the installed models: declared GenericForeignKeys and
    ``<name>_type`` content-type keys beside a ``<name>_id`` field (like Interaction.related_*).
    """
    links: list[GenericLink] = []
    for model in apps.get_models():
        if model._meta.label_lower in GENERIC_LINKS_SKIPPED:
            continue
        declared = {}
        for private in model._meta.private_fields:
            if isinstance(private, GenericForeignKey):
                ct_field = _field(model, private.ct_field)
                declared[ct_field.attname] = private.fk_field
        for field in model._meta.concrete_fields:
            if not (field.is_relation and field.related_model is ContentType):
                continue
            id_field = declared.get(field.attname)
            if id_field is None and field.name.endswith("_type"):
                candidate = field.name.removesuffix("_type") + "_id"
                if any(f.name == candidate for f in model._meta.concrete_fields):
                    id_field = candidate
            if id_field is not None:
                links.append(GenericLink(model, field.attname, id_field))
    return sorted(links, key=lambda link: link.label)


def _field(model: type[models.Model], name: str) -> Any:
    """A concrete field of a model by name."""
    return model._meta.get_field(name)


def _rows(model: type[models.Model]) -> models.QuerySet[Any]:
    """All rows of a model, past any default-manager filter; the tenant is filtered apart."""
    queryset = model._base_manager.all()
    if any(f.name == "tenant" for f in model._meta.concrete_fields):
        queryset = queryset.filter(tenant_id=current().tenant_id)
    return queryset


def related_counts(party: models.Model) -> dict[str, int]:
    """How many rows of each relation point at the party (for the review page)."""
    counts = {}
    for relation in relations(type(party)):
        if relation.model._meta.auto_created:
            continue  # many-to-many rows show as the fields they are
        count = _rows(relation.model).filter(**{relation.field.attname: party.pk}).count()
        if count:
            counts[relation.label] = count
    return counts


# --- snapshots -----------------------------------------------------------------------------


class _ExactEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder, but times keep their microseconds so undo restores them exactly."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def snapshot(row: models.Model) -> dict[str, Any]:
    """Every concrete column of a row as JSON-ready values, by attname."""
    values = {field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields}
    return dict(json.loads(json.dumps(values, cls=_ExactEncoder)))


def _from_snapshot(model: type[models.Model], values: Mapping[str, Any]) -> models.Model:
    """An unsaved row built from a snapshot, each value parsed back by its field."""
    fields = {field.attname: field for field in model._meta.concrete_fields}
    parsed = {}
    for attname, value in values.items():
        field = fields.get(attname)
        if field is None:
            continue  # a column dropped since the merge
        parsed[attname] = value if value is None or field.is_relation else field.to_python(value)
    return model(**parsed)


def _recreate(model: type[models.Model], values: Mapping[str, Any]) -> models.Model:
    """Insert a snapshotted row again with its primary key and timestamps."""
    _check_references(model, values)
    row = _from_snapshot(model, values)
    row.save(force_insert=True)
    stamps = {
        attname: getattr(_from_snapshot(model, values), attname)
        for attname in ("created_at", "updated_at")
        if attname in values
    }
    if stamps:  # auto_now_add/auto_now stamped new times on the insert
        _rows(model).filter(pk=row.pk).update(**stamps)
    return row


def _check_references(model: type[models.Model], values: Mapping[str, Any]) -> None:
    """Refuse to recreate a row whose foreign keys point at rows that no longer exist."""
    for field in model._meta.concrete_fields:
        target = values.get(field.attname)
        if not field.is_relation or target is None or field.name == "tenant":
            continue
        related: Any = field.related_model
        if not related._base_manager.filter(pk=target).exists():
            raise DomainError(
                "undo_impossible",
                f"The {model._meta.verbose_name} pointed at {related._meta.verbose_name} "
                f"{target}, which no longer exists.",
                status=409,
                details={"model": model._meta.label_lower, "field": field.name},
            )


# --- merge ---------------------------------------------------------------------------------


def _lock_pair(kind: str, first_id: int, second_id: int) -> dict[int, models.Model]:
    """Both parties locked in primary-key order; 404 unless both are the tenant's and visible."""
    model = MODELS[kind]
    locked = {
        row.pk: row
        for row in restrict(
            model.objects.select_for_update().filter(pk__in=[first_id, second_id]).order_by("pk")
        )
    }
    for party_id in (first_id, second_id):
        if party_id not in locked:
            raise DomainError("not_found", f"No such {kind} ({party_id}).", status=404)
    return locked


def _check_request(
    kind: str, survivor_id: Any, loser_id: Any, loser_kind: str | None
) -> tuple[int, int]:
    if kind not in MODELS:
        raise DomainError("invalid_kind", "Merge a person or an account.", field="kind")
    if loser_kind is not None and loser_kind != kind:
        raise DomainError(
            "kind_mismatch",
            "A person and an account cannot be merged; merge two of the same kind.",
            field="loser_kind",
        )
    try:
        survivor, loser = int(survivor_id), int(loser_id)
    except (TypeError, ValueError) as exc:
        raise DomainError("invalid_id", "Give the ids as numbers.", field="survivor_id") from exc
    if survivor == loser:
        raise DomainError("same_party", "A record cannot be merged with itself.", field="loser_id")
    return survivor, loser


def _field_choices(kind: str, fields: Mapping[str, Any] | None) -> list[str]:
    """The fields whose loser value the reviewer chose; refuse unknown fields and choices."""
    if fields is None:
        return []
    if not isinstance(fields, Mapping):
        raise DomainError("invalid_fields", "Give the fields as an object.", field="fields")
    allowed = MERGEABLE_FIELDS[kind]
    taken = []
    for name, choice in fields.items():
        if name not in allowed:
            raise DomainError(
                "invalid_fields",
                f"{name!r} cannot be chosen; choose among {', '.join(allowed)}.",
                field=f"fields.{name}",
            )
        if choice not in FIELD_CHOICES:
            raise DomainError(
                "invalid_fields",
                f"Choose 'survivor' or 'loser' for {name}.",
                field=f"fields.{name}",
            )
        if choice == "loser":
            taken.append(name)
    return taken


def _ancestor_ids(account_id: int | None) -> list[int]:
    """The account and its parents up to the root (loops stop the walk)."""
    seen: list[int] = []
    while account_id is not None and account_id not in seen:
        seen.append(account_id)
        account_id = (
            Account.objects.filter(pk=account_id).values_list("parent_id", flat=True).first()
        )
    return seen


def _check_hierarchy(survivor: Account, loser: Account, taken: list[str]) -> None:
    """The survivor may not lie under the loser, nor take a parent that lies under itself."""
    if loser.pk in _ancestor_ids(survivor.parent_id):
        raise DomainError(
            "hierarchy_cycle",
            "The account to keep lies under the one to merge away; keep the parent instead.",
            field="survivor_id",
        )
    if (
        "parent" in taken
        and loser.parent_id is not None
        and loser.parent_id != survivor.pk  # taking it means "keep the survivor's own"
        and survivor.pk in _ancestor_ids(loser.parent_id)
    ):
        raise DomainError(
            "hierarchy_cycle",
            "The parent chosen would put the account under itself.",
            field="fields.parent",
        )


def _take_fields(survivor: models.Model, loser: models.Model, taken: list[str]) -> dict[str, Any]:
    """Copy the chosen fields from the loser; custom values the survivor lacks are filled in.

    Returns the survivor's previous values of what changed (attname → JSON value).
    """
    before = snapshot(survivor)
    for name in taken:
        attname = _field(type(survivor), name).attname
        value = getattr(loser, attname)
        if name == "parent" and value == survivor.pk:
            continue  # the loser's parent was the survivor: the survivor keeps its own
        setattr(survivor, attname, value)
    custom = dict(loser.custom or {})  # type: ignore[attr-defined]
    custom.update(survivor.custom or {})  # type: ignore[attr-defined]
    survivor.custom = custom  # type: ignore[attr-defined]
    after = snapshot(survivor)
    return {
        attname: before[attname]
        for attname in after
        if after[attname] != before[attname] and attname not in ("updated_at",)
    }


def _unique_sets(model: type[models.Model], field: models.Field[Any, Any]) -> list[Any]:
    """The unique constraints of a model that include the field: (fields, condition) pairs."""
    sets: list[tuple[tuple[str, ...], Any]] = []
    if field.unique:
        sets.append(((field.name,), None))
    for together in model._meta.unique_together:
        if field.name in together:
            sets.append((tuple(together), None))
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and field.name in constraint.fields:
            sets.append((tuple(constraint.fields), constraint.condition))
    return sets


def _flag_of(condition: Any) -> str | None:
    """``is_default`` for a condition ``Q(is_default=True)``, else None."""
    if isinstance(condition, models.Q) and len(condition.children) == 1 and not condition.negated:
        child = condition.children[0]
        if isinstance(child, tuple) and child[1] is True:
            return str(child[0])
    return None


class _Mover:
    """Moves one loser's rows to the survivor and remembers everything it did."""

    def __init__(self, survivor: models.Model, loser: models.Model) -> None:
        self.survivor = survivor
        self.loser = loser
        self.moved: list[dict[str, Any]] = []
        self.generic_moved: list[dict[str, Any]] = []
        self.deleted: list[dict[str, Any]] = []
        self.cleared: list[dict[str, Any]] = []
        self.counts: dict[str, int] = {}

    def move_relation(self, relation: Relation) -> None:
        """Resolve unique clashes, then move the loser's remaining rows with one UPDATE."""
        attname = relation.field.attname
        rows = _rows(relation.model)
        for fields, condition in _unique_sets(relation.model, relation.field):
            self._resolve_clashes(relation, fields, condition)
        pks = sorted(rows.filter(**{attname: self.loser.pk}).values_list("pk", flat=True))
        if not pks:
            return
        rows.filter(pk__in=pks).update(**{attname: self.survivor.pk})
        self.moved.append({"model": relation.model._meta.label_lower, "field": attname, "pks": pks})
        self.counts[relation.label] = len(pks)

    def _resolve_clashes(self, relation: Relation, fields: tuple[str, ...], condition: Any) -> None:
        """Loser rows that would equal a survivor row on a unique set: delete or unflag them."""
        name = relation.field.name
        others = [_field(relation.model, f).attname for f in fields if f != name]
        scoped = _rows(relation.model)
        if condition is not None:
            scoped = scoped.filter(condition)
        survivor_rows = scoped.filter(**{name: self.survivor.pk})
        loser_rows = list(scoped.filter(**{name: self.loser.pk}).order_by("pk"))
        if not others:  # unique on the key alone (a one-to-one): any survivor row clashes
            clashing = loser_rows if survivor_rows.exists() else []
        else:
            taken = set(survivor_rows.values_list(*others))
            clashing = [
                row
                for row in loser_rows
                if None not in (key := tuple(getattr(row, a) for a in others)) and key in taken
            ]
        if not clashing:
            return
        flag = _flag_of(condition)
        if flag is not None:
            pks = [row.pk for row in clashing]
            _rows(relation.model).filter(pk__in=pks).update(**{flag: False})
            self.cleared.append(
                {"model": relation.model._meta.label_lower, "field": flag, "pks": pks}
            )
            return
        for row in clashing:
            label = relation.model._meta.label_lower
            self.deleted.append({"model": label, "fields": snapshot(row)})
            row.delete()  # one row, audited as a delete; undo recreates it

    def clear_second_primaries(self) -> None:
        """A moved e-mail or phone stays primary only if the survivor had none."""
        for model in PRIMARY_FLAG_MODELS:
            name = "person" if isinstance(self.survivor, Person) else "account"
            moved: list[int] = next(
                (
                    entry["pks"]
                    for entry in self.moved
                    if entry["model"] == model._meta.label_lower and entry["field"] == name + "_id"
                ),
                [],
            )
            if not moved:
                continue
            rows = _rows(model).filter(**{name: self.survivor.pk}, is_primary=True)
            if rows.exclude(pk__in=moved).exists():
                pks = sorted(rows.filter(pk__in=moved).values_list("pk", flat=True))
                if pks:
                    _rows(model).filter(pk__in=pks).update(is_primary=False)
                    self.cleared.append(
                        {"model": model._meta.label_lower, "field": "is_primary", "pks": pks}
                    )

    def move_generic(self, link: GenericLink) -> None:
        """Point generic links at the survivor (id fields hold text or numbers)."""
        content_type = ContentType.objects.get_for_model(type(self.loser))
        rows = _rows(link.model).filter(
            **{link.type_field: content_type.pk, link.id_field: str(self.loser.pk)}
        )
        pks = sorted(rows.values_list("pk", flat=True))
        if not pks:
            return
        _rows(link.model).filter(pk__in=pks).update(**{link.id_field: str(self.survivor.pk)})
        self.generic_moved.append(
            {
                "model": link.model._meta.label_lower,
                "type_field": link.type_field,
                "id_field": link.id_field,
                "pks": pks,
            }
        )
        self.counts[link.label] = len(pks)


def _candidates_closed(kind: str, loser_id: int) -> list[list[Any]]:
    """Mark the candidate pairs that name the loser as merged; remember their old status."""
    rows = DuplicateCandidate.objects.filter(kind=kind).filter(
        models.Q(first_id=loser_id) | models.Q(second_id=loser_id)
    )
    previous = [[pk, status] for pk, status in rows.values_list("pk", "status").order_by("pk")]
    if previous:
        DuplicateCandidate.objects.filter(pk__in=[pk for pk, _ in previous]).update(status="merged")
    return previous


def _audit(record: MergeRecord, action: str, summary: dict[str, Any]) -> None:
    """One audit entry on the survivor for the bulk moves the per-row signals never see."""
    ctx = current()
    AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(MODELS[record.kind]),
        object_id=str(record.survivor_id),
        object_repr=f"{action} {record.loser_label} ({record.loser_id}) into "
        f"{record.survivor_label}"[:200],
        action="update",
        changes={action: {"old": None, "new": summary}},
        actor_id=ctx.actor_id,
        channel=ctx.channel,
        token_id=ctx.token_id,
    )


def _payload(record: MergeRecord) -> dict[str, Any]:
    return {
        "kind": record.kind,
        "survivor_id": record.survivor_id,
        "loser_id": record.loser_id,
        "merge_id": record.pk,
        "moved": dict(record.counts),
    }


@transaction.atomic
def merge_parties(
    kind: str,
    survivor_id: Any,
    loser_id: Any,
    fields: Mapping[str, Any] | None = None,
    *,
    loser_kind: str | None = None,
) -> MergeRecord:
    """Merge the loser into the survivor: its rows move, chosen fields are copied, it goes."""
    survivor_pk, loser_pk = _check_request(kind, survivor_id, loser_id, loser_kind)
    taken = _field_choices(kind, fields)
    locked = _lock_pair(kind, survivor_pk, loser_pk)
    survivor, loser = locked[survivor_pk], locked[loser_pk]
    if isinstance(survivor, Account) and isinstance(loser, Account):
        _check_hierarchy(survivor, loser, taken)
    loser_snapshot = {
        "fields": snapshot(loser),
        "m2m": {
            field.name: sorted(getattr(loser, field.name).values_list("pk", flat=True))
            for field in loser._meta.many_to_many
        },
    }
    survivor_before = _take_fields(survivor, loser, taken)
    survivor.save()
    survivor_after = {attname: snapshot(survivor)[attname] for attname in survivor_before}

    mover = _Mover(survivor, loser)
    for relation in relations(type(loser)):
        mover.move_relation(relation)
    mover.clear_second_primaries()
    for link in generic_links():
        mover.move_generic(link)
    candidates = _candidates_closed(kind, loser.pk)
    labels = (str(survivor)[:200], str(loser)[:200])
    loser.delete()

    record = MergeRecord.objects.create(
        kind=kind,
        survivor_id=survivor.pk,
        loser_id=loser_pk,
        survivor_label=labels[0],
        loser_label=labels[1],
        loser_snapshot=loser_snapshot,
        survivor_before=survivor_before,
        survivor_after=survivor_after,
        moved=mover.moved,
        generic_moved=mover.generic_moved,
        deleted=mover.deleted,
        cleared_flags=mover.cleared,
        candidates=candidates,
        counts=mover.counts,
        merged_by_id=current().actor_id,
    )
    _audit(record, "merge", {**_payload(record), "fields_taken": taken})
    publish("PartiesMerged", _payload(record))
    return record


# --- undo ----------------------------------------------------------------------------------


def _model(label: str) -> type[models.Model]:
    return apps.get_model(label)


def _restore_flags(entries: Iterable[Mapping[str, Any]]) -> None:
    for entry in entries:
        _rows(_model(entry["model"])).filter(pk__in=entry["pks"]).update(**{entry["field"]: True})


@transaction.atomic
def undo_merge(merge_id: int) -> MergeRecord:
    """Bring the loser back with its own id and rows; the survivor gets its old values back."""
    record = MergeRecord.objects.select_for_update().filter(pk=merge_id).first()
    if record is None:
        raise DomainError("not_found", "No such merge.", status=404)
    if record.is_undone:
        raise DomainError("already_undone", "This merge was undone already.", status=409)
    model = MODELS[record.kind]
    survivor = restrict(model.objects.select_for_update().filter(pk=record.survivor_id)).first()
    if survivor is None:
        raise DomainError(
            "survivor_missing",
            "The record kept by this merge no longer exists (merged away or deleted later); "
            "undo that first.",
            status=409,
        )
    if model._base_manager.filter(pk=record.loser_id).exists():
        raise DomainError("loser_exists", "The merged-away record exists again.", status=409)
    try:
        with transaction.atomic():  # a savepoint: a clash leaves the merge as it was
            _undo_rows(record, model, survivor)
    except IntegrityError as exc:
        raise DomainError(
            "undo_impossible",
            "Something changed since the merge that the undo would clash with.",
            status=409,
        ) from exc
    record.undone_at = timezone.now()
    record.undone_by_id = current().actor_id
    record.save(update_fields=["undone_at", "undone_by", "updated_at"])
    _audit(record, "merge_undo", _payload(record))
    publish("PartyMergeUndone", _payload(record))
    return record


def _undo_rows(record: MergeRecord, model: type[models.Model], survivor: models.Model) -> None:
    """Recreate the loser and its deleted duplicates, move rows back, restore the survivor."""
    loser_fields = dict(record.loser_snapshot["fields"])
    _recreate(model, loser_fields)
    for entry in record.deleted:
        _recreate(_model(entry["model"]), entry["fields"])
    for entry in record.moved:
        attname = entry["field"]
        _rows(_model(entry["model"])).filter(
            pk__in=entry["pks"], **{attname: record.survivor_id}
        ).update(**{attname: record.loser_id})
    for entry in record.generic_moved:
        _rows(_model(entry["model"])).filter(
            pk__in=entry["pks"], **{entry["id_field"]: str(record.survivor_id)}
        ).update(**{entry["id_field"]: str(record.loser_id)})
    _restore_flags(record.cleared_flags)
    for pk, status in record.candidates:
        DuplicateCandidate.objects.filter(pk=pk).update(status=status)
    _restore_survivor(record, model, survivor)


def _restore_survivor(
    record: MergeRecord, model: type[models.Model], survivor: models.Model
) -> None:
    """Put back the survivor's values the merge changed, unless someone changed them since."""
    current_values = snapshot(survivor)
    restored = _from_snapshot(model, record.survivor_before)
    changed = []
    for attname, merged_value in record.survivor_after.items():
        if current_values.get(attname) == merged_value:
            setattr(survivor, attname, getattr(restored, attname))
            changed.append(attname)
    if changed:
        survivor.save()
