"""The read side of leads: the filtered list, one lead, its duplicates, history and search."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse

from valuechain.crm.customers.models import Account, EmailAddress, Person, PhoneNumber
from valuechain.crm.leads import domain
from valuechain.crm.leads.models import Lead, LeadStatusChange, ScoringRule
from valuechain.platform.errors import DomainError
from valuechain.platform.identity.record_rules import restrict
from valuechain.platform.web.registry import SearchHit

LEAD_SORTS = ("created_at", "updated_at", "score", "last_name", "company", "status")


@dataclass(frozen=True)
class LeadFilters:
    """What the lead list can be narrowed by; None filters nothing."""

    text: str | None = None
    status: str | None = None
    source: str | None = None
    owner_id: int | None = None
    min_score: int | None = None
    max_score: int | None = None
    campaign: str | None = None
    created_from: dt.date | None = None
    created_to: dt.date | None = None


def _check_choice(value: str, field: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise DomainError(
            f"invalid_{field}",
            f"{value!r} is not a lead {field}; use one of {', '.join(choices)}.",
            field=field,
        )


def leads(filters: LeadFilters | None = None) -> QuerySet[Lead]:
    """The leads the current member may see, newest first, with their owner loaded."""
    filters = filters or LeadFilters()
    queryset = restrict(Lead.objects.select_related("owner"))
    if filters.status:
        _check_choice(filters.status, "status", domain.STATUSES)
        queryset = queryset.filter(status=filters.status)
    if filters.source:
        _check_choice(filters.source, "source", domain.SOURCES)
        queryset = queryset.filter(source=filters.source)
    if filters.owner_id is not None:
        queryset = queryset.filter(owner_id=filters.owner_id)
    both = filters.min_score is not None and filters.max_score is not None
    if both and filters.min_score > filters.max_score:  # type: ignore[operator]
        raise DomainError(
            "invalid_score_range", "The lowest score is above the highest.", field="min_score"
        )
    if filters.min_score is not None:
        queryset = queryset.filter(score__gte=filters.min_score)
    if filters.max_score is not None:
        queryset = queryset.filter(score__lte=filters.max_score)
    if filters.campaign:
        text = filters.campaign.strip()
        queryset = queryset.filter(Q(campaign__iexact=text) | Q(utm_campaign__iexact=text))
    if filters.created_from is not None:
        queryset = queryset.filter(created_at__date__gte=filters.created_from)
    if filters.created_to is not None:
        queryset = queryset.filter(created_at__date__lte=filters.created_to)
    if filters.text:
        for word in filters.text.split():
            queryset = queryset.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(company__icontains=word)
                | Q(email__icontains=word.lower())
            )
    return queryset.order_by("-created_at", "-pk")


def lead(lead_id: int) -> Lead:
    """One lead the member may see; DoesNotExist (a 404) otherwise."""
    return (
        leads()
        .select_related("converted_account", "converted_person", "converted_opportunity")
        .get(pk=lead_id)
    )


def status_history(lead: Lead) -> QuerySet[LeadStatusChange]:
    """A lead's status moves, newest first."""
    return (
        LeadStatusChange.objects.filter(lead=lead)
        .select_related("actor")
        .order_by("-changed_at", "-pk")
    )


def scoring_rules() -> QuerySet[ScoringRule]:
    """The tenant's scoring rules, in the order they apply."""
    return ScoringRule.objects.order_by("pk")


# --- duplicates ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Duplicate:
    """A record sharing the lead's e-mail or phone: another lead, a person or an account."""

    kind: str  # lead, person or account
    id: int
    name: str
    matched_on: str  # email or phone
    value: str
    url: str


def duplicates_of(email: str, phone: str, *, exclude_lead_id: int | None = None) -> list[Duplicate]:
    """People, accounts and other leads with the same normalised e-mail or phone.

    People first (the likeliest conversion target), then accounts, then leads. Four queries
    however many matches; rows the member may not see under record rules are left out.
    """
    found: list[Duplicate] = []
    seen: set[tuple[str, int, str]] = set()

    def add(kind: str, pk: int, name: str, matched_on: str, value: str, url: str) -> None:
        if (kind, pk, matched_on) not in seen:
            seen.add((kind, pk, matched_on))
            found.append(Duplicate(kind, pk, name, matched_on, value, url))

    points: list[tuple[str, str, Any]] = []
    if email:
        points.append(("email", email, EmailAddress.objects.filter(email=email)))
    if phone:
        points.append(("phone", phone, PhoneNumber.objects.filter(number=phone)))
    rows = [(matched_on, value, row) for matched_on, value, qs in points for row in qs]
    person_ids = {row.person_id for _, _, row in rows if row.person_id}
    account_ids = {row.account_id for _, _, row in rows if row.account_id}
    people = {p.pk: p for p in restrict(Person.objects.filter(pk__in=person_ids))}
    accounts = {a.pk: a for a in restrict(Account.objects.filter(pk__in=account_ids))}
    for matched_on, value, row in rows:
        if row.person_id in people:
            person = people[row.person_id]
            url = reverse("customers-person-detail", args=[person.pk])
            add("person", person.pk, person.full_name, matched_on, value, url)
    for matched_on, value, row in rows:
        if row.account_id in accounts:
            account = accounts[row.account_id]
            url = reverse("customers-account-detail", args=[account.pk])
            add("account", account.pk, account.name, matched_on, value, url)
    if points:
        match = Q()
        if email:
            match |= Q(email=email)
        if phone:
            match |= Q(phone=phone)
        others = restrict(Lead.objects.filter(match)).order_by("-created_at", "-pk")
        if exclude_lead_id is not None:
            others = others.exclude(pk=exclude_lead_id)
        for other in others[:50]:
            url = reverse("leads-lead-detail", args=[other.pk])
            if email and other.email == email:
                add("lead", other.pk, other.full_name, "email", email, url)
            if phone and other.phone == phone:
                add("lead", other.pk, other.full_name, "phone", phone, url)
    return found


def duplicates(lead: Lead) -> list[Duplicate]:
    """The duplicates of a stored lead."""
    return duplicates_of(lead.email, lead.phone, exclude_lead_id=lead.pk)


# --- search -------------------------------------------------------------------------------


def search_leads(query: str, limit: int) -> list[SearchHit]:
    """Global-search provider: leads by name, company, e-mail or phone."""
    text = query.strip()
    if not text:
        return []
    by_name = Q()
    for word in text.split():
        by_name &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    found = restrict(
        Lead.objects.filter(
            by_name
            | Q(company__icontains=text)
            | Q(email__icontains=text.lower())
            | Q(phone__contains=text.replace(" ", ""))
        )
    ).order_by("-created_at", "-pk")[:limit]
    return [
        SearchHit(
            kind="lead",
            title=row.full_name,
            detail=" · ".join(part for part in (row.company, row.status) if part),
            url=reverse("leads-lead-detail", args=[row.pk]),
        )
        for row in found
    ]
