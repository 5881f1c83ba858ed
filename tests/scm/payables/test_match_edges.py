"""Three-way-match tolerance edges through posting (exactly at the limit posts, one cent or
one unit beyond waits for approval) and payment-terms due-date edges."""

from __future__ import annotations

import datetime as dt

import pytest

from valuechain.scm.payables import bills, domain, services

from .conftest import D


def posted_state(buying, quantity: str, price: str) -> tuple[str, str]:
    """Post a bill of one line against a fresh order of 100 at 5.00 (100 accepted)."""
    order = buying.order(
        {"variant": buying.bolt, "quantity": 100, "unit_price": "5.00", "accepted": 100}
    )
    (line,) = buying.lines(order)
    bill = bills.create_bill(
        purchase_order_id=order.pk,
        supplier_invoice_number=f"E-{order.pk}",
        bill_date=dt.date(2026, 3, 20),
        lines=[{"po_line_id": line.pk, "quantity": quantity, "unit_price": price}],
    )
    posted = bills.post_bill(bill.pk)
    return posted.state, posted.lines.get().match_status


@pytest.mark.parametrize(
    ("settings", "quantity", "price", "expected"),
    [
        # 2 % of 5.00 = 0.10 per unit: 5.10 is at the limit, 5.11 one cent beyond.
        ({"price_tolerance_percent": "2"}, "100", "5.10", ("posted", "ok")),
        ({"price_tolerance_percent": "2"}, "100", "5.11", ("to_approve", "price_over")),
        # The absolute cap of 0.05 is stricter than 2 %: 5.05 matches, 5.06 does not.
        (
            {"price_tolerance_percent": "2", "price_tolerance_amount": "0.05"},
            "100",
            "5.05",
            ("posted", "ok"),
        ),
        (
            {"price_tolerance_percent": "2", "price_tolerance_amount": "0.05"},
            "100",
            "5.06",
            ("to_approve", "price_over"),
        ),
        # 5 % of 100 accepted = 5 units: 105 matches, 106 is one unit beyond.
        ({"quantity_tolerance_percent": "5"}, "105", "5.00", ("posted", "ok")),
        ({"quantity_tolerance_percent": "5"}, "106", "5.00", ("to_approve", "qty_over")),
        # No tolerance at all: exactly the order matches, a cent or a unit more does not.
        ({"price_tolerance_percent": "0"}, "100", "5.00", ("posted", "ok")),
        ({"price_tolerance_percent": "0"}, "100", "5.01", ("to_approve", "price_over")),
        ({"price_tolerance_percent": "0"}, "101", "5.00", ("to_approve", "qty_over")),
        (
            {"price_tolerance_percent": "0"},
            "101",
            "5.01",
            ("to_approve", "qty_and_price_over"),
        ),
    ],
)
def test_tolerance_edges_when_posting(buying, settings, quantity, price, expected):
    services.update_settings(**settings)
    assert posted_state(buying, quantity, price) == expected


@pytest.mark.parametrize(
    ("bill_date", "terms", "due"),
    [
        (dt.date(2026, 3, 20), 0, dt.date(2026, 3, 20)),  # due on receipt
        (dt.date(2026, 12, 31), 1, dt.date(2027, 1, 1)),  # across the year end
        (dt.date(2028, 2, 28), 1, dt.date(2028, 2, 29)),  # a leap day
        (dt.date(2028, 2, 29), 365, dt.date(2029, 2, 28)),  # a year of days from a leap day
        (dt.date(2026, 1, 31), 30, dt.date(2026, 3, 2)),  # days, not "end of next month"
        (dt.date(2026, 1, 1), 365, dt.date(2027, 1, 1)),
    ],
)
def test_due_date_edges(bill_date, terms, due):
    assert domain.due_date(bill_date, terms) == due


def test_order_terms_of_zero_days_make_the_bill_due_on_its_date(buying):
    order = buying.order(
        {"variant": buying.bolt, "quantity": 1, "unit_price": "1", "accepted": 1}, terms=0
    )
    bill = bills.create_bill_from_order(
        purchase_order_id=order.pk, supplier_invoice_number="Z-1", bill_date="2028-02-29"
    )
    assert (bill.payment_terms_days, bill.due_date) == (0, dt.date(2028, 2, 29))
    assert bill.total == D("1.00")
