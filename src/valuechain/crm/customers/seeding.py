"""``valuechain seed``: a large, realistic data set of customers and touch points.

For benchmarks and load tests, not for demos (``valuechain demo`` makes the small, curated
one). Distributions: interactions per customer are heavy-tailed (Pareto: many customers
with a handful, a few with thousands), channels follow a retail mix, every customer starts
at some point of the last three years and recent months are busier; a share of the people
are contacts of accounts, heavy-tailed too (a few accounts with a hundred contacts).
Rows are written in batches: on PostgreSQL through COPY into a temporary table and one
``INSERT … SELECT`` per batch (COPY straight into a table with row-level security is
refused), elsewhere with ``bulk_create``. Signals, audit and events are skipped on
purpose: this is bulk data.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from django.db import connection, models
from django.utils import timezone

from valuechain.crm.customers.models import (
    Account,
    EmailAddress,
    Interaction,
    LifecycleChange,
    Person,
    PhoneNumber,
)
from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import tenant_context
from valuechain.platform.tenancy.models import Tenant

BATCH = 50_000
HISTORY_DAYS = 3 * 365
PARETO_ALPHA = 1.3
MAX_SHARE_PER_CUSTOMER = 0.004  # the heaviest customer gets at most 0.4 % of all interactions
ACCOUNT_INTERACTION_SHARE = 0.04  # touch points logged on an account, not on a person
CONTACT_SHARE = 0.3  # people who are contacts of an account; the rest are consumers
SOURCE = "seed"

CHANNEL_MIX: dict[str, float] = {
    "web": 30,
    "email": 20,
    "store": 12,
    "mobile": 10,
    "call_centre": 8,
    "social": 6,
    "sales_rep": 5,
    "service_centre": 4,
    "direct_mail": 3,
    "field_service": 2,
}
CHANNEL_KINDS: dict[str, tuple[tuple[str, str, str], ...]] = {
    # channel: (kind, direction, subject template)
    "web": (("visit", "inbound", "Visited {page}"), ("purchase", "inbound", "Web order #{n}")),
    "email": (
        ("email", "inbound", "Question about order #{n}"),
        ("email", "outbound", "Newsletter {month}"),
    ),
    "store": (("purchase", "inbound", "Store receipt #{n}"), ("visit", "inbound", "Store visit")),
    "mobile": (("visit", "inbound", "App session"), ("purchase", "inbound", "App order #{n}")),
    "call_centre": (("call", "inbound", "Call about delivery #{n}"),),
    "social": (("message", "inbound", "Message on social media"),),
    "sales_rep": (
        ("meeting", "outbound", "Account review"),
        ("call", "outbound", "Follow-up call"),
    ),
    "service_centre": (("visit", "inbound", "Repair drop-off #{n}"),),
    "direct_mail": (("other", "outbound", "Catalogue {month}"),),
    "field_service": (("visit", "outbound", "Technician visit #{n}"),),
}
PAGES = ("/", "/pricing", "/products", "/sale", "/support", "/checkout")
STAGE_MIX: dict[str, float] = {
    "prospect": 25,
    "acquired": 15,
    "active": 40,
    "at_risk": 10,
    "churned": 10,
}
STAGE_PATHS: dict[str, tuple[str, ...]] = {
    "prospect": (),
    "acquired": ("acquired",),
    "active": ("acquired", "active"),
    "at_risk": ("acquired", "active", "at_risk"),
    "churned": ("acquired", "active", "at_risk", "churned"),
}
FIRST_NAMES = [
    "Ada",
    "Alan",
    "Anna",
    "Ben",
    "Chloe",
    "David",
    "Emma",
    "Eva",
    "Felix",
    "Grace",
    "Hanna",
    "Ida",
    "Jan",
    "Jonas",
    "Julia",
    "Karl",
    "Lara",
    "Lea",
    "Leon",
    "Lina",
    "Luca",
    "Marie",
    "Max",
    "Mia",
    "Noah",
    "Nora",
    "Olga",
    "Paul",
    "Rosa",
    "Sam",
    "Sofia",
    "Tom",
    "Vera",
    "Yusuf",
    "Zoe",
]
LAST_NAMES = [
    "Becker",
    "Braun",
    "Fischer",
    "Garcia",
    "Hoffmann",
    "Jansen",
    "Klein",
    "Koch",
    "Kowalski",
    "Lange",
    "Lopez",
    "Martin",
    "Meyer",
    "Moreau",
    "Müller",
    "Neumann",
    "Novak",
    "Peters",
    "Richter",
    "Rossi",
    "Schmidt",
    "Schneider",
    "Schulz",
    "Silva",
    "Smith",
    "Wagner",
    "Weber",
    "Wolf",
    "Yilmaz",
    "Zimmermann",
]
COMPANY_WORDS = [
    "Alpine",
    "Atlas",
    "Blue",
    "Cedar",
    "Delta",
    "Eagle",
    "Fjord",
    "Granite",
    "Harbor",
    "Iris",
    "Juniper",
    "Kestrel",
    "Lumen",
    "Maple",
    "Nova",
    "Orbit",
    "Pioneer",
    "Quartz",
    "River",
    "Summit",
    "Tidal",
    "Union",
    "Vertex",
    "Willow",
    "Zenith",
]
COMPANY_KINDS = ("Retail", "Foods", "Logistics", "Systems", "Outdoor", "Home", "Fashion")
INDUSTRIES = ("retail", "wholesale", "manufacturing", "hospitality", "services", "software")


# --- pure distributions ----------------------------------------------------------------------


def interaction_counts(customers: int, total: int, rng: random.Random) -> list[int]:
    """How many interactions each customer gets: heavy-tailed, summing exactly to ``total``."""
    if customers <= 0:
        return []
    cap = max(1.0, total * MAX_SHARE_PER_CUSTOMER)
    weights = [rng.paretovariate(PARETO_ALPHA) for _ in range(customers)]
    scale = total / sum(weights)
    counts = [min(int(weight * scale), int(cap)) for weight in weights]
    missing = total - sum(counts)
    while missing > 0:  # hand out what rounding and the cap left over, by the same weights
        for index in rng.choices(range(customers), weights=weights, k=missing):
            if counts[index] < cap:
                counts[index] += 1
                missing -= 1
        if missing and all(count >= cap for count in counts):
            cap += 1  # only when total > customers * cap: spread the rest evenly
    return counts


def employers(people: int, account_ids: Sequence[int], rng: random.Random) -> list[int | None]:
    """The account of each person, or None (a consumer): ``CONTACT_SHARE`` are contacts,
    spread heavy-tailed over the accounts (most have a handful, a few have a hundred)."""
    contacts = round(people * CONTACT_SHARE) if account_ids else 0
    per_account = interaction_counts(len(account_ids), contacts, rng)
    slots: list[int | None] = [
        account for account, count in zip(account_ids, per_account, strict=True)
        for _ in range(count)
    ]  # fmt: skip
    slots += [None] * (people - contacts)
    rng.shuffle(slots)
    return slots


def moments(
    count: int, start: dt.datetime, end: dt.datetime, rng: random.Random
) -> list[dt.datetime]:
    """``count`` times between start and end, later ones likelier (a growing business)."""
    span = (end - start).total_seconds()
    return [start + dt.timedelta(seconds=span * rng.random() ** 0.7) for _ in range(count)]


def subject_for(channel: str, when: dt.datetime, rng: random.Random) -> tuple[str, str, str]:
    """(kind, direction, subject) of one interaction on a channel."""
    kind, direction, template = rng.choice(CHANNEL_KINDS[channel])
    subject = template.format(
        n=rng.randint(10_000, 99_999), page=rng.choice(PAGES), month=when.strftime("%B %Y")
    )
    return kind, direction, subject


# --- progress ----------------------------------------------------------------------------------


class Progress:
    """One self-updating stderr line per phase: label, bar, percentage, count, rate."""

    def __init__(self, label: str, total: int, stream: TextIO | None = None) -> None:
        self.label, self.total, self.done = label, max(total, 1), 0
        self.stream = stream or sys.stderr
        self.started = self.shown = time.monotonic()
        self._draw()

    def advance(self, count: int) -> None:
        """Count rows written; redraw at most five times a second."""
        self.done += count
        now = time.monotonic()
        if now - self.shown >= 0.2 or self.done >= self.total:
            self.shown = now
            self._draw()

    def close(self) -> None:
        """Draw the final state and end the line."""
        self._draw()
        self.stream.write("\n")
        self.stream.flush()

    def _draw(self) -> None:
        share = min(self.done / self.total, 1.0)
        bar = "#" * int(share * 30)
        elapsed = max(time.monotonic() - self.started, 1e-9)
        self.stream.write(
            f"\r{self.label:<14} [{bar:<30}] {share:6.1%} {self.done:>10,}/{self.total:,}"
            f"  {self.done / elapsed:>9,.0f}/s"
        )
        self.stream.flush()


# --- writing -----------------------------------------------------------------------------------


def _reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Primary keys from the table's sequence (PostgreSQL), so rows can refer to each other."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _copy_insert(
    model: type[models.Model], columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """COPY rows into a temporary twin of the table, then move them over in one INSERT."""
    table = model._meta.db_table
    staging = f"seed_{table}"
    names = ", ".join(f'"{column}"' for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE IF EXISTS "{staging}"')
        # the columns' types without their constraints: ids and defaults come later
        shape = f'CREATE TEMP TABLE "{staging}" AS SELECT {names} FROM "{table}" WITH NO DATA'  # noqa: S608
        cursor.execute(shape)
        with cursor.cursor.copy(f'COPY "{staging}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
        move = f'INSERT INTO "{table}" ({names}) SELECT {names} FROM "{staging}"'  # noqa: S608 - names from model metadata
        cursor.execute(move)


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: list[tuple[Any, ...]],
    *,
    with_ids: bool = False,
) -> list[int]:
    """Insert one batch (column values per row, ``tenant_id`` included); new pks if asked."""
    if not rows:
        return []
    if connection.vendor == "postgresql":
        ids: list[int] = []
        if with_ids:
            ids = _reserve_ids(model, len(rows))
            columns = ["id", *columns]
            rows = [(pk, *row) for pk, row in zip(ids, rows, strict=True)]
        _copy_insert(model, columns, rows)
        return ids
    made = model._default_manager.bulk_create(
        [model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=1000
    )
    return [row.pk for row in made]


def batched(items: Iterable[Any], size: int = BATCH) -> Iterator[list[Any]]:
    """Lists of at most ``size`` items."""
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# --- the run -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeedResult:
    """What a run wrote."""

    tenant: str
    accounts: int
    people: int
    interactions: int
    lifecycle_changes: int
    seconds: float


@dataclass
class _Ctx:
    tenant_id: int
    now: dt.datetime
    rng: random.Random
    progress: Callable[[str, int], Progress]


def _write_accounts(ctx: _Ctx, count: int) -> list[int]:
    columns = ("tenant_id", "created_at", "updated_at", "name", "legal_name", "website",
               "industry", "size_band", "lifecycle_stage", "custom")  # fmt: skip
    ids: list[int] = []
    bar = ctx.progress("accounts", count)
    for batch in batched(range(count)):
        rows = []
        for number in batch:
            name = f"{ctx.rng.choice(COMPANY_WORDS)} {ctx.rng.choice(COMPANY_KINDS)} {number + 1}"
            rows.append((ctx.tenant_id, ctx.now, ctx.now, name, f"{name} Ltd", "",
                         ctx.rng.choice(INDUSTRIES), ctx.rng.choice(("1-10", "11-50", "51-200")),
                         "active", "{}"))  # fmt: skip
        ids.extend(insert_rows(Account, columns, rows, with_ids=True))
        bar.advance(len(batch))
    bar.close()
    return ids


def _write_people(
    ctx: _Ctx, count: int, account_ids: list[int]
) -> list[tuple[int, str, int | None, dt.datetime]]:
    """People with an e-mail each, a phone for half; (pk, stage, account, first seen)."""
    columns = ("tenant_id", "created_at", "updated_at", "first_name", "last_name", "job_title",
               "account_id", "lifecycle_stage", "custom")  # fmt: skip
    stages, weights = list(STAGE_MIX), list(STAGE_MIX.values())
    people: list[tuple[int, str, int | None, dt.datetime]] = []
    bar = ctx.progress("people", count)
    accounts = employers(count, account_ids, ctx.rng)
    for batch in batched(range(count)):
        rows, extra = [], []
        for number in batch:
            first, last = ctx.rng.choice(FIRST_NAMES), ctx.rng.choice(LAST_NAMES)
            account = accounts[number]
            stage = ctx.rng.choices(stages, weights)[0]
            since = ctx.now - dt.timedelta(days=HISTORY_DAYS * ctx.rng.random())
            rows.append((ctx.tenant_id, since, ctx.now, first, last,
                         "Buyer" if account else "", account, stage, "{}"))  # fmt: skip
            extra.append((number, stage, account, since, first, last))
        ids = insert_rows(Person, columns, rows, with_ids=True)
        _write_contact_points(ctx, ids, extra)
        people.extend(
            (pk, stage, account, since)
            for pk, (_n, stage, account, since, _f, _l) in zip(ids, extra, strict=True)
        )
        bar.advance(len(batch))
    bar.close()
    return people


def _write_contact_points(ctx: _Ctx, ids: list[int], extra: list[tuple[Any, ...]]) -> None:
    emails, phones = [], []
    for pk, (number, _stage, _account, _since, first, last) in zip(ids, extra, strict=True):
        address = f"{first}.{last}.{number}@example.com".lower()
        emails.append((ctx.tenant_id, ctx.now, ctx.now, pk, address, "home", True))
        if number % 2 == 0:
            phone = f"+4915{number:09d}"
            phones.append((ctx.tenant_id, ctx.now, ctx.now, pk, phone, "mobile", True))
    columns = ("tenant_id", "created_at", "updated_at", "person_id")
    insert_rows(EmailAddress, (*columns, "email", "kind", "is_primary"), emails)
    insert_rows(PhoneNumber, (*columns, "number", "kind", "is_primary"), phones)


def _write_lifecycle(ctx: _Ctx, people: list[tuple[int, str, int | None, dt.datetime]]) -> int:
    columns = ("tenant_id", "created_at", "updated_at", "person_id", "from_stage", "to_stage",
               "changed_at")  # fmt: skip
    rows = []
    for pk, stage, _account, since in people:
        previous, when = "prospect", since
        for step in STAGE_PATHS[stage]:
            when = when + (ctx.now - when) * ctx.rng.random() * 0.5
            rows.append((ctx.tenant_id, when, when, pk, previous, step, when))
            previous = step
    bar = ctx.progress("stage moves", len(rows))
    for batch in batched(rows):
        insert_rows(LifecycleChange, columns, batch)
        bar.advance(len(batch))
    bar.close()
    return len(rows)


def _interaction_rows(
    ctx: _Ctx,
    people: list[tuple[int, str, int | None, dt.datetime]],
    account_ids: list[int],
    total: int,
) -> Iterator[tuple[Any, ...]]:
    channels, weights = list(CHANNEL_MIX), list(CHANNEL_MIX.values())
    on_accounts = int(total * ACCOUNT_INTERACTION_SHARE) if account_ids else 0
    parties: list[tuple[int | None, int | None, dt.datetime]] = [
        (pk, None, since) for pk, _stage, _account, since in people
    ]
    counts = interaction_counts(len(parties), total - on_accounts, ctx.rng)
    account_counts = interaction_counts(len(account_ids), on_accounts, ctx.rng)
    start = ctx.now - dt.timedelta(days=HISTORY_DAYS)
    parties += [(None, pk, start) for pk in account_ids]
    for (person_id, account_id, since), count in zip(parties, counts + account_counts, strict=True):
        chosen = ctx.rng.choices(channels, weights, k=count)
        for channel, when in zip(chosen, moments(count, since, ctx.now, ctx.rng), strict=True):
            kind, direction, subject = subject_for(channel, when, ctx.rng)
            yield (ctx.tenant_id, when, when, channel, kind, direction, when, "", subject, "",
                   "{}", person_id, account_id, "", SOURCE, "", "", "matched")  # fmt: skip


def _write_interactions(ctx: _Ctx, people: list[Any], account_ids: list[int], total: int) -> int:
    columns = ("tenant_id", "created_at", "updated_at", "channel", "kind", "direction",
               "occurred_at", "actor_name", "subject", "body", "payload", "person_id",
               "account_id", "related_id", "source", "identifier_kind", "identifier_value",
               "status")  # fmt: skip
    bar = ctx.progress("interactions", total)
    written = 0
    for batch in batched(_interaction_rows(ctx, people, account_ids, total)):
        insert_rows(Interaction, columns, batch)
        written += len(batch)
        bar.advance(len(batch))
    bar.close()
    return written


def seed_tenant(slug: str) -> Tenant:
    """The tenant to seed, created when missing."""
    tenant = Tenant.objects.filter(slug=slug).first()
    return tenant or tenancy.create_tenant(f"Seed {slug}", slug)


def seed(
    *,
    customers: int,
    interactions: int,
    accounts: int | None = None,
    tenant_slug: str = "seed",
    random_seed: int = 42,
    stream: TextIO | None = None,
) -> SeedResult:
    """Add ``customers`` people (plus accounts) and ``interactions`` touch points to a tenant."""
    began = time.monotonic()
    tenant = seed_tenant(tenant_slug)
    out = stream or sys.stderr
    ctx = _Ctx(
        tenant_id=tenant.pk,
        now=timezone.now().replace(microsecond=0),
        rng=random.Random(random_seed),
        progress=lambda label, total: Progress(label, total, out),
    )
    account_count = max(customers // 20, 1) if accounts is None else accounts
    with tenant_context(tenant, channel="cli"):
        account_ids = _write_accounts(ctx, account_count) if account_count else []
        people = _write_people(ctx, customers, account_ids)
        changes = _write_lifecycle(ctx, people)
        written = _write_interactions(ctx, people, account_ids, interactions)
        if connection.vendor == "postgresql":
            # fresh statistics for the planner and a visibility map for index-only scans
            with connection.cursor() as cursor:
                for model in (Account, Person, Interaction, LifecycleChange):
                    cursor.execute(f'VACUUM ANALYZE "{model._meta.db_table}"')
    return SeedResult(
        tenant=tenant.slug,
        accounts=len(account_ids),
        people=len(people),
        interactions=written,
        lifecycle_changes=changes,
        seconds=time.monotonic() - began,
    )
