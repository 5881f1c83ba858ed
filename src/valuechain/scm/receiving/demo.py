"""Demo receipts: half of every line of up to three sent demo purchase orders is received,
so the expected-receipts page shows both open and partly received orders. Seeds nothing
when purchasing left no sent orders."""

from __future__ import annotations

import random
from decimal import ROUND_DOWN, Decimal

from valuechain.scm.purchasing.models import PurchaseOrder
from valuechain.scm.receiving import services


def seed_receiving(rng: random.Random) -> str:
    """Receive part of a few sent purchase orders."""
    orders = list(PurchaseOrder.objects.filter(state="sent").order_by("pk")[:3])
    made = 0
    for order in orders:
        lines = [
            {"po_line_id": line.pk, "quantity": half}
            for line in order.lines.order_by("pk")
            for half in [(line.quantity / 2).quantize(Decimal(1), rounding=ROUND_DOWN)]
            if half > 0
        ]
        if lines:
            services.receive(order.pk, lines, note="demo")
            made += 1
    return f"{made} receipts" if made else "no sent purchase orders: no receipts seeded"
