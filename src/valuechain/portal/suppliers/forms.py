"""Forms of the supplier extranet."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from valuechain.crm.customers.forms import ServiceForm


class PortalQuoteForm(ServiceForm):
    """The supplier's quote: per RFQ line a unit price, lead time and MOQ; currency, validity."""

    currency = forms.CharField(max_length=3, required=False, help_text="Empty: your usual")
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
        """Keyword arguments for services.submit_quote; unpriced lines are left out."""
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
