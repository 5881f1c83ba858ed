"""Use cases of the catalog: products, variants and attributes, units, kits, related products.

Prices, customer groups and tax rates are in ``pricing_services``.

Every function runs in one transaction, raises DomainError with the field at fault for bad
input (nothing is written then) and publishes a past-tense event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.inputs import clean_choice, clean_text
from valuechain.scm.catalog import domain
from valuechain.scm.catalog.domain import PRODUCT_KINDS, SUPPLY_MODES, TAX_CLASSES
from valuechain.scm.catalog.models import (
    Attribute,
    AttributeValue,
    KitComponent,
    PriceListItem,
    Product,
    RelatedProduct,
    UnitOfMeasure,
    Variant,
    VariantValue,
)

T = TypeVar("T")
MAX_QUANTITY = Decimal("99999999999")


def _domain(call: Callable[..., T], *args: Any) -> T:
    try:
        return call(*args)
    except domain.InvalidInput as exc:
        raise DomainError(exc.code, exc.message, field=exc.field) from exc


def _locked(model: type[T], pk: Any, label: str) -> T:
    row = model.objects.select_for_update().filter(pk=pk).first()  # type: ignore[attr-defined]
    if row is None:
        raise DomainError("not_found", f"No such {label}.", status=404, details={"id": pk})
    return row


def _get(model: type[T], pk: Any, label: str, field: str | None = None) -> T:
    row = model.objects.filter(pk=pk).first() if pk not in (None, "") else None  # type: ignore[attr-defined]
    if row is None:
        if field:
            raise DomainError(f"unknown_{field}", f"No such {label}.", field=field)
        raise DomainError("not_found", f"No such {label}.", status=404, details={"id": pk})
    return row


def clean_decimal(
    value: Any,
    field: str,
    *,
    positive: bool = False,
    minimum: Decimal | None = None,
    places: int = 4,
) -> Decimal:
    """A finite Decimal from a Decimal, int or numeric string (floats refused), in range."""
    if isinstance(value, bool) or value is None or isinstance(value, float):
        raise DomainError(f"invalid_{field}", f"Enter a number for {field}.", field=field)
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError(
            f"invalid_{field}", f"{value!r} is not a number ({field}).", field=field
        ) from None
    if not number.is_finite() or abs(number) > MAX_QUANTITY:
        raise DomainError(f"invalid_{field}", f"{value!r} is out of range.", field=field)
    if positive and number <= 0:
        raise DomainError(f"invalid_{field}", f"The {field} must be above zero.", field=field)
    if minimum is not None and number < minimum:
        raise DomainError(
            f"invalid_{field}", f"The {field} must be at least {minimum}.", field=field
        )
    if number.as_tuple().exponent < -places:  # type: ignore[operator]
        raise DomainError(
            f"invalid_{field}", f"The {field} has more than {places} decimal places.", field=field
        )
    return number


def clean_date(value: Any, field: str) -> dt.date | None:
    """A date from a date or an ISO string; None for empty."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise DomainError(
            f"invalid_{field}", f"{value!r} is not a date (YYYY-MM-DD).", field=field
        ) from None


def _check_gtin_free(gtin: str, *, exclude_variant: int | None = None) -> None:
    if not gtin:
        return
    others = Variant.objects.filter(gtin__in=domain.gtin_forms(gtin))
    if exclude_variant is not None:
        others = others.exclude(pk=exclude_variant)
    if others.exists():
        raise DomainError("duplicate_gtin", f"GTIN {gtin} is already used.", field="gtin")


# --- products ------------------------------------------------------------------------------

PRODUCT_FIELDS = {
    "name",
    "description",
    "kind",
    "supply_mode",
    "tax_class",
    "hs_code",
    "category",
    "country_of_origin",
    "base_uom",
    "sales_uom",
    "purchase_uom",
    "is_active",
}
VARIANT_FIELDS = {"sku", "gtin", "name", "is_active", *domain.MEASURE_FIELDS}


def _unit(code: Any, field: str) -> UnitOfMeasure | None:
    text = str(code or "").strip()
    if not text:
        return None
    unit = UnitOfMeasure.objects.filter(code=text).first()
    if unit is None:
        raise DomainError(f"unknown_{field}", f"No unit of measure {text!r}.", field=field)
    return unit


def _apply_product(product: Product, changes: dict[str, Any]) -> None:
    """Set cleaned product fields; checks that sales and purchase units fit the base unit."""
    if "name" in changes:
        product.name = clean_text(changes["name"], "name", 200, required=True)
    if "description" in changes:
        product.description = str(changes["description"] or "").strip()
    if "kind" in changes:
        product.kind = clean_choice(changes["kind"], "kind", PRODUCT_KINDS)
    if "supply_mode" in changes:
        product.supply_mode = clean_choice(
            changes["supply_mode"], "supply_mode", tuple(SUPPLY_MODES)
        )
    if "tax_class" in changes:
        product.tax_class = clean_choice(changes["tax_class"], "tax_class", TAX_CLASSES)
    if "hs_code" in changes:
        product.hs_code = _domain(domain.clean_hs_code, changes["hs_code"])
    if "category" in changes:
        product.category = clean_text(changes["category"], "category", 100)
    if "country_of_origin" in changes:
        origin = changes["country_of_origin"]
        product.country_of_origin = (
            _domain(domain.clean_country, origin, "country_of_origin") if origin else ""
        )
    for field in ("base_uom", "sales_uom", "purchase_uom"):
        if field in changes:
            setattr(product, field, _unit(changes[field], field))
    if "is_active" in changes:
        if not isinstance(changes["is_active"], bool):
            raise DomainError("invalid_is_active", "Say yes or no.", field="is_active")
        product.is_active = changes["is_active"]
    base_category = product.base_uom.category if product.base_uom else "unit"
    for field in ("sales_uom", "purchase_uom"):
        unit = getattr(product, field)
        if unit is not None and unit.category != base_category:
            raise DomainError(
                "uom_category_mismatch",
                f"The {field.replace('_', ' ')} {unit.code} is not a {base_category} unit like "
                "the base unit.",
                field=field,
            )


def _measures(changes: dict[str, Any]) -> dict[str, Decimal | None]:
    out: dict[str, Decimal | None] = {}
    for field in domain.MEASURE_FIELDS:
        if field in changes:
            value = changes[field]
            out[field] = (
                None
                if value in (None, "")
                else clean_decimal(
                    value, field, minimum=Decimal(0), places=3 if field == "weight_kg" else 2
                )
            )
    return out


def create_product(
    *,
    name: str,
    sku: str,
    gtin: str = "",
    kind: str = "stockable",
    supply_mode: str = "mts",
    description: str = "",
    tax_class: str = "standard",
    hs_code: str = "",
    category: str = "",
    country_of_origin: str = "",
    base_uom: str = "",
    sales_uom: str = "",
    purchase_uom: str = "",
    **measures: Any,
) -> Product:
    """Create a product with its default variant (SKU, optional GTIN checked for its digit).

    ``measures`` are the default variant's ``weight_kg``, ``length_cm``, ``width_cm``,
    ``height_cm``.
    """
    unknown = set(measures) - set(domain.MEASURE_FIELDS)
    if unknown:
        field = sorted(unknown)[0]
        raise DomainError("unknown_field", f"{field} is not a product field.", field=field)
    clean_sku = clean_text(sku, "sku", 64, required=True)
    clean_gtin = _domain(domain.clean_gtin, gtin)
    sizes = _measures(measures)
    with transaction.atomic():
        product = Product(kind="stockable")
        _apply_product(
            product,
            {
                "name": name,
                "description": description,
                "kind": kind,
                "supply_mode": supply_mode,
                "tax_class": tax_class,
                "hs_code": hs_code,
                "category": category,
                "country_of_origin": country_of_origin,
                "base_uom": base_uom,
                "sales_uom": sales_uom,
                "purchase_uom": purchase_uom,
            },
        )
        _check_gtin_free(clean_gtin)
        if Variant.objects.filter(sku=clean_sku).exists():
            raise DomainError("duplicate_sku", f"SKU {clean_sku!r} is already used.", field="sku")
        product.save()
        try:
            with transaction.atomic():
                variant = Variant.objects.create(
                    product=product, sku=clean_sku, gtin=clean_gtin, **sizes
                )
        except IntegrityError as exc:
            raise DomainError(
                "duplicate_sku", f"SKU {clean_sku!r} or its GTIN is already used.", field="sku"
            ) from exc
        publish("ProductCreated", {"product_id": product.pk, "variant_id": variant.pk})
    return product


def update_product(product_id: int, **changes: Any) -> Product:
    """Change the given product fields (units by code, country as ISO alpha-2)."""
    unknown = set(changes) - PRODUCT_FIELDS
    if unknown:
        field = sorted(unknown)[0]
        raise DomainError("unknown_field", f"{field} cannot be changed.", field=field)
    with transaction.atomic():
        product = _locked(Product, product_id, "product")
        _apply_product(product, changes)
        product.save()
        publish("ProductUpdated", {"product_id": product.pk, "fields": sorted(changes)})
    return product


def delete_product(product_id: int) -> None:
    """Delete a product and its variants; refused (``product_in_use``, 409) when anything
    refers to them (stock, orders, kits): deactivate it instead."""
    with transaction.atomic():
        product = _locked(Product, product_id, "product")
        try:
            with transaction.atomic():
                VariantValue.objects.filter(variant__product=product).delete()
                PriceListItem.objects.filter(variant__product=product).delete()
                Variant.objects.filter(product=product).delete()
                product.delete()
        except ProtectedError as exc:
            raise DomainError(
                "product_in_use",
                "Stock, orders or kits refer to this product; deactivate it instead.",
                status=409,
            ) from exc
        publish("ProductDeleted", {"product_id": product_id})


# --- variants ------------------------------------------------------------------------------


def _values_for(product: Product, value_ids: Iterable[int]) -> list[AttributeValue]:
    ids = list(dict.fromkeys(int(v) for v in value_ids))
    values = list(AttributeValue.objects.filter(pk__in=ids).select_related("attribute"))
    if len(values) != len(ids):
        raise DomainError("unknown_value", "An attribute value does not exist.", field="values")
    attributes = [v.attribute_id for v in values]
    if len(set(attributes)) != len(attributes):
        raise DomainError(
            "duplicate_attribute", "A variant has one value per attribute.", field="values"
        )
    return values


def _combination_free(product: Product, values: list[AttributeValue], exclude: int | None) -> None:
    if not values:
        return
    wanted = {v.pk for v in values}
    rows = VariantValue.objects.filter(variant__product=product).values_list(
        "variant_id", "value_id"
    )
    combos: dict[int, set[int]] = {}
    for variant_id, value_id in rows:
        combos.setdefault(variant_id, set()).add(value_id)
    for variant_id, combo in combos.items():
        if variant_id != exclude and combo == wanted:
            raise DomainError(
                "duplicate_combination",
                "Another variant of this product has the same attribute values.",
                field="values",
            )


def create_variant(
    product_id: int,
    *,
    sku: str,
    gtin: str = "",
    name: str = "",
    values: Iterable[int] = (),
    **measures: Any,
) -> Variant:
    """Add a variant to a product: its SKU, GTIN, values (one per attribute) and measures."""
    unknown = set(measures) - set(domain.MEASURE_FIELDS)
    if unknown:
        field = sorted(unknown)[0]
        raise DomainError("unknown_field", f"{field} is not a variant field.", field=field)
    clean_sku = clean_text(sku, "sku", 64, required=True)
    clean_gtin = _domain(domain.clean_gtin, gtin)
    sizes = _measures(measures)
    with transaction.atomic():
        product = _locked(Product, product_id, "product")
        chosen = _values_for(product, values)
        _combination_free(product, chosen, None)
        _check_gtin_free(clean_gtin)
        if Variant.objects.filter(sku=clean_sku).exists():
            raise DomainError("duplicate_sku", f"SKU {clean_sku!r} is already used.", field="sku")
        variant = Variant.objects.create(
            product=product,
            sku=clean_sku,
            gtin=clean_gtin,
            name=clean_text(name, "name", 200),
            **sizes,
        )
        for value in chosen:
            VariantValue.objects.create(variant=variant, attribute=value.attribute, value=value)
        publish("VariantCreated", {"product_id": product.pk, "variant_id": variant.pk})
    return variant


def update_variant(variant_id: int, **changes: Any) -> Variant:
    """Change a variant's SKU, GTIN, name, measures, active flag or ``values`` (value ids)."""
    unknown = set(changes) - VARIANT_FIELDS - {"values"}
    if unknown:
        field = sorted(unknown)[0]
        raise DomainError("unknown_field", f"{field} cannot be changed.", field=field)
    with transaction.atomic():
        variant = _locked(Variant, variant_id, "variant")
        if "sku" in changes:
            sku = clean_text(changes["sku"], "sku", 64, required=True)
            if Variant.objects.filter(sku=sku).exclude(pk=variant.pk).exists():
                raise DomainError("duplicate_sku", f"SKU {sku!r} is already used.", field="sku")
            variant.sku = sku
        if "gtin" in changes:
            gtin = _domain(domain.clean_gtin, changes["gtin"])
            _check_gtin_free(gtin, exclude_variant=variant.pk)
            variant.gtin = gtin
        if "name" in changes:
            variant.name = clean_text(changes["name"], "name", 200)
        if "is_active" in changes:
            if not isinstance(changes["is_active"], bool):
                raise DomainError("invalid_is_active", "Say yes or no.", field="is_active")
            variant.is_active = changes["is_active"]
        for field, size in _measures(changes).items():
            setattr(variant, field, size)
        if "values" in changes:
            chosen = _values_for(variant.product, changes["values"] or [])
            _combination_free(variant.product, chosen, variant.pk)
            VariantValue.objects.filter(variant=variant).delete()
            for value in chosen:
                VariantValue.objects.create(variant=variant, attribute=value.attribute, value=value)
        variant.save()
        publish("VariantUpdated", {"variant_id": variant.pk, "fields": sorted(changes)})
    return variant


def generate_variants(product_id: int, attributes: dict[str, list[str]]) -> list[Variant]:
    """Create one variant per combination of attribute values (attributes and values by name,
    created when new), SKUs ``<first SKU>-<VALUE>-<VALUE>``. The product's default variant,
    while it has no values, takes the first combination. Existing combinations are skipped.
    Returns the variants created or given values.
    """
    if not attributes:
        raise DomainError("attributes_required", "Name at least one attribute.", field="attributes")
    with transaction.atomic():
        product = _locked(Product, product_id, "product")
        pairs: list[tuple[int, list[int]]] = []
        value_rows: dict[int, AttributeValue] = {}
        for attr_name, names in attributes.items():
            attribute = ensure_attribute(attr_name, names)
            wanted = [clean_text(n, "values", 60, required=True) for n in names]
            rows = {v.value: v for v in attribute.values.all()}
            pairs.append((attribute.pk, [rows[n].pk for n in dict.fromkeys(wanted)]))
            value_rows.update({v.pk: v for v in rows.values()})
        variants = list(Variant.objects.filter(product=product).order_by("pk"))
        base_sku = variants[0].sku if variants else "SKU"
        existing: dict[int, set[int]] = {}
        for variant_id, value_id in VariantValue.objects.filter(
            variant__product=product
        ).values_list("variant_id", "value_id"):
            existing.setdefault(variant_id, set()).add(value_id)
        taken = {frozenset(v) for v in existing.values()}
        blank = [v for v in variants if v.pk not in existing]
        touched: list[Variant] = []
        for combo in domain.variant_combinations(pairs):
            if frozenset(combo) in taken:
                continue
            if blank:
                variant = blank.pop(0)
            else:
                suffix = "-".join(
                    "".join(c for c in value_rows[v].value.upper() if c.isalnum()) for v in combo
                )
                sku = f"{base_sku}-{suffix}"[:64]
                if Variant.objects.filter(sku=sku).exists():
                    raise DomainError("duplicate_sku", f"SKU {sku!r} is already used.", field="sku")
                variant = Variant.objects.create(product=product, sku=sku)
            for value_id in combo:
                value = value_rows[value_id]
                VariantValue.objects.create(
                    variant=variant, attribute_id=value.attribute_id, value=value
                )
            touched.append(variant)
        publish(
            "VariantsGenerated",
            {"product_id": product.pk, "variant_ids": [v.pk for v in touched]},
        )
    return touched


# --- attributes and units ------------------------------------------------------------------


def ensure_attribute(name: str, values: Iterable[str] = ()) -> Attribute:
    """The attribute of that name with at least these values (both created when missing)."""
    clean_name = clean_text(name, "name", 60, required=True)
    with transaction.atomic():
        attribute = Attribute.objects.filter(name__iexact=clean_name).first()
        if attribute is None:
            attribute = Attribute.objects.create(name=clean_name)
            publish("AttributeCreated", {"attribute_id": attribute.pk, "name": clean_name})
        have = {v.value for v in attribute.values.all()}
        position = len(have)
        for raw in values:
            value = clean_text(raw, "values", 60, required=True)
            if value not in have:
                AttributeValue.objects.create(attribute=attribute, value=value, position=position)
                have.add(value)
                position += 1
    return attribute


def create_unit(*, code: str, name: str, category: str, factor: Any) -> UnitOfMeasure:
    """Add a unit of measure: its factor is how many reference units of the category it is."""
    clean_code = clean_text(code, "code", 20, required=True)
    with transaction.atomic():
        if UnitOfMeasure.objects.filter(code=clean_code).exists():
            raise DomainError("duplicate_code", f"Unit {clean_code!r} exists.", field="code")
        unit = UnitOfMeasure.objects.create(
            code=clean_code,
            name=clean_text(name, "name", 60, required=True),
            category=clean_choice(category, "category", domain.UOM_CATEGORIES),
            factor=clean_decimal(factor, "factor", positive=True, places=10),
        )
        publish("UnitCreated", {"unit_id": unit.pk, "code": unit.code})
    return unit


def install_standard_units() -> int:
    """Create the standard units (pc, dozen, kg, g, lb, m, cm, l, ml, h…) that are missing."""
    with transaction.atomic():
        have = set(UnitOfMeasure.objects.values_list("code", flat=True))
        made = 0
        for code, name, category, factor in domain.STANDARD_UNITS:
            if code not in have:
                UnitOfMeasure.objects.create(
                    code=code, name=name, category=category, factor=Decimal(factor)
                )
                made += 1
    return made


# --- related products ----------------------------------------------------------------------


def set_related_products(
    product_id: int, kind: str, related_ids: Iterable[int], *, source: str = "manual"
) -> list[RelatedProduct]:
    """Replace a product's accessories (cross-sell) or up-sell alternatives, in order."""
    clean_kind = clean_choice(kind, "kind", domain.RELATION_KINDS)
    ids = [int(i) for i in related_ids]
    if len(set(ids)) != len(ids):
        raise DomainError("duplicate_related", "A product is listed twice.", field="related_ids")
    with transaction.atomic():
        product = _locked(Product, product_id, "product")
        if product.pk in ids:
            raise DomainError(
                "related_self", "A product cannot be related to itself.", field="related_ids"
            )
        found = set(Product.objects.filter(pk__in=ids).values_list("pk", flat=True))
        missing = [i for i in ids if i not in found]
        if missing:
            raise DomainError(
                "unknown_related",
                f"No such product: {missing[0]}.",
                field="related_ids",
                details={"product_id": missing[0]},
            )
        RelatedProduct.objects.filter(product=product, kind=clean_kind).delete()
        rows = [
            RelatedProduct.objects.create(
                product=product, related_id=rid, kind=clean_kind, position=i, source=source
            )
            for i, rid in enumerate(ids)
        ]
        publish(
            "RelatedProductsChanged",
            {"product_id": product.pk, "kind": clean_kind, "related_ids": ids},
        )
    return rows


# --- kits ----------------------------------------------------------------------------------


def set_kit_components(kit_variant_id: int, components: Iterable[tuple[int, Any]]) -> Variant:
    """Make a variant a kit of the given (component variant id, quantity per kit); [] unkits it.

    Refused: a component that is the kit itself (``kit_own_component``), that is a kit
    (``nested_kit``: kits are one level deep), that is listed twice (``duplicate_component``),
    that does not exist (``unknown_component``), or a quantity ≤ 0 (``invalid_quantity``).
    """
    lines: list[tuple[int, Decimal]] = []
    for component_id, quantity in components:
        lines.append((component_id, clean_decimal(quantity, "quantity", positive=True, places=3)))
    with transaction.atomic():
        kit = _locked(Variant, kit_variant_id, "variant")
        if KitComponent.objects.filter(component=kit).exists() and lines:
            raise DomainError(
                "nested_kit",
                "This variant is a component of a kit; it cannot be a kit.",
                field="components",
            )
        seen: set[int] = set()
        for component_id, _ in lines:
            if component_id == kit.pk:
                raise DomainError(
                    "kit_own_component", "A kit cannot contain itself.", field="components"
                )
            if component_id in seen:
                raise DomainError(
                    "duplicate_component", "A component is listed twice.", field="components"
                )
            seen.add(component_id)
        found = {v.pk: v for v in Variant.objects.filter(pk__in=seen)}
        missing = sorted(seen - set(found))
        if missing:
            raise DomainError(
                "unknown_component",
                f"No such variant: {missing[0]}.",
                field="components",
                details={"variant_id": missing[0]},
            )
        if KitComponent.objects.filter(kit_id__in=seen).exists():
            raise DomainError(
                "nested_kit",
                "A component is itself a kit; kits are one level deep.",
                field="components",
            )
        KitComponent.objects.filter(kit=kit).delete()
        for component_id, quantity in lines:
            KitComponent.objects.create(kit=kit, component_id=component_id, quantity=quantity)
        publish(
            "KitComponentsChanged",
            {"variant_id": kit.pk, "components": [[c, str(q)] for c, q in lines]},
        )
    return kit
