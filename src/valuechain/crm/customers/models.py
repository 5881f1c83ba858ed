"""Tables of customers: accounts (companies), people, their addresses, contact points,
tags, lifecycle history and consent.

Addresses, e-mails and phones belong to an account or to a person (exactly one; the
services guarantee it). E-mails and phones are stored normalised (lowercase e-mail, E.164
phone), unique per party and indexed by value so a touch point finds its party fast.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from valuechain.crm.customers.domain import (
    ADDRESS_KINDS,
    CONSENT_CHANNELS,
    CONTACT_KINDS,
    LIFECYCLE_STAGES,
    SIZE_BANDS,
)
from valuechain.platform.tenancy.models import TenantOwned

STAGE_CHOICES = [(stage, stage.replace("_", " ")) for stage in LIFECYCLE_STAGES]
CONTACT_KIND_CHOICES = [(kind, kind) for kind in CONTACT_KINDS]


class Tag(TenantOwned):
    """A label a tenant puts on accounts and people (e.g. "VIP", "reseller")."""

    name = models.CharField(max_length=50)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="tag_unique_name")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Account(TenantOwned):
    """A company we sell to; accounts nest (a subsidiary's parent is its group)."""

    name = models.CharField(max_length=200)
    legal_name = models.CharField(max_length=200, blank=True)
    website = models.URLField(max_length=300, blank=True)
    industry = models.CharField(max_length=100, blank=True)
    size_band = models.CharField(
        max_length=10, blank=True, choices=[(band, band) for band in SIZE_BANDS]
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="accounts")
    lifecycle_stage = models.CharField(max_length=10, choices=STAGE_CHOICES, default="prospect")
    custom = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "name"], name="account_by_name"),
            models.Index(fields=["tenant", "lifecycle_stage"], name="account_by_stage"),
            models.Index(fields=["tenant", "owner"], name="account_by_owner"),
            models.Index(fields=["tenant", "parent"], name="account_by_parent"),
        ]
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Person(TenantOwned):
    """A person: a contact of an account (B2B) or a customer on their own (B2C)."""

    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100)
    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    job_title = models.CharField(max_length=100, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="people")
    lifecycle_stage = models.CharField(max_length=10, choices=STAGE_CHOICES, default="prospect")
    custom = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "last_name", "first_name"], name="person_by_name"),
            models.Index(fields=["tenant", "lifecycle_stage"], name="person_by_stage"),
            models.Index(fields=["tenant", "owner"], name="person_by_owner"),
            models.Index(fields=["tenant", "account"], name="person_by_account"),
        ]
        ordering = ["last_name", "first_name", "pk"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        """First and last name."""
        return f"{self.first_name} {self.last_name}".strip()


class PartyOwned(TenantOwned):
    """Abstract base of rows that belong to an account or to a person."""

    account = models.ForeignKey(Account, null=True, blank=True, on_delete=models.CASCADE)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE)

    class Meta:
        abstract = True

    @property
    def party(self) -> Account | Person | None:
        """The account or person this row belongs to."""
        return self.account if self.account_id is not None else self.person


class Address(PartyOwned):
    """A postal address of a party; at most one default per kind and party."""

    kind = models.CharField(max_length=10, choices=[(k, k) for k in ADDRESS_KINDS])
    line1 = models.CharField(max_length=200)
    line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100)
    region = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2)  # ISO 3166-1 alpha-2
    is_default = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "account", "kind"],
                condition=models.Q(is_default=True),
                name="address_one_default_per_account",
            ),
            models.UniqueConstraint(
                fields=["tenant", "person", "kind"],
                condition=models.Q(is_default=True),
                name="address_one_default_per_person",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "account"], name="address_by_account"),
            models.Index(fields=["tenant", "person"], name="address_by_person"),
        ]
        ordering = ["kind", "-is_default", "pk"]
        verbose_name_plural = "addresses"

    def __str__(self) -> str:
        return f"{self.line1}, {self.postal_code} {self.city}, {self.country}".replace(" ,", ",")


class EmailAddress(PartyOwned):
    """An e-mail address of a party, stored normalised (lowercase)."""

    email = models.CharField(max_length=254)
    kind = models.CharField(max_length=10, choices=CONTACT_KIND_CHOICES, default="work")
    is_primary = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "account", "email"], name="email_unique_per_account"
            ),
            models.UniqueConstraint(
                fields=["tenant", "person", "email"], name="email_unique_per_person"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "email"], name="email_by_value")]
        ordering = ["-is_primary", "email", "pk"]

    def __str__(self) -> str:
        return self.email


class PhoneNumber(PartyOwned):
    """A phone number of a party, stored in E.164 (``+4930123456``)."""

    number = models.CharField(max_length=16)
    kind = models.CharField(max_length=10, choices=CONTACT_KIND_CHOICES, default="work")
    is_primary = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "account", "number"], name="phone_unique_per_account"
            ),
            models.UniqueConstraint(
                fields=["tenant", "person", "number"], name="phone_unique_per_person"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "number"], name="phone_by_value")]
        ordering = ["-is_primary", "number", "pk"]

    def __str__(self) -> str:
        return self.number


class LifecycleChange(PartyOwned):
    """One move of a party between lifecycle stages: the history behind its current stage."""

    from_stage = models.CharField(max_length=10, choices=STAGE_CHOICES)
    to_stage = models.CharField(max_length=10, choices=STAGE_CHOICES)
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
            models.Index(fields=["tenant", "account", "-changed_at"], name="lifecycle_by_account"),
            models.Index(fields=["tenant", "person", "-changed_at"], name="lifecycle_by_person"),
            models.Index(fields=["tenant", "to_stage", "-changed_at"], name="lifecycle_by_stage"),
        ]
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.from_stage} -> {self.to_stage}"


class ConsentRecord(TenantOwned):
    """A person's yes or no to being contacted on one channel; the latest one counts."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    channel = models.CharField(max_length=10, choices=[(c, c) for c in CONSENT_CHANNELS])
    granted = models.BooleanField()
    source = models.CharField(max_length=200, blank=True)  # e.g. "web signup form"
    recorded_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    audited = False  # append-only: the records are the history

    class Meta:
        indexes = [
            models.Index(
                fields=["tenant", "person", "channel", "-recorded_at"], name="consent_latest"
            ),
        ]
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.channel}: {'granted' if self.granted else 'refused'}"


# --- touch points -----------------------------------------------------------------------

INTERACTION_CHANNELS = (
    "web",
    "mobile",
    "store",
    "sales_rep",
    "direct_mail",
    "field_service",
    "email",
    "service_centre",
    "call_centre",
    "social",
)
INTERACTION_KINDS = ("note", "call", "meeting", "email", "visit", "purchase", "message", "other")
INTERACTION_DIRECTIONS = ("inbound", "outbound", "internal")
IDENTIFIER_KINDS = ("email", "phone", "loyalty_card", "social_handle")
INTERACTION_STATUSES = ("matched", "unmatched", "dismissed")


class PartyIdentifier(PartyOwned):
    """A loyalty card number or social handle of a party, stored normalised for matching."""

    kind = models.CharField(
        max_length=20, choices=[(k, k) for k in ("loyalty_card", "social_handle")]
    )
    value = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "kind", "value"], name="party_identifier_unique"
            ),
        ]
        ordering = ["kind", "value", "pk"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"


class Interaction(TenantOwned):
    """One touch point: a call, visit, purchase, message… on any channel, on one timeline."""

    channel = models.CharField(max_length=20, choices=[(c, c) for c in INTERACTION_CHANNELS])
    kind = models.CharField(max_length=10, choices=[(k, k) for k in INTERACTION_KINDS])
    direction = models.CharField(
        max_length=10, choices=[(d, d) for d in INTERACTION_DIRECTIONS], default="inbound"
    )
    occurred_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(max_length=200, blank=True)  # an external actor (a POS clerk)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="interactions"
    )
    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="interactions"
    )
    related_type = models.ForeignKey(
        "contenttypes.ContentType",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    related_id = models.CharField(max_length=64, blank=True)
    source = models.CharField(max_length=100, blank=True)
    external_id = models.CharField(max_length=200, null=True, blank=True)
    identifier_kind = models.CharField(
        max_length=20, blank=True, choices=[(k, k) for k in IDENTIFIER_KINDS]
    )
    identifier_value = models.CharField(max_length=254, blank=True)
    status = models.CharField(
        max_length=10, choices=[(s, s) for s in INTERACTION_STATUSES], default="matched"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "source", "external_id"],
                condition=models.Q(external_id__isnull=False),
                name="interaction_unique_external_id",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "person", "-occurred_at"], name="interaction_by_person"),
            models.Index(
                fields=["tenant", "account", "-occurred_at"], name="interaction_by_account"
            ),
            models.Index(fields=["tenant", "status", "-occurred_at"], name="interaction_by_status"),
        ]
        ordering = ["-occurred_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.channel} {self.kind}: {self.subject or self.occurred_at.date()}"[:200]


# Duplicate candidates and merge records live in their own module (one use case per file).
from valuechain.crm.customers.merge_models import (  # noqa: E402
    DuplicateCandidate as DuplicateCandidate,
)
from valuechain.crm.customers.merge_models import MergeRecord as MergeRecord  # noqa: E402
