"""Use cases of the catalog.

Every function runs in one transaction, raises DomainError with the field at fault for bad
input (nothing is written then) and publishes a past-tense event.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.inputs import clean_choice, clean_text
from valuechain.scm.catalog.domain import PRODUCT_KINDS, SUPPLY_MODES
from valuechain.scm.catalog.models import Product, Variant


def create_product(
    *,
    name: str,
    sku: str,
    gtin: str = "",
    kind: str = "stockable",
    supply_mode: str = "mts",
    description: str = "",
) -> Product:
    """Create a product with its default variant (SKU, optional GTIN)."""
    clean_name = clean_text(name, "name", 200, required=True)
    clean_sku = clean_text(sku, "sku", 64, required=True)
    with transaction.atomic():
        product = Product.objects.create(
            name=clean_name,
            description=description or "",
            kind=clean_choice(kind, "kind", PRODUCT_KINDS),
            supply_mode=clean_choice(supply_mode, "supply_mode", tuple(SUPPLY_MODES)),
        )
        try:
            with transaction.atomic():
                variant = Variant.objects.create(product=product, sku=clean_sku, gtin=gtin or "")
        except IntegrityError as exc:
            raise DomainError(
                "duplicate_sku", f"SKU {clean_sku!r} or its GTIN is already used.", field="sku"
            ) from exc
        publish("ProductCreated", {"product_id": product.pk, "variant_id": variant.pk})
    return product
