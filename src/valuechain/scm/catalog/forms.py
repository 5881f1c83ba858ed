"""Forms of the catalog pages; the services validate, the forms show their errors by the field."""

from __future__ import annotations

from typing import Any

from django import forms

from valuechain.crm.customers.forms import ServiceForm
from valuechain.scm.catalog import domain
from valuechain.scm.catalog.models import Attribute, Product, UnitOfMeasure

KIND_CHOICES = [(k, k) for k in domain.PRODUCT_KINDS]
SUPPLY_CHOICES = list(domain.SUPPLY_MODES.items())
TAX_CLASS_CHOICES = [(k, k) for k in domain.TAX_CLASSES]
SORT_CHOICES = [
    ("name", "Name A to Z"),
    ("-name", "Name Z to A"),
    ("-created_at", "Newest"),
    ("created_at", "Oldest"),
    ("kind", "Kind"),
]
MEASURE_HELP = {"weight_kg": "kg", "length_cm": "cm", "width_cm": "cm", "height_cm": "cm"}


def unit_choices() -> list[tuple[str, str]]:
    """The tenant's units, for unit selects ("" = pieces / the base unit)."""
    rows = UnitOfMeasure.objects.order_by("category", "factor", "code")
    return [("", "—")] + [(u.code, f"{u.code} ({u.category})") for u in rows]


def _measure_fields() -> dict[str, forms.Field]:
    return {
        name: forms.CharField(label=name.split("_")[0].capitalize(), required=False, help_text=unit)
        for name, unit in MEASURE_HELP.items()
    }


class ProductFilterForm(forms.Form):
    """Filters of the product list."""

    q = forms.CharField(label="Search name, description, SKU or GTIN", required=False)
    kind = forms.ChoiceField(required=False, choices=[("", "any"), *KIND_CHOICES])
    supply_mode = forms.ChoiceField(required=False, choices=[("", "any"), *SUPPLY_CHOICES])
    active = forms.ChoiceField(
        required=False, choices=[("", "any"), ("yes", "active"), ("no", "inactive")]
    )
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES)


class ProductForm(ServiceForm):
    """Create or edit a product (SKU, GTIN and measures are the default variant's, on create)."""

    name = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    kind = forms.ChoiceField(choices=KIND_CHOICES, initial="stockable")
    supply_mode = forms.ChoiceField(choices=SUPPLY_CHOICES, initial="mts")
    tax_class = forms.ChoiceField(choices=TAX_CLASS_CHOICES, initial="standard")
    hs_code = forms.CharField(label="HS code", required=False, help_text="6 to 10 digits")
    category = forms.CharField(
        max_length=100, required=False, help_text="Groups the stock valuation report"
    )
    country_of_origin = forms.CharField(
        label="Country of origin", required=False, help_text="ISO code, e.g. DE"
    )
    base_uom = forms.ChoiceField(label="Base unit", required=False)
    sales_uom = forms.ChoiceField(label="Sales unit", required=False)
    purchase_uom = forms.ChoiceField(label="Purchase unit", required=False)

    def __init__(self, *args: Any, creating: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = unit_choices()
        for name in ("base_uom", "sales_uom", "purchase_uom"):
            self.fields[name].choices = choices  # type: ignore[attr-defined]
        if creating:
            self.fields["sku"] = forms.CharField(label="SKU", max_length=64)
            self.fields["gtin"] = forms.CharField(
                label="GTIN", required=False, help_text="8, 12, 13 or 14 digits"
            )
            self.fields.update(_measure_fields())
            self.fields["attributes"] = forms.CharField(
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="One per line, e.g. Size: S, M, L — makes a variant per combination",
            )
        else:
            self.fields["is_active"] = forms.BooleanField(label="Active", required=False)

    def service_arguments(self) -> dict[str, Any]:
        """Keyword arguments for services.create_product / update_product."""
        data = dict(self.cleaned_data)
        data.pop("attributes", None)
        for name in MEASURE_HELP:
            if name in data and data[name] in ("", None):
                data.pop(name)
        return data

    def attributes(self) -> dict[str, list[str]]:
        """``Size: S, M`` lines as {"Size": ["S", "M"]}; refused lines become a field error."""
        out: dict[str, list[str]] = {}
        for line in (self.cleaned_data.get("attributes") or "").splitlines():
            if not line.strip():
                continue
            name, sep, values = line.partition(":")
            parts = [v.strip() for v in values.split(",") if v.strip()]
            if not sep or not name.strip() or not parts:
                raise ValueError(
                    f"Write each attribute as “Name: value, value” ({line.strip()!r})."
                )
            out[name.strip()] = parts
        return out


class VariantForm(ServiceForm):
    """Add or edit a variant: SKU, GTIN, name, one value per attribute, measures."""

    sku = forms.CharField(label="SKU", max_length=64)
    gtin = forms.CharField(label="GTIN", required=False, help_text="8, 12, 13 or 14 digits")
    name = forms.CharField(max_length=200, required=False, help_text="Empty: the product's name")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(_measure_fields())
        for attribute in Attribute.objects.prefetch_related("values").order_by("name"):
            self.fields[f"attr_{attribute.pk}"] = forms.ChoiceField(
                label=attribute.name,
                required=False,
                choices=[("", "—")] + [(str(v.pk), v.value) for v in attribute.values.all()],
            )
        self.fields["is_active"] = forms.BooleanField(label="Active", required=False, initial=True)

    field_aliases = {"values": "sku"}

    def service_arguments(self) -> dict[str, Any]:
        """Keyword arguments for services.create_variant / update_variant."""
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("attr_")}
        data["values"] = [
            int(v) for k, v in self.cleaned_data.items() if k.startswith("attr_") and v
        ]
        return data


class KitForm(ServiceForm):
    """A kit's components, one ``SKU quantity`` per line."""

    components = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="One per line: SKU and quantity per kit, e.g. BRUSH-01 2. Empty: not a kit.",
    )


class RelatedForm(ServiceForm):
    """Accessories and up-sell alternatives of a product."""

    accessory = forms.MultipleChoiceField(
        label="Accessories (cross-sell)",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    upsell = forms.MultipleChoiceField(
        label="Up-sell alternatives", required=False, widget=forms.SelectMultiple(attrs={"size": 8})
    )
    field_aliases = {"related_ids": "accessory"}

    def __init__(self, *args: Any, exclude: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [
            (str(pk), name)
            for pk, name in Product.objects.exclude(pk=exclude)
            .order_by("name")
            .values_list("pk", "name")
        ]
        self.fields["accessory"].choices = choices  # type: ignore[attr-defined]
        self.fields["upsell"].choices = choices  # type: ignore[attr-defined]


class PriceListForm(ServiceForm):
    """Create or edit a price list."""

    name = forms.CharField(max_length=100)
    currency = forms.CharField(max_length=3, help_text="ISO code, e.g. EUR")
    customer_group = forms.ChoiceField(label="Customer group", required=False)
    valid_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    is_active = forms.BooleanField(label="Active", required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from valuechain.scm.catalog.models import CustomerGroup

        self.fields["customer_group"].choices = [("", "every customer")] + [  # type: ignore[attr-defined]
            (g.code, g.name) for g in CustomerGroup.objects.order_by("code")
        ]


class PriceForm(ServiceForm):
    """Set a price (break) in a list."""

    prefix = "price"
    sku = forms.CharField(label="SKU", max_length=64)
    min_quantity = forms.CharField(label="From quantity", initial="1")
    unit_price = forms.CharField(label="Unit price")
    field_aliases = {"variant_id": "sku"}


class CustomerGroupForm(ServiceForm):
    """Create a customer group."""

    prefix = "group"
    code = forms.CharField(max_length=40, help_text="e.g. wholesale")
    name = forms.CharField(max_length=100)


class TaxRateForm(ServiceForm):
    """Set a tax rate."""

    prefix = "tax"
    country = forms.CharField(max_length=2, help_text="ISO code, e.g. DE")
    region = forms.CharField(max_length=10, required=False, help_text="Empty: the whole country")
    tax_class = forms.ChoiceField(choices=TAX_CLASS_CHOICES, initial="standard")
    rate = forms.CharField(help_text="A fraction: 0.19 for 19 %")
    name = forms.CharField(max_length=100, required=False)
