"""Which record types take attachments, and which area's permission guards them.

A business context registers its models in ``AppConfig.ready()``, e.g.
``register_attachable("customers.person", "crm")``. The API then checks ``crm:read`` to
list and download and ``crm:write`` to upload and delete, and that the record exists in
the current tenant (through the model's scoped manager and its record rule).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied

from valuechain.platform.errors import DomainError
from valuechain.platform.identity.domain import allows
from valuechain.platform.identity.record_rules import restrict


@dataclass(frozen=True)
class Attachable:
    """A record type that takes attachments and the area that guards it."""

    model_label: str
    area: str


_attachables: dict[str, Attachable] = {}


def register_attachable(model_label: str, area: str) -> None:
    """Let records of ``app_label.model`` carry attachments, guarded by ``area``."""
    label = model_label.strip().lower()
    _attachables[label] = Attachable(label, area)


def attachable(model_label: str) -> Attachable:
    """The registration of a record type; DomainError when it takes no attachments."""
    label = str(model_label or "").strip().lower()
    found = _attachables.get(label)
    if found is None:
        raise DomainError(
            "target_not_attachable",
            f"{label or 'This'!r} records do not take attachments.",
            field="target",
            details={"allowed": sorted(_attachables)},
        )
    return found


def check_permission(permissions: frozenset[str], model_label: str, level: str) -> Attachable:
    """Raise PermissionDenied unless ``permissions`` grant the target's area at ``level``."""
    entry = attachable(model_label)
    if not allows(permissions, entry.area, level):
        raise PermissionDenied(f"This needs the {entry.area}:{level} permission.")
    return entry


def target_record(model_label: str, object_id: Any) -> Any:
    """The current tenant's record the attachment belongs to; DomainError when unknown."""
    entry = attachable(model_label)
    model = apps.get_model(entry.model_label)
    try:
        record = restrict(model._default_manager.all()).filter(pk=object_id).first()
    except (ValueError, TypeError):
        record = None
    if record is None:
        raise DomainError("unknown_target", "No such record.", field="target_id", status=404)
    return record
