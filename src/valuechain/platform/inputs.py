"""Cleaning of plain input values every service needs: trimmed text and one-of-a-set choices.

Both raise ``DomainError`` with the codes the API documents per field: ``<field>_required``
and ``invalid_<field>``, naming the field so pages show the message next to it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from valuechain.platform.errors import DomainError


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
