"""The read side of custom fields: definitions by target, values ready for display."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from typing import Any

from django.db.models import QuerySet

from valuechain.platform.customfields import registry
from valuechain.platform.customfields.models import CustomFieldDefinition
from valuechain.platform.errors import DomainError


def definitions(
    target: str | None = None, include_inactive: bool = False
) -> QuerySet[CustomFieldDefinition]:
    """The current tenant's definitions, by target and form order."""
    queryset = CustomFieldDefinition.objects.all()
    if target:
        if registry.get_target(target) is None:
            raise DomainError(
                "unknown_target", f"{target!r} takes no custom fields.", field="target"
            )
        queryset = queryset.filter(target=target)
    if not include_inactive:
        queryset = queryset.filter(is_active=True)
    return queryset.order_by("target", "order", "label", "pk")


def definition(definition_id: int) -> CustomFieldDefinition:
    """One definition of the current tenant; DoesNotExist (a 404) otherwise."""
    return CustomFieldDefinition.objects.get(pk=definition_id)


@dataclass(frozen=True)
class TargetGroup:
    """The definitions of one target, for the settings page."""

    label: str
    verbose_name: str
    definitions: list[CustomFieldDefinition]


def grouped_definitions() -> list[TargetGroup]:
    """Every definition (inactive too) grouped by target, registered targets first."""
    rows = list(definitions(include_inactive=True))
    groups = []
    for label, items in groupby(rows, key=lambda row: row.target):
        target = registry.get_target(label)
        groups.append(TargetGroup(label, target.verbose_name if target else label, list(items)))
    return groups


@dataclass(frozen=True)
class DisplayValue:
    """One custom value with its field's label, ready for a detail page."""

    key: str
    label: str
    field_type: str
    value: Any
    text: str


def _display_text(field_type: str, value: Any) -> str:
    if field_type == "boolean":
        return "Yes" if value else "No"
    if field_type == "number":
        try:
            return f"{Decimal(str(value)):,}"
        except ArithmeticError:
            return str(value)
    return str(value)


def display_values(target: str, values: Mapping[str, Any] | None) -> list[DisplayValue]:
    """The record's values of the target's active fields, in form order; empty ones left out."""
    values = values or {}
    return [
        DisplayValue(
            d.key, d.label, d.field_type, values[d.key], _display_text(d.field_type, values[d.key])
        )
        for d in definitions(target)
        if d.key in values and values[d.key] not in (None, "")
    ]
