"""Tables of activities: tasks, calls, meetings and notes, with assignee and reminder.

``scheduled_at`` is the moment an activity is planned for: the due date of a task or call,
the start of a meeting, nothing for a note. The services keep it in step so lists, "my
day" and the reminder sweep sort and filter on one indexed column.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from valuechain.crm.activities.domain import KINDS, PRIORITIES, STATUSES
from valuechain.crm.customers.models import Account, Person
from valuechain.platform.tenancy.models import TenantOwned


class Activity(TenantOwned):
    """A task, call, meeting or note for a member, optionally about a customer or any record."""

    kind = models.CharField(max_length=10, choices=[(k, k) for k in KINDS])
    subject = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=[(s, s) for s in STATUSES], default="open")
    priority = models.CharField(
        max_length=10, choices=[(p, p) for p in PRIORITIES], default="normal"
    )
    due_at = models.DateTimeField(null=True, blank=True)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    scheduled_at = models.DateTimeField(null=True, blank=True, editable=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reminder_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    related_type = models.ForeignKey(
        "contenttypes.ContentType",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    related_id = models.CharField(max_length=64, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    outcome = models.TextField(blank=True)
    interaction_id = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        indexes = [
            models.Index(
                fields=["tenant", "assignee", "status", "scheduled_at"],
                name="activity_by_assignee",
            ),
            models.Index(fields=["tenant", "status", "scheduled_at"], name="activity_by_status"),
            models.Index(fields=["tenant", "status", "reminder_at"], name="activity_by_reminder"),
            models.Index(fields=["tenant", "person", "status"], name="activity_by_person"),
            models.Index(fields=["tenant", "account", "status"], name="activity_by_account"),
            models.Index(
                fields=["tenant", "related_type", "related_id"], name="activity_by_related"
            ),
        ]
        ordering = ["scheduled_at", "pk"]
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return f"{self.kind}: {self.subject}"[:200]

    @property
    def is_open(self) -> bool:
        """Still to be done."""
        return self.status == "open"
