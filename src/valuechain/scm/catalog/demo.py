"""A small, realistic catalog for the demo company, made only through the catalog services.

Twenty-five products (apparel with size and colour variants, coffee gear, office items,
services, a make-to-order item and a kit), standard units, customer groups (retail,
wholesale, VIP; a few demo accounts put in wholesale), price lists in EUR and USD with
quantity breaks, a wholesale list and a dated promotion, and tax rates for DE, FR and US.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

from valuechain.scm.catalog import domain, pricing_services, services
from valuechain.scm.catalog.models import Product, Variant

COMPANY_PREFIX = "4012345"  # a made-up GS1 company prefix (7 digits) for GTIN-13s

# name, sku, kind, supply mode, tax class, HS code, origin, weight kg, EUR price, attributes
PRODUCTS: tuple[tuple[str, str, str, str, str, str, str, str, str, dict[str, list[str]]], ...] = (
    (
        "Organic cotton T-shirt",
        "TEE",
        "stockable",
        "mts",
        "standard",
        "610910",
        "PT",
        "0.180",
        "24.90",
        {"Size": ["S", "M", "L"], "Colour": ["White", "Black"]},
    ),
    (
        "Merino hoodie",
        "HOOD",
        "stockable",
        "mts",
        "standard",
        "611011",
        "NZ",
        "0.520",
        "89.00",
        {"Size": ["S", "M", "L"], "Colour": ["Grey", "Navy"]},
    ),
    (
        "Running socks",
        "SOCK",
        "stockable",
        "mts",
        "standard",
        "611595",
        "TR",
        "0.060",
        "12.50",
        {"Size": ["39-42", "43-46"]},
    ),
    (
        "Rain jacket",
        "RAIN",
        "stockable",
        "mts",
        "standard",
        "620193",
        "VN",
        "0.450",
        "129.00",
        {"Size": ["S", "M", "L"]},
    ),
    ("Stoneware mug", "MUG", "stockable", "mts", "standard", "691200", "DE", "0.350", "14.00", {}),
    ("Travel mug", "TMUG", "stockable", "mts", "standard", "732393", "CN", "0.300", "24.00", {}),
    (
        "French press 1 l",
        "PRESS",
        "stockable",
        "mts",
        "standard",
        "701349",
        "DK",
        "0.800",
        "39.00",
        {},
    ),
    (
        "Coffee beans 1 kg",
        "BEANS",
        "stockable",
        "mts",
        "reduced",
        "090121",
        "CO",
        "1.000",
        "22.00",
        {},
    ),
    (
        "Paper filters (100)",
        "FILTER",
        "consumable",
        "mts",
        "standard",
        "482370",
        "DE",
        "0.150",
        "4.90",
        {},
    ),
    (
        "Gooseneck kettle",
        "KETTLE",
        "stockable",
        "mts",
        "standard",
        "851671",
        "CN",
        "1.100",
        "69.00",
        {},
    ),
    (
        "Ceramic pour-over",
        "POUR",
        "stockable",
        "mts",
        "standard",
        "691200",
        "JP",
        "0.400",
        "29.00",
        {},
    ),
    ("Notebook A5", "NOTE", "stockable", "mts", "reduced", "482010", "IT", "0.250", "9.90", {}),
    ("Fountain pen", "PEN", "stockable", "mts", "standard", "960831", "DE", "0.030", "49.00", {}),
    (
        "Ink cartridges (6)",
        "INK",
        "consumable",
        "mts",
        "standard",
        "321590",
        "DE",
        "0.010",
        "3.50",
        {},
    ),
    (
        "Custom engraved pen",
        "PEN-ENGR",
        "stockable",
        "mto",
        "standard",
        "960831",
        "DE",
        "0.030",
        "79.00",
        {},
    ),
    ("Desk lamp", "LAMP", "stockable", "mts", "standard", "940520", "PL", "1.400", "59.00", {}),
    ("Laptop stand", "STAND", "stockable", "mts", "standard", "761699", "CN", "0.900", "45.00", {}),
    (
        "USB-C cable 1 m",
        "CABLE",
        "stockable",
        "mts",
        "standard",
        "854442",
        "CN",
        "0.040",
        "9.00",
        {},
    ),
    (
        "Wireless mouse",
        "MOUSE",
        "stockable",
        "mts",
        "standard",
        "847160",
        "CN",
        "0.090",
        "29.00",
        {},
    ),
    (
        "Mechanical keyboard",
        "KEYB",
        "stockable",
        "mts",
        "standard",
        "847160",
        "TW",
        "0.950",
        "119.00",
        {},
    ),
    (
        "Water bottle 750 ml",
        "BOTTLE",
        "stockable",
        "mts",
        "standard",
        "732393",
        "CN",
        "0.320",
        "19.00",
        {},
    ),
    ("Daypack 20 l", "PACK", "stockable", "mts", "standard", "420292", "VN", "0.700", "75.00", {}),
    ("Gift wrapping", "WRAP", "service", "mts", "standard", "", "", "", "3.00", {}),
    (
        "Extended warranty 2 years",
        "WARRANTY",
        "service",
        "mts",
        "standard",
        "",
        "",
        "",
        "19.00",
        {},
    ),
    (
        "Coffee starter kit",
        "KIT-COFFEE",
        "stockable",
        "mts",
        "standard",
        "",
        "",
        "2.800",
        "79.00",
        {},
    ),
)
KIT = ("KIT-COFFEE", (("PRESS", 1), ("BEANS", 1), ("MUG", 2)))  # 39 + 22 + 2 x 14 = 89 > 79
RELATED = (
    ("TEE", "accessory", ("SOCK",)),
    ("TEE", "upsell", ("HOOD",)),
    ("MUG", "accessory", ("BEANS",)),
    ("MUG", "upsell", ("TMUG",)),
    ("PRESS", "accessory", ("BEANS", "FILTER", "KETTLE")),
    ("PRESS", "upsell", ("KIT-COFFEE",)),
    ("PEN", "accessory", ("INK", "NOTE")),
    ("PEN", "upsell", ("PEN-ENGR",)),
    ("MOUSE", "upsell", ("KEYB",)),
    ("STAND", "accessory", ("MOUSE", "KEYB", "CABLE")),
)
BREAKS = {"SOCK": ((6, "0.92"), (12, "0.85")), "MUG": ((6, "0.90"),), "FILTER": ((10, "0.80"),)}
TAXES = (
    ("DE", "", "standard", "0.19", "USt 19 %"),
    ("DE", "", "reduced", "0.07", "USt 7 %"),
    ("FR", "", "standard", "0.20", "TVA 20 %"),
    ("FR", "", "reduced", "0.055", "TVA 5,5 %"),
    ("US", "", "standard", "0", "No federal sales tax"),
    ("US", "CA", "standard", "0.0725", "California base rate"),
    ("US", "NY", "standard", "0.04", "New York State"),
    ("US", "TX", "standard", "0.0625", "Texas State"),
)
USD_RATE = Decimal("1.08")  # demo list prices in USD: EUR x 1.08 to the nearest 0.1, ending in 9
CENT = Decimal("0.01")


def _gtin(index: int) -> str:
    body = f"{COMPANY_PREFIX}{index:05d}"
    return body + str(domain.gs1_check_digit(body))


def _usd(eur: Decimal) -> Decimal:
    value = (eur * USD_RATE).quantize(Decimal("0.1")) + Decimal("0.09")
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def seed_catalog(rng: random.Random) -> str:
    """Products, variants, units, groups, price lists, taxes, a kit and related products."""
    services.install_standard_units()
    for code, name in (("retail", "Retail"), ("wholesale", "Wholesale"), ("vip", "VIP")):
        pricing_services.create_customer_group(code=code, name=name)
    today = dt.date.today()
    retail_eur = pricing_services.create_price_list(name="Retail EUR", currency="EUR")
    retail_usd = pricing_services.create_price_list(name="Retail USD", currency="USD")
    wholesale = pricing_services.create_price_list(
        name="Wholesale EUR", currency="EUR", customer_group="wholesale"
    )
    promo = pricing_services.create_price_list(
        name="Promotion week EUR",
        currency="EUR",
        valid_from=today,
        valid_to=today + dt.timedelta(days=6),
    )
    gtin_index = 1
    variants: dict[str, list[Variant]] = {}
    products: dict[str, Product] = {}
    for name, sku, kind, mode, tax, hs, origin, weight, price, attributes in PRODUCTS:
        product = services.create_product(
            name=name,
            sku=sku,
            gtin="" if kind == "service" else _gtin(gtin_index),
            kind=kind,
            supply_mode=mode,
            tax_class=tax,
            hs_code=hs,
            country_of_origin=origin,
            base_uom="pc",
            description=f"{name} from the demo catalog.",
            **({"weight_kg": weight} if weight else {}),
        )
        gtin_index += 1
        products[sku] = product
        made = [product.variants.get()]
        if attributes:
            generated = services.generate_variants(product.pk, attributes)
            for variant in generated[1:]:
                services.update_variant(variant.pk, gtin=_gtin(gtin_index), weight_kg=weight)
                gtin_index += 1
            made = generated
        variants[sku] = made
        eur = Decimal(price)
        for variant in made:
            pricing_services.set_price(retail_eur.pk, variant_id=variant.pk, unit_price=eur)
            pricing_services.set_price(retail_usd.pk, variant_id=variant.pk, unit_price=_usd(eur))
            for quantity, factor in BREAKS.get(sku, ()):
                pricing_services.set_price(
                    retail_eur.pk,
                    variant_id=variant.pk,
                    unit_price=(eur * Decimal(factor)).quantize(CENT, rounding=ROUND_HALF_UP),
                    min_quantity=quantity,
                )
            if kind != "service":
                for quantity, factor in ((10, "0.75"), (50, "0.68")):
                    pricing_services.set_price(
                        wholesale.pk,
                        variant_id=variant.pk,
                        unit_price=(eur * Decimal(factor)).quantize(CENT, rounding=ROUND_HALF_UP),
                        min_quantity=quantity,
                    )
    for sku in rng.sample(["TEE", "HOOD", "MUG", "LAMP", "PACK"], 3):
        for variant in variants[sku]:
            retail = Decimal(dict((p[1], p[8]) for p in PRODUCTS)[sku])
            pricing_services.set_price(
                promo.pk,
                variant_id=variant.pk,
                unit_price=(retail * Decimal("0.8")).quantize(CENT, rounding=ROUND_HALF_UP),
            )
    kit_sku, parts = KIT
    services.set_kit_components(
        variants[kit_sku][0].pk, [(variants[sku][0].pk, qty) for sku, qty in parts]
    )
    for sku, kind, related in RELATED:
        services.set_related_products(products[sku].pk, kind, [products[r].pk for r in related])
    for country, region, klass, rate, label in TAXES:
        pricing_services.set_tax_rate(
            country=country, region=region, tax_class=klass, rate=rate, name=label
        )
    assigned = _assign_wholesale()
    count = sum(len(v) for v in variants.values())
    return (
        f"{len(products)} products, {count} variants, 4 price lists, {len(TAXES)} tax rates, "
        f"{assigned} wholesale accounts"
    )


def _assign_wholesale() -> int:
    """The first five demo accounts buy wholesale (none when the CRM demo did not run)."""
    from valuechain.crm.customers.models import Account
    from valuechain.scm.catalog.models import CustomerGroup

    group = CustomerGroup.objects.get(code="wholesale")
    accounts = list(Account.objects.order_by("pk").values_list("pk", flat=True)[:5])
    for account_id in accounts:
        pricing_services.assign_customer_group(group.pk, account_id=account_id)
    return len(accounts)
