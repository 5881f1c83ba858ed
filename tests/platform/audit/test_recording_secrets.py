"""Credentials never reach the audit trail."""

from __future__ import annotations

from valuechain.platform.audit.models import AuditEntry
from valuechain.platform.identity import services as identity


def test_token_hash_and_last_use_are_not_audited(in_tenant_a, admin_a):
    token, _raw = identity.create_token(admin_a, name="ci", scopes=["crm:read"], actor=admin_a.user)
    entry = AuditEntry.objects.get(object_id=str(token.pk), action="create")
    assert "secret_hash" not in entry.changes
    assert "last_used_at" not in entry.changes
    assert entry.changes["name"] == {"old": None, "new": "ci"}
