"""Forms of the purchasing pages; the services validate, the forms show their errors by field."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from valuechain.crm.customers.forms import ServiceForm
from valuechain.scm.catalog.models import Variant
from valuechain.scm.procurement.forms import INCOTERM_CHOICES


def supplier_choices() -> list[tuple[str, str]]:
    """Active suppliers for a select, by code."""
    from valuechain.scm.procurement.models import Supplier

    rows = Supplier.objects.filter(is_active=True).select_related("account").order_by("code")
    return [("", "—")] + [(str(s.pk), f"{s.code} {s.account.name}") for s in rows]


def warehouse_choices() -> list[tuple[str, str]]:
    """Active warehouses for a select, by code."""
    from valuechain.scm.inventory.models import Warehouse

    rows = Warehouse.objects.filter(is_active=True).order_by("code")
    return [(str(w.pk), f"{w.code} {w.name}") for w in rows]


def variant_by_sku(sku: str) -> Variant:
    """The variant of a SKU (case-insensitive) or a validation error."""
    variant = Variant.objects.filter(sku__iexact=sku.strip()).first()
    if variant is None:
        raise forms.ValidationError(f"No item with SKU {sku}.")
    return variant


class OrderForm(ServiceForm):
    """A new draft order (with an optional first line) or a draft's header."""

    field_aliases = {"supplier_id": "supplier", "warehouse_id": "warehouse", "variant_id": "sku"}

    supplier = forms.ChoiceField(required=False, help_text="Empty: the best-ranked for the item")
    warehouse = forms.ChoiceField(label="Ship to")
    currency = forms.CharField(max_length=3, required=False, help_text="Empty: the supplier's")
    order_date = forms.DateField(required=False, help_text="Fixes the exchange rate; empty: today")
    requested_on = forms.DateField(required=False, label="Wanted by")
    incoterm = forms.ChoiceField(choices=INCOTERM_CHOICES, required=False)
    incoterm_place = forms.CharField(max_length=100, required=False, label="Incoterm place")
    payment_terms_days = forms.IntegerField(required=False, label="Payment terms (days)")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    sku = forms.CharField(max_length=64, required=False, label="Item (SKU)")
    quantity = forms.DecimalField(required=False, min_value=Decimal("0.0001"), decimal_places=4)
    unit_price = forms.DecimalField(
        required=False, decimal_places=6, help_text="Empty: from the supplier's price breaks"
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].choices = warehouse_choices()  # type: ignore[attr-defined]
        if editing:
            for name in ("supplier", "sku", "quantity", "unit_price"):
                del self.fields[name]
        else:
            self.fields["supplier"].choices = supplier_choices()  # type: ignore[attr-defined]
        self.variant: Variant | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        sku = (data.get("sku") or "").strip()
        if sku:
            try:
                self.variant = variant_by_sku(sku)
            except forms.ValidationError as error:
                self.add_error("sku", error)
            if data.get("quantity") is None:
                self.add_error("quantity", "Enter the quantity to order.")
        elif "supplier" in self.fields and not data.get("supplier"):
            self.add_error("supplier", "Choose a supplier, or enter an item to pick the best one.")
        return data

    def header_arguments(self) -> dict[str, Any]:
        """Keyword arguments for services.create_order / update_order (header only)."""
        data = self.cleaned_data
        values: dict[str, Any] = {
            "warehouse_id": int(data["warehouse"]),
            "requested_on": data.get("requested_on"),
            "incoterm": data.get("incoterm") or "",
            "incoterm_place": data.get("incoterm_place") or "",
            "note": data.get("note") or "",
        }
        if data.get("currency"):
            values["currency"] = data["currency"]
        if data.get("order_date"):
            values["order_date"] = data["order_date"]
        if data.get("payment_terms_days") is not None:
            values["payment_terms_days"] = data["payment_terms_days"]
        return values

    def first_line(self) -> list[dict[str, Any]]:
        """The line entered with the header, if any."""
        if self.variant is None:
            return []
        return [
            {
                "variant_id": self.variant.pk,
                "quantity": self.cleaned_data["quantity"],
                "unit_price": self.cleaned_data.get("unit_price"),
            }
        ]


class LineForm(ServiceForm):
    """A line added to a draft."""

    field_aliases = {"variant_id": "sku"}

    sku = forms.CharField(max_length=64, label="Item (SKU)")
    quantity = forms.DecimalField(min_value=Decimal("0.0001"), decimal_places=4)
    unit_price = forms.DecimalField(
        required=False, decimal_places=6, help_text="Empty: from the price breaks"
    )
    uom = forms.CharField(max_length=10, required=False, initial="EA", label="Unit")
    requested_on = forms.DateField(required=False, label="Wanted by")

    def clean_sku(self) -> str:
        self.variant = variant_by_sku(self.cleaned_data["sku"])
        return str(self.cleaned_data["sku"])

    def service_arguments(self) -> dict[str, Any]:
        """Keyword arguments for services.add_line."""
        data = dict(self.cleaned_data)
        data.pop("sku")
        data["variant_id"] = self.variant.pk
        data["uom"] = data.get("uom") or "EA"
        return data


class SendForm(ServiceForm):
    """Where to e-mail the PDF."""

    email = forms.CharField(max_length=254, required=False, help_text="Empty: the supplier's")


class ReasonForm(forms.Form):
    """A reason for refusing or cancelling."""

    reason = forms.CharField(max_length=200, required=False)


class RfqForm(ServiceForm):
    """A new RFQ: where, when, which items (one per line: SKU quantity) and which suppliers."""

    field_aliases = {
        "warehouse_id": "warehouse",
        "supplier_ids": "suppliers",
        "variant_id": "items",
    }

    warehouse = forms.ChoiceField(label="Ship to")
    requested_on = forms.DateField(required=False, label="Wanted by")
    reply_by = forms.DateField(required=False)
    items = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), help_text="One per line: SKU and quantity"
    )
    suppliers = forms.MultipleChoiceField(required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].choices = warehouse_choices()  # type: ignore[attr-defined]
        self.fields["suppliers"].choices = supplier_choices()[1:]  # type: ignore[attr-defined]

    def clean_items(self) -> list[dict[str, Any]]:
        rows = []
        for number, line in enumerate(self.cleaned_data["items"].splitlines(), start=1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 2:
                raise forms.ValidationError(f"Line {number}: write the SKU, a space, the quantity.")
            variant = variant_by_sku(parts[0])
            try:
                quantity = Decimal(parts[1])
            except ArithmeticError:
                raise forms.ValidationError(
                    f"Line {number}: {parts[1]!r} is not a number."
                ) from None
            rows.append({"variant_id": variant.pk, "quantity": quantity})
        return rows

    def service_arguments(self) -> dict[str, Any]:
        """Keyword arguments for rfq.create_rfq."""
        data = self.cleaned_data
        return {
            "warehouse_id": int(data["warehouse"]),
            "requested_on": data.get("requested_on"),
            "reply_by": data.get("reply_by"),
            "lines": data["items"],
            "supplier_ids": [int(pk) for pk in data.get("suppliers") or []],
            "note": data.get("note") or "",
        }


class QuoteLinesForm(ServiceForm):
    """A quote on an RFQ: per RFQ line a unit price, lead time and MOQ; currency, validity.

    The buyer's form adds the supplier; the supplier extranet uses it as it is.
    """

    currency = forms.CharField(max_length=3, required=False, help_text="Empty: the supplier's")
    valid_until = forms.DateField(required=False)

    def __init__(self, *args: Any, rfq_lines: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rfq_lines = rfq_lines
        zero = Decimal(0)
        for line in rfq_lines:
            label = f"{line.position}. {line.variant.sku}, qty {line.quantity.normalize():f}"
            self.fields[f"price_{line.pk}"] = forms.DecimalField(
                required=False, min_value=zero, decimal_places=6, label=f"{label}: unit price"
            )
            self.fields[f"lead_{line.pk}"] = forms.DecimalField(
                required=False, min_value=zero, decimal_places=2, label="Lead time (days)"
            )
            self.fields[f"moq_{line.pk}"] = forms.DecimalField(
                required=False, min_value=zero, decimal_places=4, label="MOQ"
            )

    def service_arguments(self) -> dict[str, Any]:
        """Keyword arguments for rfq.record_quote (less the supplier); unpriced lines are left
        out."""
        data = self.cleaned_data
        return {
            "currency": data.get("currency") or "",
            "valid_until": data.get("valid_until"),
            "lines": [
                {
                    "rfq_line_id": line.pk,
                    "unit_price": data[f"price_{line.pk}"],
                    "lead_time_days": data.get(f"lead_{line.pk}") or 0,
                    "min_order_quantity": data.get(f"moq_{line.pk}") or 0,
                }
                for line in self.rfq_lines
                if data.get(f"price_{line.pk}") is not None
            ],
        }


class QuoteForm(QuoteLinesForm):
    """A supplier's quote typed in by the buyer: the supplier, then one row per RFQ line."""

    field_aliases = {"supplier_id": "supplier"}

    supplier = forms.ChoiceField()
    field_order = ["supplier", "currency", "valid_until"]

    def __init__(self, *args: Any, rfq_lines: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, rfq_lines=rfq_lines, **kwargs)
        self.fields["supplier"].choices = supplier_choices()  # type: ignore[attr-defined]

    def service_arguments(self) -> dict[str, Any]:
        """Keyword arguments for rfq.record_quote."""
        return {"supplier_id": int(self.cleaned_data["supplier"]), **super().service_arguments()}
