"""API shapes of the audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from valuechain.platform.audit.models import AuditEntry


class AuditEntryOut(Schema):
    """One change of one record."""

    id: int
    at: dt.datetime
    action: str = Field(..., description="create, update or delete")
    model: str = Field(..., description="app_label.model of the record")
    object_id: str
    object_repr: str
    changes: dict[str, Any] = Field(..., description='{field: {"old": …, "new": …}}')
    actor_id: int | None
    actor_email: str | None
    channel: str = Field(..., description="ui, api, cli, import, edi, job or system")
    token_id: int | None

    @staticmethod
    def resolve_model(obj: AuditEntry) -> str:
        return obj.model_label

    @staticmethod
    def resolve_actor_email(obj: AuditEntry) -> str | None:
        return obj.actor.email if obj.actor is not None else None


class AuditFilters(Schema):
    """Filters of the audit log; every given filter must match."""

    model: str | None = Field(None, description="app_label.model, e.g. events.webhookendpoint")
    object_id: str | None = None
    actor_id: int | None = None
    channel: str | None = Field(None, description="ui, api, cli, import, edi, job or system")
    action: str | None = Field(None, description="create, update or delete")
