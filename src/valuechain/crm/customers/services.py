"""Use cases of customers: accounts, people, addresses, contact points, tags, lifecycle, consent.

Every function runs in one transaction, locks the party it changes, raises DomainError with
the field at fault for bad input (nothing is written then) and publishes a past-tense event.
Parties are addressed as ``(kind, id)`` with kind ``account`` or ``person``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from valuechain.crm.customers import domain
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
from valuechain.platform.customfields.services import clean_custom_values
from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.inputs import clean_choice, clean_text
from valuechain.platform.tenancy.context import current, require_tenant_id
from valuechain.platform.tenancy.models import Membership

PARTY_KINDS = ("account", "person")
ACCOUNT_TARGET = "customers.account"  # custom-field targets, registered in apps.py
PERSON_TARGET = "customers.person"
Party = Account | Person
T = TypeVar("T")


# --- validation helpers -------------------------------------------------------------------


def _domain(call: Callable[..., T], *args: Any) -> T:
    """Run a pure rule, turning its InvalidInput into a DomainError."""
    try:
        return call(*args)
    except domain.InvalidInput as exc:
        raise DomainError(exc.code, exc.message, field=exc.field) from exc


# Short local names: this module and its siblings call them on every field.
_text = clean_text
_choice = clean_choice


def _website(value: Any) -> str:
    url = str(value or "").strip()
    if not url:
        return ""
    if "://" not in url:
        url = "https://" + url
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as exc:
        raise DomainError(
            "invalid_website", f"{value!r} is not a web address.", field="website"
        ) from exc
    if len(url) > 300:
        raise DomainError("invalid_website", "The web address is too long.", field="website")
    return url


def _owner_id(owner_id: Any) -> int | None:
    """An owner must be an active member of the current tenant."""
    if owner_id in (None, ""):
        return None
    is_member = Membership.objects.filter(
        tenant_id=require_tenant_id(), user_id=owner_id, is_active=True
    ).exists()
    if not is_member:
        raise DomainError(
            "invalid_owner", "The owner must be an active member of this tenant.", field="owner_id"
        )
    return int(owner_id)


def _custom(target: str, value: Any, current: Mapping[str, Any] | None) -> dict[str, Any]:
    """Values checked against the tenant's custom field definitions (a PATCH when current)."""
    if value is not None and not isinstance(value, Mapping):
        raise DomainError("invalid_custom", "Custom fields must be an object.", field="custom")
    return clean_custom_values(target, value, partial=current is not None, current=current)


def _account_ref(account_id: Any, field: str) -> Account | None:
    if account_id in (None, ""):
        return None
    account = Account.objects.filter(pk=account_id).first()
    if account is None:
        raise DomainError("unknown_account", "No such account.", field=field)
    return account


def _locked(model: type[T], pk: Any, label: str) -> T:
    row = model.objects.select_for_update().filter(pk=pk).first()  # type: ignore[attr-defined]
    if row is None:
        raise DomainError("not_found", f"No such {label}.", status=404)
    return row


def locked_party(kind: str, party_id: Any) -> Party:
    """The account or person, locked for the rest of the transaction; 404 when unknown."""
    if kind == "account":
        return _locked(Account, party_id, "account")
    if kind == "person":
        return _locked(Person, party_id, "person")
    raise DomainError(
        "invalid_party_kind", "A party is an account or a person.", field="party_kind"
    )


def party_kind(party: Party) -> str:
    """``account`` or ``person``."""
    return "account" if isinstance(party, Account) else "person"


def _party_filter(party: Party) -> dict[str, Party]:
    return {party_kind(party): party}


def _party_payload(party: Party) -> dict[str, Any]:
    return {"party_kind": party_kind(party), "party_id": party.pk}


def _tags(names: Iterable[str] | None) -> list[Tag]:
    if names is None:
        return []
    if isinstance(names, str):
        raise DomainError("invalid_tags", "Give the tags as a list of names.", field="tags")
    cleaned = _domain(domain.normalise_tags, list(names))
    wanted = [name.lower() for name in cleaned]
    existing = {
        tag.name.lower(): tag
        for tag in Tag.objects.annotate(lowered=Lower("name")).filter(lowered__in=wanted)
    }
    return [existing.get(name.lower()) or _new_tag(name) for name in cleaned]


def _new_tag(name: str) -> Tag:
    """Create a tag; if a concurrent request just created it, use theirs."""
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction survives a clash
            return Tag.objects.create(name=name)
    except IntegrityError:
        return Tag.objects.get(name=name)


# --- accounts ---------------------------------------------------------------------------


def _check_parent(account: Account | None, parent: Account | None) -> None:
    """Refuse a parent that is the account itself or one of its descendants."""
    if account is None or parent is None:
        return
    # Walk up from the new parent only: hierarchies are shallow, tenants may have many accounts.
    parents: dict[int, int | None] = {}
    current_id: int | None = parent.pk
    while current_id is not None and current_id not in parents and current_id != account.pk:
        parents[current_id] = (
            Account.objects.filter(pk=current_id).values_list("parent_id", flat=True).first()
        )
        current_id = parents[current_id]
    if domain.would_cycle(account.pk, parent.pk, parents):
        raise DomainError(
            "hierarchy_cycle",
            f"{parent.name} is {account.name} itself or one of its subsidiaries; "
            "an account cannot be its own ancestor.",
            field="parent_id",
        )


ACCOUNT_TEXT_LIMITS = {"name": 200, "legal_name": 200, "industry": 100}
ACCOUNT_FIELDS = {*ACCOUNT_TEXT_LIMITS, "website", "size_band", "owner_id", "custom", "parent_id"}
ACCOUNT_FIELDS |= {"tags"}


def _account_values(data: Mapping[str, Any], account: Account | None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field, limit in ACCOUNT_TEXT_LIMITS.items():
        if field in data:
            values[field] = _text(data[field], field, limit, required=field == "name")
    if "website" in data:
        values["website"] = _website(data["website"])
    if "size_band" in data:
        values["size_band"] = _choice(data["size_band"], "size_band", domain.SIZE_BANDS, blank=True)
    if "owner_id" in data:
        values["owner_id"] = _owner_id(data["owner_id"])
    if "custom" in data:
        values["custom"] = _custom(
            ACCOUNT_TARGET, data["custom"], None if account is None else account.custom
        )
    if "parent_id" in data:
        parent = _account_ref(data["parent_id"], "parent_id")
        _check_parent(account, parent)
        values["parent"] = parent
    return values


def _account_payload(account: Account) -> dict[str, Any]:
    return {"account_id": account.pk, "name": account.name, "parent_id": account.parent_id}


@transaction.atomic
def create_account(
    *,
    name: str,
    legal_name: str = "",
    website: str = "",
    industry: str = "",
    size_band: str = "",
    parent_id: int | None = None,
    owner_id: int | None = None,
    tags: Iterable[str] | None = None,
    lifecycle_stage: str = "prospect",
    custom: Mapping[str, Any] | None = None,
) -> Account:
    """Add a company, optionally under a parent account."""
    values = _account_values(
        {
            "name": name,
            "legal_name": legal_name,
            "website": website,
            "industry": industry,
            "size_band": size_band,
            "parent_id": parent_id,
            "owner_id": owner_id,
            "custom": custom,
        },
        None,
    )
    values["lifecycle_stage"] = _choice(lifecycle_stage, "lifecycle_stage", domain.LIFECYCLE_STAGES)
    tag_rows = _tags(tags)
    account = Account.objects.create(**values)
    account.tags.set(tag_rows)
    publish("AccountCreated", _account_payload(account))
    return account


def _update_party(
    party: Any,
    changes: Mapping[str, Any],
    allowed: frozenset[str] | set[str],
    clean_values: Callable[[Mapping[str, Any], Any], dict[str, Any]],
    event: str,
    payload: Callable[[Any], dict[str, Any]],
) -> None:
    """Apply changed fields (``tags`` replaces the tags) to a locked account or person."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise DomainError(
            "unknown_field", f"Cannot change {', '.join(sorted(unknown))}.", field=min(unknown)
        )
    values = clean_values(changes, party)
    tag_rows = _tags(changes["tags"]) if "tags" in changes else None
    for field, value in values.items():
        setattr(party, field, value)
    party.save()
    if tag_rows is not None:
        party.tags.set(tag_rows)
    publish(event, {**payload(party), "changed": sorted(changes)})


@transaction.atomic
def update_account(account_id: int, **changes: Any) -> Account:
    """Change the given fields of an account (``tags`` replaces the tags)."""
    account = _locked(Account, account_id, "account")
    _update_party(
        account, changes, ACCOUNT_FIELDS, _account_values, "AccountUpdated", _account_payload
    )
    return account


# --- people -----------------------------------------------------------------------------

PERSON_TEXT_LIMITS = {"first_name": 100, "last_name": 100, "job_title": 100}
PERSON_FIELDS = {*PERSON_TEXT_LIMITS, "account_id", "owner_id", "custom", "tags"}


def _person_values(data: Mapping[str, Any], person: Person | None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field, limit in PERSON_TEXT_LIMITS.items():
        if field in data:
            values[field] = _text(data[field], field, limit, required=field == "last_name")
    if "account_id" in data:
        values["account"] = _account_ref(data["account_id"], "account_id")
    if "owner_id" in data:
        values["owner_id"] = _owner_id(data["owner_id"])
    if "custom" in data:
        values["custom"] = _custom(
            PERSON_TARGET, data["custom"], None if person is None else person.custom
        )
    return values


def _person_payload(person: Person) -> dict[str, Any]:
    return {"person_id": person.pk, "name": person.full_name, "account_id": person.account_id}


@transaction.atomic
def create_person(
    *,
    last_name: str,
    first_name: str = "",
    account_id: int | None = None,
    job_title: str = "",
    owner_id: int | None = None,
    tags: Iterable[str] | None = None,
    lifecycle_stage: str = "prospect",
    custom: Mapping[str, Any] | None = None,
) -> Person:
    """Add a person: a contact of an account, or a customer of their own without one."""
    values = _person_values(
        {
            "first_name": first_name,
            "last_name": last_name,
            "account_id": account_id,
            "job_title": job_title,
            "owner_id": owner_id,
            "custom": custom,
        },
        None,
    )
    values["lifecycle_stage"] = _choice(lifecycle_stage, "lifecycle_stage", domain.LIFECYCLE_STAGES)
    tag_rows = _tags(tags)
    person = Person.objects.create(**values)
    person.tags.set(tag_rows)
    publish("PersonCreated", _person_payload(person))
    return person


@transaction.atomic
def update_person(person_id: int, **changes: Any) -> Person:
    """Change the given fields of a person (``tags`` replaces the tags)."""
    person = _locked(Person, person_id, "person")
    _update_party(person, changes, PERSON_FIELDS, _person_values, "PersonUpdated", _person_payload)
    return person


@transaction.atomic
def set_tags(kind: str, party_id: int, names: Iterable[str]) -> list[Tag]:
    """Replace a party's tags with the named ones, creating tags the tenant lacks."""
    party = locked_party(kind, party_id)
    tag_rows = _tags(names)
    party.tags.set(tag_rows)
    publish("PartyTagged", {**_party_payload(party), "tags": [t.name for t in tag_rows]})
    return tag_rows


# --- addresses ---------------------------------------------------------------------------


@transaction.atomic
def add_address(
    kind: str,
    party_id: int,
    *,
    address_kind: str,
    line1: str,
    city: str,
    country: str,
    line2: str = "",
    region: str = "",
    postal_code: str = "",
    is_default: bool = False,
) -> Address:
    """Add a postal address; a default replaces the party's earlier default of that kind."""
    party = locked_party(kind, party_id)
    values = {
        "kind": _choice(address_kind, "address_kind", domain.ADDRESS_KINDS),
        "line1": _text(line1, "line1", 200, required=True),
        "line2": _text(line2, "line2", 200),
        "city": _text(city, "city", 100, required=True),
        "region": _text(region, "region", 100),
        "postal_code": _text(postal_code, "postal_code", 20),
        "country": _domain(domain.normalise_country, country),
    }
    siblings = Address.objects.filter(**_party_filter(party), kind=values["kind"])
    is_default = bool(is_default) or not siblings.exists()
    if is_default:
        siblings.filter(is_default=True).update(is_default=False)
    address = Address.objects.create(**_party_filter(party), is_default=is_default, **values)
    publish("AddressAdded", {**_party_payload(party), "address_id": address.pk})
    return address


@transaction.atomic
def remove_address(address_id: int) -> None:
    """Remove an address."""
    address = _locked(Address, address_id, "address")
    payload = {"address_id": address.pk, "account_id": address.account_id}
    payload["person_id"] = address.person_id
    address.delete()
    publish("AddressRemoved", payload)


# --- contact points -----------------------------------------------------------------------


def default_region(party: Party) -> str | None:
    """The country of the party's default address (its account's for a contact), if any."""
    candidates: list[dict[str, Party]] = [_party_filter(party)]
    if isinstance(party, Person) and party.account is not None:
        candidates.append({"account": party.account})
    for where in candidates:
        country = (
            Address.objects.filter(**where)
            .order_by("-is_default", "pk")
            .values_list("country", flat=True)
            .first()
        )
        if country:
            return str(country)
    return None


def _contact_kind(value: str) -> str:
    return _choice(value or "work", "kind", domain.CONTACT_KINDS)


@transaction.atomic
def add_email(
    kind: str, party_id: int, *, email: str, contact_kind: str = "work", is_primary: bool = False
) -> EmailAddress:
    """Add an e-mail address, normalised; the first (or a primary one) becomes primary."""
    party = locked_party(kind, party_id)
    value = _domain(domain.normalise_email, email)
    siblings = EmailAddress.objects.filter(**_party_filter(party))
    if siblings.filter(email=value).exists():
        raise DomainError(
            "duplicate_identifier", f"{value} is already an e-mail of this {kind}.", field="email"
        )
    is_primary = bool(is_primary) or not siblings.exists()
    if is_primary:
        siblings.filter(is_primary=True).update(is_primary=False)
    row = EmailAddress.objects.create(
        **_party_filter(party), email=value, kind=_contact_kind(contact_kind), is_primary=is_primary
    )
    publish("EmailAddressAdded", {**_party_payload(party), "email": value})
    return row


@transaction.atomic
def add_phone(
    kind: str,
    party_id: int,
    *,
    number: str,
    contact_kind: str = "work",
    is_primary: bool = False,
    region: str | None = None,
) -> PhoneNumber:
    """Add a phone number in E.164; national numbers use ``region`` or the party's country."""
    party = locked_party(kind, party_id)
    if region:
        region = _domain(domain.normalise_country, region)
    value = _domain(domain.normalise_phone, number, region or default_region(party))
    siblings = PhoneNumber.objects.filter(**_party_filter(party))
    if siblings.filter(number=value).exists():
        raise DomainError(
            "duplicate_identifier", f"{value} is already a phone of this {kind}.", field="phone"
        )
    is_primary = bool(is_primary) or not siblings.exists()
    if is_primary:
        siblings.filter(is_primary=True).update(is_primary=False)
    row = PhoneNumber.objects.create(
        **_party_filter(party),
        number=value,
        kind=_contact_kind(contact_kind),
        is_primary=is_primary,
    )
    publish("PhoneNumberAdded", {**_party_payload(party), "number": value})
    return row


@transaction.atomic
def remove_email(email_id: int) -> None:
    """Remove an e-mail address."""
    row = _locked(EmailAddress, email_id, "e-mail address")
    payload = {"account_id": row.account_id, "person_id": row.person_id, "email": row.email}
    row.delete()
    publish("EmailAddressRemoved", payload)


@transaction.atomic
def remove_phone(phone_id: int) -> None:
    """Remove a phone number."""
    row = _locked(PhoneNumber, phone_id, "phone number")
    payload = {"account_id": row.account_id, "person_id": row.person_id, "number": row.number}
    row.delete()
    publish("PhoneNumberRemoved", payload)


# --- lifecycle and consent ----------------------------------------------------------------


def _moment(value: datetime | None, field: str) -> datetime:
    if value is None:
        return timezone.now()
    if timezone.is_naive(value):
        raise DomainError("invalid_date", "Give the time with its time zone.", field=field)
    if value > timezone.now():
        raise DomainError("future_date", "The time cannot be in the future.", field=field)
    return value


@transaction.atomic
def change_lifecycle_stage(
    kind: str, party_id: int, stage: str, *, changed_at: datetime | None = None
) -> LifecycleChange:
    """Move a party to another lifecycle stage and keep the move in its history."""
    party = locked_party(kind, party_id)
    _domain(domain.check_transition, party.lifecycle_stage, stage)
    moment = _moment(changed_at, "changed_at")
    change = LifecycleChange.objects.create(
        **_party_filter(party),
        from_stage=party.lifecycle_stage,
        to_stage=stage,
        changed_at=moment,
        actor_id=current().actor_id,
    )
    party.lifecycle_stage = stage
    party.save(update_fields=["lifecycle_stage", "updated_at"])
    publish(
        "LifecycleStageChanged",
        {
            **_party_payload(party),
            "from_stage": change.from_stage,
            "to_stage": stage,
            "phase": domain.LIFECYCLE_PHASES[stage],
            "changed_at": moment,
        },
    )
    return change


@transaction.atomic
def record_consent(
    person_id: int,
    *,
    channel: str,
    granted: bool,
    source: str = "",
    recorded_at: datetime | None = None,
) -> ConsentRecord:
    """Record a person's yes or no for a channel; earlier records stay as history."""
    person = _locked(Person, person_id, "person")
    if not isinstance(granted, bool):
        raise DomainError("invalid_granted", "Say whether consent is granted.", field="granted")
    record = ConsentRecord.objects.create(
        person=person,
        channel=_choice(channel, "channel", domain.CONSENT_CHANNELS),
        granted=granted,
        source=_text(source, "source", 200),
        recorded_at=_moment(recorded_at, "recorded_at"),
        actor_id=current().actor_id,
    )
    publish(
        "ConsentRecorded",
        {
            "person_id": person.pk,
            "channel": record.channel,
            "granted": granted,
            "source": record.source,
            "recorded_at": record.recorded_at,
        },
    )
    return record
