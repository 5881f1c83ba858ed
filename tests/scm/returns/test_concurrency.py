"""Customer returns under concurrency (PostgreSQL): racing receipts of one RMA book the
stock once; racing requests never return more than was shipped."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from tests.scm.fulfillment.conftest import build_world

from valuechain.platform.errors import DomainError
from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import tenant_context
from valuechain.scm.inventory.models import StockMove
from valuechain.scm.returns import services
from valuechain.scm.returns.models import ReturnAuthorization, ReturnLine

from .conftest import on_hand, shipped_order

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks and real commits"
    ),
]
D = Decimal
THREADS = 6


def _race(tenant, work: Callable[[], object]) -> list[str]:
    """Run work in threads released together, each with its own connection; 'ok' or the
    DomainError code each got."""
    barrier = threading.Barrier(THREADS)
    results: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            with tenant_context(tenant):
                barrier.wait()
                try:
                    work()
                    outcome = "ok"
                except DomainError as exc:
                    outcome = exc.code
            with lock:
                results.append(outcome)
        except BaseException as exc:  # reported by the main thread
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=run) for _ in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    return results


@pytest.fixture
def race_world(transactional_db):
    tenant = tenancy.create_tenant("Race Co", "race")
    with tenant_context(tenant):
        world = build_world()
        order = shipped_order(world)
    return tenant, world, order


def test_racing_receipts_book_stock_once(race_world):
    tenant, world, order = race_world
    with tenant_context(tenant):
        (line,) = order.lines.all()
        rma = services.request_return(
            order_id=order.pk, lines=[{"order_line_id": line.pk, "quantity": "3"}]
        )
        services.authorise(rma.pk)
    results = _race(tenant, lambda: services.receive(rma.pk))
    assert Counter(results) == Counter({"ok": 1, "invalid_state": THREADS - 1})
    with tenant_context(tenant):
        assert StockMove.objects.filter(kind="return").count() == 1
        assert on_hand(world, "quality") == D("3")
        assert ReturnAuthorization.objects.get().state == "received"


def test_racing_requests_never_return_more_than_shipped(race_world):
    tenant, _world, order = race_world
    with tenant_context(tenant):
        (line,) = order.lines.all()
    results = _race(
        tenant,
        lambda: services.request_return(
            order_id=order.pk, lines=[{"order_line_id": line.pk, "quantity": "1"}]
        ),
    )
    assert Counter(results) == Counter({"ok": 4, "exceeds_returnable": THREADS - 4})
    with tenant_context(tenant):
        assert sum(row.quantity for row in ReturnLine.objects.all()) == D("4")
