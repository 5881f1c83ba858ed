"""Pure rules of orders: line amounts, totals, state transitions, shipments, POS change."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from valuechain.platform.errors import DomainError
from valuechain.scm.orders import domain

D = Decimal


def test_line_amounts_discount_then_tax_rounded_per_line():
    amounts = domain.line_amounts(
        D("3"), D("19.99"), currency="EUR", discount_percent=D("10"), tax_rate=D("0.19")
    )
    # 3 x 19.99 = 59.97; less 10 % = 53.973 -> 53.97; tax 19 % = 10.2543 -> 10.25
    assert amounts == domain.LineAmounts(net=D("53.97"), tax=D("10.25"), gross=D("64.22"))


def test_line_amounts_round_half_up_and_per_currency():
    assert domain.line_amounts(D("1"), D("0.125"), currency="EUR").net == D("0.13")
    yen = domain.line_amounts(D("3"), D("333.5"), currency="JPY", tax_rate=D("0.10"))
    assert (yen.net, yen.tax, yen.gross) == (D("1001"), D("100"), D("1101"))
    kwd = domain.line_amounts(D("1"), D("1.2345"), currency="KWD")
    assert kwd.net == D("1.235")


def test_order_totals_add_rounded_lines_exactly():
    lines = [
        domain.line_amounts(D("1"), D("0.333"), currency="EUR", tax_rate=D("0.19")),
        domain.line_amounts(D("1"), D("0.333"), currency="EUR", tax_rate=D("0.19")),
        domain.line_amounts(D("1"), D("0.334"), currency="EUR", tax_rate=D("0.19")),
    ]
    totals = domain.order_totals(lines, "EUR")
    # each line: net 0.33, tax 0.0627 -> 0.06; the order adds the rounded lines
    assert totals == domain.OrderTotals(net=D("0.99"), tax=D("0.18"), gross=D("1.17"))


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"quantity": D("0")}, "invalid_quantity"),
        ({"unit_price": D("-1")}, "invalid_unit_price"),
        ({"discount_percent": D("100.01")}, "invalid_discount"),
        ({"discount_percent": D("-1")}, "invalid_discount"),
        ({"tax_rate": D("-0.1")}, "invalid_tax_rate"),
    ],
)
def test_line_amounts_refuse_bad_input(kwargs, code):
    values = {"quantity": D("1"), "unit_price": D("1"), **kwargs}
    with pytest.raises(DomainError) as caught:
        domain.line_amounts(
            values["quantity"],
            values["unit_price"],
            currency="EUR",
            discount_percent=values.get("discount_percent", D(0)),
            tax_rate=values.get("tax_rate", D(0)),
        )
    assert caught.value.code == code


@given(
    st.lists(
        st.tuples(
            st.decimals(min_value=D("0.0001"), max_value=D("1000"), places=4),
            st.decimals(min_value=D("0"), max_value=D("10000"), places=4),
            st.decimals(min_value=D("0"), max_value=D("100"), places=2),
            st.sampled_from([D("0"), D("0.07"), D("0.19"), D("0.2")]),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_totals_always_equal_the_sum_of_lines(rows):
    lines = [
        domain.line_amounts(q, p, currency="EUR", discount_percent=d, tax_rate=t)
        for q, p, d, t in rows
    ]
    totals = domain.order_totals(lines, "EUR")
    assert totals.net == sum(line.net for line in lines)
    assert totals.tax == sum(line.tax for line in lines)
    assert totals.gross == totals.net + totals.tax
    for line in lines:
        assert line.net.as_tuple().exponent >= -2
        assert line.gross == line.net + line.tax


def test_transitions():
    domain.check_transition("draft", "confirmed")
    domain.check_transition("confirmed", "cancelled")
    domain.check_transition("shipped", "closed")
    for current, target in [
        ("draft", "shipped"),
        ("shipped", "cancelled"),
        ("cancelled", "confirmed"),
        ("closed", "draft"),
        ("partially_shipped", "cancelled"),
    ]:
        with pytest.raises(DomainError) as caught:
            domain.check_transition(current, target)
        assert (caught.value.code, caught.value.status) == ("invalid_state", 409)
        assert caught.value.details == {"state": current, "target": target}


def test_state_after_shipment():
    part = [domain.LineProgress(D("2"), D("2")), domain.LineProgress(D("3"), D("1"))]
    assert domain.state_after_shipment(part) == "partially_shipped"
    full = [domain.LineProgress(D("2"), D("2")), domain.LineProgress(D("3"), D("3"))]
    assert domain.state_after_shipment(full) == "shipped"


def test_check_shipment_refuses_over_and_non_positive():
    domain.check_shipment(D("5"), D("2"), D("3"))
    with pytest.raises(DomainError) as caught:
        domain.check_shipment(D("5"), D("2"), D("4"))
    assert (caught.value.code, caught.value.status) == ("over_shipment", 409)
    with pytest.raises(DomainError) as caught:
        domain.check_shipment(D("5"), D("0"), D("0"))
    assert caught.value.code == "invalid_quantity"


def test_change_due_and_underpayment():
    assert domain.change_due(D("17.85"), D("20"), "EUR") == D("2.15")
    assert domain.change_due(D("17.85"), D("17.85"), "EUR") == D("0.00")
    with pytest.raises(DomainError) as caught:
        domain.change_due(D("17.85"), D("17.84"), "EUR")
    assert caught.value.code == "insufficient_payment"
    assert caught.value.details == {
        "total": "17.85",
        "paid": "17.84",
        "currency": "EUR",
        "field": "payment.amount",
    }
