"""Cleaning of plain input values every service needs: trimmed text, one-of-a-set choices,
record codes and exact numbers.

All raise ``DomainError`` with the codes the API documents per field: ``<field>_required``
and ``invalid_<field>``, naming the field so pages show the message next to it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from valuechain.platform.errors import DomainError

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,19}$")


def clean_text(value: Any, field: str, max_length: int, *, required: bool = False) -> str:
    """Whitespace collapsed; refused when required and empty, or longer than max_length."""
    text = " ".join(str(value or "").split())
    if required and not text:
        raise DomainError(f"{field}_required", f"Enter the {field.replace('_', ' ')}.", field=field)
    if len(text) > max_length:
        raise DomainError(
            f"invalid_{field}",
            f"The {field.replace('_', ' ')} is longer than {max_length} characters.",
            field=field,
        )
    return text


def clean_choice(value: Any, field: str, choices: Iterable[str], *, blank: bool = False) -> str:
    """One of the allowed values (or "" when blank is allowed and nothing was given)."""
    text = str(value or "").strip()
    if blank and not text:
        return ""
    allowed = list(choices)
    if text not in allowed:
        raise DomainError(
            f"invalid_{field}",
            f"{text!r} is not a valid {field.replace('_', ' ')}; use one of {', '.join(allowed)}.",
            field=field,
        )
    return text


def clean_number(
    value: Any, field: str, *, places: int, maximum: Decimal, positive: bool = False
) -> Decimal:
    """An exact Decimal from 0 (or above 0 when ``positive``) to ``maximum`` with at most
    ``places`` decimals; ``invalid_<field>`` otherwise (floats are refused: they are inexact)."""
    label = field.replace("_", " ")
    number: Decimal | None = None
    if isinstance(value, Decimal | int | str) and not isinstance(value, bool):
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            number = None
    if number is None or not number.is_finite():
        raise DomainError(f"invalid_{field}", f"The {label} must be a number.", field=field)
    if number < 0 or (positive and number == 0) or number > maximum:
        lowest = "above 0" if positive else "0 or more"
        raise DomainError(
            f"invalid_{field}", f"The {label} must be {lowest} and at most {maximum}.", field=field
        )
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise DomainError(
            f"invalid_{field}", f"The {label} has more than {places} decimals.", field=field
        )
    return number


def clean_code(value: Any, record: str) -> str:
    """A record's short code (warehouse, supplier, work centre…), upper-cased, on field ``code``."""
    text = str(value or "").strip().upper()
    if not text:
        raise DomainError("code_required", f"Enter the {record}'s code.", field="code")
    if not CODE_PATTERN.match(text):
        raise DomainError(
            "invalid_code",
            "A code is 1 to 20 letters, digits, '-' or '_', starting with a letter or digit.",
            field="code",
        )
    return text
