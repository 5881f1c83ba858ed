"""Forms of the receiving pages; the services validate, the forms show their errors by field."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from valuechain.crm.customers.forms import ServiceForm

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SSCC = re.compile(r"^(00)?\d{18}$")


class ScanForm(ServiceForm):
    """One scan on the receiving screen: the code and, for plain codes, count, lot, expiry."""

    code = forms.CharField(max_length=200, label="Scan or type GTIN, SKU or SSCC")
    quantity = forms.CharField(max_length=20, required=False, label="Count")
    lot_number = forms.CharField(max_length=40, required=False, label="Lot")
    expires_on = forms.CharField(max_length=10, required=False, label="Expiry (YYYY-MM-DD)")


class PurchaseOrderLookupForm(forms.Form):
    """Open the receiving screen of an order by its number."""

    number = forms.CharField(max_length=30, label="Purchase order number")


def parse_asn_lines(text: str, positions: dict[int, int]) -> list[dict[str, Any]]:
    """``"1 50 LOT7 2027-01-31 003456789012345675"`` per line: the order line's position, the
    quantity, then optionally a lot, an expiry date and an SSCC (in any order)."""
    rows = []
    for number, raw in enumerate(text.splitlines(), start=1):
        parts = raw.split()
        if not parts:
            continue
        if len(parts) < 2:
            raise forms.ValidationError(f"Line {number}: write the line number, then the quantity.")
        try:
            position = int(parts[0])
            quantity = Decimal(parts[1])
        except (ValueError, InvalidOperation):
            raise forms.ValidationError(
                f"Line {number}: {raw.strip()!r} does not start with two numbers."
            ) from None
        if position not in positions:
            raise forms.ValidationError(f"Line {number}: the order has no line {position}.")
        row: dict[str, Any] = {"po_line_id": positions[position], "quantity": quantity}
        for token in parts[2:]:
            if DATE.match(token):
                row["expires_on"] = token
            elif SSCC.match(token):
                row["sscc"] = token
            else:
                row["lot_number"] = token
        rows.append(row)
    if not rows:
        raise forms.ValidationError("Enter at least one line.")
    return rows


class AsnForm(ServiceForm):
    """Record a supplier's advance ship notice by hand."""

    field_aliases = {"purchase_order_id": "purchase_order"}

    purchase_order = forms.CharField(max_length=30, label="Purchase order number")
    number = forms.CharField(max_length=40, label="Supplier's ASN number")
    expected_on = forms.DateField(label="Expected on", help_text="YYYY-MM-DD")
    lines = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One package line each: order line number, quantity, then optionally lot,"
        " expiry (YYYY-MM-DD) and SSCC — e.g. 1 50 LOT7 2027-01-31 003456789012345675",
    )
    note = forms.CharField(max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        from valuechain.scm.receiving import queries

        data = super().clean() or {}
        number = data.get("purchase_order")
        if not number:
            return data
        order = queries.order_by_number(str(number))
        if order is None:
            self.add_error("purchase_order", f"No purchase order {number}.")
            return data
        self.purchase_order_id = order.pk
        if "lines" in data:
            positions = dict(order.lines.values_list("position", "pk"))
            try:
                data["lines"] = parse_asn_lines(data["lines"], positions)
            except forms.ValidationError as error:
                self.add_error("lines", error)
        return data

    def service_arguments(self) -> dict[str, Any]:
        """Keyword arguments for asn.create_asn."""
        data = dict(self.cleaned_data)
        data.pop("purchase_order", None)
        data["purchase_order_id"] = self.purchase_order_id
        return data


class SettingsForm(ServiceForm):
    """The over-receipt tolerance."""

    over_receipt_tolerance_percent = forms.DecimalField(
        label="Over-receipt tolerance (%)",
        help_text="10 lets 110 be received against 100 ordered; 0 refuses any excess.",
    )
