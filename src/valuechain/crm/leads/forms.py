"""Forms of the lead pages and the public web-to-lead form; the services validate."""

from __future__ import annotations

from typing import Any

from django import forms

from valuechain.crm.customers import domain as customers_domain
from valuechain.crm.customers.forms import ServiceForm, owner_choices
from valuechain.crm.leads import domain
from valuechain.platform.customfields.forms import (
    custom_filter_form_fields,
    custom_form_fields,
    submitted_custom_values,
)

SIZE_CHOICES = [("", "—")] + [(b, b) for b in customers_domain.SIZE_BANDS]
SOURCE_CHOICES = [(s, s.replace("_", " ")) for s in domain.SOURCES]
STATUS_CHOICES = [(s, s) for s in domain.STATUSES]
REASON_CHOICES = [("", "—")] + [(r, r.replace("_", " ")) for r in domain.UNQUALIFIED_REASONS]
UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
SORT_CHOICES = [
    ("-created_at", "Newest"),
    ("created_at", "Oldest"),
    ("-score", "Score, highest first"),
    ("score", "Score, lowest first"),
    ("last_name", "Last name A-Z"),
    ("company", "Company A-Z"),
]
CONSENT_TEXT = (
    "I agree to be contacted by e-mail about products and offers. I can withdraw at any time."
)


class LeadForm(ServiceForm):
    """Create or edit a lead."""

    first_name = forms.CharField(max_length=100, required=False)
    last_name = forms.CharField(max_length=100)
    company = forms.CharField(max_length=200, required=False)
    job_title = forms.CharField(max_length=100, required=False)
    email = forms.CharField(label="E-mail", max_length=320, required=False)
    phone = forms.CharField(max_length=40, required=False, help_text="+49 30 1234567, or national")
    country = forms.CharField(max_length=2, required=False, help_text="ISO code, e.g. DE")
    region = forms.CharField(max_length=100, required=False)
    postal_code = forms.CharField(max_length=20, required=False)
    industry = forms.CharField(max_length=100, required=False)
    size_band = forms.ChoiceField(label="Company size", required=False, choices=SIZE_CHOICES)
    source = forms.ChoiceField(choices=SOURCE_CHOICES, initial="manual")
    owner_id = forms.ChoiceField(label="Owner", required=False)
    campaign = forms.CharField(max_length=100, required=False)
    consent_granted = forms.BooleanField(label="Consented to e-mail contact", required=False)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    field_aliases = {"consent": "consent_granted"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_id"].choices = owner_choices()  # type: ignore[attr-defined]
        self.fields.update(custom_form_fields("leads.lead"))

    def service_arguments(self) -> dict[str, Any]:
        """Keyword arguments for services.create_lead / update_lead."""
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("cf_")}
        data["owner_id"] = int(data["owner_id"]) if data.get("owner_id") else None
        data["custom"] = submitted_custom_values(self.cleaned_data)
        return data


class LeadFilterForm(forms.Form):
    """Filters of the lead list."""

    q = forms.CharField(label="Name, company or e-mail", required=False)
    status = forms.ChoiceField(required=False, choices=[("", "any"), *STATUS_CHOICES])
    source = forms.ChoiceField(required=False, choices=[("", "any"), *SOURCE_CHOICES])
    owner_id = forms.TypedChoiceField(label="Owner", required=False, coerce=int, empty_value=None)
    min_score = forms.IntegerField(label="Score from", required=False)
    max_score = forms.IntegerField(label="Score to", required=False)
    campaign = forms.CharField(required=False)
    created_from = forms.DateField(
        label="Created from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    created_to = forms.DateField(
        label="Created to", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_id"].choices = owner_choices()  # type: ignore[attr-defined]
        self.fields.update(custom_filter_form_fields("leads.lead"))


class StatusForm(ServiceForm):
    """Move a lead to another status."""

    prefix = "status"
    status = forms.ChoiceField(choices=[(s, s) for s in ("contacted", "qualified", "unqualified")])
    reason = forms.ChoiceField(label="Reason (unqualified)", required=False, choices=REASON_CHOICES)


class OwnerForm(ServiceForm):
    """Give a lead to a member."""

    prefix = "owner"
    owner_id = forms.ChoiceField(label="Owner", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_id"].choices = owner_choices()  # type: ignore[attr-defined]


class ConvertForm(ServiceForm):
    """Convert a lead: link existing records or create new ones, and open a deal."""

    account_id = forms.ChoiceField(label="Account", required=False)
    person_id = forms.ChoiceField(label="Contact", required=False)
    create_opportunity = forms.BooleanField(label="Open an opportunity", required=False)
    opportunity_name = forms.CharField(max_length=200, required=False)
    amount = forms.DecimalField(min_value=0, max_digits=18, decimal_places=2, required=False)
    expected_close_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(
        self,
        *args: Any,
        accounts: list[tuple[str, str]],
        people: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account_id"].choices = accounts  # type: ignore[attr-defined]
        self.fields["person_id"].choices = people  # type: ignore[attr-defined]

    def service_arguments(self) -> dict[str, Any]:
        """Keyword arguments for conversion.convert_lead."""
        data = dict(self.cleaned_data)
        account = data.pop("account_id") or "new"
        person = data.pop("person_id") or "new"
        data["create_account"] = account != "none"
        data["account_id"] = int(account) if account.isdigit() else None
        data["person_id"] = int(person) if person.isdigit() else None
        return data


class ScoringRuleForm(ServiceForm):
    """Add a scoring rule."""

    prefix = "rule"
    name = forms.CharField(max_length=100)
    field = forms.ChoiceField(choices=[(f, f) for f in domain.SCORABLE_FIELDS])
    operator = forms.ChoiceField(choices=[(o, o.replace("_", " ")) for o in domain.OPERATORS])
    value = forms.CharField(max_length=200, required=False, help_text="Comma-separated for in")
    points = forms.IntegerField(min_value=-1000, max_value=1000)


class WebLeadForm(forms.Form):
    """The public web-to-lead form; ``website`` is the honeypot people never see."""

    first_name = forms.CharField(max_length=100, required=False)
    last_name = forms.CharField(max_length=100)
    email = forms.CharField(label="E-mail", max_length=320)
    phone = forms.CharField(max_length=40, required=False)
    company = forms.CharField(max_length=200, required=False)
    job_title = forms.CharField(max_length=100, required=False)
    country = forms.CharField(max_length=2, required=False, help_text="e.g. DE")
    postal_code = forms.CharField(max_length=20, required=False)
    message = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    consent = forms.BooleanField(label=CONSENT_TEXT, required=False)
    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    campaign = forms.CharField(max_length=100, required=False, widget=forms.HiddenInput)
    utm_source = forms.CharField(max_length=100, required=False, widget=forms.HiddenInput)
    utm_medium = forms.CharField(max_length=100, required=False, widget=forms.HiddenInput)
    utm_campaign = forms.CharField(max_length=100, required=False, widget=forms.HiddenInput)
    utm_term = forms.CharField(max_length=100, required=False, widget=forms.HiddenInput)
    utm_content = forms.CharField(max_length=100, required=False, widget=forms.HiddenInput)

    def add_domain_error(self, field: str | None, message: str) -> None:
        """Show a service's refusal next to the field it concerns."""
        self.add_error(field if field in self.fields else None, message)

    def is_bot(self) -> bool:
        """True when the hidden honeypot was filled in: only bots see it."""
        return bool(str(self.data.get("website", "")).strip())

    def lead_arguments(self) -> dict[str, Any]:
        """Keyword arguments for services.create_lead."""
        data = dict(self.cleaned_data)
        data.pop("website", None)
        message = data.pop("message", "")
        granted = bool(data.pop("consent", False))
        return {
            **data,
            "notes": message,
            "source": "web_form",
            "consent_granted": granted,
            "consent_text": CONSENT_TEXT if granted else "",
            "consent_source": "web-to-lead form" if granted else "",
        }
