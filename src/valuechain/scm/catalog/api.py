"""API routes of catalog (scm area): products, variants, kits, related products, prices,
customer groups, tax rates, units, attributes, search and comparison."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Status

from valuechain.platform.api import ListParams, Page, area_router, paginate
from valuechain.scm.catalog import (
    availability,
    compare,
    pricing,
    pricing_services,
    queries,
    services,
)
from valuechain.scm.catalog.models import (
    Attribute,
    CustomerGroup,
    CustomerGroupMember,
    PriceList,
    PriceListItem,
    Product,
    TaxRate,
    UnitOfMeasure,
    Variant,
)
from valuechain.scm.catalog.schemas import (
    AttributeIn,
    AttributeOut,
    AvailabilityOut,
    CompareOut,
    ConvertOut,
    CustomerGroupIn,
    CustomerGroupOut,
    CustomerGroupPatch,
    GenerateIn,
    KitIn,
    KitOut,
    MemberIn,
    MemberOut,
    PriceItemIn,
    PriceItemOut,
    PriceListIn,
    PriceListOut,
    PriceListPatch,
    PriceOut,
    ProductIn,
    ProductListFilters,
    ProductOut,
    ProductPatch,
    RelatedIn,
    RelatedOut,
    TaxRateIn,
    TaxRateOut,
    TaxRateQueryOut,
    UnitIn,
    UnitOut,
    VariantIn,
    VariantOut,
    VariantPatch,
)

router = area_router("scm", tags=["catalog"])
MEASURES = ("weight_kg", "length_cm", "width_cm", "height_cm")


# --- products ------------------------------------------------------------------------------


@router.get("/products", response=Page[ProductOut], summary="List or search products")
def list_products(
    request: HttpRequest, filters: Query[ProductListFilters], params: Query[ListParams]
) -> dict[str, Any]:
    """Products with their variants; ``q`` searches name, description, SKU and GTIN."""
    return paginate(
        queries.products(filters.as_filters()),
        params,
        sortable=queries.PRODUCT_SORTS,
        default_sort=("name",),
    )


@router.post("/products", response={201: ProductOut}, summary="Create a product")
def create_product(request: HttpRequest, data: ProductIn) -> Status[Product]:
    """A product with its default variant; ``attributes`` generates variants at once."""
    body = data.dict()
    attributes = body.pop("attributes")
    for field in MEASURES:
        if body[field] is None:
            body.pop(field)
    product = services.create_product(**body)
    if attributes:
        services.generate_variants(product.pk, attributes)
    return Status(201, queries.product(product.pk))


@router.get("/products/compare", response=CompareOut, summary="Compare up to four products")
def compare_products(
    request: HttpRequest,
    ids: str,
    currency: str = "EUR",
    customer_group: str = "",
    on: dt.date | None = None,
) -> dict[str, Any]:
    """``ids=3,5,8``: attributes, price (quantity 1) and availability side by side; more
    than four is ``too_many_products`` (422)."""
    return compare.compare(
        compare.parse_ids(ids), currency=currency, customer_group=customer_group, on=on
    )


@router.get("/products/{product_id}", response=ProductOut, summary="Get a product")
def get_product(request: HttpRequest, product_id: int) -> Product:
    """One product with its variants, values and units."""
    return queries.product(product_id)


@router.patch("/products/{product_id}", response=ProductOut, summary="Change a product")
def update_product(request: HttpRequest, product_id: int, data: ProductPatch) -> Product:
    """Change the given fields."""
    services.update_product(product_id, **data.dict(exclude_unset=True))
    return queries.product(product_id)


@router.delete("/products/{product_id}", response={204: None}, summary="Delete a product")
def delete_product(request: HttpRequest, product_id: int) -> Status[None]:
    """Delete a product nothing refers to (``product_in_use``, 409, otherwise)."""
    services.delete_product(product_id)
    return Status(204, None)


@router.post("/products/{product_id}/variants", response={201: VariantOut}, summary="Add a variant")
def create_variant(request: HttpRequest, product_id: int, data: VariantIn) -> Status[Variant]:
    """A variant with its SKU, GTIN, attribute values and measures."""
    body = data.dict()
    for field in MEASURES:
        if body[field] is None:
            body.pop(field)
    variant = services.create_variant(product_id, **body)
    return Status(201, queries.variants().get(pk=variant.pk))


@router.post(
    "/products/{product_id}/variants/generate",
    response={201: list[VariantOut]},
    summary="Generate variants from attributes",
)
def generate_variants(
    request: HttpRequest, product_id: int, data: GenerateIn
) -> Status[list[Variant]]:
    """One variant per combination of the values given (attributes created as needed)."""
    made = services.generate_variants(product_id, data.attributes)
    return Status(201, list(queries.variants().filter(pk__in=[v.pk for v in made]).order_by("pk")))


@router.get(
    "/products/{product_id}/related", response=RelatedOut, summary="A product's related products"
)
def get_related(request: HttpRequest, product_id: int) -> dict[str, Any]:
    """Accessories (cross-sell) and up-sell alternatives, in order."""
    queries.product(product_id)
    return queries.related_products(product_id)


@router.put(
    "/products/{product_id}/related/{kind}",
    response=RelatedOut,
    summary="Set accessories or up-sells",
)
def set_related(
    request: HttpRequest, product_id: int, kind: str, data: RelatedIn
) -> dict[str, Any]:
    """Replace the related products of one kind (``accessory`` or ``upsell``)."""
    services.set_related_products(product_id, kind, data.product_ids)
    return queries.related_products(product_id)


@router.get(
    "/products/{product_id}/availability",
    response=AvailabilityOut,
    summary="Availability of a product's variants",
)
def product_availability(
    request: HttpRequest, product_id: int, warehouse_id: int | None = None
) -> dict[str, Any]:
    """Sellable quantity per variant (kits derived from their components)."""
    ids = list(Variant.objects.filter(product_id=product_id).values_list("pk", flat=True))
    if not ids:
        queries.product(product_id)
    return {
        "warehouse_id": warehouse_id,
        "variants": availability.available(ids, warehouse_id=warehouse_id),
    }


# --- variants ------------------------------------------------------------------------------


@router.get("/variants", response=Page[VariantOut], summary="List variants")
def list_variants(
    request: HttpRequest,
    params: Query[ListParams],
    product_id: int | None = None,
    q: str | None = None,
    is_active: bool | None = None,
) -> dict[str, Any]:
    """Variants, by SKU unless sorted otherwise; ``q`` matches SKU, name or GTIN."""
    return paginate(
        queries.variants(product_id=product_id, q=q, is_active=is_active),
        params,
        sortable=queries.VARIANT_SORTS,
        default_sort=("sku",),
    )


@router.get("/variants/by-gtin/{gtin}", response=VariantOut, summary="Find a variant by GTIN")
def variant_by_gtin(request: HttpRequest, gtin: str) -> Variant:
    """The variant with this GTIN (GTIN-13 and its GTIN-14 match); 404 when none."""
    found = queries.variant_by_gtin(gtin)
    if found is None:
        raise Variant.DoesNotExist
    return queries.variants().get(pk=found.pk)


@router.get("/variants/{variant_id}", response=VariantOut, summary="Get a variant")
def get_variant(request: HttpRequest, variant_id: int) -> Variant:
    """One variant."""
    return queries.variants().get(pk=variant_id)


@router.patch("/variants/{variant_id}", response=VariantOut, summary="Change a variant")
def update_variant(request: HttpRequest, variant_id: int, data: VariantPatch) -> Variant:
    """Change the given fields (``values`` replaces the attribute values)."""
    queries.variants().get(pk=variant_id)
    services.update_variant(variant_id, **data.dict(exclude_unset=True))
    return queries.variants().get(pk=variant_id)


@router.get("/variants/{variant_id}/price", response=PriceOut, summary="Price a variant")
def variant_price(
    request: HttpRequest,
    variant_id: int,
    currency: str,
    quantity: Decimal = Decimal(1),
    customer_group: str = "",
    on: dt.date | None = None,
) -> dict[str, Any]:
    """The unit price from the price lists (null when none covers it)."""
    queries.variants().get(pk=variant_id)
    day = on or timezone.localdate()
    return {
        "variant_id": variant_id,
        "quantity": quantity,
        "currency": currency.upper(),
        "customer_group": customer_group,
        "on": day,
        "unit_price": pricing.unit_price(
            variant_id, quantity=quantity, currency=currency, customer_group=customer_group, on=day
        ),
    }


@router.get("/variants/{variant_id}/tax-rate", response=TaxRateQueryOut, summary="Tax rate")
def variant_tax_rate(
    request: HttpRequest, variant_id: int, country: str, region: str = ""
) -> dict[str, Any]:
    """The rate for the variant's tax class in the country (and region); 0 when none."""
    queries.variants().get(pk=variant_id)
    return {
        "variant_id": variant_id,
        "country": country.upper(),
        "region": region.upper(),
        "rate": pricing.tax_rate(variant_id, country=country, region=region),
    }


@router.get("/variants/{variant_id}/convert", response=ConvertOut, summary="Convert units")
def variant_convert(
    request: HttpRequest,
    variant_id: int,
    quantity: Decimal,
    from_uom: str = "",
    to_uom: str = "",
) -> dict[str, Any]:
    """A quantity from one unit to another of the same category ("" is the base unit)."""
    return {
        "variant_id": variant_id,
        "quantity": quantity,
        "from_uom": from_uom,
        "to_uom": to_uom,
        "result": queries.convert(variant_id, quantity, from_uom=from_uom, to_uom=to_uom),
    }


def _kit(variant_id: int, currency: str, customer_group: str) -> dict[str, Any]:
    components = queries.kit_components(variant_id)
    ids = [c for c, _ in components]
    stock = availability.available([variant_id, *ids])
    rows = {v.pk: v for v in Variant.objects.select_related("product").filter(pk__in=ids)}
    return {
        "variant_id": variant_id,
        "components": [
            {
                "variant_id": c,
                "sku": rows[c].sku,
                "name": rows[c].display_name,
                "quantity": q,
                "available": stock.get(c),
            }
            for c, q in components
        ],
        "available": stock.get(variant_id) if components else None,
        "price_check": pricing.kit_price_check(
            variant_id, currency=currency, customer_group=customer_group
        ),
    }


@router.get("/variants/{variant_id}/kit", response=KitOut, summary="A kit's components")
def get_kit(
    request: HttpRequest, variant_id: int, currency: str = "EUR", customer_group: str = ""
) -> dict[str, Any]:
    """Components, availability derived from them, and the kit's price against their sum."""
    queries.variants().get(pk=variant_id)
    return _kit(variant_id, currency, customer_group)


@router.put("/variants/{variant_id}/kit", response=KitOut, summary="Set a kit's components")
def set_kit(request: HttpRequest, variant_id: int, data: KitIn) -> dict[str, Any]:
    """Replace the components (empty list: not a kit)."""
    services.set_kit_components(
        variant_id, [(line.variant_id, line.quantity) for line in data.components]
    )
    return _kit(variant_id, "EUR", "")


# --- price lists ---------------------------------------------------------------------------


def _price_lists() -> Any:
    return PriceList.objects.select_related("customer_group").annotate(item_count=Count("items"))


@router.get("/price-lists", response=Page[PriceListOut], summary="List price lists")
def list_price_lists(
    request: HttpRequest,
    params: Query[ListParams],
    currency: str | None = None,
    customer_group: str | None = None,
    is_active: bool | None = None,
) -> dict[str, Any]:
    """Price lists, by name; filter by currency, group code ("-" for general lists), active."""
    rows = _price_lists()
    if currency:
        rows = rows.filter(currency=currency.upper())
    if customer_group == "-":
        rows = rows.filter(customer_group__isnull=True)
    elif customer_group:
        rows = rows.filter(customer_group__code=customer_group.lower())
    if is_active is not None:
        rows = rows.filter(is_active=is_active)
    return paginate(
        rows,
        params,
        sortable=("name", "currency", "valid_from", "valid_to", "created_at"),
        default_sort=("name",),
    )


@router.post("/price-lists", response={201: PriceListOut}, summary="Create a price list")
def create_price_list(request: HttpRequest, data: PriceListIn) -> Status[PriceList]:
    """A price list for a currency and a customer group (empty: every customer)."""
    price_list = pricing_services.create_price_list(**data.dict())
    return Status(201, _price_lists().get(pk=price_list.pk))


@router.get("/price-lists/{list_id}", response=PriceListOut, summary="Get a price list")
def get_price_list(request: HttpRequest, list_id: int) -> PriceList:
    """One price list."""
    return _price_lists().get(pk=list_id)


@router.patch("/price-lists/{list_id}", response=PriceListOut, summary="Change a price list")
def update_price_list(request: HttpRequest, list_id: int, data: PriceListPatch) -> PriceList:
    """Change the given fields."""
    pricing_services.update_price_list(list_id, **data.dict(exclude_unset=True))
    return _price_lists().get(pk=list_id)


@router.delete("/price-lists/{list_id}", response={204: None}, summary="Delete a price list")
def delete_price_list(request: HttpRequest, list_id: int) -> Status[None]:
    """Delete a list with its prices."""
    pricing_services.delete_price_list(list_id)
    return Status(204, None)


@router.get("/price-lists/{list_id}/items", response=Page[PriceItemOut], summary="A list's prices")
def list_price_items(
    request: HttpRequest, list_id: int, params: Query[ListParams], variant_id: int | None = None
) -> dict[str, Any]:
    """The list's prices (breaks), by SKU and minimum quantity."""
    PriceList.objects.get(pk=list_id)
    rows = PriceListItem.objects.filter(price_list_id=list_id).select_related("variant")
    if variant_id is not None:
        rows = rows.filter(variant_id=variant_id)
    return paginate(
        rows,
        params,
        sortable=("variant__sku", "min_quantity", "unit_price"),
        default_sort=("variant__sku", "min_quantity"),
    )


@router.post("/price-lists/{list_id}/items", response={201: PriceItemOut}, summary="Set a price")
def set_price(request: HttpRequest, list_id: int, data: PriceItemIn) -> Status[Any]:
    """Add or replace the price of a variant from a minimum quantity; for a kit, ``warning``
    says when the kit is not cheaper than its components (it is saved all the same)."""
    item = pricing_services.set_price(list_id, **data.dict())
    item = PriceListItem.objects.select_related("variant", "price_list").get(pk=item.pk)
    check = pricing.kit_price_check(
        item.variant_id,
        currency=item.price_list.currency,
        customer_group=item.price_list.customer_group.code
        if item.price_list.customer_group_id
        else "",
        on=item.price_list.valid_from,
    )
    item.warning = (
        "kit_price_not_below_components" if check and check["status"] == "not_below" else ""
    )
    return Status(201, item)


@router.delete(
    "/price-lists/{list_id}/items/{item_id}", response={204: None}, summary="Remove a price"
)
def remove_price(request: HttpRequest, list_id: int, item_id: int) -> Status[None]:
    """Remove one price (break)."""
    PriceListItem.objects.get(pk=item_id, price_list_id=list_id)
    pricing_services.remove_price(item_id)
    return Status(204, None)


# --- customer groups -----------------------------------------------------------------------


def _groups() -> Any:
    return CustomerGroup.objects.annotate(member_count=Count("members"))


@router.get("/customer-groups", response=Page[CustomerGroupOut], summary="List customer groups")
def list_groups(request: HttpRequest, params: Query[ListParams]) -> dict[str, Any]:
    """Customer groups, by code."""
    return paginate(_groups(), params, sortable=("code", "name"), default_sort=("code",))


@router.post("/customer-groups", response={201: CustomerGroupOut}, summary="Create a group")
def create_group(request: HttpRequest, data: CustomerGroupIn) -> Status[Any]:
    """A customer group price lists can be for."""
    group = pricing_services.create_customer_group(**data.dict())
    return Status(201, _groups().get(pk=group.pk))


@router.patch("/customer-groups/{group_id}", response=CustomerGroupOut, summary="Change a group")
def update_group(request: HttpRequest, group_id: int, data: CustomerGroupPatch) -> Any:
    """Change the name or description."""
    pricing_services.update_customer_group(group_id, **data.dict(exclude_unset=True))
    return _groups().get(pk=group_id)


@router.delete("/customer-groups/{group_id}", response={204: None}, summary="Delete a group")
def delete_group(request: HttpRequest, group_id: int) -> Status[None]:
    """Delete a group no price list uses (``group_in_use``, 409)."""
    pricing_services.delete_customer_group(group_id)
    return Status(204, None)


@router.get(
    "/customer-groups/{group_id}/members", response=Page[MemberOut], summary="A group's members"
)
def list_members(request: HttpRequest, group_id: int, params: Query[ListParams]) -> dict[str, Any]:
    """The accounts and people in the group."""
    CustomerGroup.objects.get(pk=group_id)
    return paginate(
        CustomerGroupMember.objects.filter(group_id=group_id),
        params,
        sortable=("created_at",),
        default_sort=("pk",),
    )


@router.post(
    "/customer-groups/{group_id}/members", response={201: MemberOut}, summary="Assign a customer"
)
def assign_member(request: HttpRequest, group_id: int, data: MemberIn) -> Status[Any]:
    """Put an account or a person in the group (moving it from another)."""
    return Status(201, pricing_services.assign_customer_group(group_id, **data.dict()))


@router.post(
    "/customer-groups/unassign", response={204: None}, summary="Take a customer out of its group"
)
def unassign_member(request: HttpRequest, data: MemberIn) -> Status[None]:
    """The account or person belongs to no group afterwards."""
    pricing_services.unassign_customer_group(**data.dict())
    return Status(204, None)


# --- tax rates, units, attributes ----------------------------------------------------------


@router.get("/tax-rates", response=Page[TaxRateOut], summary="List tax rates")
def list_tax_rates(
    request: HttpRequest, params: Query[ListParams], country: str | None = None
) -> dict[str, Any]:
    """Tax rates by country, region and class."""
    rows = TaxRate.objects.all()
    if country:
        rows = rows.filter(country=country.upper())
    return paginate(
        rows,
        params,
        sortable=("country", "region", "tax_class", "rate"),
        default_sort=("country", "region", "tax_class"),
    )


@router.put("/tax-rates", response=TaxRateOut, summary="Set a tax rate")
def set_tax_rate(request: HttpRequest, data: TaxRateIn) -> TaxRate:
    """Create or replace the rate of a country (region empty: the default) and class."""
    return pricing_services.set_tax_rate(**data.dict())


@router.delete("/tax-rates/{rate_id}", response={204: None}, summary="Delete a tax rate")
def delete_tax_rate(request: HttpRequest, rate_id: int) -> Status[None]:
    """Remove a rate."""
    pricing_services.delete_tax_rate(rate_id)
    return Status(204, None)


@router.get("/units", response=Page[UnitOut], summary="List units of measure")
def list_units(request: HttpRequest, params: Query[ListParams]) -> dict[str, Any]:
    """Units by category and factor."""
    return paginate(
        UnitOfMeasure.objects.all(),
        params,
        sortable=("code", "category", "factor"),
        default_sort=("category", "factor", "code"),
    )


@router.post("/units", response={201: UnitOut}, summary="Create a unit of measure")
def create_unit(request: HttpRequest, data: UnitIn) -> Status[UnitOfMeasure]:
    """A unit in a category with its factor to the reference unit."""
    return Status(201, services.create_unit(**data.dict()))


@router.get("/attributes", response=Page[AttributeOut], summary="List attributes")
def list_attributes(request: HttpRequest, params: Query[ListParams]) -> dict[str, Any]:
    """Attributes with their values."""
    return paginate(
        Attribute.objects.prefetch_related("values"),
        params,
        sortable=("name",),
        default_sort=("name",),
    )


@router.post("/attributes", response={201: AttributeOut}, summary="Create or extend an attribute")
def create_attribute(request: HttpRequest, data: AttributeIn) -> Status[Attribute]:
    """The attribute with at least these values."""
    attribute = services.ensure_attribute(data.name, data.values)
    return Status(201, Attribute.objects.prefetch_related("values").get(pk=attribute.pk))
