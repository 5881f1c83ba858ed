"""The audit trail's table: one row per create, update or delete of a tenant-owned record."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from valuechain.platform.tenancy.context import CHANNELS
from valuechain.platform.tenancy.models import TenantOwned

ACTIONS = ("create", "update", "delete")


class AuditEntry(TenantOwned):
    """Who changed which fields of which record, when, and through which channel."""

    audited = False  # the trail does not audit itself

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=10, choices=[(a, a.title()) for a in ACTIONS])
    changes = models.JSONField(default=dict, blank=True)  # {field: {"old": …, "new": …}}
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    channel = models.CharField(max_length=10, choices=[(c, c) for c in CHANNELS])
    token_id = models.BigIntegerField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(
                fields=["tenant", "content_type", "object_id", "-at"], name="audit_object_history"
            ),
            models.Index(fields=["tenant", "-at"], name="audit_log_recent"),
            models.Index(fields=["tenant", "actor", "-at"], name="audit_by_actor"),
        ]
        ordering = ["-at", "-pk"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.action} {self.content_type_id}:{self.object_id} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def model_label(self) -> str:
        """'app_label.model' of the audited record."""
        return f"{self.content_type.app_label}.{self.content_type.model}"
