"""Tables of attachments: one row per stored file, pointing at any record.

The file lives in Django's default storage (``STORAGES["default"]``, MEDIA_ROOT under
var/ by default) under a random name; the original name is kept only as data.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from valuechain.platform.tenancy.models import TenantOwned


def storage_name(instance: Attachment, filename: str) -> str:
    """attachments/<tenant>/<yyyy>/<mm>/<random>: never the uploader's name on disk."""
    now = timezone.now()
    return f"attachments/{instance.tenant_id}/{now:%Y/%m}/{uuid.uuid4().hex}"


class Attachment(TenantOwned):
    """A document attached to a record (content type + id), checked by size and content."""

    target_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, related_name="+"
    )
    target_id = models.CharField(max_length=64)
    file = models.FileField(upload_to=storage_name, max_length=300)
    filename = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    mime_type = models.CharField(max_length=120)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(
                fields=["tenant", "target_type", "target_id", "-created_at"],
                name="attachment_by_target",
            ),
            models.Index(fields=["tenant", "sha256"], name="attachment_by_hash"),
        ]
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.filename

    @property
    def target_label(self) -> str:
        """app_label.model of the record it belongs to."""
        return f"{self.target_type.app_label}.{self.target_type.model}"
