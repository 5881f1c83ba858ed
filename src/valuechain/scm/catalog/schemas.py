"""API shapes of the catalog."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from valuechain.scm.catalog.models import Product, Variant
from valuechain.scm.catalog.queries import ProductFilters

MEASURES_HELP = "kg for weight, cm for length, width and height"


class VariantValueOut(Schema):
    """An attribute and the variant's value for it."""

    attribute: str
    value: str
    value_id: int


class VariantOut(Schema):
    """A variant with its values and measures."""

    id: int
    product_id: int
    sku: str
    gtin: str
    name: str
    display_name: str
    is_active: bool
    weight_kg: Decimal | None
    length_cm: Decimal | None
    width_cm: Decimal | None
    height_cm: Decimal | None
    values: list[VariantValueOut]

    @staticmethod
    def resolve_values(obj: Variant) -> list[dict[str, Any]]:
        return [
            {"attribute": row.attribute.name, "value": row.value.value, "value_id": row.value_id}
            for row in obj.values.all()
        ]


class ProductOut(Schema):
    """A product with its variants."""

    id: int
    name: str
    description: str
    kind: str
    supply_mode: str
    tax_class: str
    hs_code: str
    category: str
    country_of_origin: str
    base_uom: str
    sales_uom: str
    purchase_uom: str
    is_active: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    attributes: dict[str, list[str]]
    variants: list[VariantOut]

    @staticmethod
    def resolve_base_uom(obj: Product) -> str:
        return obj.base_uom.code if obj.base_uom else ""

    @staticmethod
    def resolve_sales_uom(obj: Product) -> str:
        return obj.sales_uom.code if obj.sales_uom else ""

    @staticmethod
    def resolve_purchase_uom(obj: Product) -> str:
        return obj.purchase_uom.code if obj.purchase_uom else ""

    @staticmethod
    def resolve_attributes(obj: Product) -> dict[str, list[str]]:
        from valuechain.scm.catalog.queries import attributes_of

        return attributes_of(obj)

    @staticmethod
    def resolve_variants(obj: Product) -> list[Variant]:
        return list(obj.variants.all())


class ProductIn(Schema):
    """A new product with its default variant (SKU, GTIN, measures)."""

    name: str = Field(..., max_length=200)
    sku: str = Field(..., max_length=64)
    gtin: str = Field("", description="GTIN-8/12/13/14 with a valid check digit")
    kind: str = Field("stockable", description="stockable, consumable or service")
    supply_mode: str = Field("mts", description="mts (make to stock) or mto (make to order)")
    description: str = Field("", max_length=20000)
    tax_class: str = Field("standard", description="standard, reduced, zero or exempt")
    hs_code: str = Field("", description="Harmonized System code, 6 to 10 digits")
    category: str = Field("", max_length=100, description="Groups the stock valuation report")
    country_of_origin: str = Field("", description="ISO 3166-1 alpha-2")
    base_uom: str = Field("", description="Unit code; empty: pieces")
    sales_uom: str = ""
    purchase_uom: str = ""
    weight_kg: Decimal | None = Field(None, description=MEASURES_HELP)
    length_cm: Decimal | None = None
    width_cm: Decimal | None = None
    height_cm: Decimal | None = None
    attributes: dict[str, list[str]] = Field(
        default_factory=dict,
        description='Generate one variant per combination, e.g. {"Size": ["S", "M"]}',
    )


class ProductPatch(Schema):
    """Changes to a product; fields left out stay."""

    name: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=20000)
    kind: str | None = None
    supply_mode: str | None = None
    tax_class: str | None = None
    hs_code: str | None = None
    category: str | None = Field(None, max_length=100)
    country_of_origin: str | None = None
    base_uom: str | None = None
    sales_uom: str | None = None
    purchase_uom: str | None = None
    is_active: bool | None = None


class ProductListFilters(Schema):
    """Filters of the product list; left out, they filter nothing."""

    q: str | None = Field(None, description="Full-text search: name, description, SKU, GTIN")
    kind: str | None = None
    supply_mode: str | None = None
    is_active: bool | None = None
    country_of_origin: str | None = None
    hs_code: str | None = Field(None, description="HS code prefix")

    def as_filters(self) -> ProductFilters:
        """The query-side filters."""
        return ProductFilters(**self.dict())


class VariantIn(Schema):
    """A new variant of a product."""

    sku: str = Field(..., max_length=64)
    gtin: str = ""
    name: str = Field("", max_length=200)
    values: list[int] = Field(default_factory=list, description="Attribute value ids")
    weight_kg: Decimal | None = None
    length_cm: Decimal | None = None
    width_cm: Decimal | None = None
    height_cm: Decimal | None = None


class VariantPatch(Schema):
    """Changes to a variant; fields left out stay."""

    sku: str | None = Field(None, max_length=64)
    gtin: str | None = None
    name: str | None = Field(None, max_length=200)
    is_active: bool | None = None
    values: list[int] | None = None
    weight_kg: Decimal | None = None
    length_cm: Decimal | None = None
    width_cm: Decimal | None = None
    height_cm: Decimal | None = None


class GenerateIn(Schema):
    """Attributes and their values, by name: one variant per combination."""

    attributes: dict[str, list[str]]


class RelatedIn(Schema):
    """The related products of one kind, in order."""

    product_ids: list[int]


class RelatedOut(Schema):
    """A product's accessories and up-sell alternatives."""

    accessory: list[ProductBrief]
    upsell: list[ProductBrief]


class ProductBrief(Schema):
    """A product's id and name."""

    id: int
    name: str
    kind: str


class KitLineIn(Schema):
    """One component of a kit."""

    variant_id: int
    quantity: Decimal


class KitIn(Schema):
    """The kit's components (empty: the variant is no longer a kit)."""

    components: list[KitLineIn]


class KitLineOut(Schema):
    """A component with its quantity per kit and its availability."""

    variant_id: int
    sku: str
    name: str
    quantity: Decimal
    available: Decimal | None


class KitOut(Schema):
    """A kit's components, derived availability and price check."""

    variant_id: int
    components: list[KitLineOut]
    available: Decimal | None
    price_check: dict[str, Any] | None


class PriceOut(Schema):
    """The unit price for the question asked (null: no list covers it)."""

    variant_id: int
    quantity: Decimal
    currency: str
    customer_group: str
    on: dt.date
    unit_price: Decimal | None


class TaxRateQueryOut(Schema):
    """The tax rate for a variant sold to a country and region."""

    variant_id: int
    country: str
    region: str
    rate: Decimal


class ConvertOut(Schema):
    """A quantity converted between two units."""

    variant_id: int
    quantity: Decimal
    from_uom: str
    to_uom: str
    result: Decimal


class AvailabilityOut(Schema):
    """Sellable quantity per variant id (null: not known or not stocked)."""

    warehouse_id: int | None
    variants: dict[int, Decimal | None]


class CustomerGroupIn(Schema):
    """A new customer group."""

    code: str = Field(..., max_length=40)
    name: str = Field(..., max_length=100)
    description: str = ""


class CustomerGroupPatch(Schema):
    """Changes to a group (the code is fixed)."""

    name: str | None = Field(None, max_length=100)
    description: str | None = None


class CustomerGroupOut(Schema):
    """A customer group with its member count."""

    id: int
    code: str
    name: str
    description: str
    member_count: int = 0


class MemberIn(Schema):
    """An account or a person (exactly one)."""

    account_id: int | None = None
    person_id: int | None = None


class MemberOut(Schema):
    """A party in a group."""

    id: int
    group_id: int
    account_id: int | None
    person_id: int | None


class PriceListIn(Schema):
    """A new price list."""

    name: str = Field(..., max_length=100)
    currency: str
    customer_group: str = Field("", description="Group code; empty: every customer")
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    is_active: bool = True


class PriceListPatch(Schema):
    """Changes to a price list."""

    name: str | None = Field(None, max_length=100)
    currency: str | None = None
    customer_group: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    is_active: bool | None = None


class PriceListOut(Schema):
    """A price list."""

    id: int
    name: str
    currency: str
    customer_group: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    is_active: bool
    item_count: int = 0

    @staticmethod
    def resolve_customer_group(obj: Any) -> str:
        return obj.customer_group.code if obj.customer_group_id else ""


class PriceItemIn(Schema):
    """A price (break) of a list."""

    variant_id: int
    unit_price: Decimal
    min_quantity: Decimal = Decimal(1)


class PriceItemOut(Schema):
    """A price (break) of a list."""

    id: int
    price_list_id: int
    variant_id: int
    sku: str
    min_quantity: Decimal
    unit_price: Decimal
    warning: str = ""

    @staticmethod
    def resolve_sku(obj: Any) -> str:
        return obj.variant.sku


class TaxRateIn(Schema):
    """A tax rate (replaces the one of the same country, region and class)."""

    country: str
    region: str = ""
    tax_class: str = "standard"
    rate: Decimal = Field(..., description="A fraction: 0.19 for 19 %")
    name: str = ""


class TaxRateOut(Schema):
    """A tax rate."""

    id: int
    country: str
    region: str
    tax_class: str
    rate: Decimal
    name: str


class UnitIn(Schema):
    """A new unit of measure."""

    code: str = Field(..., max_length=20)
    name: str = Field(..., max_length=60)
    category: str = Field(..., description="unit, weight, length, volume or time")
    factor: Decimal = Field(..., description="Reference units in one of this unit")


class UnitOut(Schema):
    """A unit of measure."""

    id: int
    code: str
    name: str
    category: str
    factor: Decimal


class AttributeIn(Schema):
    """An attribute with values (created or extended)."""

    name: str = Field(..., max_length=60)
    values: list[str] = Field(default_factory=list)


class AttributeValueOut(Schema):
    """One value of an attribute."""

    id: int
    value: str
    position: int


class AttributeOut(Schema):
    """An attribute with its values."""

    id: int
    name: str
    values: list[AttributeValueOut]

    @staticmethod
    def resolve_values(obj: Any) -> list[Any]:
        return list(obj.values.all())


class CompareColumnOut(Schema):
    """One product of a comparison."""

    product_id: int
    name: str
    kind: str
    description: str
    attributes: dict[str, list[str]]
    price: Decimal | None
    price_varies: bool
    available: Decimal | None
    variant_count: int
    weight_kg: Decimal | None
    dimensions_cm: list[Decimal | None] | None
    country_of_origin: str
    hs_code: str


class CompareOut(Schema):
    """Up to four products side by side."""

    currency: str
    customer_group: str
    attribute_names: list[str]
    products: list[CompareColumnOut]


RelatedOut.model_rebuild()
