"""Forms of custom fields: the settings form, and the fields a context merges into its forms.

A context's form adds ``custom_form_fields(target)`` to its fields (names ``cf_<key>``),
passes ``submitted_custom_values(target, form.cleaned_data)`` to its service (which calls
``clean_custom_values``), and shows a refusal with ``add_custom_errors(form, error)``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django import forms

from valuechain.platform.customfields import registry
from valuechain.platform.customfields.domain import (
    FIELD_TYPES,
    NUMBER_DECIMAL_PLACES,
    NUMBER_INTEGER_DIGITS,
    TEXT_MAX_LENGTH,
)
from valuechain.platform.customfields.models import CustomFieldDefinition
from valuechain.platform.customfields.services import active_definitions
from valuechain.platform.errors import DomainError

FORM_PREFIX = "cf_"


def split_choices(text: str) -> list[str]:
    """'Gold, Silver' or one per line -> ['Gold', 'Silver']."""
    return [part.strip() for part in re.split(r"[,\n]+", text or "") if part.strip()]


def _form_field(definition: CustomFieldDefinition) -> forms.Field:
    common: dict[str, Any] = {
        "label": definition.label,
        "required": definition.required,
        "help_text": definition.help_text,
    }
    if definition.field_type == "number":
        return forms.DecimalField(
            max_digits=NUMBER_INTEGER_DIGITS + NUMBER_DECIMAL_PLACES,
            decimal_places=NUMBER_DECIMAL_PLACES,
            widget=forms.NumberInput(attrs={"step": "any"}),
            **common,
        )
    if definition.field_type == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if definition.field_type == "choice":
        options = [("", "—"), *[(choice, choice) for choice in definition.choices]]
        return forms.ChoiceField(choices=options, **common)
    if definition.field_type == "boolean":
        return forms.BooleanField(**{**common, "required": False})  # unticked means "no"
    return forms.CharField(max_length=TEXT_MAX_LENGTH, **common)


def custom_form_fields(target: str) -> dict[str, forms.Field]:
    """Form fields of the target's active custom fields, named ``cf_<key>``, in form order."""
    return {FORM_PREFIX + d.key: _form_field(d) for d in active_definitions(target)}


def _filter_fields(definition: CustomFieldDefinition) -> dict[str, forms.Field]:
    name = FORM_PREFIX + definition.key
    label = definition.label
    if definition.field_type in ("number", "date"):
        field_class = forms.DecimalField if definition.field_type == "number" else forms.DateField
        widget = (
            forms.NumberInput(attrs={"step": "any"})
            if definition.field_type == "number"
            else forms.DateInput(attrs={"type": "date"})
        )
        return {
            f"{name}__gte": field_class(label=f"{label} from", required=False, widget=widget),
            f"{name}__lte": field_class(label=f"{label} to", required=False, widget=widget),
        }
    if definition.field_type == "choice":
        options = [("", "Any"), *[(choice, choice) for choice in definition.choices]]
        return {name: forms.ChoiceField(label=label, required=False, choices=options)}
    if definition.field_type == "boolean":
        options = [("", "Any"), ("true", "Yes"), ("false", "No")]
        return {name: forms.ChoiceField(label=label, required=False, choices=options)}
    return {name: forms.CharField(label=label, required=False, max_length=TEXT_MAX_LENGTH)}


def custom_filter_form_fields(target: str) -> dict[str, forms.Field]:
    """Optional filter inputs of the target's filterable fields for a list page's GET form.

    Named like the query parameters apply_custom_filters reads: ``cf_<key>`` for text,
    choice and boolean, ``cf_<key>__gte`` and ``cf_<key>__lte`` for numbers and dates.
    """
    fields: dict[str, forms.Field] = {}
    for definition in active_definitions(target):
        if definition.filterable:
            fields.update(_filter_fields(definition))
    return fields


def initial_custom_values(values: Mapping[str, Any] | None) -> dict[str, Any]:
    """A record's custom dict as form initial data (``cf_<key>``)."""
    return {FORM_PREFIX + key: value for key, value in (values or {}).items()}


def submitted_custom_values(cleaned_data: Mapping[str, Any]) -> dict[str, Any]:
    """The ``cf_<key>`` fields of a valid form as the dict clean_custom_values takes."""
    return {
        name[len(FORM_PREFIX) :]: value
        for name, value in cleaned_data.items()
        if name.startswith(FORM_PREFIX)
    }


def add_custom_errors(form: forms.Form, error: DomainError) -> None:
    """Show an invalid_custom_fields refusal next to each ``cf_<key>`` field."""
    placed = False
    for item in error.details.get("errors", []):
        name = FORM_PREFIX + str(item.get("field", "")).removeprefix("custom.")
        if name in form.fields:
            form.add_error(name, item["message"])
            placed = True
    if not placed:
        form.add_error(None, error.message)


class CustomFieldDefinitionForm(forms.Form):
    """Define a custom field (the settings page)."""

    target = forms.ChoiceField(label="Record type")
    label = forms.CharField(label="Label", max_length=100)
    key = forms.CharField(
        label="Key",
        max_length=40,
        help_text="The name in the API and filters, e.g. contract_value; it cannot change later.",
    )
    field_type = forms.ChoiceField(label="Type", choices=[(t, t) for t in FIELD_TYPES])
    choices = forms.CharField(
        label="Choices",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For choice fields: one per line or comma-separated.",
    )
    help_text = forms.CharField(label="Help text", max_length=300, required=False)
    order = forms.IntegerField(label="Order", min_value=0, max_value=10_000, initial=0)
    required = forms.BooleanField(label="Required", required=False)
    filterable = forms.BooleanField(label="Usable as a list filter", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        target_field = self.fields["target"]
        assert isinstance(target_field, forms.ChoiceField)
        target_field.choices = [(t.label, t.verbose_name) for t in registry.targets()]

    def service_arguments(self) -> dict[str, Any]:
        """Keyword arguments for services.create_definition."""
        data = self.cleaned_data
        return {
            "target": data["target"],
            "key": data["key"],
            "label": data["label"],
            "field_type": data["field_type"],
            "choices": split_choices(data.get("choices", "")),
            "help_text": data.get("help_text", ""),
            "order": data.get("order") or 0,
            "required": bool(data.get("required")),
            "filterable": bool(data.get("filterable")),
        }

    def add_domain_error(self, error: DomainError) -> None:
        """Show a service's refusal next to the field it concerns."""
        field = error.field if error.field in self.fields else None
        self.add_error(field, error.message)


class CustomFieldEditForm(forms.Form):
    """Change a custom field: everything but its record type, key and type."""

    label = forms.CharField(label="Label", max_length=100)
    choices = forms.CharField(
        label="Choices",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For choice fields: one per line or comma-separated. Records keep old values.",
    )
    help_text = forms.CharField(label="Help text", max_length=300, required=False)
    order = forms.IntegerField(label="Order", min_value=0, max_value=10_000)
    required = forms.BooleanField(label="Required", required=False)
    filterable = forms.BooleanField(label="Usable as a list filter", required=False)

    @classmethod
    def for_definition(cls, definition: CustomFieldDefinition) -> CustomFieldEditForm:
        """The form filled with the definition's current settings."""
        return cls(
            initial={
                "label": definition.label,
                "choices": "\n".join(definition.choices),
                "help_text": definition.help_text,
                "order": definition.order,
                "required": definition.required,
                "filterable": definition.filterable,
            }
        )

    def service_arguments(self, field_type: str) -> dict[str, Any]:
        """Keyword arguments for services.update_definition."""
        data = self.cleaned_data
        arguments: dict[str, Any] = {
            "label": data["label"],
            "help_text": data.get("help_text", ""),
            "order": data.get("order") or 0,
            "required": bool(data.get("required")),
            "filterable": bool(data.get("filterable")),
        }
        if field_type == "choice" or data.get("choices"):
            arguments["choices"] = split_choices(data.get("choices", ""))
        return arguments

    def add_domain_error(self, error: DomainError) -> None:
        """Show a service's refusal next to the field it concerns."""
        field = error.field if error.field in self.fields else None
        self.add_error(field, error.message)
