"""Side-by-side comparison of up to four products: attributes, facts, price and availability.

Each product shows its first active variant's price (for the quantity 1, currency, customer
group and date asked) — the "from" price when its variants differ — and its availability
summed over its variants (kits derived from components).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from valuechain.platform.errors import DomainError
from valuechain.scm.catalog import availability, domain, pricing, queries


def parse_ids(raw: Any) -> list[int]:
    """``"3,5,8"`` or ``[3, 5, 8]`` -> [3, 5, 8] (duplicates dropped, order kept)."""
    parts = raw.split(",") if isinstance(raw, str) else list(raw or [])
    ids: list[int] = []
    for part in parts:
        text = str(part).strip()
        if not text:
            continue
        if not text.isdigit():
            raise DomainError("invalid_ids", f"{text!r} is not a product id.", field="ids")
        ids.append(int(text))
    return list(dict.fromkeys(ids))


def compare(
    product_ids: list[int],
    *,
    currency: str = "EUR",
    customer_group: str = "",
    on: dt.date | None = None,
) -> dict[str, Any]:
    """The comparison table; ``too_many_products`` (422) above four, ``ids_required`` for none,
    ``not_found`` (404) for an unknown id."""
    if not product_ids:
        raise DomainError("ids_required", "Choose products to compare.", field="ids")
    if len(product_ids) > domain.MAX_COMPARE:
        raise DomainError(
            "too_many_products",
            f"Compare at most {domain.MAX_COMPARE} products at once ({len(product_ids)} chosen).",
            field="ids",
            details={"max": domain.MAX_COMPARE, "given": len(product_ids)},
        )
    found = {p.pk: p for p in queries.products().filter(pk__in=product_ids)}
    missing = [i for i in product_ids if i not in found]
    if missing:
        raise DomainError(
            "not_found", f"No such product: {missing[0]}.", status=404, details={"id": missing[0]}
        )
    rows = [found[i] for i in product_ids]
    all_variants = [v for p in rows for v in p.variants.all()]
    stock = availability.available([v.pk for v in all_variants])
    attribute_names: list[str] = []
    columns = []
    for product in rows:
        attrs = queries.attributes_of(product)
        for name in attrs:
            if name not in attribute_names:
                attribute_names.append(name)
        active = [v for v in product.variants.all() if v.is_active] or list(product.variants.all())
        prices = [
            pricing.unit_price(
                v.pk, quantity=1, currency=currency, customer_group=customer_group, on=on
            )
            for v in active
        ]
        known = [p for p in prices if p is not None]
        figures = [stock.get(v.pk) for v in product.variants.all()]
        counted = [f for f in figures if f is not None]
        first = active[0] if active else None
        columns.append(
            {
                "product_id": product.pk,
                "name": product.name,
                "kind": product.kind,
                "description": product.description,
                "attributes": attrs,
                "price": min(known) if known else None,
                "price_varies": len(set(known)) > 1,
                "available": sum(counted, Decimal(0)) if counted else None,
                "variant_count": len(product.variants.all()),
                "weight_kg": first.weight_kg if first else None,
                "dimensions_cm": (
                    [first.length_cm, first.width_cm, first.height_cm]
                    if first and first.length_cm is not None
                    else None
                ),
                "country_of_origin": product.country_of_origin,
                "hs_code": product.hs_code,
            }
        )
    return {
        "currency": currency.upper(),
        "customer_group": customer_group,
        "attribute_names": attribute_names,
        "products": columns,
    }
