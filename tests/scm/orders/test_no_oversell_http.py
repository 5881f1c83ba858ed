"""No oversell through the HTTP API: 100 clients race for the last 10 units.

Each client is a thread with its own Django test ``Client`` (and so its own database
connection), authenticated by an API token; a ``Barrier`` releases them together. Half of
them create and confirm in one call (``confirm: true``), half create a draft and then call
``/confirm``. Exactly 10 win, every other one gets 409 ``insufficient_stock``, none a 500,
and afterwards the balance rows equal the ledger and hold exactly the 10 reserved units.
PostgreSQL runs it 20 times; SQLite (which serialises writers) proves the same twice.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from valuechain.platform.identity.services import create_token
from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import tenant_context
from valuechain.scm.catalog import services as catalog
from valuechain.scm.catalog.models import Variant
from valuechain.scm.inventory import queries as inventory_queries
from valuechain.scm.inventory import services as inventory
from valuechain.scm.inventory import warehouses
from valuechain.scm.inventory.models import Reservation, StockBalance
from valuechain.scm.orders.models import SalesOrder

CLIENTS = 100
UNITS = 10
POSTGRES = connection.vendor == "postgresql"


def _setup(round_no: int) -> tuple[Any, str, int, int]:
    tenant = tenancy.create_tenant(f"Race {round_no}", f"race-{round_no}")
    admin = tenancy.add_member(
        tenant, tenancy.create_user(f"admin{round_no}@race.test", None), "admin"
    )
    with tenant_context(tenant, actor=admin.user):
        _, raw = create_token(admin, "race", ["scm:write", "crm:read"])
        from valuechain.crm.customers import services as customers

        person = customers.create_person(first_name="Race", last_name=f"Runner {round_no}")
        product = catalog.create_product(name="Last one", sku=f"LAST-{round_no}")
        variant = Variant.objects.get(product=product)
        warehouse = warehouses.create_warehouse(code="WH", name="Main")
        inventory.receive(variant=variant, warehouse=warehouse, quantity=Decimal(UNITS))
    return tenant, raw, variant.pk, person.pk


def _order(client: Client, headers: dict[str, str], body: dict[str, Any], index: int) -> Any:
    if index % 2 == 0:
        return client.post(
            "/api/v1/sales-orders",
            json.dumps({**body, "confirm": True}),
            content_type="application/json",
            headers=headers,
        )
    draft = client.post(
        "/api/v1/sales-orders", json.dumps(body), content_type="application/json", headers=headers
    )
    if draft.status_code != 201:
        return draft
    return client.post(f"/api/v1/sales-orders/{draft.json()['id']}/confirm", headers=headers)


def _race(raw_token: str, variant_id: int, person_id: int) -> list[tuple[int, str]]:
    barrier = threading.Barrier(CLIENTS)
    results: list[tuple[int, str]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    headers = {"Authorization": f"Bearer {raw_token}"}
    body = {
        "channel": "web",
        "person_id": person_id,
        "lines": [{"variant_id": variant_id, "quantity": 1, "unit_price": "5.00"}],
    }

    def run(index: int) -> None:
        try:
            client = Client(raise_request_exception=False)
            barrier.wait()
            response = _order(client, headers, body, index)
            code = response.json().get("code", "") if response.status_code != 201 else ""
            if response.status_code == 200:
                code = response.json()["state"]
            with lock:
                results.append((response.status_code, code))
        except BaseException as exc:  # reported by the main thread
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=run, args=(i,)) for i in range(CLIENTS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    return results


def _check_round(round_no: int) -> None:
    tenant, raw, variant_id, person_id = _setup(round_no)
    Client().get("/api/v1/sales-orders", headers={"Authorization": f"Bearer {raw}"})  # warm up
    outcomes = Counter(_race(raw, variant_id, person_id))
    won = outcomes[(201, "")] + outcomes[(200, "confirmed")]
    assert won == UNITS, outcomes
    assert outcomes[(409, "insufficient_stock")] == CLIENTS - UNITS, outcomes
    assert sum(outcomes.values()) == CLIENTS
    assert not any(status >= 500 for status, _ in outcomes), outcomes
    with tenant_context(tenant):
        assert SalesOrder.objects.filter(state="confirmed").count() == UNITS
        balance = StockBalance.objects.get(variant_id=variant_id, location__kind="stock")
        assert (balance.on_hand, balance.reserved) == (Decimal(UNITS), Decimal(UNITS))
        held = sum(
            r.quantity for r in Reservation.objects.filter(variant_id=variant_id, state="active")
        )
        assert held == Decimal(UNITS)
        assert inventory_queries.ledger_mismatches() == []
        assert inventory_queries.available([variant_id]) == {variant_id: Decimal(0)}


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES, reason="needs PostgreSQL row locks and real commits")
@pytest.mark.parametrize("round_no", range(20))
def test_http_clients_never_oversell_on_postgresql(transactional_db, require_connections, round_no):
    require_connections(CLIENTS + 2)
    _check_round(round_no)


@pytest.mark.skipif(POSTGRES, reason="the SQLite variant")
@pytest.mark.parametrize("round_no", range(2))
def test_http_clients_never_oversell_on_sqlite(transactional_db, round_no):
    _check_round(round_no)
