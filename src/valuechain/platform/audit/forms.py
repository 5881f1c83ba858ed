"""The audit log's filter form."""

from __future__ import annotations

from typing import Any

from django import forms

from valuechain.platform.audit import queries
from valuechain.platform.audit.models import ACTIONS
from valuechain.platform.tenancy.context import CHANNELS


class AuditFilterForm(forms.Form):
    """Filters of /settings/audit/: every field optional, every given one must match."""

    model = forms.ChoiceField(label="Record type", required=False)
    object_id = forms.CharField(label="Record id", required=False, max_length=64)
    actor = forms.TypedChoiceField(label="Who", required=False, coerce=int, empty_value=None)
    channel = forms.ChoiceField(
        label="Channel", required=False, choices=[("", "Any channel"), *((c, c) for c in CHANNELS)]
    )
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "Any action"), *((a, a) for a in ACTIONS)]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_field = self.fields["model"]
        actor_field = self.fields["actor"]
        assert isinstance(model_field, forms.ChoiceField)
        assert isinstance(actor_field, forms.ChoiceField)
        model_field.choices = [("", "All records"), *queries.audited_model_choices()]
        actor_field.choices = [("", "Anyone"), *queries.member_choices()]

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for queries.audit_entries from the cleaned data."""
        data = self.cleaned_data
        return {
            "model": data.get("model") or None,
            "object_id": (data.get("object_id") or "").strip() or None,
            "actor_id": data.get("actor"),
            "channel": data.get("channel") or None,
            "action": data.get("action") or None,
        }
