"""FX rates as dated data: record and delete rates, find the rate on a day, convert money.

A rate says how many units of ``quote`` one unit of ``base`` buys from ``valid_on`` on,
until a later rate of the same pair replaces it. ``rate_on`` looks for the pair directly,
then for the opposite pair (inverted), then through the tenant's base currency.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from valuechain.platform.errors import DomainError
from valuechain.platform.models import FxRate
from valuechain.platform.money import Money, normalize_currency, to_decimal
from valuechain.platform.tenancy.context import require_tenant_id
from valuechain.platform.tenancy.models import Tenant

RATE_MAX_DECIMALS = 10
RATE_MAX_INTEGER_DIGITS = 10
SOURCE_MAX_LENGTH = 60


def _latest(base: str, quote: str, on_date: dt.date) -> Decimal | None:
    """The newest stored rate of exactly this pair valid on the date, if any."""
    return (
        FxRate.objects.filter(base=base, quote=quote, valid_on__lte=on_date)
        .order_by("-valid_on")
        .values_list("rate", flat=True)
        .first()
    )


def _direct_or_inverse(base: str, quote: str, on_date: dt.date) -> Decimal | None:
    """The pair's rate, or 1 / the opposite pair's rate when only that one is stored."""
    if base == quote:
        return Decimal(1)
    direct = _latest(base, quote, on_date)
    if direct is not None:
        return direct
    inverse = _latest(quote, base, on_date)
    if inverse is not None:
        return Decimal(1) / inverse
    return None


def tenant_base_currency() -> str:
    """The current tenant's base currency, the pivot for triangulation."""
    return str(
        Tenant.objects.filter(pk=require_tenant_id()).values_list("base_currency", flat=True)[0]
    )


def rate_on(base: str, quote: str, on_date: dt.date) -> Decimal:
    """Units of ``quote`` per unit of ``base`` on the date, or DomainError fx_rate_missing."""
    base = normalize_currency(base, "base")
    quote = normalize_currency(quote, "quote")
    rate = _direct_or_inverse(base, quote, on_date)
    if rate is not None:
        return rate
    pivot = tenant_base_currency()
    if pivot not in (base, quote):
        to_pivot = _direct_or_inverse(base, pivot, on_date)
        from_pivot = _direct_or_inverse(pivot, quote, on_date) if to_pivot is not None else None
        if to_pivot is not None and from_pivot is not None:
            return to_pivot * from_pivot
    raise DomainError(
        "fx_rate_missing",
        f"No {base}/{quote} exchange rate on or before {on_date.isoformat()}; record one under "
        "Settings > FX rates.",
        status=422,
        details={"base": base, "quote": quote, "on": on_date.isoformat()},
    )


def conversion(money: Money, to_currency: str, on_date: dt.date) -> tuple[Money, Decimal]:
    """The converted amount (rounded to the target's minor units) and the rate used."""
    to_currency = normalize_currency(to_currency, "to")
    rate = rate_on(money.currency, to_currency, on_date)
    return Money(money.amount * rate, to_currency).rounded(), rate


def convert(money: Money, to_currency: str, on_date: dt.date) -> Money:
    """The amount in another currency at the rate of the date, rounded to its minor units."""
    converted, _ = conversion(money, to_currency, on_date)
    return converted


def _valid_rate(value: object) -> Decimal:
    """A positive Decimal that fits the column (10 integer digits, 10 decimals)."""
    rate = to_decimal(value, "rate")
    if rate <= 0:
        raise DomainError("invalid_rate", "The rate must be greater than zero.", field="rate")
    exponent = int(rate.normalize().as_tuple().exponent)
    if -exponent > RATE_MAX_DECIMALS:
        raise DomainError(
            "invalid_rate",
            f"Give the rate with at most {RATE_MAX_DECIMALS} decimal places.",
            field="rate",
        )
    if rate >= Decimal(10) ** RATE_MAX_INTEGER_DIGITS:
        raise DomainError(
            "invalid_rate",
            f"The rate must be below 10^{RATE_MAX_INTEGER_DIGITS}.",
            field="rate",
        )
    return rate


def record_rate(
    base: str, quote: str, rate: Decimal, valid_on: dt.date, source: str = ""
) -> FxRate:
    """Record a rate of a currency pair valid from a day; one rate per pair and day."""
    base = normalize_currency(base, "base")
    quote = normalize_currency(quote, "quote")
    if base == quote:
        raise DomainError(
            "same_currency", "Base and quote must be different currencies.", field="quote"
        )
    checked_rate = _valid_rate(rate)
    if not isinstance(valid_on, dt.date) or isinstance(valid_on, dt.datetime):
        raise DomainError("invalid_date", "Give the day the rate is valid from.", field="valid_on")
    source = (source or "").strip()
    if len(source) > SOURCE_MAX_LENGTH:
        raise DomainError(
            "invalid_source",
            f"The source may have at most {SOURCE_MAX_LENGTH} characters.",
            field="source",
        )
    exists = DomainError(
        "fx_rate_exists",
        f"A {base}/{quote} rate for {valid_on.isoformat()} exists; delete it first.",
        field="valid_on",
        status=409,
    )
    if FxRate.objects.filter(base=base, quote=quote, valid_on=valid_on).exists():
        raise exists
    try:
        with transaction.atomic():
            return FxRate.objects.create(
                base=base, quote=quote, rate=checked_rate, valid_on=valid_on, source=source
            )
    except IntegrityError:  # recorded by a concurrent request since the check above
        raise exists from None


@transaction.atomic
def delete_rate(rate_id: int) -> None:
    """Delete one of the tenant's rates."""
    rate = FxRate.objects.select_for_update().filter(pk=rate_id).first()
    if rate is None:
        raise DomainError("fx_rate_not_found", f"No FX rate with id {rate_id}.", status=404)
    rate.delete()


def rates() -> QuerySet[FxRate]:
    """The tenant's rates, newest day first."""
    return FxRate.objects.order_by("-valid_on", "base", "quote")
