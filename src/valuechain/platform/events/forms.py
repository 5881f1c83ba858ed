"""Forms of the webhook pages; the services do the validating, the form shows their errors."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from valuechain.platform.errors import DomainError
from valuechain.platform.events.registry import known_event_types


def split_event_types(text: str) -> list[str]:
    """'OrderConfirmed, OrderShipped' or one per line -> ['OrderConfirmed', 'OrderShipped']."""
    return [part for part in re.split(r"[\s,;]+", text or "") if part]


class WebhookEndpointForm(forms.Form):
    """Create or edit a webhook endpoint."""

    url = forms.CharField(
        label="URL",
        max_length=500,
        help_text="Where valuechain POSTs the events: https://… (http:// also accepted).",
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/hooks/valuechain"}),
    )
    event_types = forms.CharField(
        label="Event types",
        max_length=2000,
        help_text="Comma-separated, e.g. OrderConfirmed, OrderShipped; * sends every event.",
    )
    description = forms.CharField(label="Description", max_length=200, required=False)
    is_active = forms.BooleanField(label="Active", required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        known = known_event_types()
        if known:
            self.fields["event_types"].help_text += " Known types: " + ", ".join(known) + "."

    def service_arguments(self) -> dict[str, Any]:
        """Keyword arguments for webhooks.create_endpoint / update_endpoint."""
        data = self.cleaned_data
        return {
            "url": data["url"],
            "event_types": split_event_types(data["event_types"]),
            "description": data.get("description", ""),
            "is_active": bool(data.get("is_active")),
        }

    def add_domain_error(self, error: DomainError) -> None:
        """Show a service's refusal next to the field it concerns."""
        field = error.field if error.field in self.fields else None
        self.add_error(field, error.message)
