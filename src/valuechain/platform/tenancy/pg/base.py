"""Django's PostgreSQL backend plus the per-connection RLS settings.

Before a statement runs, the connection's ``valuechain.tenant_id`` / ``valuechain.bypass_rls``
settings are brought in line with the execution context, once per change rather than once
per statement. A rollback can undo a ``set_config`` made inside the rolled-back
transaction, so the remembered state is forgotten on every rollback and reconnect.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus

from valuechain.platform.tenancy.context import current

_SET_SQL = (
    "SELECT set_config('valuechain.tenant_id', %s, false), "
    "set_config('valuechain.bypass_rls', %s, false)"
)


class DatabaseWrapper(base.DatabaseWrapper):
    """PostgreSQL connection whose session settings follow the current tenant."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._rls_state: tuple[str, str] | None = None
        self.execute_wrappers.append(self._apply_rls_settings)

    def _apply_rls_settings(
        self, execute: Any, sql: str, params: Any, many: bool, context: dict[str, Any]
    ) -> Any:
        if self.connection.info.transaction_status == TransactionStatus.INERROR:
            # An aborted transaction refuses set_config too; the statement will fail on its
            # own, and the rollback that follows forgets the state so it is re-applied.
            return execute(sql, params, many, context)
        ctx = current()
        wanted = (
            "" if ctx.tenant_id is None else str(ctx.tenant_id),
            "on" if ctx.bypass else "off",
        )
        if wanted != self._rls_state:
            context["cursor"].cursor.execute(_SET_SQL, wanted)
            self._rls_state = wanted
        return execute(sql, params, many, context)

    def init_connection_state(self) -> None:
        self._rls_state = None
        super().init_connection_state()

    def _rollback(self) -> None:
        self._rls_state = None
        super()._rollback()  # type: ignore[misc]

    def _savepoint_rollback(self, sid: str) -> None:
        super()._savepoint_rollback(sid)  # type: ignore[misc]
        self._rls_state = None

    def _close(self) -> None:
        self._rls_state = None
        super()._close()  # type: ignore[misc]
