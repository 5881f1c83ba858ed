"""Races on payables: bills posted at once for the same order lines, payments (and a credit
note) racing on one bill.

The documented rule: a bill is matched when it is posted, against what the order line has
accepted less what other counted bills billed. Posting locks the bill, then its order lines
in primary-key order, so racing posts are matched one after the other: exactly one bill of
the accepted quantity is posted (owed), every other one is flagged ``qty_over`` and waits in
``to_approve``; none is owed without the approver. Paying locks the bill, so racing payments
never take it past its total: the late ones get ``overpayment`` or ``bill_not_payable``.

Each client is a thread with its own connection, released together by a barrier. On
PostgreSQL the row locks serialise them (half the bills list their lines in the reverse
order, so a lock order other than the primary key's would deadlock); on SQLite the
IMMEDIATE transactions serialise the writers.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from valuechain.platform.errors import DomainError
from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import tenant_context
from valuechain.scm.catalog import services as catalog
from valuechain.scm.inventory import services as inventory
from valuechain.scm.inventory import warehouses
from valuechain.scm.payables import bills, payments, vendor_returns
from valuechain.scm.payables.models import SupplierBill, SupplierPayment
from valuechain.scm.procurement import services as procurement
from valuechain.scm.purchasing.models import PurchaseOrderLine

from .conftest import D, make_order

CLIENTS = 6
POSTGRES = connection.vendor == "postgresql"
pytestmark = pytest.mark.postgres if POSTGRES else []
BILL_DATE = dt.date(2026, 3, 20)


def race(tenant: Any, works: list[Callable[[], str]]) -> Counter[str]:
    """Run each work in its own thread, all released at once; count the outcomes (what the
    work returns, or the DomainError's code)."""
    barrier = threading.Barrier(len(works))
    outcomes: list[str] = []
    lock = threading.Lock()

    def client(work: Callable[[], str]) -> None:
        try:
            connection.ensure_connection()
            barrier.wait(timeout=60)
            with tenant_context(tenant, channel="api"):
                outcome = work()
        except DomainError as error:
            outcome = error.code
        except Exception as error:  # any other failure (a deadlock) is a bug the test shows
            outcome = f"error: {type(error).__name__}: {error}"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=client, args=(work,)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return Counter(outcomes)


def world(slug: str) -> tuple[Any, Any, Any, Any, Any]:
    """A tenant with supplier NORD (EUR), warehouse WH1 and items BOLT and NUT."""
    tenant = tenancy.create_tenant(f"Race {slug}", f"race-{slug}")
    with tenant_context(tenant):
        supplier = procurement.create_supplier(code="NORD", name="Nordwerk", currency="EUR")
        warehouse = warehouses.create_warehouse(code="WH1", name="Main")
        bolt = catalog.create_product(name="Bolt", sku="BOLT").variants.get()
        nut = catalog.create_product(name="Nut", sku="NUT").variants.get()
    return tenant, supplier, warehouse, bolt, nut


def poster(bill_id: int) -> Callable[[], str]:
    """Post the bill; the outcome is the state it ends in."""
    return lambda: bills.post_bill(bill_id).state


def test_racing_bills_of_the_same_order_lines_owe_the_accepted_quantity_once(
    transactional_db, require_connections
):
    if POSTGRES:
        require_connections(CLIENTS + 2)
    tenant, supplier, warehouse, bolt, nut = world("bills")
    with tenant_context(tenant):
        order = make_order(
            supplier,
            warehouse,
            [
                {"variant": bolt, "quantity": 10, "unit_price": "2.00", "accepted": 10},
                {"variant": nut, "quantity": 20, "unit_price": "0.50", "accepted": 20},
            ],
        )
        bolt_line, nut_line = PurchaseOrderLine.objects.filter(order=order).order_by("position")
        drafts = []
        for index in range(CLIENTS):
            lines = [
                {"po_line_id": bolt_line.pk, "quantity": "10", "unit_price": "2.00"},
                {"po_line_id": nut_line.pk, "quantity": "20", "unit_price": "0.50"},
            ]
            drafts.append(
                bills.create_bill(
                    purchase_order_id=order.pk,
                    supplier_invoice_number=f"NW-{index}",
                    bill_date=BILL_DATE,
                    lines=lines if index % 2 == 0 else lines[::-1],
                )
            )

    counts = race(tenant, [poster(bill.pk) for bill in drafts])

    assert counts == {"posted": 1, "to_approve": CLIENTS - 1}, counts
    with tenant_context(tenant):
        posted = SupplierBill.objects.get(state="posted")
        assert posted.total == D("30.00")
        assert list(posted.lines.values_list("match_status", flat=True)) == ["ok", "ok"]
        flagged = SupplierBill.objects.filter(state="to_approve").order_by("pk")
        assert [sorted(bill.lines.values_list("match_status", flat=True)) for bill in flagged] == [
            ["qty_over", "qty_over"]
        ] * (CLIENTS - 1)
        # Flagged bills count on the lines until refused; refusing them leaves one bill's.
        bolt_line.refresh_from_db()
        assert bolt_line.billed_quantity == D(10 * CLIENTS)
    admin = tenancy.add_member(tenant, tenancy.create_user("ap@race.test", "pw-pw-pw-1"), "admin")
    with tenant_context(tenant, actor=admin.user):
        for bill in flagged:
            bills.refuse_bill(bill.pk, "billed twice")
        assert [
            line.billed_quantity
            for line in PurchaseOrderLine.objects.filter(order=order).order_by("position")
        ] == [D(10), D(20)]


def posted_bill(tenant: Any, supplier: Any, warehouse: Any, variant: Any) -> SupplierBill:
    """A posted bill of 10 x 10.00 = 100.00 EUR."""
    with tenant_context(tenant):
        order = make_order(
            supplier,
            warehouse,
            [{"variant": variant, "quantity": 10, "unit_price": "10.00", "accepted": 10}],
        )
        bill = bills.create_bill_from_order(
            purchase_order_id=order.pk, supplier_invoice_number="NW-PAY", bill_date=BILL_DATE
        )
        return bills.post_bill(bill.pk)


def payer(bill_id: int, amount: str) -> Callable[[], str]:
    """Pay the amount on the bill; the outcome is "paid"."""

    def work() -> str:
        payments.register_payment(bill_id=bill_id, amount=amount, paid_on="2026-03-25")
        return "paid"

    return work


def test_racing_part_payments_never_overpay(transactional_db, require_connections):
    if POSTGRES:
        require_connections(CLIENTS + 2)
    tenant, supplier, warehouse, bolt, _ = world("part-payments")
    bill = posted_bill(tenant, supplier, warehouse, bolt)

    counts = race(tenant, [payer(bill.pk, "30.00") for _ in range(CLIENTS)])

    assert counts == {"paid": 3, "overpayment": CLIENTS - 3}, counts
    with tenant_context(tenant):
        bill.refresh_from_db()
        assert (bill.state, bill.paid_amount, bill.open_amount) == (
            "partially_paid",
            D("90.00"),
            D("10.00"),
        )
        assert SupplierPayment.objects.filter(bill=bill).count() == 3


def test_racing_full_payments_pay_once(transactional_db, require_connections):
    if POSTGRES:
        require_connections(CLIENTS + 2)
    tenant, supplier, warehouse, bolt, _ = world("full-payments")
    bill = posted_bill(tenant, supplier, warehouse, bolt)

    counts = race(tenant, [payer(bill.pk, "100.00") for _ in range(CLIENTS)])

    # The first payment settles the bill; the others find it paid.
    assert counts == {"paid": 1, "bill_not_payable": CLIENTS - 1}, counts
    with tenant_context(tenant):
        bill.refresh_from_db()
        assert (bill.state, bill.paid_amount, bill.open_amount) == ("paid", D("100.00"), D(0))
        assert SupplierPayment.objects.filter(bill=bill).count() == 1


def test_a_payment_racing_a_credit_note_never_settles_more_than_the_total(
    transactional_db, require_connections
):
    if POSTGRES:
        require_connections(4)
    tenant, supplier, warehouse, bolt, nut = world("credit")
    bill = posted_bill(tenant, supplier, warehouse, bolt)
    with tenant_context(tenant):
        # 4 NUT at 10.00 rejected, shipped back: a credit note of 40.00 received.
        order = make_order(
            supplier,
            warehouse,
            [{"variant": nut, "quantity": 4, "unit_price": "10.00", "rejected": 4}],
        )
        inventory.receive(
            variant=nut,
            warehouse=warehouse,
            quantity=Decimal(4),
            location=inventory.location_of(warehouse, "quality"),
        )
        (line,) = PurchaseOrderLine.objects.filter(order=order)
        rtv = vendor_returns.create_return(
            purchase_order_id=order.pk,
            reason="failed inspection",
            lines=[{"po_line_id": line.pk, "quantity": "4"}],
        )
        vendor_returns.ship_return(rtv.pk)
        note = vendor_returns.receive_credit_note(
            rtv.credit_note.pk,
            supplier_credit_number="CN-1",
            amount="40.00",
            received_on="2026-03-24",
        )

    def apply() -> str:
        payments.apply_credit_note(note.pk, bill.pk)
        return "applied"

    counts = race(tenant, [payer(bill.pk, "100.00"), apply])

    with tenant_context(tenant):
        bill.refresh_from_db()
        if counts["paid"]:
            # The payment went first and settled the bill: the credit finds it paid.
            assert counts == {"paid": 1, "bill_not_payable": 1}, counts
            assert (bill.state, bill.paid_amount, bill.credited_amount) == (
                "paid",
                D("100.00"),
                D(0),
            )
        else:
            # The credit went first: 60.00 left, so paying 100.00 is refused.
            assert counts == {"applied": 1, "overpayment": 1}, counts
            assert (bill.state, bill.paid_amount, bill.credited_amount) == (
                "partially_paid",
                D(0),
                D("40.00"),
            )
        assert bill.paid_amount + bill.credited_amount <= bill.total
