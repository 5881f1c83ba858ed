"""Forms of the supplier extranet: the supplier's quote, and the buyer's grant of a login."""

from __future__ import annotations

from typing import Any

from django import forms

from valuechain.crm.customers.forms import ServiceForm
from valuechain.scm.purchasing.forms import QuoteLinesForm


class PortalQuoteForm(QuoteLinesForm):
    """The supplier's own quote: the buyer's quote form without the supplier to choose."""

    def __init__(self, *args: Any, rfq_lines: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, rfq_lines=rfq_lines, **kwargs)
        self.fields["currency"].help_text = "Empty: your usual"


class PortalAccessForm(ServiceForm):
    """An e-mail to give extranet access for a supplier; a first password for a new account."""

    email = forms.CharField(max_length=254, label="E-mail")
    password = forms.CharField(
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False),
        label="Initial password",
        help_text="Only when the e-mail has no account yet; hand it to the supplier yourself.",
    )

    def service_arguments(self) -> dict[str, Any]:
        """Keyword arguments for services.grant_access."""
        data = self.cleaned_data
        return {"email": data["email"], "password": data.get("password") or None}
