"""Tables of territories: territories with their criteria, teams, assignment rules and the
link of each account or lead to the territory it falls in.

Criteria are JSON lists (an empty list accepts any value); the services normalise them.
``TerritoryRecord`` is maintained by the event handlers and ``valuechain territories
rebuild``; the record rules read it in subqueries, so a record has at most one territory.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from valuechain.crm.territories.domain import ASSIGNMENT_METHODS, MEMBER_ROLES, RECORD_TYPES
from valuechain.platform.tenancy.models import TenantOwned


class Territory(TenantOwned):
    """A slice of the market by country, region, postal code, industry and size band."""

    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    priority = models.IntegerField(default=0)  # higher wins when several territories match
    is_active = models.BooleanField(default=True)
    countries = models.JSONField(default=list, blank=True)  # ISO 3166-1 alpha-2
    regions = models.JSONField(default=list, blank=True)
    postal_prefixes = models.JSONField(default=list, blank=True)
    industries = models.JSONField(default=list, blank=True)
    size_bands = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="territory_unique_name")
        ]
        indexes = [models.Index(fields=["tenant", "is_active"], name="territory_by_active")]
        ordering = ["-priority", "name", "pk"]
        verbose_name_plural = "territories"

    def __str__(self) -> str:
        return self.name


class TerritoryMember(TenantOwned):
    """A user on a territory's team, as a member (gets records) or its manager."""

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=10, choices=[(r, r) for r in MEMBER_ROLES])

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "territory", "user"], name="territory_member_unique"
            )
        ]
        indexes = [
            models.Index(fields=["tenant", "user", "role"], name="territory_member_by_user"),
        ]
        ordering = ["territory_id", "user_id"]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.territory_id} as {self.role}"


class AssignmentRule(TenantOwned):
    """How a territory hands out new leads or accounts: round robin or least loaded."""

    territory = models.ForeignKey(
        Territory, on_delete=models.CASCADE, related_name="assignment_rules"
    )
    applies_to = models.CharField(max_length=10, choices=[(t, t) for t in RECORD_TYPES])
    method = models.CharField(
        max_length=20, choices=[(m, m.replace("_", " ")) for m in ASSIGNMENT_METHODS]
    )
    is_active = models.BooleanField(default=True)
    # The user who got the last record: round robin continues after them.
    last_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # The cursor moves on every assignment: auditing it would drown the rule's real changes.
    audit_exclude = TenantOwned.audit_exclude | {"last_user", "last_user_id"}

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "territory", "applies_to"], name="assignment_rule_unique"
            )
        ]
        ordering = ["territory_id", "applies_to"]

    def __str__(self) -> str:
        return f"{self.applies_to} by {self.method}"


class TerritoryRecord(TenantOwned):
    """The territory an account or lead falls in (one at most), kept for record rules."""

    audited = False  # derived data, rebuilt from the records' attributes

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="records")
    record_type = models.CharField(max_length=10, choices=[(t, t) for t in RECORD_TYPES])
    record_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "record_type", "record_id"], name="territory_record_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["tenant", "territory", "record_type"], name="territory_record_by_terr"
            )
        ]
        ordering = ["record_type", "record_id"]

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_id} in {self.territory_id}"
