"""Demo quality: defect reasons, a receipt plan for the demo catalog's fountain pen and a
production plan for the engraved pen, and three receipt inspections (one passed, one partly
rejected, one pending).

Runs after manufacturing (50); seeds only the reasons when the demo pens are missing, so
``valuechain demo`` works with any catalog.
"""

from __future__ import annotations

import random
from decimal import Decimal

from valuechain.scm.catalog.models import Variant
from valuechain.scm.inventory import services as inventory
from valuechain.scm.inventory.models import Warehouse
from valuechain.scm.procurement.models import Supplier
from valuechain.scm.quality import plans, services

REASONS = (
    ("DAMAGED", "Damaged in transit"),
    ("OUT_OF_SPEC", "Measurement out of tolerance"),
    ("WRONG_ITEM", "Wrong item delivered"),
    ("FINISH", "Surface finish defect"),
)


def seed_quality(rng: random.Random) -> str:
    """Reasons, two plans and three inspections of fountain pens in the first warehouse."""
    reasons = [plans.create_defect_reason(code=c, name=n) for c, n in REASONS]
    pen = Variant.objects.filter(sku="PEN").first()
    engraved = Variant.objects.filter(sku="PEN-ENGR").first()
    warehouse = Warehouse.objects.filter(is_store=False, is_active=True).order_by("pk").first()
    if pen is None or warehouse is None:
        return f"{len(reasons)} defect reasons, no pens: no plans seeded"
    plan = plans.create_plan(
        {
            "name": "Fountain pen incoming",
            "product_id": pen.product_id,
            "stage": "receipt",
            "sample_size": Decimal(5),
            "checks": [
                {"name": "Packaging intact", "kind": "pass_fail"},
                {
                    "name": "Nib width",
                    "kind": "measurement",
                    "target": "0.5",
                    "lower_tolerance": "0.05",
                    "upper_tolerance": "0.05",
                    "unit": "mm",
                },
            ],
        }
    )
    if engraved is not None:
        plans.create_plan(
            {
                "name": "Engraving final check",
                "product_id": engraved.product_id,
                "stage": "production",
                "checks": [{"name": "Engraving legible", "kind": "pass_fail"}],
            }
        )
    supplier = Supplier.objects.order_by("pk").first()
    packaging, nib = (c.pk for c in plan.checks.order_by("sequence"))
    quality = inventory.location_of(warehouse, "quality")
    opened = []
    for quantity in (20, 12, 8):
        move = inventory.receive(
            variant=pen,
            warehouse=warehouse,
            quantity=Decimal(quantity),
            location=quality,
            reference="DEMO-GR",
        )
        opened.append(
            services.open_inspection(
                stage="receipt",
                source_type="inventory.stockmove",
                source_id=move.pk,
                variant_id=pen.pk,
                warehouse_id=warehouse.pk,
                quantity=Decimal(quantity),
                supplier_id=supplier.pk if supplier else None,
                reference="DEMO-GR",
            )
        )
    services.complete_inspection(
        opened[0].pk,
        results={packaging: {"passed": True}, nib: {"value": "0.52"}},
        accepted=Decimal(20),
        rejected=Decimal(0),
    )
    rejected = Decimal(rng.randint(2, 4))
    services.complete_inspection(
        opened[1].pk,
        results={packaging: {"passed": False}, nib: {"value": "0.5"}},
        accepted=Decimal(12) - rejected,
        rejected=rejected,
        defect_reason_id=reasons[0].pk,
        accept_with_deviation=True,
        note="Outer boxes crushed; pens inside checked one by one.",
    )
    return f"{len(reasons)} defect reasons, plans, 3 inspections (1 pending)"
