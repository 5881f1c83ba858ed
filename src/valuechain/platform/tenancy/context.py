"""The execution context: which tenant, which actor and which channel the current code runs for.

Set once per request (middleware, API authentication), per job and per CLI command; read by
the tenant-scoped managers, the PostgreSQL RLS session settings and the audit trail.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace

CHANNELS = ("ui", "api", "cli", "import", "edi", "job", "system")


class TenantNotSet(RuntimeError):
    """A tenant-owned model was queried or written with no current tenant."""


@dataclass(frozen=True)
class ExecutionContext:
    """Who runs the current code, for which tenant, through which channel."""

    tenant_id: int | None = None
    actor_id: int | None = None
    channel: str = "system"
    bypass: bool = False  # system code that deliberately sees every tenant
    token_id: int | None = None


# A frozen dataclass: the shared default can never be mutated.
_current: ContextVar[ExecutionContext] = ContextVar(
    "valuechain_context",
    default=ExecutionContext(),  # noqa: B039
)


def current() -> ExecutionContext:
    """Return the execution context in force."""
    return _current.get()


def current_tenant_id() -> int | None:
    """Return the current tenant's id, or None outside any tenant."""
    return _current.get().tenant_id


def require_tenant_id() -> int:
    """Return the current tenant's id or raise TenantNotSet."""
    tenant_id = _current.get().tenant_id
    if tenant_id is None:
        raise TenantNotSet("No current tenant: wrap the call in tenant_context(tenant).")
    return tenant_id


def _tenant_pk(tenant: object) -> int | None:
    """Accept a Tenant instance or a primary key."""
    if tenant is None:
        return None
    if isinstance(tenant, int):
        return tenant
    return int(tenant.pk)  # type: ignore[attr-defined]


@contextmanager
def use_context(**changes: object) -> Iterator[ExecutionContext]:
    """Run a block with some context fields changed; 'tenant' accepts a Tenant or an id."""
    if "tenant" in changes:
        changes["tenant_id"] = _tenant_pk(changes.pop("tenant"))
    if "actor" in changes:
        actor = changes.pop("actor")
        changes["actor_id"] = getattr(actor, "pk", actor)
    if changes.get("channel") not in (None, *CHANNELS):
        raise ValueError(f"Unknown channel {changes['channel']!r}; expected one of {CHANNELS}")
    new = replace(_current.get(), **changes)  # type: ignore[arg-type]
    token = _current.set(new)
    try:
        yield new
    finally:
        _current.reset(token)


@contextmanager
def tenant_context(
    tenant: object, actor: object = None, channel: str | None = None
) -> Iterator[ExecutionContext]:
    """Run a block for one tenant (and optionally an actor and a channel), never unscoped."""
    changes: dict[str, object] = {"tenant": tenant, "bypass": False}
    if actor is not None:
        changes["actor"] = actor
    if channel is not None:
        changes["channel"] = channel
    with use_context(**changes) as ctx:
        yield ctx


@contextmanager
def system_context(channel: str = "system") -> Iterator[ExecutionContext]:
    """Run a block that sees every tenant's rows: migrations, sweepers, tenant deletion."""
    with use_context(tenant_id=None, bypass=True, channel=channel) as ctx:
        yield ctx


def set_for_request(ctx: ExecutionContext) -> object:
    """Replace the context for the rest of a request; returns a token for reset_after_request."""
    return _current.set(ctx)


def reset_after_request(token: object) -> None:
    """Restore the context that was in force before set_for_request."""
    _current.reset(token)  # type: ignore[arg-type]


def bind(**changes: object) -> ExecutionContext:
    """Change the context until the enclosing request or job boundary resets it (API auth)."""
    if "tenant" in changes:
        changes["tenant_id"] = _tenant_pk(changes.pop("tenant"))
    if "actor" in changes:
        actor = changes.pop("actor")
        changes["actor_id"] = getattr(actor, "pk", actor)
    new = replace(_current.get(), **changes)  # type: ignore[arg-type]
    _current.set(new)
    return new
