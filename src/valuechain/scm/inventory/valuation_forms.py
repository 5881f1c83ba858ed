"""Forms of the valuation pages: the report filters, the costing method and landed costs."""

from __future__ import annotations

from django import forms

from valuechain.crm.customers.forms import ServiceForm
from valuechain.scm.inventory import costing
from valuechain.scm.inventory.forms import warehouse_choices


class ValuationFilterForm(forms.Form):
    """As of a day, one warehouse, one category."""

    as_of = forms.DateField(
        label="As of", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    warehouse = forms.ChoiceField(required=False)
    category = forms.CharField(max_length=100, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["warehouse"].choices = warehouse_choices("All warehouses")  # type: ignore[attr-defined]


class CostingForm(ServiceForm):
    """The tenant's costing method."""

    costing_method = forms.ChoiceField(
        label="Costing method",
        choices=[("average", "Moving average"), ("fifo", "FIFO")],
        help_text="Can change only while no stock is valued.",
    )


class LandedCostForm(ServiceForm):
    """A landed cost over the receipts of a reference: one amount per kind of cost."""

    field_aliases = {
        "lines": "freight",
        "lines.0.amount": "freight",
        "lines.0.currency": "currency",
        "method": "method",
    }
    reference = forms.CharField(max_length=100, help_text="The receipts' reference, e.g. PO-000012")
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    method = forms.ChoiceField(
        label="Split by", choices=[(m, m) for m in costing.ALLOCATION_METHODS]
    )
    currency = forms.CharField(max_length=3, required=False, help_text="Empty: base currency")
    freight = forms.DecimalField(required=False, min_value=0, decimal_places=2)
    duty = forms.DecimalField(required=False, min_value=0, decimal_places=2)
    insurance = forms.DecimalField(required=False, min_value=0, decimal_places=2)
    other = forms.DecimalField(required=False, min_value=0, decimal_places=2)
    note = forms.CharField(max_length=200, required=False)

    def lines(self) -> list[dict[str, object]]:
        """The non-empty amounts as service lines."""
        data = self.cleaned_data
        return [
            {"kind": kind, "amount": data[kind], "currency": data.get("currency") or ""}
            for kind in costing.LANDED_COST_KINDS
            if data.get(kind)
        ]
