"""Use cases of custom fields: manage definitions; clean and filter the values of records.

Contexts call ``clean_custom_values`` in their own services before saving a record's
``custom`` column and ``apply_custom_filters`` in their list queries; both work for the
current tenant's active definitions of the target.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import DateField, DecimalField, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast

from valuechain.platform.customfields import registry
from valuechain.platform.customfields.domain import (
    FIELD_TYPES,
    HELP_TEXT_MAX_LENGTH,
    LABEL_MAX_LENGTH,
    NUMBER_DECIMAL_PLACES,
    NUMBER_INTEGER_DIGITS,
    FieldError,
    FieldSpec,
    FilterTerm,
    InvalidValue,
    clean_values,
    key_problem,
    normalize_choices,
    parse_filters,
)
from valuechain.platform.customfields.models import CustomFieldDefinition
from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish

EDITABLE = ("label", "choices", "required", "help_text", "order", "is_active", "filterable")
IMMUTABLE = {"key": "key_immutable", "target": "target_immutable", "field_type": "type_immutable"}


# --- definitions ------------------------------------------------------------------------------


def _validate_target(target: str) -> str:
    label = (target or "").strip().lower()
    if registry.get_target(label) is None:
        known = ", ".join(t.label for t in registry.targets()) or "none"
        raise DomainError(
            "unknown_target",
            f"Custom fields cannot be added to {target!r}; possible targets: {known}.",
            field="target",
        )
    return label


def _validate_label(label: str) -> str:
    text = (label or "").strip()
    if not text or len(text) > LABEL_MAX_LENGTH:
        raise DomainError(
            "invalid_label",
            f"Enter a label of 1 to {LABEL_MAX_LENGTH} characters.",
            field="label",
        )
    return text


def _validate_help_text(help_text: str) -> str:
    text = (help_text or "").strip()
    if len(text) > HELP_TEXT_MAX_LENGTH:
        raise DomainError(
            "invalid_help_text",
            f"Keep the help text under {HELP_TEXT_MAX_LENGTH + 1} characters.",
            field="help_text",
        )
    return text


def _validate_order(order: int) -> int:
    if isinstance(order, bool) or not isinstance(order, int) or not 0 <= order <= 10_000:
        raise DomainError(
            "invalid_order", "The order is a whole number from 0 to 10000.", field="order"
        )
    return order


def _validate_choices(field_type: str, choices: Iterable[str] | None) -> list[str]:
    try:
        return normalize_choices(field_type, choices)
    except InvalidValue as invalid:
        raise DomainError(invalid.code, invalid.message, field="choices") from invalid


def _payload(definition: CustomFieldDefinition) -> dict[str, Any]:
    return {
        "id": definition.pk,
        "target": definition.target,
        "key": definition.key,
        "label": definition.label,
        "field_type": definition.field_type,
        "is_active": definition.is_active,
    }


@transaction.atomic
def create_definition(
    *,
    target: str,
    key: str,
    label: str,
    field_type: str,
    choices: Iterable[str] | None = None,
    required: bool = False,
    help_text: str = "",
    order: int = 0,
    filterable: bool = False,
    is_active: bool = True,
) -> CustomFieldDefinition:
    """Define a custom field on a target; publishes CustomFieldDefined."""
    target = _validate_target(target)
    key = (key or "").strip()
    problem = key_problem(key)
    if problem:
        raise DomainError("invalid_key", problem, field="key")
    if field_type not in FIELD_TYPES:
        raise DomainError(
            "invalid_field_type",
            f"{field_type!r} is not a field type; use one of {', '.join(FIELD_TYPES)}.",
            field="field_type",
        )
    values = {
        "label": _validate_label(label),
        "choices": _validate_choices(field_type, choices),
        "help_text": _validate_help_text(help_text),
        "order": _validate_order(order),
    }
    if CustomFieldDefinition.objects.filter(target=target, key=key).exists():
        raise _duplicate(target, key)
    try:
        with transaction.atomic():
            definition = CustomFieldDefinition.objects.create(
                target=target,
                key=key,
                field_type=field_type,
                required=bool(required),
                filterable=bool(filterable),
                is_active=bool(is_active),
                **values,
            )
    except IntegrityError as exc:  # a concurrent create of the same key won
        raise _duplicate(target, key) from exc
    publish("CustomFieldDefined", _payload(definition))
    return definition


def _duplicate(target: str, key: str) -> DomainError:
    return DomainError(
        "duplicate_key",
        f"{target} already has a custom field {key!r} (perhaps inactive; reactivate it).",
        field="key",
        status=409,
    )


def _locked(definition_id: int) -> CustomFieldDefinition:
    definition = CustomFieldDefinition.objects.select_for_update().filter(pk=definition_id).first()
    if definition is None:
        raise DomainError("not_found", "No such custom field.", status=404)
    return definition


@transaction.atomic
def update_definition(definition_id: int, **changes: Any) -> CustomFieldDefinition:
    """Change a definition's label, choices, flags or order; key, target and type never change."""
    definition = _locked(definition_id)
    for name, code in IMMUTABLE.items():
        if name in changes and changes[name] != getattr(definition, name):
            raise DomainError(
                code, f"The {name.replace('_', ' ')} of a custom field cannot change.", field=name
            )
    unknown = sorted(set(changes) - set(EDITABLE) - set(IMMUTABLE))
    if unknown:
        raise DomainError(
            "invalid_change", f"Cannot change {', '.join(unknown)}.", field=unknown[0]
        )
    wanted: dict[str, Any] = {}
    for name in EDITABLE:
        if changes.get(name) is None:
            continue
        value = changes[name]
        if name == "label":
            value = _validate_label(value)
        elif name == "choices":
            value = _validate_choices(definition.field_type, value)
        elif name == "help_text":
            value = _validate_help_text(value)
        elif name == "order":
            value = _validate_order(value)
        else:
            value = bool(value)
        wanted[name] = value
    changed = sorted(name for name, value in wanted.items() if getattr(definition, name) != value)
    if not changed:
        return definition
    for name in changed:
        setattr(definition, name, wanted[name])
    definition.save(update_fields=[*changed, "updated_at"])
    publish("CustomFieldUpdated", {**_payload(definition), "changed": changed})
    return definition


def deactivate_definition(definition_id: int) -> CustomFieldDefinition:
    """Hide a field from forms, pages, filters and the API; stored values are kept."""
    return update_definition(definition_id, is_active=False)


def activate_definition(definition_id: int) -> CustomFieldDefinition:
    """Show a deactivated field again, with the values records kept."""
    return update_definition(definition_id, is_active=True)


# --- values of records ------------------------------------------------------------------------


def active_definitions(target: str) -> list[CustomFieldDefinition]:
    """The current tenant's active definitions of a target, in form order."""
    return list(
        CustomFieldDefinition.objects.filter(target=target, is_active=True).order_by(
            "order", "label", "pk"
        )
    )


def _specs(target: str) -> list[FieldSpec]:
    _validate_target(target)
    return [definition.spec() for definition in active_definitions(target)]


def _refusal(code: str, message: str, errors: list[FieldError]) -> DomainError:
    first = errors[0]
    return DomainError(
        code,
        message if len(errors) > 1 else f"{first.field}: {first.message}",
        field=first.field,
        details={"errors": [error.as_dict() for error in errors]},
    )


def clean_custom_values(
    target: str,
    submitted: Mapping[str, Any] | None,
    *,
    partial: bool = False,
    current: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The JSON-safe ``custom`` dict to store, or DomainError("invalid_custom_fields").

    ``partial`` changes only the submitted keys of ``current`` (an API PATCH); otherwise
    the submitted values replace every active field's value (a form or a PUT/POST).
    Values of deactivated fields in ``current`` are kept untouched.
    """
    cleaned, errors = clean_values(_specs(target), submitted, partial=partial, current=current)
    if errors:
        raise _refusal("invalid_custom_fields", "Some custom fields are not valid.", errors)
    return cleaned


@dataclass(frozen=True)
class CustomFilter:
    """A list's custom field filters: expressions to alias on the queryset, and the Q on them.

    Lookups go through aliases (not ``custom__<key>`` paths) so a key can never be read as a
    lookup name, and values are prepared by the JSON column itself on every database.
    """

    aliases: dict[str, Any]
    q: Q

    def apply(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """The queryset narrowed by these filters."""
        if not self.aliases:
            return queryset
        return queryset.alias(**self.aliases).filter(self.q)


def custom_filter(target: str, params: Mapping[str, Any], column: str = "custom") -> CustomFilter:
    """The filters in a list's ``cf_<key>`` / ``custom.<key>`` query parameters."""
    terms, errors = parse_filters(_specs(target), params)
    if errors:
        raise _refusal("invalid_custom_filter", "Some custom field filters are not valid.", errors)
    aliases: dict[str, Any] = {}
    conditions: dict[str, Any] = {}
    for term in terms:
        alias = f"custom_filter_{term.key}"
        aliases[alias] = _expression(term, column)
        conditions[f"{alias}__{term.operator}"] = term.value
    return CustomFilter(aliases, Q(**conditions))


def apply_custom_filters(
    queryset: QuerySet[Any], target: str, params: Mapping[str, Any], column: str = "custom"
) -> QuerySet[Any]:
    """The queryset narrowed by the custom field filters in ``params``."""
    return custom_filter(target, params, column).apply(queryset)


def _expression(term: FilterTerm, column: str) -> Any:
    """The JSON key as the type it compares as: numbers and dates cast, text as text."""
    if term.field_type == "number":
        return Cast(
            KeyTextTransform(term.key, column),
            DecimalField(
                max_digits=NUMBER_INTEGER_DIGITS + NUMBER_DECIMAL_PLACES,
                decimal_places=NUMBER_DECIMAL_PLACES,
            ),
        )
    if term.field_type == "date":
        return Cast(KeyTextTransform(term.key, column), DateField())
    if term.field_type == "text":
        return KeyTextTransform(term.key, column)
    # choice and boolean: the JSON value itself (true/false stay booleans on every database)
    return KeyTransform(term.key, column)
