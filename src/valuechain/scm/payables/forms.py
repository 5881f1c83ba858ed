"""Forms of the payables pages; the services validate, the forms show their errors by field
(errors of a line land at the top, naming the line)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from valuechain.crm.customers.forms import ServiceForm
from valuechain.platform.identity.domain import ROLE_CHOICES
from valuechain.scm.payables.domain import PAYMENT_METHODS


def _today() -> Any:
    return timezone.localdate()


class LinesServiceForm(ServiceForm):
    """Errors of ``lines[2].quantity`` land at the top as "Line 3: …"."""

    def add_domain_error(self, error: Any) -> None:
        """Show line errors with their line number, other errors next to their field."""
        field = error.field or ""
        if field.startswith("lines["):
            index = int(field[6 : field.index("]")])
            # The service names the field "lines[0].unit_price"; people read "unit price".
            message = error.message.replace(f"lines[{index}].", "")
            self.add_error(None, f"Line {index + 1}: {message}")
        else:
            super().add_domain_error(error)


class BillForm(LinesServiceForm):
    """The header of a bill made from a purchase order (its lines come from the table)."""

    supplier_invoice_number = forms.CharField(label="Supplier's invoice number", max_length=60)
    bill_date = forms.DateField(initial=_today)
    # Text, not DecimalField: the service checks the currency's decimals exactly.
    tax_amount = forms.CharField(initial="0", max_length=30, help_text="In the order's currency")
    note = forms.CharField(max_length=2000, required=False, widget=forms.Textarea({"rows": 2}))


class RefuseForm(ServiceForm):
    """Why a mismatched bill is refused."""

    reason = forms.CharField(max_length=200)


class PaymentForm(ServiceForm):
    """A payment of (part of) the bill on the page."""

    amount = forms.CharField(max_length=30)
    paid_on = forms.DateField(initial=_today)
    method = forms.ChoiceField(choices=[(m, m.replace("_", " ")) for m in PAYMENT_METHODS])
    reference = forms.CharField(max_length=100, required=False)


class ReturnForm(LinesServiceForm):
    """The header of a return to vendor (its lines come from the table)."""

    reason = forms.CharField(
        max_length=200, help_text="e.g. damaged, wrong item, failed inspection"
    )
    note = forms.CharField(max_length=2000, required=False, widget=forms.Textarea({"rows": 2}))


class CreditNoteForm(ServiceForm):
    """The supplier's credit note as received."""

    supplier_credit_number = forms.CharField(label="Supplier's credit note number", max_length=60)
    amount = forms.CharField(max_length=30, help_text="As the credit note says")
    received_on = forms.DateField(initial=_today)


class SettingsForm(ServiceForm):
    """Matching tolerances and the approver role."""

    price_tolerance_percent = forms.CharField(
        label="Price tolerance %", max_length=10, help_text="Billed unit price above the PO's"
    )
    price_tolerance_amount = forms.CharField(
        label="Price tolerance per unit",
        max_length=30,
        required=False,
        help_text="Absolute cap in the bill's currency; empty: the percentage alone",
    )
    quantity_tolerance_percent = forms.CharField(
        label="Quantity tolerance %", max_length=10, help_text="Billed beyond the accepted"
    )
    approver_role = forms.ChoiceField(choices=ROLE_CHOICES, help_text="Administrators always may")
