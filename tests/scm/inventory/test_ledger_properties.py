"""Stateful property test of the ledger: random receipts, reservations, releases, shipments,
store sales, transfers through in-transit, scrap, adjustments and passing days across three
warehouses, with and without negative stock, FEFO on.

After every step: every balance equals the sum of the ledger, reserved equals the active
reservations, reserved <= on hand and available >= 0 (unless negative stock is allowed),
and no lot leaves past its expiry date.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from valuechain.platform.errors import DomainError
from valuechain.platform.tenancy.context import tenant_context
from valuechain.scm.catalog import services as catalog
from valuechain.scm.inventory import movements, queries, services, warehouses
from valuechain.scm.inventory import reservations as reserving
from valuechain.scm.inventory.models import StockBalance, StockMove, Transfer
from valuechain.scm.inventory.reservations import Demand

SOURCE = "orders.salesorderline"
START = date(2026, 3, 1)
# lot number -> days from START to expiry (None: no lot)
LOTS = {"": None, "OLD": -1, "SOON": 5, "LATER": 40}
QTY = st.integers(min_value=1, max_value=12).map(Decimal)
EXPECTED = {"insufficient_stock", "not_reserved", "lot_expired"}


def make_machine(tenant: Any, negative: bool) -> type[RuleBasedStateMachine]:
    class Ledger(RuleBasedStateMachine):
        """The stock ledger under random operations."""

        reservations = Bundle("reservations")
        transfers = Bundle("transfers")

        def __init__(self) -> None:
            super().__init__()
            self.context = tenant_context(tenant)
            self.context.__enter__()
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            self.day = START
            self.clock = mock.patch.object(services, "today", lambda: self.day)
            self.clock.start()
            warehouses.update_settings(fefo=True, allow_negative_stock=negative)
            self.warehouses = [
                warehouses.create_warehouse(code=f"W{i}", name=f"Warehouse {i}", priority=i)
                for i in range(3)
            ]
            self.variants = [
                catalog.create_product(name=f"Item {i}", sku=f"PROP-{i}").variants.get()
                for i in range(2)
            ]
            self.next_source = 1

        def teardown(self) -> None:
            self.clock.stop()
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)
            self.context.__exit__(None, None, None)

        # --- helpers ------------------------------------------------------------------

        def _try(self, call: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return call(*args, **kwargs)
            except DomainError as exc:
                assert exc.code in EXPECTED, (exc.code, exc.message)
                if exc.code == "insufficient_stock":
                    assert exc.status == 409
                    assert Decimal(exc.details["available"]) >= 0
                return None

        def _check_moves(self, moves: list[StockMove] | None) -> None:
            for move in moves or []:
                if move.lot_id is not None and move.lot.expires_on is not None:
                    assert move.lot.expires_on >= self.day, "a lot left past its expiry"

        # --- rules --------------------------------------------------------------------

        @initialize()
        def seed(self) -> None:
            services.receive(
                variant=self.variants[0], warehouse=self.warehouses[0], quantity=Decimal(5)
            )

        @rule(w=st.integers(0, 2), v=st.integers(0, 1), qty=QTY, lot=st.sampled_from(list(LOTS)))
        def receive(self, w: int, v: int, qty: Decimal, lot: str) -> None:
            days = LOTS[lot]
            services.receive(
                variant=self.variants[v],
                warehouse=self.warehouses[w],
                quantity=qty,
                lot_number=lot,
                expires_on=START + timedelta(days=days) if days is not None else None,
            )

        @rule(
            target=reservations,
            v=st.integers(0, 1),
            qty=QTY,
            split=st.booleans(),
            backorder=st.booleans(),
        )
        def reserve(self, v: int, qty: Decimal, split: bool, backorder: bool) -> int:
            source = self.next_source
            self.next_source += 1
            self._try(
                reserving.reserve,
                [Demand(SOURCE, source, self.variants[v].pk, qty)],
                allow_split=split,
                allow_backorder=backorder,
            )
            return source

        @rule(source=consumes(reservations))
        def release(self, source: int) -> None:
            reserving.release(SOURCE, [source])

        @rule(source=reservations, qty=QTY)
        def ship(self, source: int, qty: Decimal) -> None:
            self._check_moves(self._try(reserving.ship, SOURCE, source, qty))

        @rule(v=st.integers(0, 1), qty=QTY)
        def sell_in_store(self, v: int, qty: Decimal) -> None:
            moves = self._try(
                services.issue, variant=self.variants[v], warehouse=self.warehouses[2], quantity=qty
            )
            self._check_moves(moves)

        @rule(
            target=transfers, a=st.integers(0, 2), b=st.integers(0, 2), v=st.integers(0, 1), qty=QTY
        )
        def ship_transfer(self, a: int, b: int, v: int, qty: Decimal) -> int:
            if a == b:
                b = (a + 1) % 3
            transfer = self._try(
                movements.ship_transfer,
                variant=self.variants[v],
                from_warehouse=self.warehouses[a],
                to_warehouse=self.warehouses[b],
                quantity=qty,
            )
            if transfer is not None:
                self._check_moves(
                    list(
                        StockMove.objects.filter(
                            source_type="inventory.transfer", source_id=transfer.pk
                        )
                    )
                )
            return transfer.pk if transfer is not None else 0

        @rule(transfer=consumes(transfers))
        def receive_transfer(self, transfer: int) -> None:
            if transfer:
                movements.receive_transfer(transfer)

        @rule(w=st.integers(0, 2), v=st.integers(0, 1), qty=QTY, lot=st.sampled_from(list(LOTS)))
        def scrap(self, w: int, v: int, qty: Decimal, lot: str) -> None:
            if (
                lot
                and not services.Lot.objects.filter(variant=self.variants[v], number=lot).exists()
            ):
                lot = ""
            self._try(
                movements.scrap,
                variant=self.variants[v],
                warehouse=self.warehouses[w],
                quantity=qty,
                lot_number=lot,
            )

        @rule(
            w=st.integers(0, 2),
            v=st.integers(0, 1),
            qty=st.integers(-8, 8),
            lot=st.sampled_from(list(LOTS)),
        )
        def adjust(self, w: int, v: int, qty: int, lot: str) -> None:
            if qty == 0:
                return
            days = LOTS[lot]
            self._try(
                movements.adjust,
                variant=self.variants[v],
                location=services.location_of(self.warehouses[w], "stock"),
                quantity=Decimal(qty),
                lot_number=lot,
                expires_on=START + timedelta(days=days) if days is not None else None,
            )

        @rule(days=st.integers(1, 20))
        def time_passes(self, days: int) -> None:
            self.day += timedelta(days=days)

        # --- invariants ---------------------------------------------------------------

        @invariant()
        def balances_equal_the_ledger(self) -> None:
            assert queries.ledger_mismatches() == []

        @invariant()
        def reserved_within_on_hand(self) -> None:
            for row in StockBalance.objects.all():
                assert row.reserved >= 0
                assert row.outgoing == row.reserved
                if not negative:
                    assert row.on_hand >= 0
                    assert row.reserved <= row.on_hand
                    assert row.available >= 0

        @invariant()
        def available_never_negative(self) -> None:
            for amount in queries.available([v.pk for v in self.variants]).values():
                assert amount >= 0

        @invariant()
        def in_transit_is_incoming(self) -> None:
            for warehouse in self.warehouses:
                open_qty = (
                    Transfer.objects.filter(to_warehouse=warehouse, state="in_transit").aggregate(
                        q=Sum("quantity")
                    )["q"]
                    or 0
                )
                transit = (
                    StockBalance.objects.filter(
                        location__warehouse=warehouse, location__kind="transit"
                    ).aggregate(q=Sum("on_hand"))["q"]
                    or 0
                )
                incoming = (
                    StockBalance.objects.filter(
                        location__warehouse=warehouse, location__kind="stock"
                    ).aggregate(q=Sum("incoming"))["q"]
                    or 0
                )
                assert open_qty == transit == incoming

    return Ledger


@pytest.mark.parametrize("negative", [False, True], ids=["no-negative-stock", "negative-allowed"])
def test_ledger_invariants_hold_under_random_operations(tenant_a, negative):
    machine = make_machine(tenant_a, negative)
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=8,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
