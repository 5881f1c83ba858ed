"""Forms of the carrier pages; services check the values, these only carry them."""

from __future__ import annotations

from django import forms

from valuechain.crm.customers.forms import ServiceForm

DATE = forms.DateInput(attrs={"type": "date"})


class CarrierForm(ServiceForm):
    """Create a carrier (the code cannot be changed later)."""

    prefix = "carrier"
    name = forms.CharField(max_length=100)
    code = forms.CharField(max_length=20, help_text="e.g. dhl; unique")
    tracking_url_template = forms.CharField(
        label="Tracking link",
        required=False,
        max_length=300,
        help_text="https://… with {tracking} where the number goes",
    )
    is_active = forms.BooleanField(label="Active", required=False, initial=True)


class CarrierEditForm(CarrierForm):
    """Change a carrier's name, tracking link or active flag."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        del self.fields["code"]


class ServiceAddForm(ServiceForm):
    """Add a service to a carrier."""

    prefix = "service"
    code = forms.CharField(max_length=20, help_text="e.g. express")
    name = forms.CharField(max_length=100, help_text="e.g. Express")


class RateCardForm(ServiceForm):
    """A rate card's currency, fuel surcharge and excess price per kg."""

    prefix = "card"
    currency = forms.CharField(max_length=3, initial="EUR", help_text="ISO code, e.g. EUR")
    fuel_surcharge_percent = forms.CharField(label="Fuel surcharge %", initial="0")
    excess_price_per_kg = forms.CharField(
        label="Excess price per kg",
        required=False,
        help_text="per started kg above the last break; empty: heavier parcels are refused",
    )


class ZoneForm(ServiceForm):
    """Add a zone to a rate card."""

    prefix = "zone"
    country = forms.CharField(max_length=2, help_text="ISO code, e.g. DE")
    postal_prefix = forms.CharField(
        label="Postal prefix", max_length=10, required=False, help_text="empty: whole country"
    )
    transit_days = forms.CharField(label="Transit days", help_text="business days")


class BreakForm(ServiceForm):
    """Set the price up to a weight in a zone."""

    prefix = "break"
    zone = forms.ChoiceField(label="Zone")
    max_weight_kg = forms.CharField(label="Up to kg")
    price = forms.CharField(label="Price")
    field_aliases = {"zone_id": "zone"}


class CompareForm(ServiceForm):
    """A parcel to rate and the rule to choose by."""

    country = forms.CharField(max_length=2, help_text="ISO code, e.g. DE")
    postal_code = forms.CharField(label="Postal code", max_length=20, required=False)
    weight_kg = forms.CharField(label="Weight kg")
    ship_date = forms.DateField(label="Ship date", required=False, widget=DATE)
    promised_date = forms.DateField(
        label="Promised delivery", required=False, widget=DATE, help_text="cheapest by then"
    )
    cost_cap = forms.CharField(
        label="Cost cap", required=False, help_text="or: fastest within this price"
    )
    currency = forms.CharField(max_length=3, required=False, help_text="default: base currency")


class ShipmentChoiceForm(ServiceForm):
    """The rule to choose a shipment's carrier by."""

    promised_date = forms.DateField(label="Promised delivery", required=False, widget=DATE)
    cost_cap = forms.CharField(label="Cost cap", required=False)
    currency = forms.CharField(max_length=3, required=False, help_text="default: base currency")
