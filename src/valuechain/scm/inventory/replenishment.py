"""Make-to-stock replenishment: min/max reorder rules and the proposals they create.

A rule says: keep a variant's position at a warehouse (sellable available + incoming)
at least ``min``; when it falls below, propose ordering up to ``max``. Proposals are
``SupplyRequest`` rows with reason ``reorder`` (the procurement issue turns them into
purchase or work orders). An open proposal is never duplicated: its quantity already
counts as incoming, and a partial unique constraint refuses a second open one.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum

from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.tenancy.context import tenant_context
from valuechain.platform.tenancy.models import Tenant
from valuechain.scm.catalog.models import Variant
from valuechain.scm.inventory import domain, queries
from valuechain.scm.inventory.models import ReorderRule, StockBalance, SupplyRequest, Warehouse
from valuechain.scm.inventory.services import clean_quantity, not_found, number
from valuechain.scm.inventory.supply import request_supply

RULE_SOURCE = "inventory.reorderrule"


def _bounds(minimum: Any, maximum: Any) -> tuple[Decimal, Decimal]:
    low = Decimal(0) if minimum in (0, "0") else clean_quantity(minimum, "min_quantity")
    high = clean_quantity(maximum, "max_quantity")
    if high < low:
        raise DomainError(
            "invalid_max_quantity",
            "The maximum must be at least the minimum.",
            field="max_quantity",
        )
    return low, high


@transaction.atomic
def create_rule(
    *,
    variant_id: int,
    warehouse_id: int,
    min_quantity: Any,
    max_quantity: Any,
    is_active: bool = True,
) -> ReorderRule:
    """Add a min/max rule for a variant at a warehouse (one per pair: ``duplicate_rule``)."""
    if not Variant.objects.filter(pk=variant_id).exists():
        raise DomainError("not_found", "No such item.", field="variant_id", status=404)
    if not Warehouse.objects.filter(pk=warehouse_id).exists():
        raise DomainError("not_found", "No such warehouse.", field="warehouse_id", status=404)
    low, high = _bounds(min_quantity, max_quantity)
    if ReorderRule.objects.filter(variant_id=variant_id, warehouse_id=warehouse_id).exists():
        raise DomainError(
            "duplicate_rule",
            "This item already has a rule at this warehouse.",
            field="variant_id",
            status=409,
        )
    rule = ReorderRule.objects.create(
        variant_id=variant_id,
        warehouse_id=warehouse_id,
        min_quantity=low,
        max_quantity=high,
        is_active=bool(is_active),
    )
    publish("ReorderRuleCreated", {"rule_id": rule.pk, "variant_id": variant_id})
    return rule


@transaction.atomic
def update_rule(rule_id: int, **changes: Any) -> ReorderRule:
    """Change a rule's min, max or active flag."""
    rule = ReorderRule.objects.select_for_update().filter(pk=rule_id).first()
    if rule is None:
        raise not_found("reorder rule")
    low, high = _bounds(
        changes.get("min_quantity", rule.min_quantity),
        changes.get("max_quantity", rule.max_quantity),
    )
    rule.min_quantity, rule.max_quantity = low, high
    if changes.get("is_active") is not None:
        rule.is_active = bool(changes["is_active"])
    rule.save()
    publish("ReorderRuleChanged", {"rule_id": rule.pk})
    return rule


@transaction.atomic
def delete_rule(rule_id: int) -> None:
    """Remove a rule (its past proposals stay)."""
    rule = ReorderRule.objects.select_for_update().filter(pk=rule_id).first()
    if rule is None:
        raise not_found("reorder rule")
    rule.delete()
    publish("ReorderRuleDeleted", {"rule_id": rule_id})


def position(variant_id: int, warehouse_id: int) -> tuple[Decimal, Decimal]:
    """Sellable available and incoming of a variant at a warehouse."""
    free = queries.available([variant_id], warehouse_id=warehouse_id)[variant_id]
    incoming = StockBalance.objects.filter(
        variant_id=variant_id, location__warehouse_id=warehouse_id
    ).aggregate(q=Sum("incoming"))["q"] or Decimal(0)
    return free, incoming


def replenish(progress: Callable[[int, int], None] | None = None) -> list[SupplyRequest]:
    """Check every active rule of the current tenant; create the proposals that are due."""
    rules = list(
        ReorderRule.objects.filter(is_active=True)
        .select_related("variant", "warehouse")
        .order_by("pk")
    )
    created: list[SupplyRequest] = []
    for index, rule in enumerate(rules, start=1):
        with transaction.atomic():
            free, incoming = position(rule.variant_id, rule.warehouse_id)
            quantity = domain.reorder_quantity(
                available=free,
                incoming=incoming,
                minimum=rule.min_quantity,
                maximum=rule.max_quantity,
            )
            already = SupplyRequest.objects.filter(
                variant_id=rule.variant_id,
                warehouse_id=rule.warehouse_id,
                reason="reorder",
                state="open",
            ).exists()
            if quantity > 0 and not already:
                try:
                    note = f"min {number(rule.min_quantity)} / max {number(rule.max_quantity)}"
                    created.append(
                        request_supply(
                            variant=rule.variant,
                            warehouse=rule.warehouse,
                            quantity=quantity,
                            reason="reorder",
                            origin_type=RULE_SOURCE,
                            origin_id=rule.pk,
                            note=note,
                        )
                    )
                except DomainError as exc:  # a concurrent run proposed it first
                    if exc.code != "duplicate_proposal":
                        raise
        if progress is not None:
            progress(index, len(rules))
    return created


def replenish_all_tenants(progress: Callable[[str, int, int], None] | None = None) -> int:
    """Run replenishment for every active tenant (the periodic job and the CLI)."""
    total = 0
    for tenant in Tenant.objects.filter(is_active=True).order_by("pk"):
        with tenant_context(tenant, channel="job"):

            def tick(done: int, count: int, slug: str = tenant.slug) -> None:
                if progress is not None:
                    progress(slug, done, count)

            total += len(replenish(tick))
    return total
