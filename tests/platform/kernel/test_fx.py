"""FX services: recording rates and finding the rate of a day (direct, inverse, triangulated)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from valuechain.platform import fx
from valuechain.platform.errors import DomainError
from valuechain.platform.models import FxRate
from valuechain.platform.money import Money
from valuechain.platform.tenancy.context import tenant_context

D = Decimal
JAN_1 = dt.date(2026, 1, 1)
JAN_5 = dt.date(2026, 1, 5)
JAN_10 = dt.date(2026, 1, 10)


def test_direct_rate(in_tenant_a):
    fx.record_rate("EUR", "USD", D("1.1"), JAN_1, "ECB")
    assert fx.rate_on("EUR", "USD", JAN_5) == D("1.1")
    assert fx.convert(Money(D("100"), "EUR"), "USD", JAN_5) == Money(D("110.00"), "USD")


def test_inverse_rate_when_only_the_opposite_pair_exists(in_tenant_a):
    fx.record_rate("USD", "EUR", D("0.8"), JAN_1)
    assert fx.rate_on("EUR", "USD", JAN_5) == D("1.25")
    converted = fx.convert(Money(D("100"), "EUR"), "USD", JAN_5)
    assert converted == Money(D("125.00"), "USD")
    assert str(converted.amount) == "125.00"


def test_direct_rate_wins_over_the_inverse(in_tenant_a):
    fx.record_rate("EUR", "USD", D("1.1"), JAN_1)
    fx.record_rate("USD", "EUR", D("0.5"), JAN_5)
    assert fx.rate_on("EUR", "USD", JAN_10) == D("1.1")
    assert fx.rate_on("USD", "EUR", JAN_10) == D("0.5")


def test_triangulation_through_the_tenant_base_currency(in_tenant_a):
    assert in_tenant_a.base_currency == "EUR"
    fx.record_rate("EUR", "USD", D("1.1"), JAN_1)
    fx.record_rate("GBP", "EUR", D("1.25"), JAN_1)  # EUR -> GBP only as an inverse
    rate = fx.rate_on("USD", "GBP", JAN_5)
    assert rate == (D(1) / D("1.1")) * (D(1) / D("1.25"))
    assert fx.convert(Money(D("100"), "USD"), "GBP", JAN_5) == Money(D("72.73"), "GBP")


def test_the_latest_rate_not_after_the_date_applies(in_tenant_a):
    fx.record_rate("EUR", "USD", D("1.1"), JAN_1)
    fx.record_rate("EUR", "USD", D("1.2"), JAN_10)
    assert fx.rate_on("EUR", "USD", JAN_1) == D("1.1")
    assert fx.rate_on("EUR", "USD", dt.date(2026, 1, 9)) == D("1.1")
    assert fx.rate_on("EUR", "USD", JAN_10) == D("1.2")
    assert fx.rate_on("EUR", "USD", dt.date(2027, 1, 1)) == D("1.2")
    with pytest.raises(DomainError) as error:
        fx.rate_on("EUR", "USD", dt.date(2025, 12, 31))
    assert error.value.code == "fx_rate_missing"


def test_missing_rate_is_a_clear_error(in_tenant_a):
    fx.record_rate("EUR", "USD", D("1.1"), JAN_1)
    with pytest.raises(DomainError) as error:
        fx.rate_on("USD", "JPY", JAN_5)  # USD->EUR exists, EUR->JPY does not
    assert error.value.code == "fx_rate_missing"
    assert error.value.status == 422
    assert error.value.details == {"base": "USD", "quote": "JPY", "on": "2026-01-05"}
    assert "USD/JPY" in error.value.message


def test_same_currency_needs_no_rate(in_tenant_a):
    assert fx.rate_on("EUR", "EUR", JAN_5) == 1
    assert fx.convert(Money(D("1.005"), "EUR"), "EUR", JAN_5) == Money(D("1.01"), "EUR")


def test_conversion_rounds_to_the_target_minor_units(in_tenant_a):
    fx.record_rate("EUR", "JPY", D("161.2345"), JAN_1)
    fx.record_rate("EUR", "KWD", D("0.33333"), JAN_1)
    assert fx.convert(Money(D("100"), "EUR"), "JPY", JAN_5).amount == D("16123")
    assert fx.convert(Money(D("10"), "EUR"), "KWD", JAN_5).amount == D("3.333")
    back = fx.convert(Money(D("16123"), "JPY"), "EUR", JAN_5)
    assert back == Money(D("100.00"), "EUR")  # 99.9972…


def test_rates_belong_to_their_tenant(tenant_a, tenant_b):
    with tenant_context(tenant_a):
        fx.record_rate("EUR", "USD", D("1.1"), JAN_1)
    with tenant_context(tenant_b), pytest.raises(DomainError) as error:
        fx.rate_on("EUR", "USD", JAN_5)
    assert error.value.code == "fx_rate_missing"


def test_recorded_rate_is_stored_exactly(in_tenant_a):
    rate = fx.record_rate("eur", "usd", D("1.0850123456"), JAN_1, "  ECB  ")
    stored = FxRate.objects.get(pk=rate.pk)
    assert (stored.base, stored.quote, stored.rate, stored.valid_on, stored.source) == (
        "EUR",
        "USD",
        D("1.0850123456"),
        JAN_1,
        "ECB",
    )


@pytest.mark.parametrize(
    ("base", "quote", "rate", "code", "field"),
    [
        ("EUR", "EUR", D("1"), "same_currency", "quote"),
        ("EUR", "USD", D("0"), "invalid_rate", "rate"),
        ("EUR", "USD", D("-1.1"), "invalid_rate", "rate"),
        ("EUR", "USD", D("1.12345678901"), "invalid_rate", "rate"),
        ("EUR", "USD", D("10000000000"), "invalid_rate", "rate"),
        ("EUX", "USD", D("1.1"), "invalid_currency", "base"),
        ("EUR", "U$D", D("1.1"), "invalid_currency", "quote"),
    ],
)
def test_invalid_rates_are_refused(in_tenant_a, base, quote, rate, code, field):
    with pytest.raises(DomainError) as error:
        fx.record_rate(base, quote, rate, JAN_1)
    assert (error.value.code, error.value.field) == (code, field)
    assert FxRate.objects.count() == 0


def test_trailing_zeros_beyond_ten_places_are_fine(in_tenant_a):
    rate = fx.record_rate("EUR", "USD", D("1.100000000000000"), JAN_1)
    assert rate.rate == D("1.1")


def test_float_rate_is_refused(in_tenant_a):
    with pytest.raises(TypeError):
        fx.record_rate("EUR", "USD", 1.1, JAN_1)  # type: ignore[arg-type]


def test_one_rate_per_pair_and_day(in_tenant_a):
    fx.record_rate("EUR", "USD", D("1.1"), JAN_1)
    with pytest.raises(DomainError) as error:
        fx.record_rate("EUR", "USD", D("1.2"), JAN_1)
    assert (error.value.code, error.value.status, error.value.field) == (
        "fx_rate_exists",
        409,
        "valid_on",
    )
    fx.record_rate("USD", "EUR", D("0.9"), JAN_1)  # the opposite pair is another pair
    assert FxRate.objects.count() == 2


def test_delete_rate(in_tenant_a):
    rate = fx.record_rate("EUR", "USD", D("1.1"), JAN_1)
    fx.delete_rate(rate.pk)
    assert FxRate.objects.count() == 0
    with pytest.raises(DomainError) as error:
        fx.delete_rate(rate.pk)
    assert (error.value.code, error.value.status) == ("fx_rate_not_found", 404)


def test_another_tenants_rate_cannot_be_deleted(tenant_a, tenant_b):
    with tenant_context(tenant_a):
        rate = fx.record_rate("EUR", "USD", D("1.1"), JAN_1)
    with tenant_context(tenant_b), pytest.raises(DomainError) as error:
        fx.delete_rate(rate.pk)
    assert error.value.status == 404
    with tenant_context(tenant_a):
        assert FxRate.objects.filter(pk=rate.pk).exists()
