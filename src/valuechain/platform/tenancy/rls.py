"""PostgreSQL row-level security: the second wall behind the scoped managers.

Every table of a TenantOwned model gets RLS enabled and forced (so the owning role is
subject to it too) and one policy that admits a row only when its tenant_id matches the
session setting ``valuechain.tenant_id``, or when ``valuechain.bypass_rls`` is on for system
work. The settings are kept in step with the execution context by the ``pg`` backend.
"""

from __future__ import annotations

from typing import Any

from django.db import connections

POLICY_NAME = "tenant_isolation"
_PREDICATE = (
    "current_setting('valuechain.bypass_rls', true) = 'on' "
    "OR tenant_id = NULLIF(current_setting('valuechain.tenant_id', true), '')::bigint"
)


def policy_statements(table: str) -> list[str]:
    """SQL that (re)installs the isolation policy on one table, idempotently."""
    quoted = '"' + table.replace('"', '""') + '"'
    return [
        f"ALTER TABLE {quoted} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {quoted} FORCE ROW LEVEL SECURITY",
        f"DROP POLICY IF EXISTS {POLICY_NAME} ON {quoted}",
        f"CREATE POLICY {POLICY_NAME} ON {quoted} USING ({_PREDICATE}) WITH CHECK ({_PREDICATE})",
    ]


def install_policies(using: str = "default") -> list[str]:
    """Install the policy on every tenant-owned table; returns the tables covered."""
    from valuechain.platform.tenancy.models import tenant_owned_models

    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    tables = sorted({model._meta.db_table for model in tenant_owned_models()})
    existing = set(connection.introspection.table_names())
    covered = [table for table in tables if table in existing]
    with connection.cursor() as cursor:
        for table in covered:
            for statement in policy_statements(table):
                cursor.execute(statement)
    return covered


def install_policies_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """post_migrate receiver: keep policies on every tenant-owned table, new ones included."""
    install_policies(using)
