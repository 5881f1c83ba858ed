"""Money: exact values, rounding per currency, same-currency arithmetic, no floats, allocation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from valuechain.platform.errors import DomainError
from valuechain.platform.money import (
    CurrencyMismatch,
    InvalidCurrency,
    Money,
    decimal_text,
    is_currency,
    minor_units,
    normalize_currency,
)

D = Decimal


def test_amounts_are_exact_decimals():
    total = Money(D("0.10"), "EUR") + Money(D("0.20"), "EUR")
    assert total == Money(D("0.30"), "EUR")
    assert total.amount == D("0.30")
    assert str(total) == "0.30 EUR"


def test_int_and_string_amounts_become_decimals():
    assert Money(5, "JPY").amount == D(5)
    assert Money("12.50", "eur") == Money(D("12.5"), "EUR")  # type: ignore[arg-type]


def test_float_amounts_are_refused():
    with pytest.raises(TypeError, match="float"):
        Money(0.1, "EUR")  # type: ignore[arg-type]


def test_multiplying_by_a_float_is_refused():
    with pytest.raises(TypeError):
        Money(D("1.00"), "EUR") * 1.5  # type: ignore[operator]


def test_non_numbers_and_infinities_are_refused():
    with pytest.raises(DomainError) as error:
        Money("twelve", "EUR")  # type: ignore[arg-type]
    assert error.value.code == "invalid_amount"
    with pytest.raises(DomainError):
        Money(D("Infinity"), "EUR")
    with pytest.raises(TypeError):
        Money(True, "EUR")  # type: ignore[arg-type]


@pytest.mark.parametrize("code", ["EU", "EURO", "ABC", "", "€UR", "XAU", "XXX"])
def test_unknown_or_non_money_currencies_are_refused(code):
    with pytest.raises(InvalidCurrency) as error:
        Money(D(1), code)
    assert error.value.code == "invalid_currency"
    assert error.value.field == "currency"
    assert not is_currency(code)


def test_currency_codes_are_normalised():
    assert normalize_currency(" usd ") == "USD"
    assert Money(D(1), "chf").currency == "CHF"


def test_arithmetic_across_currencies_is_refused():
    with pytest.raises(CurrencyMismatch) as error:
        Money(D(1), "EUR") + Money(D(1), "USD")
    assert error.value.code == "currency_mismatch"
    assert error.value.details == {"currencies": ["EUR", "USD"]}
    with pytest.raises(CurrencyMismatch):
        Money(D(1), "EUR") - Money(D(1), "USD")
    with pytest.raises(CurrencyMismatch):
        assert Money(D(1), "EUR") < Money(D(2), "USD")


def test_multiplication_by_decimal_and_int():
    price = Money(D("19.99"), "EUR")
    assert price * 3 == Money(D("59.97"), "EUR")
    assert 3 * price == Money(D("59.97"), "EUR")
    assert price * D("0.19") == Money(D("3.7981"), "EUR")


def test_negation_abs_and_comparisons():
    amount = Money(D("2.50"), "EUR")
    assert -amount == Money(D("-2.50"), "EUR")
    assert abs(-amount) == amount
    assert Money(D(1), "EUR") < amount <= Money(D("2.5"), "EUR")
    assert not Money.zero("EUR")


@pytest.mark.parametrize(
    ("currency", "units"),
    [("JPY", 0), ("KRW", 0), ("EUR", 2), ("USD", 2), ("KWD", 3), ("BHD", 3), ("CLF", 4)],
)
def test_minor_units(currency, units):
    assert minor_units(currency) == units


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("0.125", "EUR", "0.13"),
        ("0.124", "EUR", "0.12"),
        ("-0.125", "EUR", "-0.13"),
        ("1234.5", "JPY", "1235"),
        ("1234.4", "JPY", "1234"),
        ("1.23456", "KWD", "1.235"),
        ("7", "EUR", "7.00"),
    ],
)
def test_rounding_half_up_to_minor_units(amount, currency, expected):
    rounded = Money(D(amount), currency).rounded()
    assert rounded.amount == D(expected)
    assert str(rounded.amount) == expected  # the exponent is the currency's


def test_minor_unit_round_trip():
    assert Money(D("12.50"), "EUR").to_minor() == 1250
    assert Money.from_minor(1250, "EUR") == Money(D("12.50"), "EUR")
    assert Money.from_minor(1250, "JPY") == Money(D(1250), "JPY")
    assert Money.from_minor(1250, "KWD").amount == D("1.250")


def test_sum_of_one_currency():
    amounts = [Money(D("1.10"), "EUR"), Money(D("2.20"), "EUR")]
    assert Money.sum(amounts, "EUR") == Money(D("3.30"), "EUR")
    assert Money.sum([], "USD") == Money.zero("USD")
    with pytest.raises(CurrencyMismatch):
        Money.sum([Money(D(1), "USD")], "EUR")


def test_allocate_spreads_the_leftover_cents():
    parts = Money(D("100.00"), "EUR").allocate([1, 1, 1])
    assert [p.amount for p in parts] == [D("33.34"), D("33.33"), D("33.33")]
    parts = Money(D("0.05"), "EUR").allocate([D("0.3"), D("0.7")])
    assert [p.amount for p in parts] == [D("0.02"), D("0.03")]  # a tie goes to the first
    parts = Money(D("-10"), "JPY").allocate([1, 2])
    assert [p.amount for p in parts] == [D(-3), D(-7)]


def test_allocate_refuses_bad_weights():
    for weights in ([], [0, 0], [1, -1]):
        with pytest.raises(DomainError) as error:
            Money(D(1), "EUR").allocate(weights)
        assert error.value.code == "invalid_allocation"


def test_decimal_text():
    assert decimal_text(D("1.2500000000")) == "1.25"
    assert decimal_text(D("1E+1")) == "10"
    assert decimal_text(D("0E-10")) == "0"


@given(
    minor=st.integers(min_value=-(10**12), max_value=10**12),
    currency=st.sampled_from(["EUR", "JPY", "KWD"]),
    weights=st.lists(
        st.decimals(min_value=0, max_value=1000, places=3, allow_nan=False), min_size=1, max_size=12
    ).filter(lambda ws: sum(ws) > 0),
)
def test_allocations_always_add_up_to_the_total(minor, currency, weights):
    total = Money.from_minor(minor, currency)
    parts = total.allocate(weights)
    assert len(parts) == len(weights)
    assert Money.sum(parts, currency) == total
    assert all(part == part.rounded() for part in parts)
    # No part is more than one minor unit away from its exact share.
    unit = D(1).scaleb(-minor_units(currency))
    weight_sum = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        assert abs(part.amount - total.amount * weight / weight_sum) < unit + D("1e-20")
