"""Forms of the import pages: the upload, and the column mapping with the mode."""

from __future__ import annotations

from typing import Any

from django import forms

from valuechain.platform.dataexchange.models import MODE_CHOICES
from valuechain.platform.dataexchange.registry import Importer
from valuechain.platform.errors import DomainError

MODE_HELP = (
    "All or nothing: if any row fails, nothing is imported. "
    "Import valid rows: rows that pass are imported; download the rejects to fix and re-import."
)


class DomainErrorForm(forms.Form):
    """A form whose service errors land next to the field they name."""

    def add_domain_error(self, error: DomainError) -> None:
        """Show a service's refusal next to its field (or above the form)."""
        self.add_error(error.field if error.field in self.fields else None, error.message)


class UploadForm(DomainErrorForm):
    """Choose what to import and the file."""

    importer = forms.ChoiceField(label="What to import")
    file = forms.FileField(
        label="CSV or Excel (.xlsx) file", help_text="The first row names the columns."
    )

    def __init__(self, *args: Any, importers: list[Importer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["importer"].choices = [(i.key, i.label) for i in importers]  # type: ignore[attr-defined]


class MappingForm(DomainErrorForm):
    """Which field each column of the file goes to, and the import mode."""

    mode = forms.ChoiceField(choices=MODE_CHOICES, help_text=MODE_HELP, widget=forms.RadioSelect)

    def __init__(self, *args: Any, headers: list[str], importer: Importer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.headers = headers
        choices = [("", "— do not import —")] + [
            (f.name, f"{f.label}{' *' if f.required else ''}") for f in importer.fields
        ]
        for index, header in enumerate(headers):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header, choices=choices, required=False
            )

    def column_fields(self) -> list[forms.BoundField]:
        """The mapping selects, in column order."""
        return [self[f"col_{index}"] for index in range(len(self.headers))]

    def mapping(self) -> dict[str, str]:
        """Column header -> field name of the columns that are imported."""
        return {
            header: self.cleaned_data[f"col_{index}"]
            for index, header in enumerate(self.headers)
            if self.cleaned_data.get(f"col_{index}")
        }

    def add_domain_error(self, error: DomainError) -> None:
        """Mapping problems go above the mapping; others next to their field."""
        if error.field == "mapping":
            self.add_error(None, error.message)
        else:
            super().add_domain_error(error)


def mapping_initial(headers: list[str], mapping: dict[str, str], mode: str) -> dict[str, Any]:
    """Initial values of a MappingForm from a job's mapping and mode."""
    initial: dict[str, Any] = {"mode": mode}
    for index, header in enumerate(headers):
        initial[f"col_{index}"] = mapping.get(header, "")
    return initial
