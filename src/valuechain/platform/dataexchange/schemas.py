"""API shapes of data exchange."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class ImportFieldOut(Schema):
    """A field an importer understands."""

    name: str
    label: str
    required: bool
    help: str
    aliases: list[str]


class ImporterOut(Schema):
    """A record type that can be imported, with its fields and how duplicates are found."""

    key: str
    label: str
    permission: str
    natural_key: str
    fields: list[ImportFieldOut]


class ImportJobOut(Schema):
    """An import: its file, mapping, mode, status and counts."""

    id: int
    importer: str
    filename: str
    file_format: str
    headers: list[str]
    mapping: dict[str, str] = Field(..., description="column header -> field name")
    mode: str
    status: str = Field(..., description="uploaded, validated, imported or failed")
    total_rows: int
    created_count: int
    updated_count: int
    unchanged_count: int
    rejected_count: int
    created_at: dt.datetime
    validated_at: dt.datetime | None
    imported_at: dt.datetime | None


class ImportRowOut(Schema):
    """One line of an import's report."""

    row_number: int
    status: str = Field(..., description="created, updated, unchanged or rejected")
    record_id: int | None
    error_code: str
    message: str
    field: str


class ImportRunIn(Schema):
    """Options of a run or re-validation; left out, the job's own are used."""

    mode: str | None = Field(None, description="all_or_nothing or valid_rows")
    mapping: dict[str, str] | None = Field(None, description="column header -> field name")
