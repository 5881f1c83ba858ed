"""API tokens: hashed, scoped, expiring and revocable credentials of one membership."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.db import models
from django.utils import timezone

from valuechain.platform.identity.domain import effective_permissions
from valuechain.platform.tenancy.models import Membership, TenantOwned

RAW_MARKER = "vc"


def hash_token(raw: str) -> str:
    """SHA-256 hex digest of a raw token; a token has 256 random bits, so no salt or KDF."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(TenantOwned):
    """A bearer token acting for one membership, narrowed to scopes, shown once at creation."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    # The hash is a credential and last use is noise: neither belongs in the history.
    audit_exclude = TenantOwned.audit_exclude | {"secret_hash", "last_used_at"}

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["tenant", "created_at"], name="apitoken_tenant_created"),
        ]

    def __str__(self) -> str:
        return f"{self.display_prefix} ({self.name})"

    @property
    def display_prefix(self) -> str:
        """The public part shown in lists, e.g. 'vc_ab12cd34'."""
        return f"{RAW_MARKER}_{self.prefix}"

    def matches(self, raw: str) -> bool:
        """True when the raw token hashes to the stored hash (constant-time compare)."""
        return hmac.compare_digest(hash_token(raw), self.secret_hash)

    def status_at(self, now: dt.datetime | None = None) -> str:
        """'revoked', 'expired' or 'active'."""
        now = now or timezone.now()
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "active"

    @property
    def status(self) -> str:
        """The token's status now."""
        return self.status_at()

    def permissions(self) -> frozenset[str]:
        """What a request with this token may do: the member's role narrowed to the scopes."""
        return effective_permissions(self.membership.role, self.scopes)
