"""Approval of purchase orders: the tenant's rules (threshold in base currency → role) and the
approve / refuse decisions.

A rule names an existing role of platform.identity (admin, planner, …) rather than a new
"purchasing manager" role: the tenant picks which of its roles signs off large orders, and an
administrator may always stand in. The buyer who placed an order never approves it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.identity.domain import ROLES
from valuechain.platform.identity.record_rules import current_role
from valuechain.platform.inputs import clean_choice, clean_number, clean_text
from valuechain.platform.tenancy.context import current
from valuechain.scm.purchasing import domain
from valuechain.scm.purchasing.models import ApprovalRule, PurchaseOrder
from valuechain.scm.purchasing.services import locked_order, not_found, payload, refuse_move

MAX_AMOUNT = Decimal("9999999999999999")

APPROVER_MESSAGES = {
    "approver_required": "Sign in as a member of this company to approve orders.",
    "approver_role_required": "Only a member with the role {role} (or an administrator) may "
    "approve {number}.",
    "own_order": "You placed {number}; another member with the role {role} must approve it.",
}


def rules() -> list[tuple[Decimal, str]]:
    """The active rules as (threshold, role), lowest threshold first."""
    return list(
        ApprovalRule.objects.filter(is_active=True)
        .order_by("min_amount")
        .values_list("min_amount", "role")
    )


def required_role(base_amount: Decimal) -> str | None:
    """The role that must approve an order of this base-currency net amount, or None."""
    return domain.approval_role(base_amount, rules())


def _check_admin() -> None:
    """Rules are the administrator's: a buyer must not lift the bar their orders meet."""
    if current().actor_id is not None and current_role() != "admin":
        raise DomainError(
            "admin_required", "Only an administrator changes approval rules.", status=403
        )


@transaction.atomic
def create_rule(*, min_amount: Any, role: str) -> ApprovalRule:
    """Orders of at least ``min_amount`` (base currency, net) need approval by ``role``."""
    _check_admin()
    amount = clean_number(min_amount, "min_amount", places=2, maximum=MAX_AMOUNT)
    role = clean_choice(role, "role", ROLES)
    try:
        with transaction.atomic():
            rule = ApprovalRule.objects.create(min_amount=amount, role=role)
    except IntegrityError as exc:
        raise DomainError(
            "duplicate_rule",
            f"There already is a rule from {amount}.",
            field="min_amount",
            status=409,
        ) from exc
    publish("ApprovalRuleCreated", {"rule_id": rule.pk, "min_amount": str(amount), "role": role})
    return rule


@transaction.atomic
def delete_rule(rule_id: int) -> None:
    """Retire a rule (kept, inactive, for the audit trail); orders waiting keep their role."""
    _check_admin()
    rule = ApprovalRule.objects.select_for_update().filter(pk=rule_id, is_active=True).first()
    if rule is None:
        raise not_found("approval rule")
    rule.is_active = False
    rule.save()
    publish("ApprovalRuleRetired", {"rule_id": rule.pk})


def _check_approver(order: PurchaseOrder) -> None:
    problem = domain.may_approve(
        role=current_role(),
        user_id=current().actor_id,
        buyer_id=order.buyer_id,
        needed=order.approval_role,
    )
    if problem:
        message = APPROVER_MESSAGES[problem].format(
            role=ROLES.get(order.approval_role, order.approval_role), number=order.number
        )
        raise DomainError(problem, message, status=403, details={"role": order.approval_role})


@transaction.atomic
def approve_order(order_id: int) -> PurchaseOrder:
    """Approve an order waiting for approval: it comes into force (sent)."""
    order = locked_order(order_id)
    if order.state != "to_approve":
        raise DomainError(
            "invalid_transition",
            f"Order {order.number} is {order.state.replace('_', ' ')}: only orders waiting for "
            "approval are approved.",
            field="state",
            status=409,
            details={"state": order.state, "to": "sent"},
        )
    _check_approver(order)
    refuse_move(order, "sent", "approved")
    order.state = "sent"
    order.approved_by_id = current().actor_id
    order.approved_at = timezone.now()
    order.save()
    publish("PurchaseOrderApproved", payload(order, approved_by=order.approved_by_id))
    return order


@transaction.atomic
def refuse_order(order_id: int, reason: str = "") -> PurchaseOrder:
    """Refuse an order waiting for approval: back to draft with the reason, for the buyer."""
    order = locked_order(order_id)
    if order.state != "to_approve":
        raise DomainError(
            "invalid_transition",
            f"Order {order.number} is {order.state.replace('_', ' ')}: only orders waiting for "
            "approval are refused.",
            field="state",
            status=409,
            details={"state": order.state, "to": "draft"},
        )
    _check_approver(order)
    refuse_move(order, "draft", "refused")
    order.state = "draft"
    order.refusal_reason = clean_text(reason, "reason", 200)
    order.save()
    publish("PurchaseOrderRefused", payload(order, reason=order.refusal_reason))
    return order
