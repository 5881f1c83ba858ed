"""API route of inbound e-mail (crm area): raw RFC 822 messages filed on contacts' timelines."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Schema, Status

from valuechain.crm.activities import inbound
from valuechain.platform.api import area_router
from valuechain.platform.errors import DomainError

router = area_router("crm", tags=["inbound e-mail"])
DEFAULT_MAX_BYTES = 25 * 1024 * 1024


class FiledInteractionOut(Schema):
    """One interaction the message was filed as."""

    id: int
    person_id: int | None
    account_id: int | None
    status: str
    created: bool


class SkippedAttachmentOut(Schema):
    """An attachment that was not stored, and why."""

    filename: str
    code: str


class InboundEmailOut(Schema):
    """What filing the message did."""

    message_id: str
    direction: str
    interactions: list[FiledInteractionOut]
    attachments: int
    skipped_attachments: list[SkippedAttachmentOut]


def _max_bytes() -> int:
    return int(getattr(settings, "INBOUND_EMAIL_MAX_BYTES", DEFAULT_MAX_BYTES))


def _too_large(limit: int) -> DomainError:
    return DomainError(
        "message_too_large",
        f"The message is over {limit} bytes.",
        field="message",
        status=413,
        details={"max_bytes": limit},
    )


def _raw_message(request: HttpRequest) -> bytes:
    """The message bytes: the whole body (message/rfc822) or the ``message`` upload field."""
    content_type = request.content_type or ""
    limit = _max_bytes()
    if content_type == "multipart/form-data":
        upload = request.FILES.get("message")
        if upload is None:
            raise DomainError(
                "invalid_message", "Upload the message in the 'message' field.", field="message"
            )
        if upload.size and upload.size > limit:
            raise _too_large(limit)
        return bytes(upload.read())
    if content_type not in ("", "message/rfc822", "text/plain", "application/octet-stream"):
        raise DomainError(
            "unsupported_media_type",
            "Send the raw message as message/rfc822 or as a multipart 'message' field.",
            status=415,
            details={"content_type": content_type},
        )
    # read() rather than .body: Django caps .body at DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB).
    raw = request.read(limit + 1)
    if len(raw) > limit:
        raise _too_large(limit)
    return bytes(raw)


@router.post(
    "/inbound-email",
    response={200: InboundEmailOut, 201: InboundEmailOut},
    summary="File an inbound e-mail",
)
def inbound_email(request: HttpRequest) -> Status[dict[str, Any]]:
    """201 when filed; 200 when this Message-ID was filed before (nothing new is stored)."""
    result = inbound.file_inbound_email(_raw_message(request))
    body = {
        "message_id": result.message_id,
        "direction": result.direction,
        "interactions": result.interactions,
        "attachments": result.attachments,
        "skipped_attachments": result.skipped_attachments,
    }
    return Status(201 if result.created else 200, body)
