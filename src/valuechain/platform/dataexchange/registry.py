"""The registry business contexts fill from their ``apps.py``: importers and exporters.

The kernel knows no business context: an importer describes its columns and hands over a
callable that creates or updates one record from one row (raising ``DomainError`` for a bad
row); an exporter names a list and its columns. Registering twice with one key replaces the
entry (Django may call ``ready()`` more than once in tests).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

OUTCOMES = ("created", "updated", "unchanged")


@dataclass(frozen=True)
class ImportField:
    """One field an importer understands; ``aliases`` help guess the column mapping."""

    name: str
    label: str
    required: bool = False
    help: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportOutcome:
    """What importing one row did: ``created``, ``updated`` or ``unchanged`` a record."""

    status: str
    record_id: int

    def __post_init__(self) -> None:
        if self.status not in OUTCOMES:
            raise ValueError(f"status must be one of {OUTCOMES}, not {self.status!r}")


# import_row(values, known_id): values maps field names to the row's text (only mapped
# fields); known_id is the record the row's external id was imported into before, if any.
RowImporter = Callable[[Mapping[str, str], "int | None"], ImportOutcome]


@dataclass(frozen=True)
class Importer:
    """A record type that can be imported from CSV or Excel.

    ``natural_key`` says in words how re-imported rows find their record (shown in the UI
    and the API) so that running the same file twice creates no duplicates. When one of the
    fields is named ``external_id`` the kernel remembers which record each external id went
    to and passes it to ``import_row`` as ``known_id`` on later runs.
    """

    key: str
    label: str
    permission: str
    fields: tuple[ImportField, ...]
    import_row: RowImporter
    natural_key: str = ""

    def field(self, name: str) -> ImportField | None:
        """The field called ``name``, or None."""
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True)
class ExportColumn:
    """One column of an export: a header and how to get the cell from a row."""

    header: str
    value: Callable[[Any], Any]


def column(header: str, attribute: str) -> ExportColumn:
    """A column reading a (dotted) attribute, None-safe: ``column("Owner", "owner.email")``."""

    def read(row: Any) -> Any:
        value = row
        for part in attribute.split("."):
            value = getattr(value, part, None) if value is not None else None
            if callable(value) and not isinstance(value, type):
                value = value()
        return value

    return ExportColumn(header, read)


@dataclass(frozen=True)
class Exporter:
    """A list that can be exported: its key, label, permission and columns."""

    key: str
    label: str
    permission: str
    columns: tuple[ExportColumn, ...] = field(default_factory=tuple)


_importers: dict[str, Importer] = {}
_exporters: dict[str, Exporter] = {}


def register_importer(importer: Importer) -> None:
    """Offer a record type for import (call from the owning context's AppConfig.ready)."""
    names = [f.name for f in importer.fields]
    if len(names) != len(set(names)):
        raise ValueError(f"Importer {importer.key!r} has duplicate field names")
    _importers[importer.key] = importer


def register_exporter(exporter: Exporter) -> None:
    """Offer a list for export under a key."""
    _exporters[exporter.key] = exporter


def importers() -> list[Importer]:
    """Every registered importer, by label."""
    return sorted(_importers.values(), key=lambda i: i.label)


def get_importer(key: str) -> Importer | None:
    """The importer registered under ``key``, or None."""
    return _importers.get(key)


def get_exporter(key: str) -> Exporter | None:
    """The exporter registered under ``key``, or None."""
    return _exporters.get(key)


def exporters() -> Iterable[Exporter]:
    """Every registered exporter, by label."""
    return sorted(_exporters.values(), key=lambda e: e.label)
