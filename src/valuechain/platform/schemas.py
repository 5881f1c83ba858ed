"""API shapes of the kernel: FX rates, conversions and document number sequences."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, FilterLookup, FilterSchema, Schema
from pydantic import field_validator

from valuechain.platform import numbering
from valuechain.platform.models import DocumentSequence, FxRate
from valuechain.platform.money import decimal_text


def _upper(value: str | None) -> str | None:
    return value.strip().upper() if isinstance(value, str) else value


class FxRateIn(Schema):
    """A rate to record: 1 ``base`` buys ``rate`` ``quote`` from ``valid_on`` on."""

    base: str = Field(..., examples=["EUR"], description="ISO 4217 code.")
    quote: str = Field(..., examples=["USD"], description="ISO 4217 code.")
    rate: Decimal = Field(
        ..., examples=["1.0850"], description="Positive, up to 10 decimals; a string or number."
    )
    valid_on: dt.date = Field(..., description="First day the rate applies.")
    source: str = Field("", max_length=60, examples=["ECB"])


class FxRateOut(Schema):
    """A recorded rate."""

    id: int
    base: str
    quote: str
    rate: str = Field(..., examples=["1.085"], description="Decimal string.")
    valid_on: dt.date
    source: str
    created_at: dt.datetime

    @staticmethod
    def resolve_rate(obj: FxRate) -> str:
        """The rate without trailing zeros."""
        return decimal_text(obj.rate)


class FxRateFilter(FilterSchema):
    """Filters of GET /fx-rates: a pair and a range of days."""

    base: Annotated[str | None, FilterLookup("base")] = Field(None, description="ISO code.")
    quote: Annotated[str | None, FilterLookup("quote")] = Field(None, description="ISO code.")
    valid_from: Annotated[dt.date | None, FilterLookup("valid_on__gte")] = Field(
        None, description="Rates valid from this day on (inclusive)."
    )
    valid_to: Annotated[dt.date | None, FilterLookup("valid_on__lte")] = Field(
        None, description="Rates valid from this day or earlier (inclusive)."
    )

    _upper_codes = field_validator("base", "quote")(_upper)


class ConvertQuery(Schema):
    """Query of GET /fx-rates/convert: ``?amount=100&from=EUR&to=USD&on=2026-01-05``."""

    amount: Decimal = Field(..., examples=["100.00"])
    currency_from: str = Field(..., alias="from", description="ISO code of the amount.")
    currency_to: str = Field(..., alias="to", description="ISO code to convert to.")
    on: dt.date | None = Field(None, description="Day of the rate; today when left out.")


class MoneyOut(Schema):
    """An amount of one currency; the amount is a decimal string."""

    amount: str = Field(..., examples=["108.50"])
    currency: str = Field(..., examples=["USD"])


class ConversionOut(Schema):
    """The result of GET /fx-rates/convert."""

    original: MoneyOut
    converted: MoneyOut
    rate: str = Field(..., description="Units of the target currency per source unit.")
    on: dt.date


class SequenceOut(Schema):
    """A document number sequence of the tenant."""

    key: str
    prefix: str
    padding: int
    next_value: int
    next_number: str = Field(..., examples=["SO-000124"], description="What comes next.")
    updated_at: dt.datetime

    @staticmethod
    def resolve_next_number(obj: DocumentSequence) -> str:
        """The number the sequence will hand out next."""
        return numbering.preview(obj)


class SequencePatch(Schema):
    """Fields of a sequence to change; the next value may only move forward."""

    prefix: str | None = Field(None, max_length=20, examples=["SO-"])
    padding: int | None = Field(None, ge=0, le=20, examples=[6])
    next_value: int | None = Field(None, ge=1, examples=[1000])


class NumberOut(Schema):
    """A number reserved from a sequence."""

    key: str
    number: str = Field(..., examples=["SO-000123"])
