"""Tables of events: the transactional outbox, handler runs, webhook endpoints and deliveries."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from valuechain.platform.tenancy.models import TenantOwned


class OutboxEvent(TenantOwned):
    """Something that happened (past tense, e.g. ``OrderConfirmed``), written in its transaction."""

    audited = False

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(max_length=100)
    payload = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    occurred_at = models.DateTimeField(default=timezone.now)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # When the sweeper should (re)try dispatching if no one has by then.
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "-occurred_at"], name="outbox_recent"),
            models.Index(fields=["tenant", "type", "-occurred_at"], name="outbox_by_type"),
            # The sweeper works across tenants and only on undispatched rows.
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_undispatched",
                condition=models.Q(dispatched_at__isnull=True),
            ),
        ]
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.id}"

    @property
    def status(self) -> str:
        """dispatched, pending (not tried yet), retrying or failed (gave up)."""
        if self.dispatched_at is not None:
            return "dispatched"
        if self.attempts == 0:
            return "pending"
        return "retrying" if self.next_attempt_at is not None else "failed"


class HandlerRun(TenantOwned):
    """Proof that one handler finished for one event: a handler runs at most once per event."""

    audited = False

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="handler_runs")
    handler_name = models.CharField(max_length=200)
    finished_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "handler_name"], name="handlerrun_once")
        ]

    def __str__(self) -> str:
        return f"{self.handler_name} for {self.event_id}"


class WebhookEndpoint(TenantOwned):
    """A URL of the tenant's that receives signed POSTs for the event types it subscribes to."""

    audit_exclude: ClassVar[frozenset[str]] = frozenset({"secret"})

    url = models.URLField(max_length=500)
    event_types = models.JSONField(default=list, blank=True)  # ["OrderConfirmed", …] or ["*"]
    secret = models.CharField(max_length=100)
    is_active = models.BooleanField(default=True)
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["tenant", "is_active"], name="webhook_active")]
        ordering = ["url", "pk"]

    def __str__(self) -> str:
        return self.url

    def wants(self, event_type: str) -> bool:
        """True when the endpoint subscribes to the event type (or to every type with "*")."""
        return "*" in self.event_types or event_type in self.event_types


DELIVERY_STATUSES = ("pending", "succeeded", "failed", "retrying")


class WebhookDelivery(TenantOwned):
    """One event sent (or being sent) to one endpoint, with the outcome of its last attempt."""

    audited = False

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    attempts = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=10, choices=[(s, s) for s in DELIVERY_STATUSES], default="pending"
    )
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)  # first 2 KB
    error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "endpoint", "-created_at"], name="delivery_by_endpoint"),
            models.Index(
                fields=["next_attempt_at"],
                name="delivery_due",
                condition=models.Q(status__in=["pending", "retrying"]),
            ),
        ]
        ordering = ["-created_at"]
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"{self.event_id} to endpoint {self.endpoint_id}: {self.status}"
