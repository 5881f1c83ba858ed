"""Forms of the order pages; the services validate, the forms show their errors by the field."""

from __future__ import annotations

from typing import Any

from django import forms

from valuechain.crm.customers.models import Account, Person
from valuechain.platform.errors import DomainError
from valuechain.scm.orders import domain

STATE_CHOICES = [("", "Any state")] + [(s, s.replace("_", " ")) for s in domain.STATES]
CHANNEL_CHOICES = [(c, c.replace("_", " ")) for c in domain.CHANNELS]
SORT_CHOICES = [
    ("-created_at", "Newest"),
    ("created_at", "Oldest"),
    ("number", "Number"),
    ("-gross_total", "Largest total"),
    ("state", "State"),
]


class ServiceForm(forms.Form):
    """A form whose service errors land next to the field they name."""

    field_aliases: dict[str, str] = {}

    def add_domain_error(self, error: DomainError) -> None:
        """Show a service's refusal next to the field it concerns."""
        field = error.field or ""
        if field.startswith("line."):
            field = field.removeprefix("line.")
        if field.startswith("lines["):
            field = field.split(".", 1)[-1] if "." in field else ""
        field = self.field_aliases.get(field, field)
        self.add_error(field if field in self.fields else None, error.message)


def _choose(form: forms.Form, name: str, choices: list[Any]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def account_choices() -> list[tuple[str, str]]:
    """The tenant's accounts."""
    rows = Account.objects.order_by("name", "pk").values_list("pk", "name")
    return [("", "—")] + [(str(pk), name) for pk, name in rows]


def person_choices() -> list[tuple[str, str]]:
    """The tenant's people, with their account."""
    rows = Person.objects.select_related("account").order_by("last_name", "first_name", "pk")
    return [("", "—")] + [
        (str(p.pk), f"{p.full_name} ({p.account.name})" if p.account_id else p.full_name)
        for p in rows
    ]


def _id(value: Any) -> int | None:
    return int(value) if value not in (None, "") else None


class OrderFilterForm(forms.Form):
    """Filters and sort of the order list."""

    search = forms.CharField(required=False, max_length=100, label="Search")
    state = forms.ChoiceField(required=False, choices=STATE_CHOICES)
    channel = forms.ChoiceField(required=False, choices=[("", "Any channel"), *CHANNEL_CHOICES])
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES)
    account_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    person_id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def filter_values(self) -> dict[str, Any]:
        """The query filters of the valid form."""
        data = self.cleaned_data
        return {
            "search": data["search"] or None,
            "state": data["state"] or None,
            "channel": data["channel"] or None,
            "account_id": data["account_id"],
            "person_id": data["person_id"],
        }


class OrderForm(ServiceForm):
    """A new draft order: customer, channel, currency, ship-to and options."""

    channel = forms.ChoiceField(choices=CHANNEL_CHOICES, initial="phone")
    account_id = forms.ChoiceField(required=False, label="Account")
    person_id = forms.ChoiceField(required=False, label="Person")
    currency = forms.CharField(required=False, max_length=3, help_text="Default: base currency")
    ship_to_country = forms.CharField(
        required=False, max_length=2, label="Ship-to country", help_text="Default: shipping address"
    )
    ship_to_region = forms.CharField(required=False, max_length=100, label="Ship-to region")
    ship_to_postal_code = forms.CharField(required=False, max_length=20, label="Postal code")
    incoterm = forms.ChoiceField(
        required=False, choices=[("", "—")] + [(c, c) for c in domain.INCOTERMS], label="Incoterm"
    )
    incoterm_place = forms.CharField(required=False, max_length=100, label="Incoterm place")
    allow_split = forms.BooleanField(required=False, initial=True, label="Allow split shipments")
    accept_backorder = forms.BooleanField(required=False, label="Backorder what is short")
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose(self, "account_id", account_choices())
        _choose(self, "person_id", person_choices())

    def service_data(self) -> dict[str, Any]:
        """What create_order takes."""
        data = dict(self.cleaned_data)
        data["account_id"] = _id(data["account_id"])
        data["person_id"] = _id(data["person_id"])
        return data


class LineForm(ServiceForm):
    """A line to add to a draft: SKU, quantity, and optionally price, discount and tax rate."""

    sku = forms.CharField(max_length=64, label="SKU or GTIN")
    quantity = forms.DecimalField(min_value=0, max_digits=18, decimal_places=4)
    unit_price = forms.DecimalField(
        required=False, max_digits=18, decimal_places=4, help_text="Empty: from the price list"
    )
    discount_percent = forms.DecimalField(
        required=False, max_digits=7, decimal_places=4, label="Discount %"
    )
    tax_rate = forms.DecimalField(
        required=False, max_digits=9, decimal_places=6, help_text="Empty: the region's rate"
    )
    field_aliases = {"variant_id": "sku", "gtin": "sku"}

    def service_data(self) -> dict[str, Any]:
        """What add_line takes: a GTIN when the code is all digits and no SKU matches."""
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        return data


class CancelForm(ServiceForm):
    """Why the order is cancelled."""

    reason = forms.CharField(required=False, max_length=200)
