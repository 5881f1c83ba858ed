"""Use cases of attachments: store a file on a record, delete it.

A file is refused before anything is written when it is empty, over
``VALUECHAIN_ATTACHMENT_MAX_BYTES`` (413 ``file_too_large``) or of a type not allowed by
its content (422 ``file_type_not_allowed``). The row is audited like every tenant row;
a deleted file leaves storage once the transaction commits. A file is written before its
row; should the surrounding transaction roll back, the file stays behind under its random
name, unreferenced (harmless, and cheaper than a two-phase write).
"""

from __future__ import annotations

import hashlib
from typing import IO, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction

from valuechain.platform.attachments import domain
from valuechain.platform.attachments.models import Attachment
from valuechain.platform.attachments.registry import attachable, target_record
from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.tenancy.context import current

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def max_bytes() -> int:
    """The largest file accepted, in bytes (setting ATTACHMENT_MAX_BYTES)."""
    return int(getattr(settings, "ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def _read(upload: IO[bytes] | bytes, declared_size: int | None) -> bytes:
    """The whole content, refusing more than the limit without reading far past it."""
    limit = max_bytes()
    if declared_size is not None and declared_size > limit:
        raise _too_large(declared_size, limit)
    content = upload if isinstance(upload, bytes) else upload.read(limit + 1)
    if len(content) > limit:
        raise _too_large(len(content), limit)
    return content


def _too_large(size: int, limit: int) -> DomainError:
    return DomainError(
        "file_too_large",
        f"The file is {size} bytes; the limit is {limit} bytes.",
        field="file",
        status=413,
        details={"max_bytes": limit},
    )


def _payload(row: Attachment) -> dict[str, Any]:
    return {
        "attachment_id": row.pk,
        "target": row.target_label,
        "target_id": row.target_id,
        "filename": row.filename,
        "mime_type": row.mime_type,
        "size": row.size,
    }


@transaction.atomic
def attach(
    target: str,
    target_id: Any,
    upload: IO[bytes] | bytes,
    filename: str,
    *,
    declared_size: int | None = None,
) -> Attachment:
    """Store a file on a record of a registered type; checked by size and by content."""
    entry = attachable(target)
    record = target_record(entry.model_label, target_id)
    content = _read(upload, declared_size)
    if not content:
        raise DomainError("empty_file", "The file is empty.", field="file")
    name = domain.safe_filename(str(filename or ""))
    mime, allowed = domain.allowed_type(content, name)
    if not allowed:
        raise DomainError(
            "file_type_not_allowed",
            f"Files of this type ({mime or 'unknown'}) cannot be attached; allowed are PDF, "
            "images, Office and OpenDocument files, plain text and CSV.",
            field="file",
            details={"detected": mime, "allowed": sorted(domain.ALLOWED_TYPES)},
        )
    row = Attachment(
        target_type=ContentType.objects.get_for_model(type(record)),
        target_id=str(record.pk),
        filename=name,
        size=len(content),
        mime_type=str(mime),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by_id=current().actor_id,
    )
    row.tenant_id = record.tenant_id  # upload_to names the folder by tenant
    row.file.save(name, ContentFile(content), save=False)
    row.save()
    publish("AttachmentAdded", _payload(row))
    return row


@transaction.atomic
def delete_attachment(attachment_id: Any) -> None:
    """Remove an attachment; its file leaves storage after the transaction commits."""
    row = Attachment.objects.select_for_update().filter(pk=attachment_id).first()
    if row is None:
        raise DomainError("not_found", "No such attachment.", status=404)
    name = row.file.name
    storage = row.file.storage
    payload = _payload(row)
    row.delete()
    publish("AttachmentRemoved", payload)
    transaction.on_commit(lambda: storage.delete(name))
