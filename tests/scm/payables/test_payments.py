"""Paying supplier bills: partial payments, paid, overpayment and currency refusals, the FX
rate of the payment day, credit notes set off against a bill, the aging list."""

from __future__ import annotations

import datetime as dt

import pytest

from valuechain.platform import fx
from valuechain.platform.errors import DomainError
from valuechain.scm.payables import bills, payments, queries, vendor_returns
from valuechain.scm.payables.models import SupplierCreditNote, SupplierPayment

from .conftest import D


def posted_bill(
    buying,
    quantity="10",
    price="10.00",
    *,
    currency="EUR",
    number="INV-1",
    bill_date=dt.date(2026, 3, 20),
    terms=30,
):
    order = buying.order(
        {"variant": buying.bolt, "quantity": quantity, "unit_price": price, "accepted": quantity},
        currency=currency,
        terms=terms,
    )
    bill = bills.create_bill_from_order(
        purchase_order_id=order.pk, supplier_invoice_number=number, bill_date=bill_date
    )
    return bills.post_bill(bill.pk)


def refused(call, code, field=None):
    with pytest.raises(DomainError) as caught:
        call()
    assert caught.value.code == code, caught.value.message
    if field:
        assert caught.value.field == field
    return caught.value


def test_partial_payments_then_paid(buying):
    bill = posted_bill(buying)  # 100.00 EUR
    first = payments.register_payment(
        bill_id=bill.pk, amount="30.01", paid_on="2026-03-25", reference="TR-1"
    )
    assert (first.number, first.amount, first.base_amount, first.method) == (
        "PAY-000001",
        D("30.01"),
        D("30.01"),
        "transfer",
    )
    bill.refresh_from_db()
    assert (bill.state, bill.paid_amount, bill.open_amount) == (
        "partially_paid",
        D("30.01"),
        D("69.99"),
    )
    error = refused(
        lambda: payments.register_payment(bill_id=bill.pk, amount="70.00", paid_on="2026-03-26"),
        "overpayment",
        "amount",
    )
    assert error.status == 409
    assert error.details["open_amount"] == "69.99"
    assert error.message == "70.00 EUR is more than the 69.99 EUR BILL-000001 still owes."
    payments.register_payment(bill_id=bill.pk, amount="69.99", paid_on="2026-03-26", method="card")
    bill.refresh_from_db()
    assert (bill.state, bill.paid_amount, bill.open_amount) == ("paid", D("100.00"), D("0.00"))
    refused(
        lambda: payments.register_payment(bill_id=bill.pk, amount="0.01", paid_on="2026-03-27"),
        "bill_not_payable",
    )
    refused(lambda: bills.cancel_bill(bill.pk), "invalid_state")
    assert SupplierPayment.objects.count() == 2


def test_payment_refusals(buying):
    bill = posted_bill(buying)
    refused(
        lambda: payments.register_payment(bill_id=bill.pk, amount="0", paid_on="2026-03-25"),
        "invalid_amount",
        "amount",
    )
    refused(
        lambda: payments.register_payment(bill_id=bill.pk, amount="1.001", paid_on="2026-03-25"),
        "invalid_amount",
    )
    refused(
        lambda: payments.register_payment(
            bill_id=bill.pk, amount="1", currency="USD", paid_on="2026-03-25"
        ),
        "currency_mismatch",
    )
    refused(
        lambda: payments.register_payment(
            bill_id=bill.pk, amount="1", method="barter", paid_on="2026-03-25"
        ),
        "invalid_method",
    )
    refused(
        lambda: payments.register_payment(bill_id=999999, amount="1", paid_on="2026-03-25"),
        "bill_not_found",
    )
    draft = bills.create_bill(
        supplier_id=buying.supplier.pk,
        supplier_invoice_number="D-1",
        bill_date="2026-03-20",
        lines=[{"description": "Freight", "quantity": 1, "unit_price": 5}],
    )
    refused(
        lambda: payments.register_payment(bill_id=draft.pk, amount="1", paid_on="2026-03-25"),
        "bill_not_payable",
    )
    bills.cancel_bill(draft.pk)  # a draft may be cancelled
    paid = payments.register_payment(bill_id=bill.pk, amount="1", paid_on="2026-03-25")
    assert paid.amount == D("1")
    refused(lambda: bills.cancel_bill(bill.pk), "invalid_state")  # partially paid


def test_foreign_currency_payment_uses_the_rate_of_its_day(buying):
    fx.record_rate("EUR", "USD", D("1.0850"), dt.date(2026, 1, 1))
    fx.record_rate("EUR", "USD", D("1.1000"), dt.date(2026, 4, 1))
    bill = posted_bill(buying, "3", "33.33", currency="USD")  # 99.99 USD
    assert (bill.fx_rate, bill.base_total) == (D("0.9216589862"), D("92.16"))
    payment = payments.register_payment(bill_id=bill.pk, amount="99.99", paid_on="2026-04-02")
    assert payment.fx_rate == D("0.9090909091")
    assert payment.base_amount == D("90.90")  # 99.99 x 0.9090909091 = 90.8999…
    bill.refresh_from_db()
    assert bill.state == "paid"


def test_credit_note_reduces_what_a_bill_owes(buying):
    order = buying.order(
        {"variant": buying.bolt, "quantity": 10, "unit_price": "4.00", "accepted": 8, "rejected": 2}
    )
    from valuechain.scm.inventory import services as inventory

    inventory.receive(
        variant=buying.bolt,
        warehouse=buying.warehouse,
        quantity=D(2),
        location=inventory.location_of(buying.warehouse, "quality"),
    )
    (line,) = buying.lines(order)
    bill = bills.post_bill(
        bills.create_bill(
            purchase_order_id=order.pk,
            supplier_invoice_number="I-9",
            bill_date="2026-03-20",
            lines=[{"po_line_id": line.pk, "quantity": 8}],
        ).pk
    )
    rtv = vendor_returns.create_return(
        purchase_order_id=order.pk,
        reason="failed inspection",
        lines=[{"po_line_id": line.pk, "quantity": 2, "source": "quality"}],
    )
    vendor_returns.ship_return(rtv.pk)
    note = SupplierCreditNote.objects.get()
    refused(lambda: payments.apply_credit_note(note.pk, bill.pk), "credit_note_not_applicable")
    vendor_returns.receive_credit_note(
        note.pk, supplier_credit_number="CN-5", amount="7.50", received_on="2026-03-28"
    )
    applied = payments.apply_credit_note(note.pk, bill.pk)
    assert applied.applied_bill_id == bill.pk
    bill.refresh_from_db()
    assert (bill.state, bill.credited_amount, bill.open_amount) == (
        "partially_paid",
        D("7.50"),
        D("24.50"),
    )
    refused(lambda: payments.apply_credit_note(note.pk, bill.pk), "credit_note_not_applicable")
    refused(
        lambda: payments.register_payment(bill_id=bill.pk, amount="24.51", paid_on="2026-03-29"),
        "overpayment",
    )
    payments.register_payment(bill_id=bill.pk, amount="24.50", paid_on="2026-03-29")
    bill.refresh_from_db()
    assert bill.state == "paid"


def test_aging_lists_overdue_first_with_base_totals(buying):
    fx.record_rate("EUR", "USD", D("1.25"), dt.date(2026, 1, 1))
    late = posted_bill(buying, number="L", bill_date=dt.date(2026, 1, 1), terms=30)  # due 1-31
    soon = posted_bill(
        buying, "1", "50.00", currency="USD", number="S", bill_date=dt.date(2026, 6, 1), terms=60
    )  # due 7-31
    # 50 USD at 0.8 = 40.00 EUR
    very_late = posted_bill(
        buying, "2", "1.00", number="V", bill_date=dt.date(2025, 12, 1), terms=0
    )
    payments.register_payment(bill_id=late.pk, amount="25", paid_on="2026-02-01")
    rows = queries.aging(on=dt.date(2026, 7, 1))
    assert [
        (r.bill.number, r.days_overdue, r.bucket, r.open_amount, r.base_open_amount) for r in rows
    ] == [
        (very_late.number, 212, "over 90", D("2.00"), D("2.00")),
        (late.number, 151, "over 90", D("75.00"), D("75.00")),
        (soon.number, 0, "not due", D("50.00"), D("40.00")),
    ]
    totals = queries.aging_totals(rows)
    assert totals["buckets"] == {
        "not due": D("40.00"),
        "1-30": D(0),
        "31-60": D(0),
        "61-90": D(0),
        "over 90": D("77.00"),
    }
    assert (totals["total"], totals["currency"]) == (D("117.00"), "EUR")
