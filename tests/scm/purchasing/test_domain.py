"""Pure rules of purchasing: approval thresholds, approver checks, base amounts, EDI mapping."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from valuechain.scm.purchasing import domain, edi

D = Decimal


def test_approval_role_from_the_threshold_on_and_the_highest_rule_wins():
    rules = [(D("1000.00"), "planner"), (D("10000.00"), "admin")]
    assert domain.approval_role(D("999.99"), rules) is None
    assert domain.approval_role(D("1000.00"), rules) == "planner"  # the edge needs approval
    assert domain.approval_role(D("9999.99"), rules) == "planner"
    assert domain.approval_role(D("10000.00"), rules) == "admin"
    assert domain.approval_role(D("5"), []) is None


def test_may_approve():
    assert domain.may_approve(role="buyer", user_id=2, buyer_id=1, needed="admin") == (
        "approver_role_required"
    )
    assert domain.may_approve(role="planner", user_id=2, buyer_id=1, needed="planner") == ""
    assert domain.may_approve(role="admin", user_id=2, buyer_id=1, needed="planner") == ""
    assert domain.may_approve(role="admin", user_id=1, buyer_id=1, needed="admin") == "own_order"
    assert domain.may_approve(role=None, user_id=None, buyer_id=1, needed="admin") == (
        "approver_required"
    )


def test_base_amount_rounds_half_even_to_the_cent():
    assert domain.base_amount(D("100.00"), D("1.08")) == D("108.00")
    assert domain.base_amount(D("0.05"), D("1.5")) == D("0.08")
    assert domain.base_amount(D("0.25"), D("0.5")) == D("0.12")


@pytest.mark.parametrize(
    ("state", "to", "allowed"),
    [
        ("draft", "to_approve", True),
        ("draft", "received", False),
        ("to_approve", "sent", True),
        ("sent", "draft", False),
        ("closed", "sent", False),
        ("cancelled", "draft", False),
        ("partially_received", "cancelled", False),
    ],
)
def test_transitions(state, to, allowed):
    assert domain.can_move(state, to) is allowed


def _order(**changes):
    values = {
        "number": "PO-000007",
        "order_date": dt.date(2026, 3, 4),
        "currency": "EUR",
        "payment_terms_days": 30,
        "incoterm": "DAP",
        "incoterm_place": "Hamburg",
        "requested_on": dt.date(2026, 3, 20),
        "net_total": D("39.00"),
        "parties": (
            edi.EdiParty("BY", "Alpha Retail", "ALPHA", "4000001000005"),
            edi.EdiParty("SE", "Nordwerk", "NORD", "4012345000009"),
            edi.EdiParty("ST", "Main", "WH1", "", "DE", "20095"),
        ),
        "lines": (
            edi.EdiLine(
                1,
                D("30.0000"),
                "EA",
                D("0.900000"),
                "BOLT",
                "NW-B",
                "4006381333931",
                "Bolt",
                dt.date(2026, 3, 9),
            ),
            edi.EdiLine(2, D("60"), "BX", D("0.2"), "NUT", "", "", "Nut", None),
        ),
    }
    values.update(changes)
    return edi.EdiOrder(**values)


def test_edi_document_exact():
    document = edi.document(_order())
    assert document == {
        "standard": {"x12": "850", "edifact": "ORDERS"},
        "BEG": {"purpose": "00", "type": "SA", "number": "PO-000007", "date": "20260304"},
        "CUR": {"entity": "BY", "currency": "EUR"},
        "ITD": {"type": "01", "net_days": 30},
        "FOB": {"incoterm": "DAP", "place": "Hamburg"},
        "DTM": [{"qualifier": "002", "date": "20260320"}],
        "N1": [
            {
                "qualifier": "BY",
                "name": "Alpha Retail",
                "id_qualifier": "UL",
                "id": "4000001000005",
                "country": "",
                "postal_code": "",
            },
            {
                "qualifier": "SE",
                "name": "Nordwerk",
                "id_qualifier": "UL",
                "id": "4012345000009",
                "country": "",
                "postal_code": "",
            },
            {
                "qualifier": "ST",
                "name": "Main",
                "id_qualifier": "92",
                "id": "WH1",
                "country": "DE",
                "postal_code": "20095",
            },
        ],
        "PO1": [
            {
                "position": 1,
                "quantity": "30",
                "unit": "EA",
                "unit_price": "0.9",
                "item_ids": [
                    {"qualifier": "IN", "id": "BOLT"},
                    {"qualifier": "VN", "id": "NW-B"},
                    {"qualifier": "EN", "id": "4006381333931"},
                ],
                "description": "Bolt",
                "DTM": [{"qualifier": "002", "date": "20260309"}],
            },
            {
                "position": 2,
                "quantity": "60",
                "unit": "BX",
                "unit_price": "0.2",
                "item_ids": [{"qualifier": "IN", "id": "NUT"}],
                "description": "Nut",
                "DTM": [],
            },
        ],
        "CTT": {"line_count": 2, "quantity_total": "90"},
        "AMT": {"qualifier": "TT", "amount": "39.00"},
        "warnings": [
            "The ship-to (WH1) has no GLN.",
            "Line 2 (NUT) has no GTIN.",
            "Line 2 (NUT) has no supplier SKU.",
        ],
    }


def test_edi_refuses_an_order_without_lines():
    with pytest.raises(edi.EdiIncomplete) as caught:
        edi.document(_order(lines=()))
    assert caught.value.problems == ["The order has no lines."]


def test_gtin_qualifiers():
    line = edi.EdiLine(1, D(1), "EA", D(1), "A", "", "012345678905", "A", None)
    assert edi._item_ids(line)[-1] == {"qualifier": "UP", "id": "012345678905"}
    line14 = edi.EdiLine(1, D(1), "EA", D(1), "A", "", "10012345678902", "A", None)
    assert edi._item_ids(line14)[-1] == {"qualifier": "UK", "id": "10012345678902"}


def test_order_receipt_totals_cap_each_line_so_excess_never_covers_a_missing_line():
    assert domain.order_receipt_totals([]) == (D(0), D(0))
    totals = domain.order_receipt_totals([(D(100), D(110)), (D(10), D(0))])
    assert totals == (D(110), D(100))
    assert domain.receipt_state(*totals) == "partially_received"
    totals = domain.order_receipt_totals([(D(100), D(110)), (D(10), D("10.0000"))])
    assert domain.receipt_state(*totals) == "received"
    assert domain.receipt_state(*domain.order_receipt_totals([(D(5), D(0))])) == "sent"
