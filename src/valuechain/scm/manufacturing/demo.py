"""Demo manufacturing: the engraving bench making the demo catalog's make-to-order
"Custom engraved pen" (PEN-ENGR) from fountain pens, and one work order under way.

Runs after the catalog (30), inventory (40) and procurement (45) seeders; seeds nothing when
the demo catalog's pens are missing, so ``valuechain demo`` works with any catalog.
"""

from __future__ import annotations

import random
from decimal import Decimal

from valuechain.platform.errors import DomainError
from valuechain.scm.catalog.models import Variant
from valuechain.scm.inventory.models import Warehouse
from valuechain.scm.manufacturing import services, workorders


def seed_manufacturing(rng: random.Random) -> str:
    """A work centre, the engraved pen's bill and a work order with some output."""
    made = Variant.objects.filter(sku="PEN-ENGR").first()
    pen = Variant.objects.filter(sku="PEN").first()
    warehouse = Warehouse.objects.filter(is_store=False, is_active=True).order_by("pk").first()
    if made is None or pen is None or warehouse is None:
        return "no engraved pen in the catalog: no manufacturing seeded"
    bench = services.create_work_centre(
        code="ENGRAVE", name="Laser engraving bench", capacity_per_hour=Decimal(12)
    )
    services.create_bom(
        variant_id=made.pk,
        kind="manufacture",
        components=[{"variant_id": pen.pk, "quantity": Decimal(1), "scrap_percent": Decimal(2)}],
        note="One pen engraved; 2 % of engravings fail.",
    )
    order = workorders.create_work_order(
        variant_id=made.pk,
        quantity=Decimal(5),
        warehouse_id=warehouse.pk,
        work_centre_id=bench.pk,
    )
    try:
        workorders.release_work_order(order.pk)
    except DomainError:  # too few pens in the random stock: the order stays planned
        return f"1 work centre, 1 bill, {order.number} planned"
    workorders.start_work_order(order.pk)
    workorders.record_production(order.pk, good=Decimal(rng.randint(2, 3)), scrap=Decimal(1))
    workorders.stop_work_order(order.pk)
    return f"1 work centre, 1 bill, {order.number} in progress"
