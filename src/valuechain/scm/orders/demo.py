"""Sample sales orders for the demo company, made only through the order services.

Runs after the catalog (30) and inventory (40) seeders: three dozen orders for demo people
and accounts across every channel, in every state (drafts, confirmed with stock reserved,
partially shipped, shipped, closed, cancelled). Seeds nothing when the catalog or the
inventory has no demo data (no priced stockable variant, no warehouse).
"""

from __future__ import annotations

import random
from decimal import Decimal

from django.db import transaction

from valuechain.crm.customers.models import Account, Person
from valuechain.platform import fx
from valuechain.platform.errors import DomainError
from valuechain.scm.catalog import pricing
from valuechain.scm.catalog.models import Variant
from valuechain.scm.inventory import queries as inventory_queries
from valuechain.scm.inventory import reservations
from valuechain.scm.inventory.models import Warehouse
from valuechain.scm.orders import domain, services
from valuechain.scm.orders.models import SalesOrderLine

ORDERS = 36
# The state each demo order ends in, cycled (most orders confirmed or further on).
TARGETS = (
    "confirmed",
    "shipped",
    "draft",
    "closed",
    "confirmed",
    "partially_shipped",
    "shipped",
    "cancelled",
    "confirmed",
)


def _priced_variants(currency: str) -> list[int]:
    rows = Variant.objects.filter(
        is_active=True, product__is_active=True, product__kind="stockable"
    ).order_by("pk")[:60]
    return [
        v.pk
        for v in rows
        if pricing.unit_price(v.pk, quantity=Decimal(1), currency=currency) is not None
    ]


def _ship(order_id: int, part: bool) -> None:
    lines = list(SalesOrderLine.objects.filter(order_id=order_id).order_by("pk"))
    shipped: dict[int, Decimal] = {}
    for line in lines[:1] if part and len(lines) > 1 else lines:
        if line.reserved_quantity <= 0:
            continue
        reservations.ship(
            services.SOURCE_TYPE, line.pk, line.reserved_quantity, reference=f"DEMO-{order_id}"
        )
        shipped[line.pk] = line.reserved_quantity
    if shipped:
        services.register_shipment(order_id, shipped, reference=f"DEMO-{order_id}")


def seed_orders(rng: random.Random) -> str:
    """Fill the current tenant with orders across channels and states; the summary."""
    currency = fx.tenant_base_currency()
    if not Warehouse.objects.filter(is_active=True).exists():
        return "no warehouses: skipped"
    variants = _priced_variants(currency)
    if not variants:
        return f"no stockable variants priced in {currency}: skipped"
    people = list(Person.objects.order_by("pk").values_list("pk", flat=True)[:30])
    accounts = list(Account.objects.order_by("pk").values_list("pk", flat=True)[:15])
    if not people and not accounts:
        return "no customers: skipped"
    stock = inventory_queries.available(variants)
    made: dict[str, int] = {}
    for index in range(ORDERS):
        target = TARGETS[index % len(TARGETS)]
        channel = domain.CHANNELS[index % len(domain.CHANNELS)]
        if channel == "pos":
            channel = "web"
        choice = rng.sample(variants, k=min(len(variants), rng.randint(1, 3)))
        lines = []
        for variant_id in choice:
            quantity = Decimal(rng.randint(1, 3))
            if target != "draft" and stock.get(variant_id, Decimal(0)) < quantity:
                continue
            stock[variant_id] = stock.get(variant_id, Decimal(0)) - quantity
            lines.append(
                {
                    "variant_id": variant_id,
                    "quantity": quantity,
                    "discount_percent": rng.choice(
                        [Decimal(0), Decimal(0), Decimal(5), Decimal(10)]
                    ),
                }
            )
        if not lines:
            continue
        use_account = bool(accounts) and (not people or index % 3 == 0)
        customer = (
            {"account_id": accounts[index % len(accounts)]}
            if use_account
            else {"person_id": people[index % len(people)]}
        )
        try:
            with transaction.atomic():  # all steps of one order, or none
                order = services.create_order({"channel": channel, **customer, "lines": lines})
                if target != "draft":
                    services.confirm_order(order.pk)
                if target in ("partially_shipped", "shipped", "closed"):
                    _ship(order.pk, part=target == "partially_shipped")
                if target == "closed":
                    services.close_order(order.pk)
                if target == "cancelled":
                    services.cancel_order(order.pk, reason="Customer changed their mind")
        except DomainError:
            continue  # e.g. a customer's ship-to country without a price: skip the order
        made[target] = made.get(target, 0) + 1
    total = sum(made.values())
    detail = ", ".join(
        f"{count} {state.replace('_', ' ')}" for state, count in sorted(made.items())
    )
    return f"{total} sales orders ({detail})" if total else "no orders"
