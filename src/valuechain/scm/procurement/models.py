"""Tables of procurement: suppliers (a role of a CRM account), the items they supply with
their price breaks, and the tenant's weights for choosing between suppliers."""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from valuechain.platform.tenancy.models import TenantOwned
from valuechain.scm.procurement.domain import INCOTERMS


class ProcurementSettings(TenantOwned):
    """The tenant's weights for ranking the suppliers of an item."""

    weight_price = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal(40))
    weight_lead_time = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal(20))
    weight_reliability = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal(20))
    weight_on_time_in_full = models.DecimalField(
        max_digits=6, decimal_places=2, default=Decimal(10)
    )
    weight_quality = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal(10))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="procurement_settings_one_per_tenant")
        ]


class Supplier(TenantOwned):
    """The supplier role of a CRM account: its code, terms of trade and GS1 location number."""

    # Contacts, addresses and the name live on the account, shared with CRM.
    account = models.ForeignKey(
        "customers.Account", on_delete=models.PROTECT, related_name="supplier_roles"
    )
    code = models.CharField(max_length=20)
    currency = models.CharField(max_length=3)
    payment_terms_days = models.PositiveIntegerField(default=30)
    incoterm = models.CharField(max_length=3, blank=True, choices=[(t, t) for t in INCOTERMS])
    gln = models.CharField(max_length=13, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="supplier_unique_code"),
            models.UniqueConstraint(fields=["tenant", "account"], name="supplier_one_per_account"),
        ]
        indexes = [models.Index(fields=["tenant", "is_active"], name="supplier_by_active")]

    def __str__(self) -> str:
        return self.code


class SupplierProduct(TenantOwned):
    """A catalog variant one supplier delivers: its SKU there, order rules and lead time."""

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="products")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    supplier_sku = models.CharField(max_length=64, blank=True)
    currency = models.CharField(max_length=3)
    min_order_quantity = models.DecimalField(max_digits=18, decimal_places=4, default=Decimal(0))
    pack_size = models.DecimalField(max_digits=18, decimal_places=4, default=Decimal(1))
    # Entered by the buyer for now; receipts will measure them (docs/procurement.md).
    lead_time_days = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal(0))
    lead_time_std_days = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal(0))
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "supplier", "variant"], name="supplier_product_unique"
            )
        ]
        indexes = [models.Index(fields=["tenant", "variant"], name="supplier_product_by_variant")]

    def __str__(self) -> str:
        return f"{self.supplier_id}:{self.variant_id}"


class PriceBreak(TenantOwned):
    """A supplier's unit price from a minimum quantity on."""

    supplier_product = models.ForeignKey(
        SupplierProduct, on_delete=models.CASCADE, related_name="price_breaks"
    )
    min_quantity = models.DecimalField(max_digits=18, decimal_places=4)
    unit_price = models.DecimalField(max_digits=18, decimal_places=6)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "supplier_product", "min_quantity"],
                name="price_break_unique_quantity",
            )
        ]
        ordering = ["min_quantity"]
