"""Forms of the territory pages; the services validate, the forms show their errors by field."""

from __future__ import annotations

from typing import Any

from django import forms

from valuechain.crm.customers.forms import ServiceForm, owner_choices
from valuechain.crm.territories import domain


def split_list(text: str) -> list[str]:
    """'DE, AT ,CH' -> ['DE', 'AT', 'CH']."""
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def join_list(values: list[str]) -> str:
    """['DE', 'AT'] -> 'DE, AT'."""
    return ", ".join(values)


LIST_HELP = "Comma-separated; leave empty to accept any."


class TerritoryForm(ServiceForm):
    """Create or change a territory."""

    name = forms.CharField(max_length=100)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    priority = forms.IntegerField(initial=0, help_text="Higher wins when several match.")
    is_active = forms.BooleanField(label="Active", required=False, initial=True)
    countries = forms.CharField(
        required=False, help_text="ISO codes, e.g. DE, AT, CH. " + LIST_HELP
    )
    regions = forms.CharField(required=False, help_text=LIST_HELP)
    postal_prefixes = forms.CharField(
        label="Postal-code prefixes", required=False, help_text="e.g. 75, 69. " + LIST_HELP
    )
    industries = forms.CharField(required=False, help_text=LIST_HELP)
    size_bands = forms.MultipleChoiceField(
        choices=[(b, b) for b in domain.SIZE_BANDS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked accepts any size.",
    )

    def service_arguments(self) -> dict[str, Any]:
        """The cleaned data as the services take it."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "description": data["description"],
            "priority": data["priority"],
            "is_active": data["is_active"],
            "countries": split_list(data["countries"]),
            "regions": split_list(data["regions"]),
            "postal_prefixes": split_list(data["postal_prefixes"]),
            "industries": split_list(data["industries"]),
            "size_bands": list(data["size_bands"]),
        }


class MemberForm(ServiceForm):
    """Add a user to the team."""

    prefix = "member"
    user_id = forms.TypedChoiceField(label="User", coerce=int)
    role = forms.ChoiceField(choices=[(r, r) for r in domain.MEMBER_ROLES])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user_id"].choices = owner_choices()  # type: ignore[attr-defined]


class RuleForm(ServiceForm):
    """Add an assignment rule."""

    prefix = "rule"
    applies_to = forms.ChoiceField(choices=[(t, t) for t in domain.RECORD_TYPES])
    method = forms.ChoiceField(
        choices=[(m, m.replace("_", " ")) for m in domain.ASSIGNMENT_METHODS]
    )
