"""Record rules: which rows of a model the current member may see.

Roles grant areas (``crm:read``); record rules narrow the rows inside an area: a sales rep
sees their own and their territory's accounts, a supplier only their own documents. The
context that knows the rule (territories for CRM records) registers it per model label in
its ``AppConfig.ready()``; the context that owns the model passes every list and detail
queryset through ``restrict()``. With no rule registered, ``restrict()`` returns the
queryset unchanged, so owners can call it before any rule exists.

Code running without an actor (jobs, CLI, system) is not narrowed: rules protect what a
person is shown, and background work must see every row of the tenant.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.db.models import QuerySet

from valuechain.platform.tenancy.context import ExecutionContext, current
from valuechain.platform.tenancy.models import Membership

# (queryset, actor id, role) -> the visible part of the queryset
RecordRule = Callable[[QuerySet[Any], int, str], QuerySet[Any]]

_rules: dict[str, RecordRule] = {}

# The role looked up for one execution context (one request, job or command): a page that
# narrows several querysets asks the database once. A new request binds a new context
# object, so a changed role counts from the next request on.
_role_memo: ContextVar[tuple[ExecutionContext, str | None] | None] = ContextVar(
    "valuechain_role_memo", default=None
)


def register_record_rule(model_label: str, rule: RecordRule) -> None:
    """Narrow what members see of a model ("app_label.modelname", lower case)."""
    _rules[model_label.lower()] = rule


def rule_for(model_label: str) -> RecordRule | None:
    """The rule registered for a model, if any."""
    return _rules.get(model_label.lower())


def current_role() -> str | None:
    """The current actor's role in the current tenant, or None without an actor."""
    context = current()
    if context.actor_id is None or context.tenant_id is None:
        return None
    memo = _role_memo.get()
    if memo is not None and memo[0] is context:
        return memo[1]
    role = (
        Membership.objects.filter(
            tenant_id=context.tenant_id, user_id=context.actor_id, is_active=True
        )
        .values_list("role", flat=True)
        .first()
    )
    _role_memo.set((context, role))
    return role


def remember_role(role: str) -> None:
    """Tell the rules the current actor's role, already loaded by authentication."""
    _role_memo.set((current(), role))


def restrict(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """The rows of the queryset the current actor may see under the model's record rule."""
    rule = rule_for(queryset.model._meta.label_lower)
    if rule is None:
        return queryset
    role = current_role()
    actor_id = current().actor_id
    if role is None or actor_id is None:
        return queryset
    return rule(queryset, actor_id, role)
