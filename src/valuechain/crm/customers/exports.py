"""Columns of the customers list exports (accounts, people, unmatched interactions)."""

from __future__ import annotations

from typing import Any

from valuechain.platform.dataexchange.registry import ExportColumn, column


def _tags(row: Any) -> str:
    return ", ".join(tag.name for tag in row.tags.all())


def _first(row: Any, related: str, attribute: str) -> str:
    items = list(getattr(row, related).all())
    return str(getattr(items[0], attribute)) if items else ""


ACCOUNT_COLUMNS = (
    column("Id", "pk"),
    column("Name", "name"),
    column("Legal name", "legal_name"),
    column("Website", "website"),
    column("Industry", "industry"),
    column("Size band", "size_band"),
    column("Parent account", "parent.name"),
    column("Lifecycle stage", "lifecycle_stage"),
    column("Owner e-mail", "owner.email"),
    ExportColumn("Tags", _tags),
    column("Created at", "created_at"),
)

PERSON_COLUMNS = (
    column("Id", "pk"),
    column("First name", "first_name"),
    column("Last name", "last_name"),
    column("Job title", "job_title"),
    column("Account", "account.name"),
    ExportColumn("E-mail", lambda row: _first(row, "emailaddress_set", "email")),
    ExportColumn("Phone", lambda row: _first(row, "phonenumber_set", "number")),
    column("Lifecycle stage", "lifecycle_stage"),
    column("Owner e-mail", "owner.email"),
    ExportColumn("Tags", _tags),
    column("Created at", "created_at"),
)

UNMATCHED_COLUMNS = (
    column("Id", "pk"),
    column("Occurred at", "occurred_at"),
    column("Channel", "channel"),
    column("Kind", "kind"),
    column("Subject", "subject"),
    column("Identifier kind", "identifier_kind"),
    column("Identifier", "identifier_value"),
    column("Source", "source"),
    column("Status", "status"),
)


def _party(side: str) -> ExportColumn:
    """The name of one party of a duplicate pair; blank when gone or outside record rules."""
    return ExportColumn(side.title(), lambda item: str(item[side]) if item[side] else "")


DUPLICATE_COLUMNS = (
    ExportColumn("Id", lambda item: item["candidate"].pk),
    ExportColumn("Kind", lambda item: item["candidate"].kind),
    ExportColumn("Score", lambda item: item["candidate"].score),
    ExportColumn("First id", lambda item: item["candidate"].first_id),
    _party("first"),
    ExportColumn("Second id", lambda item: item["candidate"].second_id),
    _party("second"),
    ExportColumn("Reasons", lambda item: ", ".join(item["reasons"])),
    ExportColumn("Status", lambda item: item["candidate"].status),
    ExportColumn("Scanned at", lambda item: item["candidate"].scanned_at),
)
