"""No oversell, proven at the service level: many clients race for the last 10 units.

Each client is a thread with its own database connection, opened before the race; a
``threading.Barrier`` releases them together. The threads live for the whole test and run
one reservation per round, so twenty rounds cost twenty races, not twenty thread set-ups.

On PostgreSQL the balance rows are locked (``select_for_update``, primary-key order); on
SQLite the IMMEDIATE transactions (settings) serialise the writers. Either way exactly 10
succeed, every other client gets ``insufficient_stock`` and nothing else, and afterwards the
balances equal the ledger and reserved equals the sum of the active reservations.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import Sum

from valuechain.platform.errors import DomainError
from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import tenant_context
from valuechain.scm.catalog import services as catalog
from valuechain.scm.inventory import queries, reservations, services, warehouses
from valuechain.scm.inventory.models import Reservation, StockBalance
from valuechain.scm.inventory.reservations import Demand

SOURCE = "orders.salesorderline"
POSTGRES = connection.vendor == "postgresql"
CLIENTS = 100
ROUNDS = 20 if POSTGRES else 5


@dataclass
class Race:
    """A pool of client threads, each with its own connection, raced round after round."""

    tenant: Any
    clients: int
    work: Callable[[int, int], str] | None = None
    results: list[str] = field(default_factory=list)
    round: int = 0
    stop: bool = False

    def __post_init__(self) -> None:
        self.start = threading.Barrier(self.clients + 1)
        self.done = threading.Barrier(self.clients + 1)
        self.lock = threading.Lock()
        self.ready = threading.Barrier(self.clients + 1)
        self.threads = [
            threading.Thread(target=self._client, args=(i,), daemon=True)
            for i in range(self.clients)
        ]
        for thread in self.threads:
            thread.start()
        self.ready.wait(timeout=120)  # every client holds an open connection now

    def _client(self, index: int) -> None:
        try:
            connection.ensure_connection()
            self.ready.wait(timeout=120)
            while True:
                self.start.wait(timeout=120)
                if self.stop:
                    return
                assert self.work is not None
                outcome = self.work(index, self.round)
                with self.lock:
                    self.results.append(outcome)
                self.done.wait(timeout=120)
        finally:
            connection.close()

    def run(self, work: Callable[[int, int], str]) -> list[str]:
        """One round: release every client at once, wait until all have answered."""
        self.work = work
        self.results = []
        self.round += 1
        self.start.wait(timeout=120)
        self.done.wait(timeout=300)
        return list(self.results)

    def close(self) -> None:
        self.stop = True
        self.start.wait(timeout=120)
        for thread in self.threads:
            thread.join(timeout=60)


def _reserve_one(tenant: Any, variant_id: int) -> Callable[[int, int], str]:
    def work(index: int, round_no: int) -> str:
        try:
            with tenant_context(tenant, channel="api"):
                reservations.reserve(
                    [Demand(SOURCE, round_no * 10_000 + index, variant_id, Decimal(1))],
                    reference=f"race {round_no}",
                )
            return "reserved"
        except DomainError as exc:
            if exc.code == "insufficient_stock":
                assert exc.status == 409
                assert exc.details["available"] == "0"
                assert exc.details["requested"] == "1"
            return exc.code
        except Exception as exc:  # any other error fails the round
            return f"error: {type(exc).__name__}: {exc}"

    return work


def _check_round(tenant: Any, results: list[str], clients: int, variant_id: int) -> None:
    counts = Counter(results)
    assert counts == {"reserved": 10, "insufficient_stock": clients - 10}, counts
    with tenant_context(tenant):
        assert queries.ledger_mismatches() == []
        rows = StockBalance.objects.filter(variant_id=variant_id)
        held = Reservation.objects.filter(variant_id=variant_id, state="active").aggregate(
            q=Sum("quantity")
        )["q"]
        assert rows.aggregate(r=Sum("reserved"))["r"] == held == Decimal(15)
        assert rows.aggregate(h=Sum("on_hand"))["h"] == Decimal(15)
        assert queries.available([variant_id]) == {variant_id: Decimal(0)}


def _race_rounds(clients: int, rounds: int) -> dict[str, int]:
    tenant = tenancy.create_tenant("Race Retail", "race-retail")
    with tenant_context(tenant):
        dc1 = warehouses.create_warehouse(code="DC1", name="DC one", priority=1)
        dc2 = warehouses.create_warehouse(code="DC2", name="DC two", priority=2)
    race = Race(tenant, clients)
    totals: Counter[str] = Counter()
    try:
        for round_no in range(rounds):
            with tenant_context(tenant):
                product = catalog.create_product(
                    name=f"Last units {round_no}", sku=f"RACE-{round_no}"
                )
                variant = product.variants.get()
                # 15 on hand over two warehouses, 5 already promised: the last 10 are free
                services.receive(variant=variant, warehouse=dc1, quantity=Decimal(9))
                services.receive(variant=variant, warehouse=dc2, quantity=Decimal(6))
                reservations.reserve(
                    [Demand(SOURCE, 99_000_000 + round_no, variant.pk, Decimal(5))]
                )
            results = race.run(_reserve_one(tenant, variant.pk))
            _check_round(tenant, results, clients, variant.pk)
            totals.update(results)
    finally:
        race.close()
    return dict(totals)


pytestmark = pytest.mark.postgres if POSTGRES else []


@pytest.mark.skipif(not POSTGRES, reason="the PostgreSQL race; SQLite has its own below")
def test_postgres_no_oversell_100_clients_20_rounds(transactional_db, require_connections):
    require_connections(CLIENTS + 2)
    totals = _race_rounds(CLIENTS, ROUNDS)
    assert totals == {"reserved": 10 * ROUNDS, "insufficient_stock": (CLIENTS - 10) * ROUNDS}


@pytest.mark.skipif(POSTGRES, reason="the SQLite race; PostgreSQL has its own above")
def test_sqlite_no_oversell_100_clients(transactional_db):
    assert connection.settings_dict["NAME"] not in ("", ":memory:")
    assert "memory" not in str(connection.settings_dict["TEST"].get("NAME") or "file")
    totals = _race_rounds(CLIENTS, ROUNDS)
    assert totals == {"reserved": 10 * ROUNDS, "insufficient_stock": (CLIENTS - 10) * ROUNDS}
