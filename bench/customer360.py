"""Benchmark: ``GET /api/v1/customers/{id}/360`` on PostgreSQL at 100k customers / 2M interactions.

Seeds the data set with ``valuechain seed`` when the tenant has fewer rows than asked, then
calls the 360° API in-process through Django's test client (an API token, the full
middleware and Ninja stack) for a sample of light and heavy people and accounts, and prints
p50/p95/p99. The named anchor, measured in the same run for the same customers, is the bare
SQL of the first timeline page (``SELECT … ORDER BY occurred_at DESC LIMIT 21``): the ratio
says what the whole view costs over the one query it cannot avoid.

    DATABASE_URL=postgres://… .venv/bin/python bench/customer360.py [--samples 300]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from percentiles import percentile

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "valuechain.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from valuechain.crm.customers.models import Account, Interaction, Person  # noqa: E402
from valuechain.platform.identity import services as identity  # noqa: E402
from valuechain.platform.tenancy import services as tenancy  # noqa: E402
from valuechain.platform.tenancy.context import system_context, tenant_context  # noqa: E402
from valuechain.platform.tenancy.models import Membership, Tenant  # noqa: E402

BENCH_USER = "bench-360@valuechain.invalid"
PERSON_ANCHOR = """
    SELECT id, occurred_at, channel, kind, subject FROM customers_interaction
    WHERE tenant_id = %s AND person_id = %s ORDER BY occurred_at DESC, id DESC LIMIT 21"""
ACCOUNT_ANCHOR = """
    SELECT id, occurred_at, channel, kind, subject FROM customers_interaction
    WHERE tenant_id = %s AND account_id = %s
    UNION ALL
    SELECT i.id, i.occurred_at, i.channel, i.kind, i.subject
    FROM customers_person p JOIN customers_interaction i
      ON i.tenant_id = p.tenant_id AND i.person_id = p.id
    WHERE p.tenant_id = %s AND p.account_id = %s AND i.account_id IS DISTINCT FROM p.account_id
    ORDER BY occurred_at DESC, id DESC LIMIT 21"""


def ensure_data(slug: str, customers: int, interactions: int) -> Tenant:
    """The tenant with at least the asked rows, seeding what is missing."""
    tenant = Tenant.objects.filter(slug=slug).first()
    have_people = have_interactions = 0
    if tenant is not None:
        with tenant_context(tenant):
            have_people = Person.objects.count()
            have_interactions = Interaction.objects.count()
    if have_people < customers or have_interactions < interactions:
        print(f"seeding {slug}: have {have_people:,} people, {have_interactions:,} interactions")
        call_command(
            "seed",
            "--customers",
            str(max(customers - have_people, 1)),
            "--interactions",
            str(max(interactions - have_interactions, 0)),
            "--tenant",
            slug,
        )
        tenant = Tenant.objects.get(slug=slug)
    return tenant


def bench_token(tenant: Tenant) -> str:
    """A fresh crm:read API token of an administrator of the tenant."""
    with system_context():
        membership = Membership.objects.filter(tenant=tenant, user__username=BENCH_USER).first()
        if membership is None:
            user = tenancy.create_user(BENCH_USER, None)
            membership = tenancy.add_member(tenant, user, "admin")
    with tenant_context(tenant, actor=membership.user):
        _token, raw = identity.create_token(
            membership,
            name="bench 360",
            scopes=["crm:read"],
            expires_in_days=1,
            actor=membership.user,
        )
    return raw


def sample(tenant: Tenant, size: int, rng: random.Random) -> list[tuple[str, int, str]]:
    """(kind, pk, weight class): random people and accounts plus the heaviest of each."""
    with tenant_context(tenant):
        people = list(Person.objects.values_list("pk", flat=True))
        accounts = list(Account.objects.values_list("pk", flat=True))
        heavy_people = list(
            Interaction.objects.filter(person__isnull=False)
            .values("person_id")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .values_list("person_id", flat=True)[: size // 10]
        )
        heavy_accounts = list(
            Person.objects.filter(account__isnull=False)
            .values("account_id")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .values_list("account_id", flat=True)[: size // 20]
        )
    chosen = [("person", pk, "heavy") for pk in heavy_people]
    chosen += [("account", pk, "heavy") for pk in heavy_accounts]
    light_accounts = size // 10
    chosen += [
        ("account", pk, "random") for pk in rng.sample(accounts, min(light_accounts, len(accounts)))
    ]
    chosen += [("person", pk, "random") for pk in rng.sample(people, size - len(chosen))]
    rng.shuffle(chosen)
    return chosen


def timed(call: Callable[[], Any]) -> float:
    """Milliseconds one call takes."""
    began = time.perf_counter()
    call()
    return (time.perf_counter() - began) * 1000


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--interactions", type=int, default=2_000_000)
    parser.add_argument("--tenant", default="bench360")
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if connection.vendor != "postgresql":
        print("bench/customer360.py measures PostgreSQL: set DATABASE_URL=postgres://…")
        return 2
    tenant = ensure_data(args.tenant, args.customers, args.interactions)
    rng = random.Random(args.seed)
    chosen = sample(tenant, args.samples, rng)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {bench_token(tenant)}")

    def call(kind: str, pk: int) -> Any:
        response = client.get(f"/api/v1/customers/{kind}-{pk}/360")
        if response.status_code != 200:
            raise SystemExit(f"{kind}-{pk}: HTTP {response.status_code} {response.content[:200]!r}")
        return response

    def anchor(kind: str, pk: int) -> None:
        with tenant_context(tenant), connection.cursor() as cursor:
            if kind == "person":
                cursor.execute(PERSON_ANCHOR, [tenant.pk, pk])
            else:
                cursor.execute(ACCOUNT_ANCHOR, [tenant.pk, pk, tenant.pk, pk])
            cursor.fetchall()

    for kind, pk, _weight in chosen[:20]:  # warm connections, caches and the plan cache
        call(kind, pk)
        anchor(kind, pk)
    api_ms: list[float] = []
    sql_ms: list[float] = []
    by_class: dict[str, list[float]] = {}
    queries: list[int] = []
    cpu_ms: list[float] = []
    for kind, pk, weight in chosen:
        cpu = time.process_time()
        with CaptureQueriesContext(connection) as captured:
            elapsed = timed(lambda kind=kind, pk=pk: call(kind, pk))
        cpu_ms.append((time.process_time() - cpu) * 1000)
        queries.append(len(captured.captured_queries))
        api_ms.append(elapsed)
        by_class.setdefault(f"{weight} {kind}", []).append(elapsed)
        sql_ms.append(timed(lambda kind=kind, pk=pk: anchor(kind, pk)))
    with tenant_context(tenant):
        people, interactions = Person.objects.count(), Interaction.objects.count()
    load = " / ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load} (1/5/15 min) at the end")
    print(f"customer 360 benchmark: tenant {tenant.slug}, {people:,} people, {interactions:,} "
          f"interactions, {len(chosen)} calls, PostgreSQL {connection.pg_version}")  # fmt: skip
    print(f"{'':28} {'p50':>8} {'p95':>8} {'p99':>8}  (ms)")
    rows = [("GET /customers/{id}/360", api_ms), ("anchor: bare timeline SQL", sql_ms)]
    rows += [(f"  {name} (n={len(values)})", values) for name, values in sorted(by_class.items())]
    for name, values in rows:
        print(f"{name:28} {percentile(values, .5):8.2f} {percentile(values, .95):8.2f} "
              f"{percentile(values, .99):8.2f}")  # fmt: skip
    print(f"ratio API/anchor: p50 {percentile(api_ms, .5) / percentile(sql_ms, .5):.1f}x, "
          f"p95 {percentile(api_ms, .95) / percentile(sql_ms, .95):.1f}x")  # fmt: skip
    print(f"Python CPU per call (client included): p50 {percentile(cpu_ms, .5):.1f} ms, "
          f"p95 {percentile(cpu_ms, .95):.1f} ms")  # fmt: skip
    print(f"queries per call: min {min(queries)}, max {max(queries)}, "
          f"mean {statistics.mean(queries):.1f}")  # fmt: skip
    verdict = "meets" if percentile(api_ms, 0.95) < 100 else "MISSES"
    print(f"p95 {percentile(api_ms, 0.95):.1f} ms {verdict} the 100 ms target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
