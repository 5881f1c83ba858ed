"""Demo stock: two distribution centres and a store, stock for the catalog's variants, a few
lots with expiry dates and min/max reorder rules; receipts carry unit costs, products get a
category from their HS chapter, and one landed cost (freight) is posted over the Berlin
receipts so the valuation page has something to show. Runs after the catalog seeder
(order 30); seeds nothing when the catalog has no variants."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from valuechain.scm.catalog import services as catalog
from valuechain.scm.catalog.models import Variant
from valuechain.scm.inventory import landed_cost, replenishment, services
from valuechain.scm.inventory import warehouses as setup

WAREHOUSES = (
    # code, name, priority, country, postal code, latitude, longitude, store
    ("DC-BER", "Berlin distribution centre", 1, "DE", "12529", "52.3667", "13.5033", False),
    ("DC-LYS", "Lyon distribution centre", 2, "FR", "69000", "45.7640", "4.8357", False),
    ("ST-HAM", "Hamburg store", 5, "DE", "20095", "53.5511", "9.9937", True),
)
# HS chapter → the category the stock valuation groups by
CATEGORIES = {
    "09": "Food",
    "21": "Food",
    "42": "Bags",
    "48": "Stationery",
    "61": "Apparel",
    "62": "Apparel",
    "69": "Kitchen",
    "73": "Kitchen",
    "84": "Electronics",
    "85": "Electronics",
    "94": "Home office",
    "96": "Stationery",
}


def _categorise(variants: list[Variant]) -> None:
    for product in {v.product for v in variants}:
        category = CATEGORIES.get(product.hs_code[:2], "Other" if product.hs_code else "")
        if category and not product.category:
            catalog.update_product(product.pk, category=category)


def seed_inventory(rng: random.Random) -> str:
    """Warehouses, receipts (some with lots and expiry), reorder rules."""
    variants = list(
        Variant.objects.filter(product__kind="stockable", is_active=True)
        .select_related("product")
        .order_by("pk")[:60]
    )
    if not variants:
        return "no catalog variants: no stock seeded"
    warehouses = [
        setup.create_warehouse(
            code=code,
            name=name,
            priority=priority,
            country=country,
            postal_code=postal,
            latitude=lat,
            longitude=lon,
            is_store=store,
        )
        for code, name, priority, country, postal, lat, lon, store in WAREHOUSES
    ]
    _categorise(variants)
    today = services.today()
    receipts = 0
    costs = {v.pk: Decimal(rng.randint(150, 4000)) / 100 for v in variants}
    # A lot has one expiry date wherever its units lie: draw it once per lot.
    lot_expiry: dict[str, date] = {}
    for index, variant in enumerate(variants):
        for warehouse in warehouses:
            if rng.random() < 0.25:
                continue
            quantity = Decimal(rng.randint(2, 12) if warehouse.is_store else rng.randint(10, 120))
            if index % 7 == 0:  # perishable-ish: two lots with expiry
                for lot_no in range(2):
                    lot_number = f"L{today:%y%m}-{index:03d}{lot_no}"
                    expires_on = lot_expiry.setdefault(
                        lot_number, today + timedelta(days=rng.randint(20, 365))
                    )
                    services.receive(
                        variant=variant,
                        warehouse=warehouse,
                        quantity=quantity,
                        lot_number=lot_number,
                        expires_on=expires_on,
                        reference=f"Opening stock {warehouse.code}",
                        unit_cost=costs[variant.pk],
                    )
                    receipts += 1
            else:
                services.receive(
                    variant=variant,
                    warehouse=warehouse,
                    quantity=quantity,
                    reference=f"Opening stock {warehouse.code}",
                    unit_cost=costs[variant.pk],
                )
                receipts += 1
    freight = landed_cost.create_landed_cost(
        date=today,
        method="quantity",
        reference=f"Opening stock {warehouses[0].code}",
        lines=[{"kind": "freight", "amount": Decimal("480.00")}],
        note="Inbound freight of the opening stock",
    )  # 60 variants at 75 % each: Berlin always has receipts
    landed_cost.post_landed_cost(freight.pk)
    rules = 0
    for variant in variants[:15]:
        replenishment.create_rule(
            variant_id=variant.pk,
            warehouse_id=warehouses[0].pk,
            min_quantity=Decimal(40),
            max_quantity=Decimal(150),
        )
        rules += 1
    proposals = len(replenishment.replenish())
    return (
        f"{len(warehouses)} warehouses, {receipts} receipts for {len(variants)} variants, "
        f"{rules} reorder rules, {proposals} reorder proposals, landed cost {freight.number}"
    )
