"""API routes of attachments; each operation checks the record type's permission."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import File, Form, Query, Status
from ninja.files import UploadedFile

from valuechain.platform.api import ListParams, Page, member_router, paginate
from valuechain.platform.attachments import queries, services
from valuechain.platform.attachments.models import Attachment
from valuechain.platform.attachments.registry import check_permission, target_record
from valuechain.platform.attachments.schemas import AttachmentFilters, AttachmentOut

router = member_router(tags=["attachments"])


def _permissions(request: HttpRequest) -> frozenset[str]:
    return frozenset(getattr(request, "permissions", frozenset()))


@router.post("/attachments", response={201: AttachmentOut}, summary="Attach a file")
def upload(
    request: HttpRequest,
    target: Form[str],
    target_id: Form[str],
    file: File[UploadedFile],
) -> Status[Attachment]:
    """Multipart upload; refused by size (413) or by content type (422), nothing stored."""
    check_permission(_permissions(request), target, "write")
    row = services.attach(target, target_id, file, file.name or "", declared_size=file.size)
    return Status(201, queries.attachment(row.pk))


@router.get("/attachments", response=Page[AttachmentOut], summary="List a record's files")
def list_attachments(
    request: HttpRequest, filters: Query[AttachmentFilters], params: Query[ListParams]
) -> dict[str, Any]:
    """The files attached to one record, newest first."""
    check_permission(_permissions(request), filters.target, "read")
    target_record(filters.target, filters.target_id)
    return paginate(
        queries.for_target(filters.target, filters.target_id),
        params,
        sortable=queries.ATTACHMENT_SORTS,
        default_sort=("-created_at",),
    )


def _visible(request: HttpRequest, attachment_id: int, level: str) -> Attachment:
    row = queries.attachment(attachment_id)
    check_permission(_permissions(request), row.target_label, level)
    return row


@router.get("/attachments/{attachment_id}", response=AttachmentOut, summary="Get one")
def get_attachment(request: HttpRequest, attachment_id: int) -> Attachment:
    """One attachment's details."""
    return _visible(request, attachment_id, "read")


@router.get("/attachments/{attachment_id}/download", summary="Download the file")
def download(request: HttpRequest, attachment_id: int) -> FileResponse:
    """The file itself, always as a download and never sniffed by the browser."""
    row = _visible(request, attachment_id, "read")
    response = FileResponse(
        row.file.open("rb"), as_attachment=True, filename=row.filename, content_type=row.mime_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@router.delete("/attachments/{attachment_id}", response={204: None}, summary="Delete")
def delete(request: HttpRequest, attachment_id: int) -> Status[None]:
    """Remove the attachment and, after commit, its file."""
    _visible(request, attachment_id, "write")
    services.delete_attachment(attachment_id)
    return Status(204, None)
