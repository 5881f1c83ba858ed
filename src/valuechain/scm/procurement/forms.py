"""Forms of the procurement pages; the services validate, the forms show their errors by field."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from valuechain.crm.customers.forms import ServiceForm, account_choices
from valuechain.scm.procurement import domain

INCOTERM_CHOICES = [("", "—")] + [(t, f"{t} {domain.INCOTERM_NAMES[t]}") for t in domain.INCOTERMS]


class SupplierForm(ServiceForm):
    """Create a supplier (new account by name, or an existing account) or edit one."""

    code = forms.CharField(max_length=20, help_text="e.g. NORD; unique among your suppliers")
    name = forms.CharField(
        max_length=200, required=False, help_text="A new CRM account is created with this name."
    )
    account_id = forms.ChoiceField(
        label="…or an existing account", required=False, help_text="Its contacts are shared."
    )
    currency = forms.CharField(max_length=3, required=False, help_text="e.g. EUR; empty: yours")
    payment_terms_days = forms.IntegerField(label="Payment terms (days)", initial=30)
    incoterm = forms.ChoiceField(choices=INCOTERM_CHOICES, required=False)
    gln = forms.CharField(label="GLN", max_length=13, required=False, help_text="13 digits")

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["account_id"]
            self.fields["name"].required = True
            self.fields["name"].help_text = "Renames the CRM account."
            self.fields["currency"].required = True
        else:
            self.fields["account_id"].choices = account_choices()  # type: ignore[attr-defined]

    def service_arguments(self) -> dict[str, Any]:
        """Keyword arguments for services.create_supplier / update_supplier."""
        data = dict(self.cleaned_data)
        if "account_id" in data:
            data["account_id"] = int(data["account_id"]) if data["account_id"] else None
        return data


def parse_price_breaks(text: str) -> list[dict[str, Decimal]]:
    """``"0 12.50\\n100 11.90"`` (or with ``;`` / ``:`` between) into price-break rows."""
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = line.replace(";", " ").replace(":", " ").replace("=", " ").split()
        if not parts:
            continue
        if len(parts) != 2:
            raise forms.ValidationError(
                f"Line {number}: write the quantity, a space, then the unit price."
            )
        try:
            rows.append({"min_quantity": Decimal(parts[0]), "unit_price": Decimal(parts[1])})
        except InvalidOperation:
            message = f"Line {number}: {line.strip()!r} is not two numbers."
            raise forms.ValidationError(message) from None
    return rows


def format_price_breaks(breaks: Any) -> str:
    """Price breaks as the text the form shows, one per line."""
    return "\n".join(f"{b.min_quantity.normalize():f} {b.unit_price.normalize():f}" for b in breaks)


class SupplierProductForm(ServiceForm):
    """Add or change what a supplier delivers of one variant."""

    field_aliases = {"variant_id": "sku"}

    sku = forms.CharField(max_length=64, label="Item (our SKU)")
    supplier_sku = forms.CharField(max_length=64, required=False, label="Supplier's SKU")
    currency = forms.CharField(max_length=3, required=False, help_text="empty: the supplier's")
    min_order_quantity = forms.DecimalField(initial=0, label="Minimum order quantity")
    pack_size = forms.DecimalField(initial=1, help_text="Orders are whole packs; 0: any quantity")
    lead_time_days = forms.DecimalField(initial=0, label="Lead time (days)")
    lead_time_std_days = forms.DecimalField(initial=0, label="Lead time spread (std. dev., days)")
    price_breaks = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One per line: from quantity, unit price — e.g. 0 12.50 then 100 11.90",
    )
    is_active = forms.BooleanField(required=False, initial=True, label="Active")

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["sku"]
        else:
            del self.fields["is_active"]

    def clean_sku(self) -> str:
        from valuechain.scm.catalog.models import Variant

        sku = str(self.cleaned_data["sku"]).strip()
        variant = Variant.objects.filter(sku__iexact=sku).first()
        if variant is None:
            raise forms.ValidationError(f"No item with SKU {sku}.")
        self.variant_id = variant.pk
        return sku

    def clean_price_breaks(self) -> list[dict[str, Decimal]]:
        return parse_price_breaks(self.cleaned_data["price_breaks"])

    def service_arguments(self) -> dict[str, Any]:
        """Keyword arguments for services.create_supplier_product / update_supplier_product."""
        data = dict(self.cleaned_data)
        if data.pop("sku", None) is not None:
            data["variant_id"] = self.variant_id
        return data


class SelectionSettingsForm(ServiceForm):
    """The weights of supplier selection."""

    weight_price = forms.DecimalField(label="Price", help_text="Unit price at the quantity")
    weight_lead_time = forms.DecimalField(label="Lead time", help_text="Mean days to delivery")
    weight_reliability = forms.DecimalField(
        label="Lead-time reliability", help_text="Spread (std. dev.) of the lead time"
    )
    weight_on_time_in_full = forms.DecimalField(
        label="On time in full", help_text="Neutral for everyone until receipts are recorded"
    )
    weight_quality = forms.DecimalField(
        label="Quality acceptance", help_text="Neutral for everyone until inspections exist"
    )


class RankingForm(forms.Form):
    """Which item and how much: the question a ranking answers."""

    sku = forms.CharField(max_length=64, label="Item (SKU)")
    quantity = forms.DecimalField(initial=1, min_value=Decimal("0.0001"), decimal_places=4)
