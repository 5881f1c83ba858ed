"""Tables of the catalog: products (the template) and their variants (what is stocked and sold).

Every product has at least one variant; stock, prices and order lines refer to variants,
so a product without options simply has one default variant carrying its SKU and GTIN.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from valuechain.platform.tenancy.models import TenantOwned
from valuechain.scm.catalog.domain import PRODUCT_KINDS, SUPPLY_MODES


class Product(TenantOwned):
    """A thing the business sells or stocks, with its kind and supply mode."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(
        max_length=12, choices=[(k, k) for k in PRODUCT_KINDS], default="stockable"
    )
    supply_mode = models.CharField(max_length=3, choices=list(SUPPLY_MODES.items()), default="mts")
    is_active = models.BooleanField(default=True)

    class Meta:
        indexes = [models.Index(fields=["tenant", "name"], name="product_by_name")]

    def __str__(self) -> str:
        return self.name


class Variant(TenantOwned):
    """One sellable, stockable version of a product, with its SKU and GTIN."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="variants")
    sku = models.CharField(max_length=64)
    gtin = models.CharField(max_length=14, blank=True)  # GTIN-8/12/13/14, digits only
    name = models.CharField(max_length=200, blank=True)  # empty: the product's name
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "sku"], name="variant_unique_sku"),
            models.UniqueConstraint(
                fields=["tenant", "gtin"], condition=~Q(gtin=""), name="variant_unique_gtin"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "product"], name="variant_by_product")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The variant's own name, or its product's."""
        return self.name or self.product.name
