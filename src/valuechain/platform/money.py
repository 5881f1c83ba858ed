"""Money: an exact Decimal amount with an ISO 4217 currency; never float.

Pure Python (no Django), so every ``domain.py`` may use it. Arithmetic works only between
amounts of one currency; ``rounded()`` rounds to the currency's minor units (JPY 0, EUR 2,
KWD 3) half-up; ``allocate()`` splits an amount by weights without losing a minor unit.
Conversion between currencies needs dated rates and lives in ``platform.fx``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache

import pycountry

from valuechain.platform.errors import DomainError

# ISO 4217 minor units that differ from 2 (list one, as published by SIX for 2024/2025).
_ZERO_DECIMALS = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"
_THREE_DECIMALS = "BHD IQD JOD KWD LYD OMR TND"
_FOUR_DECIMALS = "CLF UYW"
_MINOR_UNIT_EXCEPTIONS: dict[str, int] = {
    **dict.fromkeys(_ZERO_DECIMALS.split(), 0),
    **dict.fromkeys(_THREE_DECIMALS.split(), 3),
    **dict.fromkeys(_FOUR_DECIMALS.split(), 4),
}
# Codes ISO lists with no minor unit at all (metals, SDR, testing): not usable as money.
_NO_MINOR_UNIT = "XAG XAU XBA XBB XBC XBD XDR XPD XPT XSU XTS XUA XXX"
_NOT_MONEY = frozenset(_NO_MINOR_UNIT.split())

ROUNDING = ROUND_HALF_UP


class InvalidCurrency(DomainError):
    """A currency code is not an ISO 4217 code of a currency usable for money."""

    def __init__(self, code: object, field: str | None = "currency") -> None:
        super().__init__(
            "invalid_currency",
            f"{code!r} is not an ISO 4217 currency code (for example EUR, USD, JPY).",
            field=field,
        )


class CurrencyMismatch(DomainError):
    """Two amounts of different currencies were combined without a conversion."""

    def __init__(self, left: str, right: str) -> None:
        super().__init__(
            "currency_mismatch",
            f"Cannot combine {left} with {right}; convert one of them first.",
            details={"currencies": [left, right]},
        )


@lru_cache(maxsize=512)
def _known_currency(code: str) -> bool:
    return pycountry.currencies.get(alpha_3=code) is not None


def normalize_currency(code: object, field: str | None = "currency") -> str:
    """Return the upper-case ISO 4217 code, or raise InvalidCurrency."""
    if not isinstance(code, str):
        raise InvalidCurrency(code, field)
    normalized = code.strip().upper()
    if (
        len(normalized) != 3
        or not normalized.isascii()
        or not normalized.isalpha()
        or normalized in _NOT_MONEY
        or not _known_currency(normalized)
    ):
        raise InvalidCurrency(code, field)
    return normalized


def is_currency(code: object) -> bool:
    """True when the code is an ISO 4217 currency usable for money."""
    try:
        normalize_currency(code)
    except InvalidCurrency:
        return False
    return True


def minor_units(currency: str) -> int:
    """Decimal places of the currency's minor unit: 0 for JPY, 2 for EUR, 3 for KWD."""
    return _MINOR_UNIT_EXCEPTIONS.get(normalize_currency(currency), 2)


def to_decimal(value: object, field: str = "amount") -> Decimal:
    """An exact, finite Decimal from a Decimal, int or numeric string; floats are refused."""
    if isinstance(value, float):
        raise TypeError(f"{field}: floats are inexact; pass a Decimal, an int or a string")
    if isinstance(value, bool):
        raise TypeError(f"{field}: a bool is not an amount")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise DomainError(
                "invalid_amount", f"{value!r} is not a number.", field=field
            ) from None
    else:
        raise TypeError(f"{field}: expected Decimal, int or str, got {type(value).__name__}")
    if not result.is_finite():
        raise DomainError("invalid_amount", f"{value!r} is not a finite number.", field=field)
    return result


def _scalar(value: object) -> Decimal:
    """A multiplier: Decimal or int only."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"Money can be multiplied by Decimal or int, not {type(value).__name__}")
    return to_decimal(value, "factor")


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount of one currency: ``Money(Decimal("12.50"), "EUR")``."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", to_decimal(self.amount))
        object.__setattr__(self, "currency", normalize_currency(self.currency))

    # --- construction -----------------------------------------------------------------

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Nothing, in the currency."""
        return cls(Decimal(0), currency)

    @classmethod
    def from_minor(cls, minor: int, currency: str) -> Money:
        """From an integer count of minor units: ``from_minor(1250, "EUR")`` is 12.50 EUR."""
        if isinstance(minor, bool) or not isinstance(minor, int):
            raise TypeError("minor units must be an int")
        return cls(Decimal(minor).scaleb(-minor_units(currency)), currency)

    @classmethod
    def sum(cls, amounts: Iterable[Money], currency: str) -> Money:
        """Total of amounts of one currency; the currency names the total of an empty list."""
        total = cls.zero(currency)
        for money in amounts:
            total = total + money
        return total

    # --- arithmetic -------------------------------------------------------------------

    def _same(self, other: object) -> Money:
        if not isinstance(other, Money):
            raise TypeError(f"Cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(self.currency, other.currency)
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self.amount + self._same(other).amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.amount - self._same(other).amount, self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        return Money(self.amount * _scalar(factor), self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __abs__(self) -> Money:
        return Money(abs(self.amount), self.currency)

    def __lt__(self, other: Money) -> bool:
        return self.amount < self._same(other).amount

    def __le__(self, other: Money) -> bool:
        return self.amount <= self._same(other).amount

    def __gt__(self, other: Money) -> bool:
        return self.amount > self._same(other).amount

    def __ge__(self, other: Money) -> bool:
        return self.amount >= self._same(other).amount

    def __bool__(self) -> bool:
        return bool(self.amount)

    # --- rounding and splitting -------------------------------------------------------

    @property
    def minor_units(self) -> int:
        """Decimal places of this currency's minor unit."""
        return minor_units(self.currency)

    def rounded(self) -> Money:
        """Rounded half-up to the currency's minor units (0.125 EUR -> 0.13 EUR)."""
        exponent = Decimal(1).scaleb(-self.minor_units)
        return Money(self.amount.quantize(exponent, rounding=ROUNDING), self.currency)

    def to_minor(self) -> int:
        """The rounded amount as an integer count of minor units (12.50 EUR -> 1250)."""
        return int(self.rounded().amount.scaleb(self.minor_units))

    def allocate(self, weights: Sequence[Decimal | int]) -> list[Money]:
        """Split the rounded amount by weights; the parts always add up to it exactly.

        Largest-remainder method in minor units: each part gets its floor share and the
        leftover minor units go to the parts with the largest remainders (earliest first
        on ties), so 100.00 EUR by (1, 1, 1) is 33.34 + 33.33 + 33.33.
        """
        shares = [_scalar(weight) for weight in weights]
        if not shares:
            raise DomainError("invalid_allocation", "Give at least one weight.", field="weights")
        if any(share < 0 for share in shares) or sum(shares) <= 0:
            raise DomainError(
                "invalid_allocation",
                "Weights must be non-negative and add up to more than zero.",
                field="weights",
            )
        total_minor = self.to_minor()
        sign = -1 if total_minor < 0 else 1
        remaining = abs(total_minor)
        weight_sum = sum(Fraction(share) for share in shares)
        exact = [remaining * Fraction(share) / weight_sum for share in shares]  # no rounding
        parts = [math.floor(value) for value in exact]
        leftover = remaining - sum(parts)
        by_remainder = sorted(range(len(parts)), key=lambda i: (parts[i] - exact[i], i))
        for index in by_remainder[:leftover]:
            parts[index] += 1
        return [Money.from_minor(sign * part, self.currency) for part in parts]

    # --- display ----------------------------------------------------------------------

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"

    def __repr__(self) -> str:
        return f"Money('{self.amount}', '{self.currency}')"


def decimal_text(value: Decimal) -> str:
    """A Decimal without exponent or trailing zeros: 1.2500000000 -> '1.25', 1E+1 -> '10'."""
    text = format(value.normalize(), "f")
    return text if text not in ("-0",) else "0"
