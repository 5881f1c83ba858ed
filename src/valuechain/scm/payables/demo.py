"""Demo payables: a bill for each of the first received purchase orders (one of them paid in
part), from what receiving and quality accepted. Runs after the purchasing, receiving and
quality seeders; seeds nothing when no order has accepted goods."""

from __future__ import annotations

import random
from decimal import Decimal

from valuechain.scm.payables import bills, payments
from valuechain.scm.purchasing.models import PurchaseOrder

MAX_BILLS = 3


def seed_payables(rng: random.Random) -> str:
    """Bills of the first orders with accepted goods; the first bill is posted and half paid."""
    orders = list(
        PurchaseOrder.objects.filter(lines__accepted_quantity__gt=0)
        .exclude(state__in=("draft", "to_approve", "cancelled"))
        .distinct()
        .order_by("pk")[:MAX_BILLS]
    )
    made = 0
    for index, order in enumerate(orders):
        if not bills.proposed_lines(order.pk):
            continue
        bill = bills.create_bill_from_order(
            purchase_order_id=order.pk,
            supplier_invoice_number=f"INV-{rng.randint(10000, 99999)}-{index}",
            bill_date=order.order_date,
        )
        made += 1
        if index == 0:
            bill = bills.post_bill(bill.pk)
            half = (bill.open_amount / 2).quantize(Decimal("0.01"))
            if bill.state == "posted" and half > 0:
                payments.register_payment(
                    bill_id=bill.pk, amount=half, paid_on=bill.bill_date, reference="demo"
                )
    return f"{made} supplier bills" if made else "no accepted goods: no bills seeded"
