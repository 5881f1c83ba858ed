"""API shapes of custom fields, and the ``custom`` field contexts put in their own schemas."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

CUSTOM_VALUES_DESCRIPTION = (
    "Tenant-defined custom fields by key (GET /api/v1/custom-fields?target=… lists them): "
    "text and choice as strings, numbers as decimal strings, dates as YYYY-MM-DD, "
    "booleans as true/false. Unknown keys are refused; null or an empty string clears a value."
)


def custom_values_field() -> Any:
    """The ``custom`` member of a context's input or output schema: ``custom: dict = …``."""
    return Field(default_factory=dict, description=CUSTOM_VALUES_DESCRIPTION)


class CustomFieldIn(Schema):
    """A new custom field definition."""

    target: str = Field(..., description="A record type, e.g. customers.account")
    key: str = Field(..., description="Lowercase name used in the API and filters; immutable")
    label: str
    field_type: str = Field(..., description="text, number, date, choice or boolean")
    choices: list[str] = Field(default_factory=list, description="The options of a choice field")
    required: bool = False
    help_text: str = ""
    order: int = 0
    filterable: bool = False
    is_active: bool = True


class CustomFieldPatch(Schema):
    """Changes to a definition; fields left out stay. key, target and field_type are fixed."""

    key: str | None = None
    target: str | None = None
    field_type: str | None = None
    label: str | None = None
    choices: list[str] | None = None
    required: bool | None = None
    help_text: str | None = None
    order: int | None = None
    filterable: bool | None = None
    is_active: bool | None = None


class CustomFieldOut(Schema):
    """A custom field definition."""

    id: int
    target: str
    key: str
    label: str
    field_type: str
    choices: list[str]
    required: bool
    help_text: str
    order: int
    filterable: bool
    is_active: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class CustomFieldFilters(Schema):
    """Filters of the definition list."""

    target: str | None = Field(None, description="Only this record type, e.g. customers.account")
    include_inactive: bool = Field(False, description="Also list deactivated fields")


class TargetOut(Schema):
    """A record type that takes custom fields."""

    label: str
    verbose_name: str
