"""Forms of the touch-point pages; the services validate, the forms show errors by the field."""

from __future__ import annotations

from django import forms

from valuechain.crm.customers.forms import ServiceForm
from valuechain.crm.customers.models import INTERACTION_CHANNELS

KIND_CHOICES = [("call", "Call"), ("meeting", "Meeting"), ("note", "Note")]
CHANNEL_CHOICES = [("sales_rep", "Sales rep"), ("call_centre", "Call centre")]
TIMELINE_CHANNELS = [("", "All channels")] + [
    (c, c.replace("_", " ")) for c in INTERACTION_CHANNELS
]


class LogActivityForm(ServiceForm):
    """A call, meeting or note a staff member logs on a customer."""

    kind = forms.ChoiceField(choices=KIND_CHOICES, initial="call", widget=forms.RadioSelect)
    subject = forms.CharField(max_length=300, required=False)
    body = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    channel = forms.ChoiceField(choices=CHANNEL_CHOICES, initial="sales_rep")


class ResolveForm(ServiceForm):
    """Whom an unmatched interaction belongs to: a person's e-mail or a person id."""

    field_aliases = {"party_id": "person", "email": "person"}

    person = forms.CharField(
        max_length=254, help_text="The person's e-mail address or their id number."
    )
    remember_identifier = forms.BooleanField(
        required=False, initial=True, label="Match this identifier to them from now on"
    )
