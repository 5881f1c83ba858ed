"""Tables of leads: the lead itself, its status history and the tenant's scoring rules.

E-mail and phone are stored normalised (the customers normalisers) so the duplicate check
compares like with like against other leads and against the customers' contact points.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from valuechain.crm.customers.domain import SIZE_BANDS
from valuechain.crm.leads.domain import OPERATORS, SCORABLE_FIELDS, SOURCES, STATUSES
from valuechain.platform.tenancy.models import TenantOwned


class Lead(TenantOwned):
    """A person (and maybe company) interested in buying, not yet a customer."""

    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100)
    company = models.CharField(max_length=200, blank=True)
    job_title = models.CharField(max_length=100, blank=True)
    email = models.CharField(max_length=254, blank=True)  # normalised, lowercase
    phone = models.CharField(max_length=16, blank=True)  # E.164
    country = models.CharField(max_length=2, blank=True)  # ISO 3166-1 alpha-2
    region = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    industry = models.CharField(max_length=100, blank=True)
    size_band = models.CharField(max_length=10, blank=True, choices=[(b, b) for b in SIZE_BANDS])
    source = models.CharField(max_length=20, choices=[(s, s.replace("_", " ")) for s in SOURCES])
    status = models.CharField(max_length=12, choices=[(s, s) for s in STATUSES], default="new")
    unqualified_reason = models.CharField(max_length=20, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    score = models.IntegerField(default=0)
    score_breakdown = models.JSONField(default=list, blank=True)
    campaign = models.CharField(max_length=100, blank=True)
    utm_source = models.CharField(max_length=100, blank=True)
    utm_medium = models.CharField(max_length=100, blank=True)
    utm_campaign = models.CharField(max_length=100, blank=True)
    utm_term = models.CharField(max_length=100, blank=True)
    utm_content = models.CharField(max_length=100, blank=True)
    consent_granted = models.BooleanField(default=False)
    consent_text = models.CharField(max_length=500, blank=True)
    consent_at = models.DateTimeField(null=True, blank=True)
    consent_source = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    custom = models.JSONField(default=dict, blank=True)
    converted_account = models.ForeignKey(
        "customers.Account", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    converted_person = models.ForeignKey(
        "customers.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    converted_opportunity = models.ForeignKey(
        "sales.Opportunity", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    converted_at = models.DateTimeField(null=True, blank=True)

    # Not stored: create_lead(existing_by_email=True) says whether it made this lead.
    was_created: bool = True

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "status", "-created_at"], name="lead_by_status"),
            models.Index(fields=["tenant", "email"], name="lead_by_email"),
            models.Index(fields=["tenant", "phone"], name="lead_by_phone"),
            models.Index(fields=["tenant", "owner"], name="lead_by_owner"),
            models.Index(fields=["tenant", "-score"], name="lead_by_score"),
            models.Index(fields=["tenant", "-created_at"], name="lead_by_created"),
            models.Index(fields=["tenant", "source"], name="lead_by_source"),
            models.Index(fields=["tenant", "campaign"], name="lead_by_campaign"),
        ]
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        """First and last name."""
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_converted(self) -> bool:
        """True once the lead became an account, contact and opportunity."""
        return self.status == "converted"


class LeadStatusChange(TenantOwned):
    """One move of a lead between statuses, with the reason when it was unqualified."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=12, choices=[(s, s) for s in STATUSES])
    to_status = models.CharField(max_length=12, choices=[(s, s) for s in STATUSES])
    reason = models.CharField(max_length=20, blank=True)
    changed_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    audited = False  # the row is itself history

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "lead", "-changed_at"], name="lead_status_by_lead"),
        ]
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status}"


class ScoringRule(TenantOwned):
    """A tenant's rule: when a lead's field matches, the lead earns the points."""

    name = models.CharField(max_length=100)
    field = models.CharField(max_length=30, choices=[(f, f) for f in SCORABLE_FIELDS])
    operator = models.CharField(max_length=20, choices=[(o, o) for o in OPERATORS])
    value = models.CharField(max_length=200, blank=True)
    points = models.IntegerField()
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="scoring_rule_unique_name")
        ]
        indexes = [models.Index(fields=["tenant", "is_active"], name="scoring_rule_active")]
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.points:+d})"


class ScoringSetup(TenantOwned):
    """Marks that a tenant's default scoring rules were created, so deleting them sticks."""

    seeded_at = models.DateTimeField(default=timezone.now)

    audited = False

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant"], name="scoring_setup_once")]

    def __str__(self) -> str:
        return f"scoring set up {self.seeded_at:%Y-%m-%d}"
