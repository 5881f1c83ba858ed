"""The read side of attachments: a record's files, one attachment."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from valuechain.platform.attachments.models import Attachment

ATTACHMENT_SORTS = ("created_at", "filename", "size")


def for_target(model_label: str, object_id: Any) -> QuerySet[Attachment]:
    """The files attached to one record, newest first, with their uploader loaded."""
    app_label, _, model = str(model_label).strip().lower().partition(".")
    return (
        Attachment.objects.select_related("uploaded_by", "target_type")
        .filter(
            target_type__app_label=app_label,
            target_type__model=model,
            target_id=str(object_id),
        )
        .order_by("-created_at", "-pk")
    )


def attachment(attachment_id: int) -> Attachment:
    """One attachment of the tenant; DoesNotExist (404) otherwise."""
    return Attachment.objects.select_related("uploaded_by", "target_type").get(pk=attachment_id)


def label_of(record: Any) -> str:
    """``app_label.model`` of a model instance."""
    meta = record._meta
    return f"{meta.app_label}.{meta.model_name}"
