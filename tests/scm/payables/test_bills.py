"""Supplier bills against the database: recording from an order, duplicate invoice numbers,
due dates from the terms, FX base totals, posting through the match (tolerance edges),
approval by the role, refusal and cancellation freeing the billed quantities."""

from __future__ import annotations

import datetime as dt

import pytest

from valuechain.platform import fx
from valuechain.platform.errors import DomainError
from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import tenant_context
from valuechain.scm.payables import bills, services
from valuechain.scm.payables.models import SupplierBill
from valuechain.scm.procurement import services as procurement

from .conftest import D

BILL_DATE = dt.date(2026, 3, 20)


def bill_for(buying, order, *lines, number="INV-1", **options):
    return bills.create_bill(
        purchase_order_id=order.pk,
        supplier_invoice_number=number,
        bill_date=options.pop("bill_date", BILL_DATE),
        lines=[
            {"po_line_id": po_line.pk, "quantity": quantity, "unit_price": price}
            for po_line, quantity, price in lines
        ],
        **options,
    )


def refused(call, code, field=None):
    with pytest.raises(DomainError) as caught:
        call()
    assert caught.value.code == code, caught.value.message
    if field is not None:
        assert caught.value.field == field
    return caught.value


def test_bill_from_order_takes_accepted_less_billed_at_po_prices(buying):
    order = buying.order(
        {
            "variant": buying.bolt,
            "quantity": 100,
            "unit_price": "2.50",
            "accepted": 90,
            "rejected": 10,
        },
        {"variant": buying.nut, "quantity": 50, "unit_price": "0.125", "accepted": 50},
        terms=14,
    )
    bill = bills.create_bill_from_order(
        purchase_order_id=order.pk,
        supplier_invoice_number="N-100",
        bill_date=BILL_DATE,
        tax_amount="47.69",
    )
    lines = list(bill.lines.order_by("position"))
    assert [(ln.quantity, ln.unit_price, ln.amount) for ln in lines] == [
        (D(90), D("2.50"), D("225.00")),
        (D(50), D("0.125"), D("6.25")),
    ]
    assert (bill.net_total, bill.tax_amount, bill.total) == (D("231.25"), D("47.69"), D("278.94"))
    assert bill.state == "draft"
    assert bill.number == "BILL-000001"
    assert bill.due_date == dt.date(2026, 4, 3)  # the order's 14 days
    assert bill.payment_terms_days == 14
    assert (bill.currency, bill.fx_rate, bill.base_total) == ("EUR", D(1), D("278.94"))

    posted = bills.post_bill(bill.pk)
    assert posted.state == "posted"
    assert [ln.billed_quantity for ln in buying.lines(order)] == [D(90), D(50)]
    assert [ln.match_status for ln in posted.lines.order_by("position")] == ["ok", "ok"]
    refused(
        lambda: bills.create_bill_from_order(
            purchase_order_id=order.pk, supplier_invoice_number="N-101", bill_date=BILL_DATE
        ),
        "nothing_to_bill",
    )


def test_due_date_from_the_supplier_without_an_order(buying):
    bill = bills.create_bill(
        supplier_id=buying.supplier.pk,
        supplier_invoice_number="FREIGHT-1",
        bill_date=BILL_DATE,
        lines=[{"description": "Freight", "quantity": 1, "unit_price": "80"}],
    )
    assert bill.due_date == dt.date(2026, 5, 4)  # the supplier's 45 days
    posted = bills.post_bill(bill.pk)
    assert posted.state == "to_approve"  # nothing to match against
    assert posted.lines.get().match_status == "no_order_line"


def test_duplicate_supplier_invoice_number_is_refused_until_cancelled(buying):
    order = buying.order({"variant": buying.bolt, "quantity": 10, "unit_price": 1, "accepted": 10})
    (line,) = buying.lines(order)
    first = bill_for(buying, order, (line, 4, 1), number="A-77")
    error = refused(
        lambda: bill_for(buying, order, (line, 4, 1), number=" a-77 "),
        "duplicate_supplier_invoice",
        "supplier_invoice_number",
    )
    assert error.status == 409
    assert error.message == (
        "Invoice a-77 of supplier NORD is already booked (bill BILL-000001); cancel that bill "
        "first if it was wrong."
    )
    # Another supplier may use the same number.
    other = procurement.create_supplier(code="LYON", name="Lyon", currency="EUR")
    other_order = buying.order(
        {"variant": buying.bolt, "quantity": 1, "unit_price": 1, "accepted": 1}
    )
    other_order.supplier = other
    other_order.save()
    assert bill_for(buying, other_order, (buying.lines(other_order)[0], 1, 1), number="A-77")
    bills.cancel_bill(first.pk)
    assert bill_for(buying, order, (line, 4, 1), number="A-77").state == "draft"


def test_refusals_when_recording(buying):
    order = buying.order({"variant": buying.bolt, "quantity": 10, "unit_price": 1, "accepted": 10})
    (line,) = buying.lines(order)
    refused(
        lambda: bill_for(buying, order, (line, 1, 1), currency="USD"),
        "currency_mismatch",
        "currency",
    )
    refused(
        lambda: bill_for(buying, order, (line, 0, 1)),
        "invalid_lines[0].quantity",
        "lines[0].quantity",
    )
    refused(lambda: bill_for(buying, order, (line, 1, "1.0000001")), "invalid_lines[0].unit_price")
    refused(lambda: bill_for(buying, order, (line, 1, 1), tax_amount="0.001"), "invalid_tax_amount")
    refused(
        lambda: bill_for(buying, order, (line, 1, 1), number=" "),
        "supplier_invoice_number_required",
    )
    refused(
        lambda: bills.create_bill(
            purchase_order_id=order.pk, supplier_invoice_number="X", bill_date=BILL_DATE, lines=[]
        ),
        "lines_required",
    )
    refused(
        lambda: bills.create_bill(
            purchase_order_id=order.pk,
            supplier_invoice_number="X",
            bill_date=BILL_DATE,
            lines=[{"quantity": 1}],
        ),
        "po_line_required",
        "lines[0].po_line_id",
    )
    other = buying.order({"variant": buying.nut, "quantity": 1, "unit_price": 1})
    refused(lambda: bill_for(buying, order, (buying.lines(other)[0], 1, 1)), "po_line_not_found")
    draft = buying.order({"variant": buying.nut, "quantity": 1, "unit_price": 1}, state="draft")
    refused(lambda: bill_for(buying, draft, (buying.lines(draft)[0], 1, 1)), "order_not_billable")
    refused(
        lambda: bills.create_bill(
            purchase_order_id=999999, supplier_invoice_number="X", bill_date=BILL_DATE, lines=[]
        ),
        "purchase_order_not_found",
    )
    refused(
        lambda: bill_for(buying, order, (line, 1, 1), bill_date="2026-13-01"), "invalid_bill_date"
    )
    assert SupplierBill.objects.count() == 0


def test_fx_base_totals_are_exact_at_the_bill_date_rate(buying):
    fx.record_rate("EUR", "USD", D("1.0850"), dt.date(2026, 1, 1))
    fx.record_rate("EUR", "USD", D("1.0925"), dt.date(2026, 3, 15))
    order = buying.order(
        {"variant": buying.bolt, "quantity": 1000, "unit_price": "1.234567", "accepted": 1000},
        currency="USD",
    )
    (line,) = buying.lines(order)
    bill = bill_for(buying, order, (line, 1000, "1.234567"), tax_amount="123.46")
    # 1 USD = 1 / 1.0925 EUR, kept to 10 decimals: 0.9153318078.
    assert bill.fx_rate == D("0.9153318078")
    assert bill.net_total == D("1234.57")
    # 1234.57 x 0.9153318078 = 1130.0411899…, 123.46 x it = 113.0068649…; the base total
    # is the sum of the rounded parts, so the document adds up in both currencies.
    assert bill.base_net_total == D("1130.04")
    assert bill.base_tax_amount == D("113.01")
    assert bill.base_total == D("1243.05")
    early = bill_for(
        buying, order, (line, 1, "1.234567"), number="INV-2", bill_date=dt.date(2026, 3, 14)
    )
    assert early.fx_rate == D("0.9216589862")  # 1 / 1.0850
    refused(
        lambda: bill_for(
            buying, order, (line, 1, 1), number="INV-3", bill_date=dt.date(2025, 12, 31)
        ),
        "fx_rate_missing",
    )


def test_post_within_tolerance_edges(buying):
    services.update_settings(price_tolerance_percent="2", quantity_tolerance_percent="5")
    order = buying.order(
        {"variant": buying.bolt, "quantity": 100, "unit_price": "5.00", "accepted": 100},
        {"variant": buying.nut, "quantity": 100, "unit_price": "5.00", "accepted": 100},
    )
    bolt, nut = buying.lines(order)
    at_edge = bill_for(buying, order, (bolt, "105", "5.10"), (nut, "105", "5.10"))
    assert bills.post_bill(at_edge.pk).state == "posted"
    bills.cancel_bill(at_edge.pk)
    assert [ln.billed_quantity for ln in buying.lines(order)] == [D(0), D(0)]

    price_beyond = bill_for(buying, order, (bolt, "105", "5.100001"), number="INV-2")
    assert bills.post_bill(price_beyond.pk).state == "to_approve"
    assert price_beyond.lines.get().match_status == "price_over"
    bills.refuse_bill(price_beyond.pk, "price not agreed")

    qty_beyond = bill_for(buying, order, (nut, "105.0001", "5.00"), number="INV-3")
    posted = bills.post_bill(qty_beyond.pk)
    assert posted.state == "to_approve"
    assert posted.lines.get().match_status == "qty_over"
    assert buying.lines(order)[1].billed_quantity == D("105.0001")


def test_earlier_bills_count_and_returns_from_stock_lower_the_billable(buying):
    order = buying.order({"variant": buying.bolt, "quantity": 10, "unit_price": 1, "accepted": 10})
    (line,) = buying.lines(order)
    assert bills.post_bill(bill_for(buying, order, (line, 6, 1)).pk).state == "posted"
    second = bills.post_bill(bill_for(buying, order, (line, 5, 1), number="INV-2").pk)
    assert second.state == "to_approve"
    table = bills.match(second, list(second.lines.all()), {line.pk: buying.lines(order)[0]})
    assert (table[0].previously_billed, table[0].quantity_difference) == (D(6), D(1))


def test_approval_by_the_role_records_who_and_when(buying, tenant_a):
    order = buying.order({"variant": buying.bolt, "quantity": 10, "unit_price": 1, "accepted": 5})
    (line,) = buying.lines(order)
    bill = bills.post_bill(bill_for(buying, order, (line, 10, 1)).pk)
    assert bill.state == "to_approve"
    buyer = tenancy.add_member(
        tenant_a, tenancy.create_user("buyer@alpha.test", "pw-pw-pw-1"), "buyer"
    )
    with tenant_context(tenant_a, actor=buyer.user, channel="ui"):
        error = refused(lambda: bills.approve_bill(bill.pk), "not_approver")
        assert error.status == 403
        services.update_settings(approver_role="buyer")
        approved = bills.approve_bill(bill.pk)
    assert approved.state == "approved"
    assert approved.approved_by_id == buyer.user_id
    assert approved.approved_at is not None
    refused(lambda: bills.approve_bill(bill.pk), "invalid_state")
    refused(lambda: bills.post_bill(bill.pk), "invalid_state")


def test_refusal_cancels_and_frees_the_quantities(buying):
    order = buying.order({"variant": buying.bolt, "quantity": 10, "unit_price": 1, "accepted": 5})
    (line,) = buying.lines(order)
    bill = bills.post_bill(bill_for(buying, order, (line, 10, 1)).pk)
    refused(lambda: bills.refuse_bill(bill.pk, " "), "reason_required")
    done = bills.refuse_bill(bill.pk, "billed more than delivered")
    assert (done.state, done.refusal_reason) == ("cancelled", "billed more than delivered")
    assert done.refused_by_id is not None
    assert buying.lines(order)[0].billed_quantity == D(0)
    refused(lambda: bills.cancel_bill(bill.pk), "invalid_state")


def test_settings_are_checked(buying):
    refused(
        lambda: services.update_settings(price_tolerance_percent="-1"),
        "invalid_price_tolerance_percent",
    )
    refused(lambda: services.update_settings(approver_role="boss"), "invalid_approver_role")
    refused(lambda: services.update_settings(colour="red"), "invalid_field")
    row = services.update_settings(price_tolerance_amount="0.05")
    assert row.price_tolerance_amount == D("0.05")
    assert services.update_settings(price_tolerance_amount="").price_tolerance_amount is None
