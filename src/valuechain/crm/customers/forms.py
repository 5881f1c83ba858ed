"""Forms of the customer pages; the services validate, the forms show their errors by the field."""

from __future__ import annotations

from typing import Any

from django import forms

from valuechain.crm.customers import domain
from valuechain.crm.customers.models import Account
from valuechain.platform.customfields.forms import (
    add_custom_errors,
    custom_filter_form_fields,
    custom_form_fields,
    submitted_custom_values,
)
from valuechain.platform.errors import DomainError
from valuechain.platform.tenancy.context import require_tenant_id
from valuechain.platform.tenancy.models import Membership

STAGE_CHOICES = [(s, s.replace("_", " ")) for s in domain.LIFECYCLE_STAGES]
KIND_CHOICES = [(k, k) for k in domain.CONTACT_KINDS]


def split_tags(text: str) -> list[str]:
    """'VIP, Reseller' -> ['VIP', 'Reseller']."""
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def owner_choices() -> list[tuple[str, str]]:
    """The tenant's active members, for owner selects."""
    members = (
        Membership.objects.filter(tenant_id=require_tenant_id(), is_active=True)
        .select_related("user")
        .order_by("user__email")
    )
    return [("", "—")] + [(str(m.user_id), m.user.email) for m in members]


def account_choices(exclude: int | None = None) -> list[tuple[str, str]]:
    """The tenant's accounts, for parent and employer selects."""
    rows = Account.objects.order_by("name", "pk").values_list("pk", "name")
    return [("", "—")] + [(str(pk), name) for pk, name in rows if pk != exclude]


class ServiceForm(forms.Form):
    """A form whose service errors land next to the field they name."""

    # Service field names that differ from the form's.
    field_aliases: dict[str, str] = {}

    def add_domain_error(self, error: DomainError) -> None:
        """Show a service's refusal next to the field it concerns."""
        if error.code == "invalid_custom_fields":
            add_custom_errors(self, error)
            return
        field = self.field_aliases.get(error.field or "", error.field)
        self.add_error(field if field in self.fields else None, error.message)


def _id_or_none(value: str | None) -> int | None:
    return int(value) if value else None


def _party_arguments(form: forms.Form, *id_fields: str) -> dict[str, Any]:
    """Service keyword arguments: ids as ints, tags as a list, ``cf_*`` fields as ``custom``."""
    custom = submitted_custom_values(form.cleaned_data)
    data = {k: v for k, v in form.cleaned_data.items() if not k.startswith("cf_")}
    for name in id_fields:
        data[name] = _id_or_none(data.get(name))
    data["tags"] = split_tags(data.get("tags", ""))
    data["custom"] = custom
    return data


class AccountForm(ServiceForm):
    """Create or edit an account."""

    name = forms.CharField(max_length=200)
    legal_name = forms.CharField(max_length=200, required=False)
    website = forms.CharField(max_length=300, required=False, help_text="e.g. acme.example")
    industry = forms.CharField(max_length=100, required=False)
    size_band = forms.ChoiceField(
        required=False, choices=[("", "—")] + [(b, b) for b in domain.SIZE_BANDS]
    )
    parent_id = forms.ChoiceField(label="Parent account", required=False)
    owner_id = forms.ChoiceField(label="Owner", required=False)
    tags = forms.CharField(required=False, help_text="Comma-separated, e.g. VIP, Reseller")
    lifecycle_stage = forms.ChoiceField(choices=STAGE_CHOICES, initial="prospect")

    def __init__(self, *args: Any, account_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent_id"].choices = account_choices(exclude=account_id)  # type: ignore[attr-defined]
        self.fields["owner_id"].choices = owner_choices()  # type: ignore[attr-defined]
        if account_id is not None:
            del self.fields["lifecycle_stage"]  # moved through the lifecycle form
        self.fields.update(custom_form_fields("customers.account"))

    def service_arguments(self) -> dict[str, Any]:
        """Keyword arguments for services.create_account / update_account."""
        return _party_arguments(self, "parent_id", "owner_id")


class PersonForm(ServiceForm):
    """Create or edit a person."""

    first_name = forms.CharField(max_length=100, required=False)
    last_name = forms.CharField(max_length=100)
    account_id = forms.ChoiceField(label="Account", required=False)
    job_title = forms.CharField(max_length=100, required=False)
    owner_id = forms.ChoiceField(label="Owner", required=False)
    tags = forms.CharField(required=False, help_text="Comma-separated, e.g. VIP, Newsletter")
    lifecycle_stage = forms.ChoiceField(choices=STAGE_CHOICES, initial="prospect")

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account_id"].choices = account_choices()  # type: ignore[attr-defined]
        self.fields["owner_id"].choices = owner_choices()  # type: ignore[attr-defined]
        if editing:
            del self.fields["lifecycle_stage"]
        self.fields.update(custom_form_fields("customers.person"))

    def service_arguments(self) -> dict[str, Any]:
        """Keyword arguments for services.create_person / update_person."""
        return _party_arguments(self, "account_id", "owner_id")


class EmailForm(ServiceForm):
    """Add an e-mail address."""

    prefix = "email"
    email = forms.CharField(label="E-mail", max_length=320)
    contact_kind = forms.ChoiceField(label="Kind", choices=KIND_CHOICES)
    is_primary = forms.BooleanField(label="Primary", required=False)
    field_aliases = {"kind": "contact_kind"}


class PhoneForm(ServiceForm):
    """Add a phone number."""

    prefix = "phone"
    number = forms.CharField(max_length=40, help_text="+49 30 1234567, or national")
    contact_kind = forms.ChoiceField(label="Kind", choices=KIND_CHOICES)
    is_primary = forms.BooleanField(label="Primary", required=False)
    field_aliases = {"phone": "number", "kind": "contact_kind", "country": "number"}


class AddressForm(ServiceForm):
    """Add a postal address."""

    prefix = "address"
    address_kind = forms.ChoiceField(label="Kind", choices=[(k, k) for k in domain.ADDRESS_KINDS])
    line1 = forms.CharField(label="Street", max_length=200)
    line2 = forms.CharField(label="Line 2", max_length=200, required=False)
    postal_code = forms.CharField(max_length=20, required=False)
    city = forms.CharField(max_length=100)
    region = forms.CharField(max_length=100, required=False)
    country = forms.CharField(max_length=2, help_text="ISO code, e.g. DE")
    is_default = forms.BooleanField(label="Default", required=False)


class LifecycleForm(ServiceForm):
    """Move a party to another lifecycle stage."""

    prefix = "lifecycle"
    stage = forms.ChoiceField(choices=STAGE_CHOICES)


class ConsentForm(ServiceForm):
    """Record consent on a channel."""

    prefix = "consent"
    channel = forms.ChoiceField(choices=[(c, c) for c in domain.CONSENT_CHANNELS])
    granted = forms.TypedChoiceField(
        choices=[("yes", "granted"), ("no", "refused")], coerce=lambda v: v == "yes"
    )
    source = forms.CharField(max_length=200, required=False, help_text="e.g. phone call")


class PartyFilterForm(forms.Form):
    """Filters of the account and people lists."""

    name = forms.CharField(required=False)
    tag = forms.CharField(required=False)
    lifecycle_stage = forms.ChoiceField(
        label="Stage", required=False, choices=[("", "any"), *STAGE_CHOICES]
    )
    owner_id = forms.TypedChoiceField(label="Owner", required=False, coerce=int, empty_value=None)
    sort = forms.ChoiceField(required=False)

    def __init__(
        self, *args: Any, sorts: list[tuple[str, str]], target: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_id"].choices = owner_choices()  # type: ignore[attr-defined]
        self.fields["sort"].choices = sorts  # type: ignore[attr-defined]
        self.fields.update(custom_filter_form_fields(target))
