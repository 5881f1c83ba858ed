"""Tables of the catalog: products (the template) and their variants (what is stocked and sold).

Every product has at least one variant; stock, prices and order lines refer to variants,
so a product without options simply has one default variant carrying its SKU and GTIN.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from valuechain.platform.tenancy.models import TenantOwned
from valuechain.scm.catalog.domain import (
    PRODUCT_KINDS,
    RELATION_KINDS,
    SUPPLY_MODES,
    TAX_CLASSES,
    UOM_CATEGORIES,
)


class Product(TenantOwned):
    """A thing the business sells or stocks, with its kind and supply mode."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(
        max_length=12, choices=[(k, k) for k in PRODUCT_KINDS], default="stockable"
    )
    supply_mode = models.CharField(max_length=3, choices=list(SUPPLY_MODES.items()), default="mts")
    tax_class = models.CharField(
        max_length=10, choices=[(k, k) for k in TAX_CLASSES], default="standard"
    )
    hs_code = models.CharField(max_length=10, blank=True)  # Harmonized System, 6 to 10 digits
    category = models.CharField(max_length=100, blank=True)  # groups the stock valuation report
    country_of_origin = models.CharField(max_length=2, blank=True)  # ISO 3166-1 alpha-2
    base_uom = models.ForeignKey(
        "catalog.UnitOfMeasure", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # empty: counted in units (pieces)
    sales_uom = models.ForeignKey(
        "catalog.UnitOfMeasure", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # empty: sold in the base unit
    purchase_uom = models.ForeignKey(
        "catalog.UnitOfMeasure", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # empty: bought in the base unit
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
    weight_kg = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    length_cm = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    width_cm = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    height_cm = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
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


class CustomerGroup(TenantOwned):
    """A set of customers sharing price lists (retail, wholesale, VIP…), owned by the catalog."""

    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="customer_group_unique_code")
        ]

    def __str__(self) -> str:
        return self.name


class CustomerGroupMember(TenantOwned):
    """A CRM account or person assigned to one customer group (at most one group each)."""

    group = models.ForeignKey(CustomerGroup, on_delete=models.CASCADE, related_name="members")
    account = models.ForeignKey(
        "customers.Account", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey(
        "customers.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            # The services assign exactly one of the two; the table only refuses neither.
            models.CheckConstraint(
                condition=Q(account__isnull=False) | Q(person__isnull=False),
                name="customer_group_member_has_party",
            ),
            models.UniqueConstraint(
                fields=["tenant", "account"],
                condition=Q(account__isnull=False),
                name="customer_group_one_per_account",
            ),
            models.UniqueConstraint(
                fields=["tenant", "person"],
                condition=Q(person__isnull=False),
                name="customer_group_one_per_person",
            ),
        ]


class PriceList(TenantOwned):
    """Prices in one currency, for one customer group or everyone, valid between two dates."""

    name = models.CharField(max_length=100)
    currency = models.CharField(max_length=3)
    customer_group = models.ForeignKey(
        CustomerGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="price_lists"
    )
    valid_from = models.DateField(null=True, blank=True)  # inclusive; empty: always
    valid_to = models.DateField(null=True, blank=True)  # inclusive; empty: open-ended
    is_active = models.BooleanField(default=True)

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "currency", "customer_group"], name="price_list_lookup")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.currency})"


class PriceListItem(TenantOwned):
    """One price of a list: a variant's unit price from a minimum quantity on (a break)."""

    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="items")
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="prices")
    min_quantity = models.DecimalField(max_digits=14, decimal_places=3, default=1)
    unit_price = models.DecimalField(max_digits=14, decimal_places=4)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "price_list", "variant", "min_quantity"],
                name="price_break_unique",
            )
        ]
        indexes = [models.Index(fields=["tenant", "variant"], name="price_item_by_variant")]


class TaxRate(TenantOwned):
    """A sales-tax / VAT rate for a country, optionally a region, and a product tax class."""

    country = models.CharField(max_length=2)
    region = models.CharField(max_length=10, blank=True)  # "": the whole country
    tax_class = models.CharField(
        max_length=10, choices=[(k, k) for k in TAX_CLASSES], default="standard"
    )
    rate = models.DecimalField(max_digits=6, decimal_places=4)  # 0.1900 = 19 %
    name = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "country", "region", "tax_class"], name="tax_rate_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.country}{'-' + self.region if self.region else ''} {self.tax_class}"


class KitComponent(TenantOwned):
    """One component of a kit (bundle) variant, with the quantity one kit contains."""

    kit = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="kit_lines")
    component = models.ForeignKey(Variant, on_delete=models.PROTECT, related_name="used_in_kits")
    quantity = models.DecimalField(max_digits=14, decimal_places=3)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "kit", "component"], name="kit_component_unique"
            ),
        ]


class UnitOfMeasure(TenantOwned):
    """A unit of a category (unit, weight, length, volume, time) with its factor to the reference.

    ``factor`` is how many reference units one of this unit is: for weight the reference is
    the kilogram, so g has 0.001 and lb 0.45359237; for units the piece, so a dozen has 12.
    """

    code = models.CharField(max_length=20)
    name = models.CharField(max_length=60)
    category = models.CharField(max_length=10, choices=[(c, c) for c in UOM_CATEGORIES])
    factor = models.DecimalField(max_digits=20, decimal_places=10)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="uom_unique_code"),
            models.CheckConstraint(condition=Q(factor__gt=0), name="uom_factor_positive"),
        ]

    def __str__(self) -> str:
        return self.code


class Attribute(TenantOwned):
    """A dimension variants differ by (size, colour, material), with its ordered values."""

    name = models.CharField(max_length=60)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="attribute_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class AttributeValue(TenantOwned):
    """One value of an attribute (size M, colour red)."""

    attribute = models.ForeignKey(Attribute, on_delete=models.CASCADE, related_name="values")
    value = models.CharField(max_length=60)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "attribute", "value"], name="attribute_value_unique"
            )
        ]
        ordering = ["attribute_id", "position", "pk"]

    def __str__(self) -> str:
        return self.value


class VariantValue(TenantOwned):
    """The value a variant has for one attribute (a variant is a combination of these)."""

    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="values")
    attribute = models.ForeignKey(Attribute, on_delete=models.PROTECT, related_name="+")
    value = models.ForeignKey(AttributeValue, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "variant", "attribute"], name="variant_one_value_per_attribute"
            )
        ]


class RelatedProduct(TenantOwned):
    """A product suggested with another: an accessory (cross-sell) or a better one (up-sell)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="relations")
    related = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=[(k, k) for k in RELATION_KINDS])
    position = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=20, default="manual")  # manual, analytics

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "product", "related", "kind"], name="related_product_unique"
            ),
        ]
