"""Demo purchasing: an approval rule, the buyer's GLN, purchase orders to the demo suppliers in
various states (draft, sent, waiting for approval, cancelled), orders made from open supply
proposals, and two RFQs (one quoted and open for comparison, one awarded). Runs after
procurement (45) and orders (50); seeds nothing without suppliers or warehouses."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from valuechain.scm.barcodes.gs1 import check_digit
from valuechain.scm.inventory.models import Warehouse
from valuechain.scm.procurement.models import Supplier, SupplierProduct
from valuechain.scm.purchasing import approval, proposals, rfq, services

APPROVAL_THRESHOLD = Decimal(5000)


def _gln(prefix12: str) -> str:
    return prefix12 + str(check_digit(prefix12))


def _products(supplier: Supplier, count: int) -> list[SupplierProduct]:
    return list(SupplierProduct.objects.filter(supplier=supplier).order_by("pk")[:count])


def _lines(products: list[SupplierProduct], rng: random.Random, scale: int = 1) -> list[dict]:
    return [
        {
            "variant_id": product.variant_id,
            "quantity": max(product.min_order_quantity, product.pack_size)
            * rng.randint(1, 3)
            * scale,
        }
        for product in products
    ]


def seed_purchasing(rng: random.Random) -> str:
    """Rule, identifiers, orders in several states, proposals ordered and two RFQs."""
    suppliers = {s.code: s for s in Supplier.objects.filter(is_active=True).order_by("code")}
    warehouse = Warehouse.objects.filter(is_active=True, is_store=False).order_by("pk").first()
    if not suppliers or warehouse is None:
        return "no suppliers or warehouses: nothing seeded"
    approval.create_rule(min_amount=APPROVAL_THRESHOLD, role="admin")
    services.set_buyer_gln(_gln("400000100000"))
    services.set_delivery_location(warehouse.pk, _gln("400000100001"))
    today = timezone.localdate()
    made = []
    for index, supplier in enumerate(suppliers.values()):
        products = _products(supplier, 3)
        if not products:
            continue
        order = services.create_order(
            supplier_id=supplier.pk,
            warehouse_id=warehouse.pk,
            order_date=today - dt.timedelta(days=3 * index),
            requested_on=today + dt.timedelta(days=10),
            lines=_lines(products, rng),
        )
        made.append(order)
        if index % 4 == 1 and order.base_net_total < APPROVAL_THRESHOLD:
            services.submit_order(order.pk)  # in force: receiving's demo receives against it
        elif index % 4 == 2 and order.base_net_total < APPROVAL_THRESHOLD:
            services.submit_order(order.pk)
            services.close_order(order.pk)
        elif index % 4 == 3:
            services.cancel_order(order.pk, "Bought elsewhere")
    # A large order waiting for the administrator's approval (someone else must approve it).
    first = next(iter(suppliers.values()))
    big = _products(first, 2)
    if big:
        order = services.create_order(
            supplier_id=first.pk, warehouse_id=warehouse.pk, lines=_lines(big, rng, scale=60)
        )
        if order.base_net_total >= APPROVAL_THRESHOLD:
            services.submit_order(order.pk)
        made.append(order)
    open_ids = [p.pk for p in proposals.open_requests().order_by("pk")[:4]]
    from_proposals = proposals.order_proposals(open_ids) if open_ids else []
    rfqs = _seed_rfqs(list(suppliers.values()), warehouse, rng)
    return (
        f"{len(made)} purchase orders, {len(from_proposals)} from proposals, {rfqs} RFQs, "
        f"approval from {APPROVAL_THRESHOLD} by admin"
    )


def _seed_rfqs(suppliers: list[Supplier], warehouse: Warehouse, rng: random.Random) -> int:
    """An open RFQ with two quotes and one awarded to its best offers."""
    shared = (
        SupplierProduct.objects.filter(supplier__in=suppliers)
        .values_list("variant_id", flat=True)
        .order_by("variant_id")
        .distinct()[:2]
    )
    variant_ids = list(shared)
    if len(suppliers) < 2 or not variant_ids:
        return 0
    count = 0
    for award in (False, True):
        request = rfq.create_rfq(
            warehouse_id=warehouse.pk,
            lines=[
                {"variant_id": v, "quantity": Decimal(50 * (i + 1))}
                for i, v in enumerate(variant_ids)
            ],
            supplier_ids=[s.pk for s in suppliers[:3]],
            requested_on=timezone.localdate() + dt.timedelta(days=21),
        )
        rfq.send_rfq(request.pk, email=False)
        lines = list(request.lines.order_by("position"))
        for supplier in suppliers[:2]:
            rfq.record_quote(
                request.pk,
                supplier_id=supplier.pk,
                valid_until=timezone.localdate() + dt.timedelta(days=30),
                lines=[
                    {
                        "rfq_line_id": line.pk,
                        "unit_price": Decimal(rng.randint(150, 900)) / 100,
                        "lead_time_days": rng.randint(3, 20),
                    }
                    for line in lines
                ],
            )
        if award:
            rfq.award(request.pk)
        count += 1
    return count
