"""The record types rules act on: which events concern them, what conditions read, what writes.

A ``Target`` says, for one record type (``customers.account``): which event types concern
it and how to find the record's id in each payload (and which fields the event changed),
how to load a record (tenant-scoped, narrowed by record rules when a person asks), the
fields conditions and placeholders may read (with types), the fields ``update_field`` may
write, and how to write them through the owning context's services so audit and events
happen as for a person's change. Customers' targets are registered here; leads and sales
register theirs in ``sales_targets.py`` when those contexts are installed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from valuechain.crm.automation.domain import FieldSpec

IdFromPayload = Callable[[Mapping[str, Any]], Any]
ChangedFromPayload = Callable[[Mapping[str, Any]], frozenset[str] | None]


@dataclass(frozen=True)
class EventBinding:
    """How one event type points at a record of a target, and what it says changed."""

    event_type: str
    record_id: IdFromPayload
    changed: ChangedFromPayload | None = None  # None: a creation or an event without changes

    @property
    def is_update(self) -> bool:
        """True when the event says which fields changed (``changed_to`` applies)."""
        return self.changed is not None


@dataclass(frozen=True)
class Target:
    """A record type rules can act on."""

    key: str
    label: str
    events: tuple[EventBinding, ...]
    fields: tuple[FieldSpec, ...]
    # (record id, restricted) -> the record or None; restricted narrows by record rules.
    load: Callable[[Any, bool], Any]
    read: Callable[[Any], dict[str, Any]]  # record -> {field: value} for every readable field
    write: Callable[[Any, str, Any], None]  # (record id, field, value) via the owning service
    label_of: Callable[[Any], str] = str
    owner_field: str | None = "owner_id"
    email_fields: tuple[str, ...] = field(default_factory=tuple)

    def binding(self, event_type: str) -> EventBinding | None:
        """The binding of an event type, if the event concerns this target."""
        return next((b for b in self.events if b.event_type == event_type), None)

    @property
    def readable(self) -> dict[str, FieldSpec]:
        """Fields conditions and placeholders may read, by name."""
        return {spec.name: spec for spec in self.fields}

    @property
    def writable(self) -> dict[str, FieldSpec]:
        """Fields ``update_field`` may write, by name."""
        return {spec.name: spec for spec in self.fields if spec.writable}


_targets: dict[str, Target] = {}


def register_target(target: Target) -> None:
    """Add (or replace) a target; idempotent so reloading an app is harmless."""
    _targets[target.key] = target


def get_target(key: str) -> Target | None:
    """The target registered under a key."""
    return _targets.get(key)


def all_targets() -> list[Target]:
    """Every registered target, by key."""
    return [_targets[key] for key in sorted(_targets)]


def targets_for_event(event_type: str) -> list[Target]:
    """The targets an event type concerns."""
    return [target for target in all_targets() if target.binding(event_type) is not None]


def event_types() -> list[str]:
    """Every event type some target listens to, sorted."""
    return sorted({b.event_type for target in _targets.values() for b in target.events})


# --- payload helpers ----------------------------------------------------------------------


def key(name: str) -> IdFromPayload:
    """The record id under ``name`` in the payload."""
    return lambda payload: payload.get(name)


def party(kind: str) -> IdFromPayload:
    """The record id of party events (``party_kind``/``party_id``) of one kind."""
    return lambda payload: payload.get("party_id") if payload.get("party_kind") == kind else None


def changed_list(payload: Mapping[str, Any]) -> frozenset[str]:
    """Fields listed under ``changed`` (``owner_id``, ``name`` …)."""
    return frozenset(str(name) for name in payload.get("changed") or [])


def changed_fields(*names: str) -> ChangedFromPayload:
    """An event that always changes the named fields."""
    return lambda payload: frozenset(names)


# --- customers ----------------------------------------------------------------------------


def _stage_choices() -> tuple[str, ...]:
    from valuechain.crm.customers.domain import LIFECYCLE_STAGES

    return tuple(LIFECYCLE_STAGES)


def _size_choices() -> tuple[str, ...]:
    from valuechain.crm.customers.domain import SIZE_BANDS

    return tuple(SIZE_BANDS)


def _primary_email(model: Any, **party: Any) -> str:
    from valuechain.crm.customers.models import EmailAddress

    row = EmailAddress.objects.filter(**party).order_by("-is_primary", "pk").first()
    return "" if row is None else str(row.email)


def _load_account(record_id: Any, restricted: bool) -> Any:
    from valuechain.crm.customers.models import Account
    from valuechain.platform.identity.record_rules import restrict

    rows = Account.objects.select_related("owner").prefetch_related("tags")
    if restricted:
        rows = restrict(rows)
    try:
        return rows.filter(pk=int(record_id)).first()
    except (TypeError, ValueError):
        return None


def _read_account(account: Any) -> dict[str, Any]:
    return {
        "name": account.name,
        "legal_name": account.legal_name,
        "website": account.website,
        "industry": account.industry,
        "size_band": account.size_band,
        "lifecycle_stage": account.lifecycle_stage,
        "owner_id": account.owner_id,
        "owner_email": account.owner.email if account.owner_id else "",
        "parent_id": account.parent_id,
        "tags": [tag.name for tag in account.tags.all()],
        "primary_email": _primary_email(account, account=account),
        "created_at": account.created_at.date().isoformat() if account.created_at else None,
    }


def _write_party(kind: str) -> Callable[[Any, str, Any], None]:
    def write(record_id: Any, name: str, value: Any) -> None:
        from valuechain.crm.customers import services

        if name == "lifecycle_stage":
            services.change_lifecycle_stage(kind, int(record_id), value)
        elif kind == "account":
            services.update_account(int(record_id), **{name: value})
        else:
            services.update_person(int(record_id), **{name: value})

    return write


def _load_person(record_id: Any, restricted: bool) -> Any:
    from valuechain.crm.customers.models import Person
    from valuechain.platform.identity.record_rules import restrict

    rows = Person.objects.select_related("owner", "account").prefetch_related("tags")
    if restricted:
        rows = restrict(rows)
    try:
        return rows.filter(pk=int(record_id)).first()
    except (TypeError, ValueError):
        return None


def _read_person(person: Any) -> dict[str, Any]:
    return {
        "name": person.full_name,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "job_title": person.job_title,
        "lifecycle_stage": person.lifecycle_stage,
        "owner_id": person.owner_id,
        "owner_email": person.owner.email if person.owner_id else "",
        "account_id": person.account_id,
        "account_name": person.account.name if person.account_id else "",
        "tags": [tag.name for tag in person.tags.all()],
        "primary_email": _primary_email(person, person=person),
        "created_at": person.created_at.date().isoformat() if person.created_at else None,
    }


def customer_targets() -> list[Target]:
    """The account and person targets."""
    stages = _stage_choices()
    common_tail = (
        FieldSpec("lifecycle_stage", "Lifecycle stage", "choice", stages, writable=True),
        FieldSpec("owner_id", "Owner", "user", writable=True),
        FieldSpec("owner_email", "Owner's e-mail", "email"),
        FieldSpec("tags", "Tags", "tags"),
        FieldSpec("primary_email", "Primary e-mail", "email"),
        FieldSpec("created_at", "Created on", "date"),
    )
    account = Target(
        key="customers.account",
        label="Account",
        events=(
            EventBinding("AccountCreated", key("account_id")),
            EventBinding("AccountUpdated", key("account_id"), changed_list),
            EventBinding(
                "LifecycleStageChanged", party("account"), changed_fields("lifecycle_stage")
            ),
            EventBinding("PartyTagged", party("account"), changed_fields("tags")),
            EventBinding("InteractionRecorded", key("account_id")),
        ),
        fields=(
            FieldSpec("name", "Name", "string", writable=True),
            FieldSpec("legal_name", "Legal name", "string", writable=True),
            FieldSpec("website", "Website", "string"),
            FieldSpec("industry", "Industry", "string", writable=True),
            FieldSpec("size_band", "Size band", "choice", _size_choices(), writable=True),
            FieldSpec("parent_id", "Parent account", "reference"),
            *common_tail,
        ),
        load=_load_account,
        read=_read_account,
        write=_write_party("account"),
        email_fields=("primary_email",),
    )
    person = Target(
        key="customers.person",
        label="Person",
        events=(
            EventBinding("PersonCreated", key("person_id")),
            EventBinding("PersonUpdated", key("person_id"), changed_list),
            EventBinding(
                "LifecycleStageChanged", party("person"), changed_fields("lifecycle_stage")
            ),
            EventBinding("PartyTagged", party("person"), changed_fields("tags")),
            EventBinding("InteractionRecorded", key("person_id")),
        ),
        fields=(
            FieldSpec("name", "Full name", "string"),
            FieldSpec("first_name", "First name", "string", writable=True),
            FieldSpec("last_name", "Last name", "string", writable=True),
            FieldSpec("job_title", "Job title", "string", writable=True),
            FieldSpec("account_id", "Account", "reference"),
            FieldSpec("account_name", "Account name", "string"),
            *common_tail,
        ),
        load=_load_person,
        read=_read_person,
        write=_write_party("person"),
        label_of=lambda person: person.full_name,
        email_fields=("primary_email",),
    )
    return [account, person]


def register_builtin_targets() -> None:
    """Register customers' targets, and leads' and sales' when those contexts are built."""
    from valuechain.crm.automation.sales_targets import sales_targets

    for target in [*customer_targets(), *sales_targets()]:
        register_target(target)
