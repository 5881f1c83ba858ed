"""Forms of the manufacturing pages; the services validate, the forms show their errors by
field (a bill's line errors land on the lines box)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from valuechain.crm.customers.forms import ServiceForm
from valuechain.scm.catalog.models import Variant
from valuechain.scm.inventory.models import Warehouse
from valuechain.scm.manufacturing.domain import BOM_KINDS
from valuechain.scm.manufacturing.models import WorkCentre

LINES_HELP = "One per line: SKU, quantity, then optionally the unit and the scrap % (BOARD 2 pc 5)."


def parse_lines(text: str, *, scrap: bool) -> list[dict[str, Any]]:
    """``"BOARD 2 pc 5"`` lines into service rows (variant ids looked up by SKU)."""
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = line.replace(";", " ").split()
        if not parts:
            continue
        if len(parts) < 2 or len(parts) > (4 if scrap else 3):
            raise forms.ValidationError(f"Line {number}: {LINES_HELP}")
        sku, quantity, *rest = parts
        variant = Variant.objects.filter(sku=sku).first()
        if variant is None:
            raise forms.ValidationError(f"Line {number}: no item with SKU {sku}.")
        row: dict[str, Any] = {"variant_id": variant.pk, "quantity": quantity}
        for value in rest:
            try:
                Decimal(value)
            except InvalidOperation:
                row["unit"] = value
            else:
                if not scrap:
                    raise forms.ValidationError(f"Line {number}: by-products carry no scrap %.")
                row["scrap_percent"] = value
        rows.append(row)
    return rows


class LinesForm(ServiceForm):
    """Errors of ``components[2].quantity`` land on the components box."""

    def add_domain_error(self, error: Any) -> None:
        """Show line errors on the box of lines they belong to."""
        field = (error.field or "").split("[")[0].split(".")[0]
        if field in self.fields:
            self.add_error(field, error.message)
        else:
            super().add_domain_error(error)


class BomForm(LinesForm):
    """A new version of a bill of materials."""

    sku = forms.CharField(label="Item made (SKU)", max_length=64)
    kind = forms.ChoiceField(choices=[(k, k) for k in BOM_KINDS], initial="manufacture")
    output_quantity = forms.DecimalField(initial=1, help_text="Units one batch of the bill makes")
    valid_from = forms.DateField(required=False, help_text="Empty: today")
    valid_to = forms.DateField(required=False, help_text="Empty: open-ended")
    components = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), help_text=LINES_HELP)
    byproducts = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="One per line: SKU and quantity per batch.",
    )
    note = forms.CharField(max_length=200, required=False)
    field_aliases = {"variant_id": "sku"}

    def clean_components(self) -> list[dict[str, Any]]:
        return parse_lines(self.cleaned_data["components"], scrap=True)

    def clean_byproducts(self) -> list[dict[str, Any]]:
        return parse_lines(self.cleaned_data.get("byproducts") or "", scrap=False)

    def service_arguments(self) -> dict[str, Any]:
        """Keyword arguments for services.create_bom."""
        data = dict(self.cleaned_data)
        variant = Variant.objects.filter(sku=data.pop("sku").strip()).first()
        data["variant_id"] = variant.pk if variant else None
        return data


class WorkCentreForm(ServiceForm):
    """A new work centre."""

    code = forms.CharField(max_length=20, help_text="e.g. SAW")
    name = forms.CharField(max_length=200)
    capacity_per_hour = forms.DecimalField(help_text="Units it makes in an hour of running")
    hours_per_day = forms.DecimalField(initial=8, help_text="Planned hours per working day")


def _choices(rows: Any) -> list[tuple[str, str]]:
    return [(str(r.pk), f"{r.code} {r.name}") for r in rows]


class WorkOrderForm(ServiceForm):
    """A new work order."""

    sku = forms.CharField(label="Item to make (SKU)", max_length=64)
    quantity = forms.DecimalField()
    warehouse_id = forms.ChoiceField(label="Warehouse")
    work_centre_id = forms.ChoiceField(label="Work centre")
    planned_start = forms.DateField(required=False, help_text="Picks the bill valid that day")
    field_aliases = {"variant_id": "sku", "bom_id": "sku"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        warehouses = Warehouse.objects.filter(is_active=True).order_by("code")
        self.fields["warehouse_id"].choices = _choices(warehouses)  # type: ignore[attr-defined]
        centres = WorkCentre.objects.filter(is_active=True).order_by("code")
        self.fields["work_centre_id"].choices = _choices(centres)  # type: ignore[attr-defined]

    def service_arguments(self) -> dict[str, Any]:
        """Keyword arguments for workorders.create_work_order."""
        data = dict(self.cleaned_data)
        variant = Variant.objects.filter(sku=data.pop("sku").strip()).first()
        data["variant_id"] = variant.pk if variant else None
        data["warehouse_id"] = int(data["warehouse_id"])
        data["work_centre_id"] = int(data["work_centre_id"])
        return data


class ProductionForm(ServiceForm):
    """Units made since the last report."""

    good_quantity = forms.DecimalField(label="Good", initial=0, min_value=0)
    scrap_quantity = forms.DecimalField(label="Scrap", initial=0, min_value=0)


class PeriodForm(forms.Form):
    """The period of a productivity page."""

    start = forms.DateField(required=False)
    end = forms.DateField(required=False)
