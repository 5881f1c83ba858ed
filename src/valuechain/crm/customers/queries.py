"""The read side of customers: lists with filters, one party's page, identifier lookup, search."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.urls import reverse

from valuechain.crm.customers import domain
from valuechain.crm.customers.models import (
    Account,
    Address,
    ConsentRecord,
    EmailAddress,
    LifecycleChange,
    PartyIdentifier,
    Person,
    PhoneNumber,
    Tag,
)
from valuechain.platform.errors import DomainError
from valuechain.platform.identity.record_rules import restrict
from valuechain.platform.web.registry import SearchHit

ACCOUNT_SORTS = ("name", "created_at", "updated_at", "lifecycle_stage")
IDENTIFIER_NORMALISERS: dict[str, Callable[[str], str]] = {
    "loyalty_card": domain.normalise_loyalty_card,
    "social_handle": domain.normalise_social_handle,
}
PERSON_SORTS = ("last_name", "first_name", "created_at", "updated_at", "lifecycle_stage")


@dataclass(frozen=True)
class PartyFilters:
    """What a list of parties can be narrowed by; None filters nothing."""

    name: str | None = None
    tag: str | None = None
    lifecycle_stage: str | None = None
    owner_id: int | None = None
    account_id: int | None = None
    parent_id: int | None = None


def _common_filters(queryset: QuerySet[Any], filters: PartyFilters) -> QuerySet[Any]:
    if filters.lifecycle_stage:
        if filters.lifecycle_stage not in domain.LIFECYCLE_STAGES:
            raise DomainError(
                "invalid_lifecycle_stage",
                f"{filters.lifecycle_stage!r} is not a lifecycle stage; use one of "
                f"{', '.join(domain.LIFECYCLE_STAGES)}.",
                field="lifecycle_stage",
            )
        queryset = queryset.filter(lifecycle_stage=filters.lifecycle_stage)
    if filters.tag:
        queryset = queryset.filter(tags__name__iexact=filters.tag.strip())
    if filters.owner_id is not None:
        queryset = queryset.filter(owner_id=filters.owner_id)
    return queryset


def accounts(filters: PartyFilters | None = None) -> QuerySet[Account]:
    """The tenant's accounts, with parent, owner and tags loaded."""
    filters = filters or PartyFilters()
    queryset = Account.objects.select_related("parent", "owner").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.order_by("name"))
    )
    queryset = restrict(_common_filters(queryset, filters))
    if filters.name:
        text = filters.name.strip()
        queryset = queryset.filter(Q(name__icontains=text) | Q(legal_name__icontains=text))
    if filters.parent_id is not None:
        queryset = queryset.filter(parent_id=filters.parent_id)
    return queryset.order_by("name", "pk")


def people(filters: PartyFilters | None = None) -> QuerySet[Person]:
    """The tenant's people, with account, owner, tags and primary contact points loaded."""
    filters = filters or PartyFilters()
    queryset = Person.objects.select_related("account", "owner").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.order_by("name")),
        Prefetch("emailaddress_set", queryset=EmailAddress.objects.order_by("-is_primary", "pk")),
        Prefetch("phonenumber_set", queryset=PhoneNumber.objects.order_by("-is_primary", "pk")),
    )
    queryset = restrict(_common_filters(queryset, filters))
    if filters.name:
        for word in filters.name.split():
            queryset = queryset.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    if filters.account_id is not None:
        queryset = queryset.filter(account_id=filters.account_id)
    return queryset.distinct().order_by("last_name", "first_name", "pk")


def account(account_id: int) -> Account:
    """One account of the tenant; DoesNotExist (a 404) otherwise."""
    return accounts().get(pk=account_id)


def person(person_id: int) -> Person:
    """One person of the tenant; DoesNotExist (a 404) otherwise."""
    return people().get(pk=person_id)


def children(parent: Account) -> QuerySet[Account]:
    """The accounts directly under an account."""
    return accounts(PartyFilters(parent_id=parent.pk))


def addresses(party: Account | Person) -> QuerySet[Address]:
    """A party's addresses, defaults first within each kind."""
    return Address.objects.filter(**{_kind(party): party}).order_by("kind", "-is_default", "pk")


def emails(party: Account | Person) -> QuerySet[EmailAddress]:
    """A party's e-mail addresses, primary first."""
    return EmailAddress.objects.filter(**{_kind(party): party}).order_by("-is_primary", "pk")


def phones(party: Account | Person) -> QuerySet[PhoneNumber]:
    """A party's phone numbers, primary first."""
    return PhoneNumber.objects.filter(**{_kind(party): party}).order_by("-is_primary", "pk")


def lifecycle_history(party: Account | Person) -> QuerySet[LifecycleChange]:
    """A party's lifecycle moves, newest first."""
    return (
        LifecycleChange.objects.filter(**{_kind(party): party})
        .select_related("actor")
        .order_by("-changed_at", "-pk")
    )


def consent_history(person: Person) -> QuerySet[ConsentRecord]:
    """Every consent record of a person, newest first."""
    return ConsentRecord.objects.filter(person=person).order_by("-recorded_at", "-pk")


def current_consents(person: Person) -> dict[str, ConsentRecord | None]:
    """The latest record per channel (None where the person was never asked)."""
    latest: dict[str, ConsentRecord | None] = dict.fromkeys(domain.CONSENT_CHANNELS)
    for record in consent_history(person):
        if latest.get(record.channel) is None:
            latest[record.channel] = record
    return latest


def _kind(party: Account | Person) -> str:
    return "account" if isinstance(party, Account) else "person"


def find_party_by_identifier(kind: str, value: str) -> Account | Person | None:
    """The party an e-mail, phone, loyalty card or social handle belongs to, or None.

    For e-mails and phones a person wins over an account.

    Phones must be given in international form (+ and country code) here.
    """
    try:
        if kind == "email":
            normalised = domain.normalise_email(value)
            rows: Any = EmailAddress.objects.filter(email=normalised)
        elif kind == "phone":
            normalised = domain.normalise_phone(value)
            rows = PhoneNumber.objects.filter(number=normalised)
        elif kind in IDENTIFIER_NORMALISERS:
            normalised = IDENTIFIER_NORMALISERS[kind](value)
            found_identifier = (
                PartyIdentifier.objects.filter(kind=kind, value=normalised)
                .select_related("person", "account")
                .first()
            )
            return None if found_identifier is None else found_identifier.party
        else:
            raise DomainError(
                "invalid_identifier_kind",
                "Look up by email, phone, loyalty_card or social_handle.",
                field="kind",
            )
    except domain.InvalidInput:
        return None
    row = rows.select_related("person", "account").order_by(
        F("person_id").asc(nulls_last=True), "-is_primary", "pk"
    )
    found = row.first()
    return None if found is None else found.party


# --- search -------------------------------------------------------------------------------


def search_accounts(query: str, limit: int) -> list[SearchHit]:
    """Global-search provider: accounts by name, legal name, e-mail or phone."""
    text = query.strip()
    if not text:
        return []
    found = (
        restrict(Account.objects.all())
        .filter(
            Q(name__icontains=text)
            | Q(legal_name__icontains=text)
            | Q(emailaddress__email__icontains=text.lower())
            | Q(phonenumber__number__contains=text.replace(" ", ""))
        )
        .distinct()
        .order_by("name", "pk")[:limit]
    )
    return [
        SearchHit(
            kind="account",
            title=account.name,
            detail=account.industry or account.get_lifecycle_stage_display(),
            url=reverse("customers-account-detail", args=[account.pk]),
        )
        for account in found
    ]


def search_people(query: str, limit: int) -> list[SearchHit]:
    """Global-search provider: people by name, e-mail or phone."""
    text = query.strip()
    if not text:
        return []
    by_name = Q()
    for word in text.split():
        by_name &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    found = (
        restrict(Person.objects.all())
        .filter(
            by_name
            | Q(emailaddress__email__icontains=text.lower())
            | Q(phonenumber__number__contains=text.replace(" ", ""))
        )
        .select_related("account")
        .distinct()
        .order_by("last_name", "first_name", "pk")[:limit]
    )
    return [
        SearchHit(
            kind="person",
            title=person.full_name,
            detail=person.account.name if person.account else person.job_title,
            url=reverse("customers-person-detail", args=[person.pk]),
        )
        for person in found
    ]
