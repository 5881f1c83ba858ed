"""The read side of the customer 360° view: one party, its contacts, key figures, panels and
the merged timeline, in a fixed number of queries whatever the size of the data.

A customer is addressed as ``person-<pk>`` or ``account-<pk>`` (plain digits mean a
person). Every party queryset goes through ``record_rules.restrict()``, so a rep who may
not see a customer gets a 404 like for a record that does not exist.
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, Count, Max, Min, Prefetch, Q, QuerySet, Value
from django.urls import reverse

from valuechain.crm.customers import panels
from valuechain.crm.customers.models import (
    INTERACTION_CHANNELS,
    Account,
    Address,
    EmailAddress,
    Interaction,
    LifecycleChange,
    Person,
    PhoneNumber,
    Tag,
)
from valuechain.crm.customers.panels import (
    InvalidCursor,
    KeyFigures,
    TimelineCursor,
    TimelineEntry,
    TimelineSource,
)
from valuechain.platform.errors import DomainError
from valuechain.platform.identity.domain import allows
from valuechain.platform.identity.record_rules import restrict

CUSTOMER_ID = re.compile(r"^(?:(person|account)-)?([1-9][0-9]{0,17})$")
TIMELINE_DEFAULT_LIMIT = 20
TIMELINE_MAX_LIMIT = 100
CONTACTS_SHOWN = 50  # an account's people listed in the view; the count says how many in all
DETAIL_LENGTH = 300
LIFECYCLE_WINDOW = TIMELINE_MAX_LIMIT + 1  # enough for any first page; covers "stage since"
BUILTIN_FIGURES = frozenset(
    {
        "interaction_count",
        "first_interaction_at",
        "last_interaction_at",
        "channel_mix",
        "lifecycle_stage",
        "lifecycle_stage_since",
    }
)


@dataclass(frozen=True)
class CustomerRef:
    """Which customer a ``{id}`` names: a person or an account, by primary key."""

    kind: str
    pk: int

    @property
    def id(self) -> str:
        """The id as the API spells it, e.g. ``person-7``."""
        return f"{self.kind}-{self.pk}"


def parse_customer_id(text: str) -> CustomerRef:
    """``person-7``, ``account-3`` or ``7`` (a person); invalid_customer_id otherwise."""
    found = CUSTOMER_ID.match(text.strip())
    if found is None:
        raise DomainError(
            "invalid_customer_id",
            f"{text!r} is not a customer id; use person-<id>, account-<id> or a person's id.",
            field="customer_id",
        )
    return CustomerRef(found.group(1) or "person", int(found.group(2)))


def party_kind(party: Account | Person) -> str:
    """``"account"`` or ``"person"``."""
    return "account" if isinstance(party, Account) else "person"


def customer(ref: CustomerRef) -> Account | Person:
    """The visible party a ref names, with owner, account or parent and tags loaded.

    Raises DoesNotExist (a 404) when it is missing or the record rules hide it.
    """
    tags = Prefetch("tags", queryset=Tag.objects.order_by("name"))
    if ref.kind == "account":
        accounts = Account.objects.select_related("parent", "owner").prefetch_related(tags)
        return restrict(accounts).get(pk=ref.pk)
    people = Person.objects.select_related("account", "owner").prefetch_related(tags)
    return restrict(people).get(pk=ref.pk)


def checked_channel(channel: str | None) -> str | None:
    """The channel filter, or invalid_channel when it names no channel."""
    if channel and channel not in INTERACTION_CHANNELS:
        raise DomainError(
            "invalid_channel",
            f"{channel!r} is not a channel; use one of {', '.join(INTERACTION_CHANNELS)}.",
            field="channel",
        )
    return channel or None


def checked_cursor(token: str | None) -> TimelineCursor | None:
    """The decoded ``cursor`` parameter, or invalid_cursor."""
    if not token:
        return None
    try:
        return TimelineCursor.decode(token)
    except InvalidCursor as exc:
        raise DomainError(
            "invalid_cursor", "The cursor is not one this API handed out.", field="cursor"
        ) from exc


# --- profile and contacts -------------------------------------------------------------------


def _account_people(account: Account) -> QuerySet[Person]:
    return restrict(Person.objects.filter(account=account))


def profile(party: Account | Person) -> dict[str, Any]:
    """The party's own fields, as the API returns them."""
    common = {
        "kind": party_kind(party),
        "id": f"{party_kind(party)}-{party.pk}",
        "pk": party.pk,
        "lifecycle_stage": party.lifecycle_stage,
        "owner": None if party.owner is None else party.owner.email,
        "tags": [tag.name for tag in party.tags.all()],
        "custom": party.custom,
        "created_at": party.created_at,
    }
    if isinstance(party, Account):
        parent = party.parent
        return {
            **common,
            "name": party.name,
            "legal_name": party.legal_name,
            "website": party.website,
            "industry": party.industry,
            "size_band": party.size_band,
            "parent": None
            if parent is None
            else {"id": f"account-{parent.pk}", "name": parent.name},
        }
    account = party.account
    return {
        **common,
        "name": party.full_name,
        "first_name": party.first_name,
        "last_name": party.last_name,
        "job_title": party.job_title,
        "account": None
        if account is None
        else {"id": f"account-{account.pk}", "name": account.name},
    }


def _contact_rows(party: Account | Person) -> list[tuple[Any, ...]]:
    """E-mails, phones and addresses in one round trip (UNION ALL), in display order:
    primary first, addresses by kind with the default first."""
    owner = {party_kind(party): party}
    blank = Value("", output_field=CharField())
    emails = EmailAddress.objects.filter(**owner).values_list(
        Value("email", output_field=CharField()), "email", "kind", "is_primary",
        blank, blank, blank, blank, "pk",
    )  # fmt: skip
    phones = PhoneNumber.objects.filter(**owner).values_list(
        Value("phone", output_field=CharField()), "number", "kind", "is_primary",
        blank, blank, blank, blank, "pk",
    )  # fmt: skip
    addresses = Address.objects.filter(**owner).values_list(
        Value("address", output_field=CharField()), blank, "kind", "is_default",
        "line1", "postal_code", "city", "country", "pk",
    )  # fmt: skip
    rows = list(emails.order_by().union(phones.order_by(), addresses.order_by(), all=True))
    return sorted(
        rows, key=lambda row: (row[0], row[2] if row[0] == "address" else "", not row[3], row[8])
    )


def contacts(party: Account | Person) -> dict[str, Any]:
    """E-mails, phones and addresses; for an account also its people (the first 50)."""
    found: dict[str, Any] = {"emails": [], "phones": [], "addresses": []}
    for what, value, kind, flag, line1, postal_code, city, country, _pk in _contact_rows(party):
        if what == "email":
            found["emails"].append({"email": value, "kind": kind, "is_primary": flag})
        elif what == "phone":
            found["phones"].append({"number": value, "kind": kind, "is_primary": flag})
        else:
            text = str(Address(line1=line1, postal_code=postal_code, city=city, country=country))
            found["addresses"].append(
                {"kind": kind, "is_default": flag, "text": text, "city": city, "country": country}
            )
    if isinstance(party, Account):
        people = list(
            _account_people(party)
            .only("pk", "first_name", "last_name", "job_title", "lifecycle_stage")
            .order_by("last_name", "first_name", "pk")[: CONTACTS_SHOWN + 1]
        )
        found["people"] = [
            {
                "id": f"person-{person.pk}",
                "pk": person.pk,
                "name": person.full_name,
                "job_title": person.job_title,
                "lifecycle_stage": person.lifecycle_stage,
            }
            for person in people[:CONTACTS_SHOWN]
        ]
        found["more_people"] = len(people) > CONTACTS_SHOWN
    return found


# --- interactions of a party ---------------------------------------------------------------


def _people_ids(account: Account) -> list[int]:
    """The visible people of an account, read once per loaded account (figures and timeline)."""
    cached: list[int] | None = getattr(account, "_customer360_people_ids", None)
    if cached is None:
        cached = list(_account_people(account).order_by().values_list("pk", flat=True))
        account._customer360_people_ids = cached  # type: ignore[attr-defined]
    return cached


def _interactions_of(kind: str, party: Any) -> QuerySet[Interaction]:
    """A party's interactions; an account's include those of its people (like its timeline).

    The people's ids are read first so PostgreSQL combines two index scans (by account,
    by person) instead of joining people to every interaction of the tenant.
    """
    if kind == "account":
        person_ids = _people_ids(party)
        return Interaction.objects.filter(Q(account_id=party.pk) | Q(person_id__in=person_ids))
    return Interaction.objects.filter(person_id=party.pk)


def interaction_entries(
    kind: str,
    party: Any,
    channel: str | None,
    before: TimelineCursor | None,
    limit: int,
) -> list[TimelineEntry]:
    """Timeline source "interaction": the party's touch points."""
    rows = _interactions_of(kind, party)
    if channel:
        rows = rows.filter(channel=channel)
    if before is not None:
        rows = rows.filter(before.q("interaction"))
    rows = rows.only(
        "pk",
        "occurred_at",
        "channel",
        "kind",
        "direction",
        "subject",
        "body",
        "actor_name",
        "person_id",
        "account_id",
    ).order_by("-occurred_at", "-pk")[:limit]
    return [
        TimelineEntry(
            occurred_at=row.occurred_at,
            source="interaction",
            record_id=row.pk,
            kind=row.kind,
            title=row.subject or f"{row.kind.replace('_', ' ')} ({row.direction})",
            detail=row.body[:DETAIL_LENGTH],
            channel=row.channel,
            ids={
                "interaction_id": row.pk,
                "person_id": row.person_id,
                "account_id": row.account_id,
                "direction": row.direction,
            },
        )
        for row in rows
    ]


def _latest_moves(kind: str, party: Any) -> list[LifecycleChange]:
    """The party's newest stage moves, read once per loaded party (figures and timeline)."""
    cached: list[LifecycleChange] | None = getattr(party, "_customer360_moves", None)
    if cached is None:
        cached = list(
            LifecycleChange.objects.filter(**{kind: party})
            .only("pk", "changed_at", "from_stage", "to_stage")
            .order_by("-changed_at", "-pk")[:LIFECYCLE_WINDOW]
        )
        party._customer360_moves = cached
    return cached


def lifecycle_entries(
    kind: str,
    party: Any,
    channel: str | None,
    before: TimelineCursor | None,
    limit: int,
) -> list[TimelineEntry]:
    """Timeline source "lifecycle": the party's stage moves; they have no channel."""
    if channel:
        return []
    if before is None:  # the first page comes from the moves the key figures read too
        rows: Any = _latest_moves(kind, party)
    else:
        rows = (
            LifecycleChange.objects.filter(**{kind: party})
            .filter(before.q("lifecycle", time_field="changed_at"))
            .only("pk", "changed_at", "from_stage", "to_stage")
            .order_by("-changed_at", "-pk")
        )
    return [
        TimelineEntry(
            occurred_at=row.changed_at,
            source="lifecycle",
            record_id=row.pk,
            kind="lifecycle_change",
            title=f"Stage {row.from_stage.replace('_', ' ')} → {row.to_stage.replace('_', ' ')}",
            ids={"from_stage": row.from_stage, "to_stage": row.to_stage},
        )
        for row in rows[:limit]
    ]


def interaction_figures(kind: str, party: Any) -> dict[str, Any]:
    """Key figures "interactions": count, first and last touch, mix by channel (one query)."""
    per_channel = (
        _interactions_of(kind, party)
        .order_by()
        .values("channel")
        .annotate(count=Count("*"), first=Min("occurred_at"), last=Max("occurred_at"))
    )
    rows = list(per_channel)
    total = sum(row["count"] for row in rows)
    return {
        "interaction_count": total,
        "first_interaction_at": min((row["first"] for row in rows), default=None),
        "last_interaction_at": max((row["last"] for row in rows), default=None),
        "channel_mix": {
            row["channel"]: row["count"]
            for row in sorted(rows, key=lambda row: (-row["count"], row["channel"]))
        },
    }


def lifecycle_figures(kind: str, party: Any) -> dict[str, Any]:
    """Key figures "lifecycle": the current stage and since when (its latest move there)."""
    moves = _latest_moves(kind, party)
    since = next((m.changed_at for m in moves if m.to_stage == party.lifecycle_stage), None)
    if since is None and len(moves) == LIFECYCLE_WINDOW:  # a long history: look further back
        since = (
            LifecycleChange.objects.filter(**{kind: party}, to_stage=party.lifecycle_stage)
            .order_by("-changed_at", "-pk")
            .values_list("changed_at", flat=True)
            .first()
        )
    return {
        "lifecycle_stage": party.lifecycle_stage,
        "lifecycle_stage_since": since or party.created_at,
    }


def register_builtins() -> None:
    """The customers context's own timeline sources and key figures (from apps.py)."""
    panels.register_timeline_source(TimelineSource("interaction", interaction_entries))
    panels.register_timeline_source(TimelineSource("lifecycle", lifecycle_entries))
    panels.register_key_figures(KeyFigures("interactions", interaction_figures, order=10))
    panels.register_key_figures(KeyFigures("lifecycle", lifecycle_figures, order=20))


# --- assembling the view ---------------------------------------------------------------------


def _permitted(permissions: frozenset[str], needed: str) -> bool:
    area, _, level = needed.partition(":")
    return allows(permissions, area, level or "read")


@dataclass(frozen=True)
class TimelinePage:
    """One page of the merged timeline and the cursor of the next (None on the last)."""

    entries: list[TimelineEntry]
    next_cursor: str | None
    channel: str | None


def timeline(
    party: Account | Person,
    permissions: frozenset[str],
    *,
    channel: str | None = None,
    before: TimelineCursor | None = None,
    limit: int = TIMELINE_DEFAULT_LIMIT,
) -> TimelinePage:
    """Every permitted source's entries merged newest first, ``limit`` at a time."""
    kind = party_kind(party)
    limit = max(1, min(limit, TIMELINE_MAX_LIMIT))
    candidates: list[TimelineEntry] = []
    for source in panels.timeline_sources():
        if _permitted(permissions, source.permission):
            candidates.extend(source.load(kind, party, channel, before, limit + 1))
    merged = heapq.nlargest(limit + 1, candidates, key=TimelineEntry.sort_key)
    page = merged[:limit]
    more = len(merged) > limit
    next_cursor = TimelineCursor.after(page[-1]).encode() if more and page else None
    return TimelinePage(page, next_cursor, channel)


def key_figures(party: Account | Person, permissions: frozenset[str]) -> dict[str, Any]:
    """Every permitted provider's figures, merged in provider order."""
    kind = party_kind(party)
    figures: dict[str, Any] = {}
    for provider in panels.key_figure_providers():
        if _permitted(permissions, provider.permission):
            figures.update(provider.provide(kind, party))
    return figures


def panel_data(party: Account | Person, permissions: frozenset[str]) -> list[tuple[Any, Any]]:
    """(panel, data) for every permitted panel, in display order."""
    kind = party_kind(party)
    return [
        (panel, panel.load(kind, party))
        for panel in panels.panels()
        if _permitted(permissions, panel.permission)
    ]


def entry_out(entry: TimelineEntry) -> dict[str, Any]:
    """A timeline entry as the API returns it."""
    return {
        "id": entry.id,
        "source": entry.source,
        "occurred_at": entry.occurred_at,
        "kind": entry.kind,
        "title": entry.title,
        "detail": entry.detail,
        "channel": entry.channel,
        "url": entry.url,
        "ids": entry.ids,
    }


def timeline_out(page: TimelinePage) -> dict[str, Any]:
    """A timeline page as the API returns it."""
    return {
        "items": [entry_out(entry) for entry in page.entries],
        "next_cursor": page.next_cursor,
        "channel": page.channel,
    }


def customer_360(
    ref: CustomerRef,
    permissions: frozenset[str],
    *,
    channel: str | None = None,
    cursor: str | None = None,
    limit: int = TIMELINE_DEFAULT_LIMIT,
) -> dict[str, Any]:
    """Everything the 360° view shows of one customer, as the API returns it."""
    channel = checked_channel(channel)
    before = checked_cursor(cursor)
    party = customer(ref)
    return {
        "id": ref.id,
        "kind": ref.kind,
        "profile": profile(party),
        "contacts": contacts(party),
        "key_figures": key_figures(party, permissions),
        "panels": {panel.key: data for panel, data in panel_data(party, permissions)},
        "timeline": timeline_out(
            timeline(party, permissions, channel=channel, before=before, limit=limit)
        ),
        "page_url": reverse(f"customers-{ref.kind}-360", args=[ref.pk]),
    }
