"""Forms of the inventory pages; the services validate, the forms show their errors by field."""

from __future__ import annotations

from django import forms

from valuechain.crm.customers.forms import ServiceForm
from valuechain.scm.inventory import domain
from valuechain.scm.inventory.models import Location, Warehouse


def warehouse_choices(blank: str = "") -> list[tuple[str, str]]:
    """The tenant's active warehouses for selects."""
    rows = Warehouse.objects.filter(is_active=True).order_by("priority", "code")
    return [("", blank or "—")] + [(str(w.pk), f"{w.code} {w.name}") for w in rows]


def location_choices(warehouse_id: int | None = None) -> list[tuple[str, str]]:
    """Internal locations (of one warehouse) for selects."""
    rows = Location.objects.filter(kind__in=domain.INTERNAL_LOCATION_KINDS, is_active=True)
    if warehouse_id:
        rows = rows.filter(warehouse_id=warehouse_id)
    return [("", "—")] + [(str(loc.pk), loc.code) for loc in rows.order_by("code")]


class WarehouseForm(ServiceForm):
    """Create a warehouse."""

    code = forms.CharField(max_length=20, help_text="e.g. DC1; locations are named DC1/STOCK …")
    name = forms.CharField(max_length=200)
    priority = forms.IntegerField(initial=10, help_text="Lower is tried first.")
    country = forms.CharField(max_length=2, required=False, help_text="ISO code, e.g. DE")
    postal_code = forms.CharField(max_length=20, required=False)
    latitude = forms.DecimalField(required=False, max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(required=False, max_digits=9, decimal_places=6)
    is_store = forms.BooleanField(label="Store (POS)", required=False)


class VariantField(forms.CharField):
    """An item by SKU."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_length=64, label="Item (SKU)", **kwargs)  # type: ignore[arg-type]


class SkuForm(ServiceForm):
    """A form whose ``sku`` field names a variant."""

    field_aliases = {"variant_id": "sku", "variant": "sku"}

    def clean_sku(self) -> object:
        from valuechain.scm.catalog.models import Variant

        sku = self.cleaned_data["sku"].strip()
        variant = Variant.objects.filter(sku__iexact=sku).first()
        if variant is None:
            raise forms.ValidationError(f"No item with SKU {sku}.")
        self.variant = variant
        return sku


class ReceiptForm(SkuForm):
    """Receive goods."""

    sku = VariantField()
    warehouse = forms.ChoiceField()
    quantity = forms.DecimalField(max_digits=18, decimal_places=4)
    lot_number = forms.CharField(max_length=40, required=False)
    expires_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(max_length=100, required=False)
    unit_cost = forms.DecimalField(
        required=False,
        min_value=0,
        decimal_places=6,
        help_text="Base currency; empty: current cost",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["warehouse"].choices = warehouse_choices()  # type: ignore[attr-defined]


class TransferForm(SkuForm):
    """Ship stock to another warehouse."""

    field_aliases = {**SkuForm.field_aliases, "lot_number": "lot_number"}
    sku = VariantField()
    from_warehouse = forms.ChoiceField()
    to_warehouse = forms.ChoiceField()
    quantity = forms.DecimalField(max_digits=18, decimal_places=4)
    lot_number = forms.CharField(max_length=40, required=False)
    expected_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(max_length=100, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name in ("from_warehouse", "to_warehouse"):
            self.fields[name].choices = warehouse_choices()  # type: ignore[attr-defined]


class CountLineForm(SkuForm):
    """One counted line."""

    sku = VariantField()
    location = forms.ChoiceField()
    lot_number = forms.CharField(max_length=40, required=False)
    counted = forms.DecimalField(max_digits=18, decimal_places=4, min_value=0)

    def __init__(self, *args: object, warehouse_id: int | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["location"].choices = location_choices(warehouse_id)  # type: ignore[attr-defined]


class RuleForm(SkuForm):
    """A min/max reorder rule."""

    sku = VariantField()
    warehouse = forms.ChoiceField()
    min_quantity = forms.DecimalField(max_digits=18, decimal_places=4, min_value=0)
    max_quantity = forms.DecimalField(max_digits=18, decimal_places=4, min_value=0)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["warehouse"].choices = warehouse_choices()  # type: ignore[attr-defined]
