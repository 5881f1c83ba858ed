"""Products, variants, attributes, units and related products through the services."""

from __future__ import annotations

from decimal import Decimal

import pytest

from valuechain.platform.events.models import OutboxEvent
from valuechain.scm.catalog import domain, queries, services
from valuechain.scm.catalog.domain import Unit
from valuechain.scm.catalog.models import Product, RelatedProduct, Variant, VariantValue

from .conftest import code_of

D = Decimal


def test_convert_quantity_within_a_category():
    pc, dozen = Unit("pc", "unit", D(1)), Unit("dozen", "unit", D(12))
    kg, g, lb = (
        Unit("kg", "weight", D(1)),
        Unit("g", "weight", D("0.001")),
        Unit("lb", "weight", D("0.45359237")),
    )
    assert domain.convert_quantity(D(3), dozen, pc) == D(36)
    assert domain.convert_quantity(D(18), pc, dozen) == D("1.5")
    assert domain.convert_quantity(D(250), g, kg) == D("0.25")
    assert domain.convert_quantity(D(1), lb, g) == D("453.59237")
    assert domain.convert_quantity(D(0), kg, g) == D(0)
    with pytest.raises(domain.InvalidInput) as caught:
        domain.convert_quantity(D(1), kg, pc)
    assert caught.value.code == "uom_category_mismatch"


def test_hs_codes_and_combinations():
    assert domain.clean_hs_code("6109.10 00") == "61091000"
    assert domain.clean_hs_code("") == ""
    for bad in ("61091", "61091000001", "6109AB"):
        with pytest.raises(domain.InvalidInput):
            domain.clean_hs_code(bad)
    assert domain.variant_combinations([(1, [10, 11]), (2, [20, 21, 22])]) == [
        (10, 20),
        (10, 21),
        (10, 22),
        (11, 20),
        (11, 21),
        (11, 22),
    ]
    assert domain.variant_combinations([]) == []


def test_generate_variants_reuses_the_default_variant_and_skips_existing(in_tenant_a):
    product = services.create_product(name="Tee", sku="T")
    made = services.generate_variants(product.pk, {"Size": ["S", "M"]})
    assert [v.sku for v in made] == ["T", "T-M"]
    again = services.generate_variants(product.pk, {"Size": ["S", "M", "L"]})
    assert [v.sku for v in again] == ["T-L"]
    assert queries.attributes_of(queries.product(product.pk)) == {"Size": ["S", "M", "L"]}
    assert code_of(services.generate_variants, product.pk, {}) == (
        "attributes_required",
        "attributes",
        422,
    )


def test_create_variant_checks_values_sku_and_gtin(in_tenant_a):
    product = services.create_product(name="Tee", sku="T")
    size = services.ensure_attribute("Size", ["S", "M"])
    colour = services.ensure_attribute("colour", ["Red"])
    assert services.ensure_attribute("SIZE").pk == size.pk
    s, m = size.values.order_by("position")
    red = colour.values.get()
    variant = services.create_variant(
        product.pk, sku="T-S-RED", gtin="96385074", values=[s.pk, red.pk], weight_kg="0.2"
    )
    assert variant.weight_kg == D("0.2")
    assert VariantValue.objects.filter(variant=variant).count() == 2
    assert code_of(services.create_variant, product.pk, sku="T-2", values=[s.pk, red.pk]) == (
        "duplicate_combination",
        "values",
        422,
    )
    assert code_of(services.create_variant, product.pk, sku="T-3", values=[s.pk, m.pk]) == (
        "duplicate_attribute",
        "values",
        422,
    )
    assert code_of(services.create_variant, product.pk, sku="T-4", values=[999999]) == (
        "unknown_value",
        "values",
        422,
    )
    assert code_of(services.create_variant, product.pk, sku="T-S-RED") == (
        "duplicate_sku",
        "sku",
        422,
    )
    assert code_of(services.create_variant, product.pk, sku="T-5", gtin="0096385074") == (
        "invalid_gtin",
        "gtin",
        422,
    )
    assert code_of(
        services.create_variant, product.pk, sku="T-5", gtin="00096385074".zfill(12)
    ) == ("duplicate_gtin", "gtin", 422)
    assert code_of(services.create_variant, product.pk, sku="T-6", colour="x") == (
        "unknown_field",
        "colour",
        422,
    )
    assert code_of(services.create_variant, 999999, sku="T-7") == ("not_found", None, 404)
    assert Variant.objects.count() == 2


def test_update_product_units_and_fields(in_tenant_a):
    services.install_standard_units()
    assert services.install_standard_units() == 0
    tea = services.create_product(name="Tea", sku="TEA", base_uom="kg")
    services.update_product(tea.pk, sales_uom="g", hs_code="0902.10", country_of_origin="in")
    tea.refresh_from_db()
    assert (tea.sales_uom.code, tea.hs_code, tea.country_of_origin) == ("g", "090210", "IN")
    assert code_of(services.update_product, tea.pk, purchase_uom="dozen") == (
        "uom_category_mismatch",
        "purchase_uom",
        422,
    )
    assert code_of(services.update_product, tea.pk, sku="X") == ("unknown_field", "sku", 422)
    assert code_of(services.update_product, tea.pk, is_active="no") == (
        "invalid_is_active",
        "is_active",
        422,
    )
    assert queries.convert(tea.variants.get().pk, D(1500), from_uom="g", to_uom="") == D("1.5")
    assert code_of(queries.convert, tea.variants.get().pk, D(1), from_uom="crate", to_uom="") == (
        "unknown_uom",
        "uom",
        422,
    )
    assert code_of(services.create_unit, code="kg", name="Kilo", category="weight", factor=1) == (
        "duplicate_code",
        "code",
        422,
    )
    assert code_of(services.create_unit, code="x", name="X", category="mass", factor=1) == (
        "invalid_category",
        "category",
        422,
    )
    assert code_of(services.create_unit, code="x", name="X", category="weight", factor=0) == (
        "invalid_factor",
        "factor",
        422,
    )
    assert OutboxEvent.objects.filter(type="ProductUpdated").count() == 1


def test_delete_product_refused_while_used_in_a_kit(in_tenant_a):
    part = services.create_product(name="Part", sku="P")
    kit = services.create_product(name="Kit", sku="K")
    services.set_kit_components(kit.variants.get().pk, [(part.variants.get().pk, 1)])
    assert code_of(services.delete_product, part.pk) == ("product_in_use", None, 409)
    assert Product.objects.filter(pk=part.pk).exists()
    services.delete_product(kit.pk)
    services.delete_product(part.pk)
    assert Product.objects.count() == 0


def test_related_products_replace_in_order(in_tenant_a):
    a, b, c = (services.create_product(name=n, sku=n) for n in "ABC")
    services.set_related_products(a.pk, "accessory", [c.pk, b.pk])
    assert [p.name for p in queries.related_products(a.pk)["accessory"]] == ["C", "B"]
    services.set_related_products(a.pk, "accessory", [b.pk])
    assert RelatedProduct.objects.count() == 1
    assert code_of(services.set_related_products, a.pk, "accessory", [b.pk, b.pk]) == (
        "duplicate_related",
        "related_ids",
        422,
    )
    assert code_of(services.set_related_products, a.pk, "upsell", [999999]) == (
        "unknown_related",
        "related_ids",
        422,
    )
