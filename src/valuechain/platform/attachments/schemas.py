"""API shapes of attachments."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema


class AttachmentOut(Schema):
    """A stored file and the record it belongs to."""

    id: int
    target: str
    target_id: str
    filename: str
    size: int
    mime_type: str
    sha256: str
    uploaded_by_id: int | None
    created_at: dt.datetime
    download_url: str

    @staticmethod
    def resolve_target(obj: Any) -> str:
        """app_label.model of the record."""
        return str(obj.target_label)

    @staticmethod
    def resolve_download_url(obj: Any) -> str:
        """Where the file is downloaded."""
        return f"/api/v1/attachments/{obj.pk}/download"


class AttachmentFilters(Schema):
    """Which record's attachments to list."""

    target: str = Field(..., description="app_label.model, e.g. customers.person")
    target_id: str = Field(..., max_length=64)
