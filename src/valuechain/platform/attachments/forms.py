"""The upload form of the attachments panel."""

from __future__ import annotations

from django import forms

from valuechain.platform.errors import DomainError


class UploadForm(forms.Form):
    """One file for a record; the service judges its size and type."""

    file = forms.FileField(label="File", help_text="PDF, image, Office/OpenDocument, text or CSV.")

    def add_domain_error(self, error: DomainError) -> None:
        """Show a service's refusal next to the file field (or above the form)."""
        field = error.field if error.field in self.fields else None
        self.add_error(field, error.message)
