"""Forms of the activity pages; the services validate, the forms show errors by the field."""

from __future__ import annotations

from typing import Any

from django import forms

from valuechain.crm.activities import domain
from valuechain.crm.customers.forms import ServiceForm, owner_choices

KIND_CHOICES = [(k, k.capitalize()) for k in domain.KINDS]
PRIORITY_CHOICES = [(p, p.capitalize()) for p in domain.PRIORITIES]
STATUS_FILTERS = [("", "Any status")] + [(s, s.capitalize()) for s in domain.STATUSES]
KIND_FILTERS = [("", "Any kind"), *KIND_CHOICES]
DUE_FILTERS = [
    ("", "Any time"),
    ("overdue", "Overdue"),
    ("today", "Today"),
    ("upcoming", "Upcoming"),
    ("none", "No date"),
]
SORTS = [
    ("scheduled_at", "Soonest first"),
    ("-scheduled_at", "Latest first"),
    ("-created_at", "Newest"),
    ("subject", "Subject"),
]


class LocalDateTimeInput(forms.DateTimeInput):
    """A browser date-and-time picker (``datetime-local``)."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def _moment(label: str, help_text: str = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, required=False, widget=LocalDateTimeInput(), help_text=help_text
    )


class ActivityForm(ServiceForm):
    """Create or edit an activity (the kind is fixed once created)."""

    kind = forms.ChoiceField(choices=KIND_CHOICES, initial="task")
    subject = forms.CharField(max_length=300, required=False)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    priority = forms.ChoiceField(choices=PRIORITY_CHOICES, initial="normal")
    due_at = _moment("Due", "Tasks and calls.")
    starts_at = _moment("Starts", "Meetings.")
    ends_at = _moment("Ends", "Meetings.")
    reminder_at = _moment("Remind me at", "An e-mail to the assignee, at or before the due time.")
    assignee_id = forms.ChoiceField(label="Assignee", required=False)
    person_id = forms.IntegerField(label="Person id", required=False, min_value=1)
    account_id = forms.IntegerField(label="Account id", required=False, min_value=1)
    related_type = forms.CharField(
        label="Linked record type",
        required=False,
        help_text="app_label.model, e.g. sales.opportunity",
    )
    related_id = forms.CharField(label="Linked record id", required=False, max_length=64)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee_id"].choices = owner_choices()  # type: ignore[attr-defined]
        if editing:
            del self.fields["kind"]

    def service_data(self) -> dict[str, Any]:
        """The cleaned values as the service takes them."""
        data = dict(self.cleaned_data)
        data["assignee_id"] = int(data["assignee_id"]) if data.get("assignee_id") else None
        return data


class ActivityFilterForm(forms.Form):
    """The filters of the activity list."""

    q = forms.CharField(label="Search", required=False)
    kind = forms.ChoiceField(choices=KIND_FILTERS, required=False)
    status = forms.ChoiceField(choices=STATUS_FILTERS, required=False, initial="open")
    assignee = forms.ChoiceField(required=False)
    due = forms.ChoiceField(label="Due", choices=DUE_FILTERS, required=False)
    due_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_to = forms.DateField(
        label="Before", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(choices=SORTS, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = owner_choices()[1:]
        choices = [("", "Anyone"), ("me", "Me"), ("none", "Nobody"), *members]
        self.fields["assignee"].choices = choices  # type: ignore[attr-defined]


class CompleteForm(forms.Form):
    """What came of a call, meeting or task."""

    outcome = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
