"""Demo suppliers: four companies (one quoting in US dollars) delivering the demo catalog's
stockable variants with price breaks, MOQs, pack sizes and lead times. Runs after the
catalog (30) and inventory (40) seeders; seeds nothing when the catalog has no variants."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from valuechain.platform import fx
from valuechain.platform.models import FxRate
from valuechain.scm.catalog.models import Variant
from valuechain.scm.procurement import services

SUPPLIERS = (
    # code, name, currency, payment terms, incoterm, GLN (valid check digit)
    ("NORD", "Nordwerk Industriebedarf GmbH", "EUR", 30, "DAP", "4012345000009"),
    ("LYONPACK", "Lyon Emballages SA", "EUR", 45, "FCA", "3012345000000"),
    ("BALTIC", "Baltic Trade OÜ", "EUR", 14, "EXW", ""),
    ("PACIFIC", "Pacific Sourcing Ltd.", "USD", 60, "FOB", "0012345000058"),
)
USD_PER_EUR = Decimal("1.0850")  # a plausible rate so dollar prices can be ranked


def _price(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low, high)) / 100


def seed_procurement(rng: random.Random) -> str:
    """Suppliers, who supplies which variant, and their prices."""
    variants = list(
        Variant.objects.filter(product__kind="stockable", is_active=True).order_by("pk")[:40]
    )
    if not variants:
        return "no catalog variants: no suppliers seeded"
    # Dated far back: other seeders may have stored today's rate only, and demo purchase
    # orders are dated in the past weeks.
    since = dt.date(2020, 1, 1)
    if not FxRate.objects.filter(base="EUR", quote="USD", valid_on__lte=since).exists():
        fx.record_rate("EUR", "USD", USD_PER_EUR, since, source="demo")
    suppliers = [
        services.create_supplier(
            code=code,
            name=name,
            currency=currency,
            payment_terms_days=terms,
            incoterm=incoterm,
            gln=gln,
        )
        for code, name, currency, terms, incoterm, gln in SUPPLIERS
    ]
    supplied = 0
    for index, variant in enumerate(variants):
        # Two or three suppliers per item, so the ranking has something to choose from.
        chosen = rng.sample(suppliers, k=2 + index % 2)
        cost = _price(rng, 150, 4000)
        for supplier in chosen:
            pack = Decimal(rng.choice((1, 6, 12, 24)))
            moq = pack * rng.choice((1, 2, 5))
            base = (cost * Decimal(rng.randint(90, 115)) / 100).quantize(Decimal("0.01"))
            if supplier.currency == "USD":
                base = (base * USD_PER_EUR * Decimal("0.9")).quantize(Decimal("0.01"))
            lead = Decimal(
                rng.randint(2, 10) if supplier.currency == "EUR" else rng.randint(25, 45)
            )
            services.create_supplier_product(
                supplier_id=supplier.pk,
                variant_id=variant.pk,
                supplier_sku=f"{supplier.code[:3]}-{variant.sku}",
                min_order_quantity=moq,
                pack_size=pack,
                lead_time_days=lead,
                lead_time_std_days=(lead * Decimal(rng.randint(5, 30)) / 100).quantize(
                    Decimal("0.01")
                ),
                price_breaks=[
                    {"min_quantity": 0, "unit_price": base},
                    {
                        "min_quantity": moq * 5,
                        "unit_price": (base * Decimal("0.95")).quantize(Decimal("0.01")),
                    },
                    {
                        "min_quantity": moq * 20,
                        "unit_price": (base * Decimal("0.90")).quantize(Decimal("0.01")),
                    },
                ],
            )
            supplied += 1
    return f"{len(suppliers)} suppliers, {supplied} supplied products for {len(variants)} variants"
