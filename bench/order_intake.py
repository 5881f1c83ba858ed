"""Benchmark: orders placed and confirmed per second through the HTTP API on PostgreSQL.

Serves ``valuechain.wsgi:application`` with gunicorn (gthread workers, DEBUG off) in a
subprocess on a free port, then drives ``POST /api/v1/sales-orders`` with ``"confirm": true``
(three lines each, stock reserved) from closed-loop keep-alive clients spread over a few
client processes, at 1, 8 and 32 concurrent clients. One line in ten orders a "scarce"
variant with little stock, so some orders lose the race (409) and the oversell check means
something. The named anchor, measured in the same run on the same server, is ``pgbench``
(TPC-B-like, 32 clients) on a scratch database; the ratio orders/s ÷ pgbench tps is printed.

    DATABASE_URL=postgres://… .venv/bin/python bench/order_intake.py \
        [--seconds 10] [--clients 1,8,32]
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from percentiles import percentile

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "valuechain.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Sum  # noqa: E402

from valuechain.crm.customers import services as customers  # noqa: E402
from valuechain.crm.customers.models import Person  # noqa: E402
from valuechain.platform.identity import services as identity  # noqa: E402
from valuechain.platform.tenancy import services as tenancy  # noqa: E402
from valuechain.platform.tenancy.context import system_context, tenant_context  # noqa: E402
from valuechain.platform.tenancy.models import Membership, Tenant  # noqa: E402
from valuechain.scm.catalog import services as catalog  # noqa: E402
from valuechain.scm.catalog.models import Variant  # noqa: E402
from valuechain.scm.inventory import queries as inventory_queries  # noqa: E402
from valuechain.scm.inventory import services as inventory  # noqa: E402
from valuechain.scm.inventory import warehouses  # noqa: E402
from valuechain.scm.inventory.models import Reservation, StockBalance, Warehouse  # noqa: E402
from valuechain.scm.orders.models import SalesOrder  # noqa: E402

BENCH_USER = "bench-orders@valuechain.invalid"
TENANT_SLUG = "bench-orders"
# A shop sells many items: orders spread over them, so concurrent orders rarely wait on the
# same balance row (with a handful of SKUs every order would queue on the same few rows).
PLENTIFUL_SKUS = [f"BENCH-ORD-{n}" for n in range(1, 301)]
SCARCE_SKU = "BENCH-ORD-SCARCE"
SCARCE_TOP_UP = Decimal(40)  # scarce units on hand at the start of each run
PLENTIFUL_FLOOR = Decimal(1_000_000)
TARGET_ORDERS_PER_SECOND = 200
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def ensure_setup() -> dict[str, Any]:
    """Tenant, admin, token, customer, variants, warehouse and stock, created once and topped up."""
    with system_context():
        tenant = Tenant.objects.filter(slug=TENANT_SLUG).first()
        if tenant is None:
            tenant = tenancy.create_tenant("Bench orders", TENANT_SLUG)
        membership = Membership.objects.filter(tenant=tenant, user__username=BENCH_USER).first()
        if membership is None:
            membership = tenancy.add_member(tenant, tenancy.create_user(BENCH_USER, None), "admin")
    with tenant_context(tenant, actor=membership.user):
        _token, raw = identity.create_token(
            membership, "bench orders", ["scm:write", "crm:read"], expires_in_days=1
        )
        person = Person.objects.filter(last_name="Bench buyer").first()
        if person is None:
            person = customers.create_person(first_name="Order", last_name="Bench buyer")
        warehouse = Warehouse.objects.filter(code="BENCHWH").first()
        if warehouse is None:
            warehouse = warehouses.create_warehouse(code="BENCHWH", name="Bench warehouse")
        existing = {v.sku: v for v in Variant.objects.filter(sku__in=[*PLENTIFUL_SKUS, SCARCE_SKU])}
        for number, sku in enumerate([*PLENTIFUL_SKUS, SCARCE_SKU], start=1):
            if sku not in existing:
                product = catalog.create_product(name=f"Bench {sku}", sku=sku)
                existing[sku] = Variant.objects.get(product=product)
            if number % 50 == 0:
                print(f"  products {number}/{len(PLENTIFUL_SKUS) + 1}", flush=True)
        variant_ids = {sku: variant.pk for sku, variant in existing.items()}
        available = inventory_queries.available(list(variant_ids.values()))
        for sku, variant in existing.items():
            want = SCARCE_TOP_UP if sku == SCARCE_SKU else PLENTIFUL_FLOOR
            if available[variant.pk] < want:
                inventory.receive(
                    variant=variant, warehouse=warehouse, quantity=want - available[variant.pk]
                )
    return {"tenant": tenant, "token": raw, "person": person.pk, "variants": variant_ids}


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(port: int, workers: int, threads: int) -> subprocess.Popen[bytes]:
    """Gunicorn serving the WSGI app with DEBUG off; returns once it answers."""
    env = {
        **os.environ,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
    }
    gunicorn = [sys.executable, "-m", "gunicorn", "valuechain.wsgi:application"]
    options = [
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
    ]
    options += ["--threads", str(threads), "--keep-alive", "30", "--log-level", "warning"]
    server = subprocess.Popen([*gunicorn, *options], cwd=PROJECT_ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            probe.request("GET", "/api/v1/sales-orders?limit=1")
            probe.getresponse().read()
            return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit("gunicorn exited at start-up") from None
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


def order_body(setup: dict[str, Any], number: int) -> bytes:
    """Three lines; every tenth order takes one scarce unit instead of a plentiful one."""
    skus = [PLENTIFUL_SKUS[(number * 7 + k * 101) % len(PLENTIFUL_SKUS)] for k in range(3)]
    if number % 10 == 0:
        skus[2] = SCARCE_SKU
    lines = [
        {"variant_id": setup["variants"][sku], "quantity": 1, "unit_price": "5.00"} for sku in skus
    ]
    body = {"channel": "web", "person_id": setup["person"], "lines": lines, "confirm": True}
    return json.dumps(body).encode()


Request = tuple[str, str, bytes | None]  # method, path, body


def client_loop(
    port: int, token: str, requests: list[Request], stop_at: float, sink: list[Any]
) -> None:
    """One closed-loop keep-alive client: (status, ms, finished_at) per request until stop_at."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    index = 0
    while time.monotonic() < stop_at:
        method, path, body = requests[index % len(requests)]
        began = time.monotonic()
        try:
            conn.request(method, path, body, headers)
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            status = 0
        ended = time.monotonic()
        sink.append((status, (ended - began) * 1000, ended))
        index += 1
    conn.close()


def client_process(job: tuple[int, str, list[list[Request]], float]) -> list[Any]:
    """A client process running one thread per client; returns all their samples."""
    port, token, requests_per_client, stop_at = job
    sink: list[Any] = []
    threads = [
        threading.Thread(target=client_loop, args=(port, token, requests, stop_at, sink))
        for requests in requests_per_client
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sink


def run_level(
    pool: Any,
    setup: dict[str, Any],
    port: int,
    requests: list[list[Request]],
    args: Any,
    ok: int = 201,
) -> dict[str, Any]:
    """Warm up, then measure one closed-loop client per request list for args.seconds."""
    clients = len(requests)
    processes = min(clients, args.client_processes)
    start = time.monotonic()
    stop_at = start + args.warmup + args.seconds
    measure_from = start + args.warmup
    jobs = [(port, setup["token"], requests[p::processes], stop_at) for p in range(processes)]
    samples = [s for chunk in pool.map(client_process, jobs) for s in chunk]
    measured = [s for s in samples if s[2] >= measure_from]
    done = [ms for status, ms, _ in measured if status == ok]
    return {
        "clients": clients,
        "per_second": len(done) / args.seconds,
        "p50": percentile(done, 0.5),
        "p99": percentile(done, 0.99),
        "errors": Counter(status for status, _, _ in measured if status != ok),
        "all_ok": sum(1 for status, _, _ in samples if status == ok),
    }


def order_requests(setup: dict[str, Any], clients: int) -> list[list[Request]]:
    """Per client, 200 different order placements to cycle through."""
    path = "/api/v1/sales-orders"
    return [
        [("POST", path, order_body(setup, c * 1000 + n)) for n in range(200)]
        for c in range(clients)
    ]


def read_requests(tenant: Tenant, clients: int) -> list[list[Request]]:
    """Per client, GETs of recent orders: the same stack (auth, tenant, RLS) doing one read."""
    with tenant_context(tenant):
        ids = list(SalesOrder.objects.order_by("-pk").values_list("pk", flat=True)[:200])
    connection.close()
    return [[("GET", f"/api/v1/sales-orders/{pk}", None) for pk in ids] for _ in range(clients)]


def pgbench_tps(seconds: int) -> float:
    """TPC-B-like pgbench tps, 32 clients, on a scratch database of the same server."""
    found = shutil.which("pgbench") or next(
        (str(p) for p in sorted(Path("/usr/lib/postgresql").glob("*/bin/pgbench"))), None
    )
    if found is None:
        raise SystemExit("pgbench not found")
    url = urllib.parse.urlparse(os.environ["DATABASE_URL"])
    base = ["-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432)]
    base += ["-U", url.username or "postgres"]
    scratch = "vc_pgbench"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [scratch])
        exists = cursor.fetchone() is not None
        if not exists:
            cursor.execute(f'CREATE DATABASE "{scratch}"')
    if not exists:
        subprocess.run(
            [found, *base, "-i", "-s", "10", "-q", scratch], check=True, capture_output=True
        )
    result = subprocess.run(
        [found, *base, "-c", "32", "-j", "2", "-T", str(seconds), "-n", scratch],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    match = re.search(r"tps = ([\d.]+)", result.stdout)
    if match is None:
        raise SystemExit(f"cannot read pgbench tps from: {result.stdout[-400:]}")
    return float(match.group(1))


def oversell_problems(tenant: Tenant, created_total: int, confirmed_before: int) -> list[str]:
    """Every way stock could have been oversold or an order miscounted; empty when clean."""
    problems: list[str] = []
    with tenant_context(tenant):
        negative = StockBalance.objects.filter(on_hand__lt=0) | StockBalance.objects.filter(
            reserved__lt=0
        )
        if negative.exists():
            problems.append(f"{negative.count()} balances with negative on-hand or reserved")
        over = [
            b.pk
            for b in StockBalance.objects.filter(location__kind="stock")
            if b.reserved > b.on_hand
        ]
        if over:
            problems.append(f"reserved above on-hand in balances {over[:5]}")
        for balance in StockBalance.objects.all():
            active = Reservation.objects.filter(balance=balance, state="active").aggregate(
                total=Sum("quantity"), shipped=Sum("shipped")
            )
            expected = (active["total"] or Decimal(0)) - (active["shipped"] or Decimal(0))
            if balance.reserved != expected:
                problems.append(f"balance {balance.pk}: reserved {balance.reserved} != {expected}")
        mismatches = inventory_queries.ledger_mismatches()
        if mismatches:
            problems.append(f"ledger mismatches: {mismatches[:3]}")
        confirmed = SalesOrder.objects.filter(state="confirmed").count() - confirmed_before
        if confirmed != created_total:
            problems.append(f"{confirmed} new confirmed orders but {created_total} HTTP 201")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    """Set up, serve, measure each client level, run the pgbench anchor, check for oversell."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="measured seconds per level")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds per level")
    parser.add_argument("--clients", default="1,8,32", help="comma-separated client counts")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="gunicorn threads per worker")
    parser.add_argument("--client-processes", type=int, default=4)
    args = parser.parse_args(argv)
    if connection.vendor != "postgresql":
        print("bench/order_intake.py measures PostgreSQL: set DATABASE_URL=postgres://…")
        return 2
    levels = [int(n) for n in args.clients.split(",")]
    print("setting up tenant, token, stock …", flush=True)
    setup = ensure_setup()
    with tenant_context(setup["tenant"]):
        confirmed_before = SalesOrder.objects.filter(state="confirmed").count()
    connection.close()
    port = free_port()
    print(
        f"starting gunicorn: {args.workers} gthread workers x {args.threads} threads, port {port}"
    )
    server = start_server(port, args.workers, args.threads)
    results: list[dict[str, Any]] = []
    reads: dict[str, Any] = {}
    try:
        with multiprocessing.get_context("fork").Pool(args.client_processes) as pool:
            for clients in levels:
                print(
                    f"  {clients} clients: {args.warmup:g} s warm-up + {args.seconds} s …",
                    flush=True,
                )
                results.append(run_level(pool, setup, port, order_requests(setup, clients), args))
                print(f"    {results[-1]['per_second']:.1f} orders/s", flush=True)
            top_clients = max(levels)
            print(f"  same stack, {top_clients} clients reading one order each: …", flush=True)
            reads = run_level(
                pool, setup, port, read_requests(setup["tenant"], top_clients), args, ok=200
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"anchor: pgbench -c 32 -j 2 -T {args.seconds} …", flush=True)
    tps = pgbench_tps(args.seconds)
    load = " / ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load} (1/5/15 min) at the end")
    print(f"order intake benchmark, PostgreSQL {connection.pg_version}, {args.seconds} s per level")
    print(f"{'clients':>8} {'orders/s':>10} {'p50 ms':>8} {'p99 ms':>8}  errors by status")
    for row in results:
        errors = ", ".join(f"{code}: {n}" for code, n in sorted(row["errors"].items())) or "none"
        print(f"{row['clients']:>8} {row['per_second']:>10.1f} {row['p50']:>8.1f} "
              f"{row['p99']:>8.1f}  {errors}")  # fmt: skip
    print(f"anchor: pgbench tps (32 clients, TPC-B-like, scale 10) = {tps:.1f}")
    top = next((r for r in results if r["clients"] == 32), results[-1])
    print(
        f"ratio orders/s / pgbench tps at {top['clients']} clients: {top['per_second'] / tps:.3f}"
    )
    print(f"same stack: GET /api/v1/sales-orders/{{id}} at {reads['clients']} clients = "
          f"{reads['per_second']:.1f} req/s (p50 {reads['p50']:.1f} ms, p99 {reads['p99']:.1f} ms)"
          f"; ratio orders/s / reads/s: {top['per_second'] / reads['per_second']:.3f}")  # fmt: skip
    verdict = "meets" if top["per_second"] >= TARGET_ORDERS_PER_SECOND else "MISSES"
    print(f"ratio orders/s / {TARGET_ORDERS_PER_SECOND} target: "
          f"{top['per_second'] / TARGET_ORDERS_PER_SECOND:.2f} ({verdict})")  # fmt: skip
    problems = oversell_problems(
        setup["tenant"], sum(r["all_ok"] for r in results), confirmed_before
    )
    if problems:
        print("OVERSELL CHECK FAILED:\n  " + "\n  ".join(problems))
        return 1
    print("oversell: 0")
    return 0


if __name__ == "__main__":
    sys.exit(main())
