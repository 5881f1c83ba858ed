"""API shapes of duplicate finding and merging."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema


class DuplicateFilters(Schema):
    """Filters of the candidate list."""

    kind: Literal["person", "account"] | None = Field(None, description="person or account")
    status: Literal["open", "dismissed", "merged"] = Field("open")


class DuplicateOut(Schema):
    """A likely duplicate pair: the lower id first, a 0-100 score and why it was found."""

    id: int
    kind: str
    first_id: int
    second_id: int
    score: int
    reasons: list[str] = Field(
        ..., description="same_email, same_phone, same_domain, same_name, similar_name"
    )
    status: str
    scanned_at: dt.datetime


class ScanIn(Schema):
    """Which records to scan."""

    kind: Literal["person", "account"]


class ScanOut(Schema):
    """What a scan found."""

    kind: str
    scanned: int
    found: int
    created: int
    updated: int
    removed: int
    dismissed_kept: int


class MergeIn(Schema):
    """Merge the loser into the survivor; ``fields`` says whose value each field keeps."""

    survivor_id: int
    loser_id: int
    fields: dict[str, str] = Field(
        default_factory=dict,
        description='{field: "survivor" | "loser"}; fields left out keep the survivor\'s value',
    )
    loser_kind: Literal["person", "account"] | None = Field(
        None, description="Defaults to the endpoint's kind; another kind is refused (422)"
    )


class MergeOut(Schema):
    """A merge: who survived, who was merged away, what moved, and whether it was undone."""

    id: int
    kind: str
    survivor_id: int
    loser_id: int
    survivor_label: str
    loser_label: str
    counts: dict[str, int] = Field(..., description="rows moved per app.model.field")
    deleted: int = Field(..., description="the loser's duplicates removed (kept on undo)")
    survivor_before: dict[str, Any]
    merged_by_id: int | None
    merged_at: dt.datetime
    undone_at: dt.datetime | None
    undone_by_id: int | None

    @staticmethod
    def resolve_deleted(obj: Any) -> int:
        """How many rows the merge deleted as duplicates of the survivor's."""
        return len(obj.deleted)
