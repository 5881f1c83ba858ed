"""Pure rules of custom fields: keys, choices, cleaning submitted values, parsing list filters.

Values are stored JSON-safe in the record's ``custom`` column: text and choice as strings,
numbers as canonical decimal strings ("1250.5", never floats), dates as ISO strings
("2026-11-23"), booleans as JSON true/false. A field left empty is absent from the dict.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

FIELD_TYPES = ("text", "number", "date", "choice", "boolean")
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
KEY_MAX_LENGTH = 40
LABEL_MAX_LENGTH = 100
HELP_TEXT_MAX_LENGTH = 300
TEXT_MAX_LENGTH = 1000
CHOICE_MAX_LENGTH = 100
MAX_CHOICES = 100
# Numbers fit numeric(21, 6) on every database: 15 integer digits and 6 decimal places.
NUMBER_INTEGER_DIGITS = 15
NUMBER_DECIMAL_PLACES = 6
RANGE_OPERATORS = ("gt", "gte", "lt", "lte")
FILTER_PREFIXES = ("cf_", "custom.")
TRUE_WORDS = frozenset({"true", "1", "yes", "on"})
FALSE_WORDS = frozenset({"false", "0", "no", "off"})


@dataclass(frozen=True)
class FieldSpec:
    """What the cleaning needs to know of one active custom field definition."""

    key: str
    label: str
    field_type: str
    choices: tuple[str, ...] = ()
    required: bool = False
    filterable: bool = False


@dataclass(frozen=True)
class FieldError:
    """One refused value: ``field`` is ``custom.<key>``."""

    field: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        """The error as it appears in ``details.errors`` of the API."""
        return {"field": self.field, "code": self.code, "message": self.message}


@dataclass(frozen=True)
class FilterTerm:
    """One parsed list filter: compare field ``key`` with ``value`` using ``operator``."""

    key: str
    field_type: str
    operator: str  # exact, iexact (text), gt, gte, lt, lte (number and date)
    value: Any
    param: str = ""  # the query parameter it came from


class InvalidValue(ValueError):
    """A value that does not fit its field; the message is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# --- definitions ------------------------------------------------------------------------------


def key_problem(key: str) -> str | None:
    """Why ``key`` cannot name a custom field, or None when it can."""
    if not key:
        return "Enter a key, e.g. contract_value."
    if len(key) > KEY_MAX_LENGTH:
        return f"Keep the key under {KEY_MAX_LENGTH + 1} characters."
    if not KEY_PATTERN.match(key):
        return (
            "Use lowercase letters, digits and single underscores, starting with a letter "
            "(e.g. contract_value)."
        )
    return None


def normalize_choices(field_type: str, choices: Iterable[Any] | None) -> list[str]:
    """The cleaned list of choices for a field type; InvalidValue when it does not fit."""
    if choices is None:
        choices = []
    if isinstance(choices, str) or not isinstance(choices, Iterable):
        raise InvalidValue("invalid_choices", "Give the choices as a list of texts.")
    cleaned: list[str] = []
    for choice in choices:
        if not isinstance(choice, str):
            raise InvalidValue("invalid_choices", "Every choice must be a text.")
        text = choice.strip()
        if not text:
            continue
        if len(text) > CHOICE_MAX_LENGTH:
            raise InvalidValue(
                "invalid_choices", f"Keep each choice under {CHOICE_MAX_LENGTH + 1} characters."
            )
        if text in cleaned:
            raise InvalidValue("invalid_choices", f"The choice {text!r} appears twice.")
        cleaned.append(text)
    if field_type == "choice":
        if not cleaned:
            raise InvalidValue("invalid_choices", "A choice field needs at least one choice.")
        if len(cleaned) > MAX_CHOICES:
            raise InvalidValue("invalid_choices", f"Give at most {MAX_CHOICES} choices.")
    elif cleaned:
        raise InvalidValue("invalid_choices", f"Only choice fields have choices, not {field_type}.")
    return cleaned


# --- values -----------------------------------------------------------------------------------


def is_empty(value: Any) -> bool:
    """None, blank text and empty lists count as "no value"."""
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def clean_text(value: Any) -> str:
    """A text of at most TEXT_MAX_LENGTH characters, stripped."""
    if not isinstance(value, str):
        raise InvalidValue("invalid_text", "Enter a text.")
    text = value.strip()
    if len(text) > TEXT_MAX_LENGTH:
        raise InvalidValue(
            "text_too_long",
            f"Keep this under {TEXT_MAX_LENGTH + 1} characters ({len(text)} given).",
        )
    return text


def parse_number(value: Any) -> Decimal:
    """A finite Decimal with at most 15 integer digits and 6 decimal places."""
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal | float):
        raise InvalidValue("invalid_number", "Enter a number, e.g. 1250.50.")
    try:
        number = Decimal(str(value).strip().replace(" ", ""))
    except InvalidOperation as exc:
        raise InvalidValue("invalid_number", f"{value!r} is not a number, e.g. 1250.50.") from exc
    if not number.is_finite():
        raise InvalidValue("invalid_number", f"{value!r} is not a number, e.g. 1250.50.")
    if abs(number) >= Decimal(10) ** NUMBER_INTEGER_DIGITS:
        raise InvalidValue(
            "number_too_large", f"Enter a number with at most {NUMBER_INTEGER_DIGITS} digits."
        )
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > NUMBER_DECIMAL_PLACES:
        raise InvalidValue(
            "too_many_decimals", f"Use at most {NUMBER_DECIMAL_PLACES} decimal places."
        )
    return number


def number_text(number: Decimal) -> str:
    """The canonical stored form: no exponent, no trailing zeros ("1250.5", "100", "-3")."""
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def parse_date(value: Any) -> dt.date:
    """A date from a date or an ISO text (YYYY-MM-DD)."""
    if isinstance(value, dt.datetime):
        raise InvalidValue("invalid_date", "Enter a date without a time, as YYYY-MM-DD.")
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise InvalidValue("invalid_date", "Enter a date as YYYY-MM-DD.")
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as exc:
        raise InvalidValue(
            "invalid_date", f"{value!r} is not a date; use YYYY-MM-DD (e.g. 2026-11-23)."
        ) from exc


def parse_boolean(value: Any) -> bool:
    """True or False, also from the words true/false, yes/no, on/off, 1/0."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
        return value.strip().lower() in TRUE_WORDS
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise InvalidValue("invalid_boolean", "Choose yes or no (true or false).")


def parse_choice(value: Any, choices: Sequence[str]) -> str:
    """One of the field's choices, exactly as defined."""
    if not isinstance(value, str) or value.strip() not in choices:
        raise InvalidValue(
            "invalid_choice", f"{value!r} is not one of the choices: {', '.join(choices)}."
        )
    return value.strip()


def clean_value(spec: FieldSpec, value: Any) -> Any:
    """The stored form of one non-empty value of a field; InvalidValue when it does not fit."""
    if spec.field_type == "text":
        return clean_text(value)
    if spec.field_type == "number":
        return number_text(parse_number(value))
    if spec.field_type == "date":
        return parse_date(value).isoformat()
    if spec.field_type == "choice":
        return parse_choice(value, spec.choices)
    if spec.field_type == "boolean":
        return parse_boolean(value)
    raise InvalidValue("invalid_field_type", f"Unknown field type {spec.field_type!r}.")


def clean_values(
    specs: Sequence[FieldSpec],
    submitted: Mapping[str, Any] | None,
    *,
    partial: bool = False,
    current: Mapping[str, Any] | None = None,
) -> tuple[dict[str, Any], list[FieldError]]:
    """The custom dict to store and the errors (empty when everything fits).

    A full clean (``partial=False``) replaces the active fields' values with the submitted
    ones and checks every required field; a partial clean changes only the keys submitted.
    Values of fields no longer active stay as they are in ``current`` either way.
    """
    errors: list[FieldError] = []
    if submitted is None:
        submitted = {}
    if not isinstance(submitted, Mapping):
        return {}, [FieldError("custom", "invalid_custom", "Give the custom fields as an object.")]
    by_key = {spec.key: spec for spec in specs}
    result: dict[str, Any] = dict(current or {})
    if not partial:
        for key in by_key:
            result.pop(key, None)
    for key in sorted(set(submitted) - set(by_key), key=str):
        errors.append(
            FieldError(f"custom.{key}", "unknown_field", f"There is no custom field {key!r}.")
        )
    for spec in specs:
        name = f"custom.{spec.key}"
        if spec.key not in submitted:
            if spec.required and not partial:
                errors.append(FieldError(name, "required", f"{spec.label} is required."))
            continue
        value = submitted[spec.key]
        if is_empty(value):
            if spec.required:
                errors.append(FieldError(name, "required", f"{spec.label} is required."))
            result.pop(spec.key, None)
            continue
        try:
            result[spec.key] = clean_value(spec, value)
        except InvalidValue as invalid:
            errors.append(FieldError(name, invalid.code, invalid.message))
    return (result if not errors else {}), errors


# --- list filters -----------------------------------------------------------------------------


def filter_key(param: str) -> str | None:
    """``cf_color`` or ``custom.color`` (optionally ``__gte`` …) -> ``color…``; None otherwise."""
    for prefix in FILTER_PREFIXES:
        if param.startswith(prefix):
            return param[len(prefix) :]
    return None


def parse_filters(
    specs: Sequence[FieldSpec], params: Mapping[str, Any]
) -> tuple[list[FilterTerm], list[FieldError]]:
    """The filter terms in a list's query parameters, and the errors in them.

    ``?cf_color=red`` (or ``custom.color=red``) matches exactly (text ignores case);
    numbers and dates also take ``__gt``, ``__gte``, ``__lt``, ``__lte``. Parameters
    without the prefixes are not ours and are ignored; empty values filter nothing.
    """
    by_key = {spec.key: spec for spec in specs}
    terms: list[FilterTerm] = []
    errors: list[FieldError] = []
    for param in sorted(params):
        rest = filter_key(param)
        if rest is None:
            continue
        raw = params[param]
        if is_empty(raw):
            continue
        key, _, operator = rest.partition("__")
        spec = by_key.get(key)
        if spec is None:
            errors.append(
                FieldError(param, "unknown_field", f"There is no custom field {key!r} to filter.")
            )
            continue
        if not spec.filterable:
            errors.append(
                FieldError(param, "not_filterable", f"{spec.label} cannot be used as a filter.")
            )
            continue
        ranged = spec.field_type in ("number", "date")
        if operator and (not ranged or operator not in RANGE_OPERATORS):
            allowed = ", ".join(f"__{op}" for op in RANGE_OPERATORS) if ranged else "none"
            errors.append(
                FieldError(
                    param,
                    "invalid_operator",
                    f"{spec.label} cannot be filtered with __{operator}; allowed: {allowed}.",
                )
            )
            continue
        try:
            value = _filter_value(spec, raw)
        except InvalidValue as invalid:
            errors.append(FieldError(param, invalid.code, invalid.message))
            continue
        if not operator:
            operator = "iexact" if spec.field_type == "text" else "exact"
        terms.append(FilterTerm(spec.key, spec.field_type, operator, value, param))
    return terms, errors


def _filter_value(spec: FieldSpec, raw: Any) -> Any:
    """The value to compare with: Decimal for numbers, date for dates, else the stored form."""
    if spec.field_type == "number":
        return parse_number(raw)
    if spec.field_type == "date":
        return parse_date(raw)
    return clean_value(spec, raw)
