"""Catalog pages: list with search/sort/pages, product page with panels, forms, compare, prices."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils.safestring import mark_safe
from tests.conftest import make_member

from valuechain.scm.catalog import panels, pricing_services, services
from valuechain.scm.catalog.models import KitComponent, PriceListItem, Product, RelatedProduct


@pytest.fixture
def catalog(in_tenant_a):
    services.install_standard_units()
    shirt = services.create_product(
        name="Linen shirt", sku="LS", description="Breathable linen", hs_code="620520"
    )
    services.generate_variants(shirt.pk, {"Size": ["S", "M"]})
    mug = services.create_product(name="Stoneware mug", sku="MUG", gtin="4006381333931")
    return {"shirt": shirt, "mug": mug}


def test_product_list_searches_sorts_and_pages(client_a, catalog, in_tenant_a):
    for i in range(26):
        services.create_product(name=f"Zz filler {i:02d}", sku=f"F{i:02d}")
    page = client_a.get("/scm/products/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Linen shirt" in body and "Page 1 of 2" in body
    assert "Zz filler 22" in body and "Zz filler 23" not in body
    second = client_a.get("/scm/products/?page=2").content.decode()
    assert "Zz filler 25" in second
    found = client_a.get("/scm/products/?q=linen").content.decode()
    assert "Linen shirt" in found and "Stoneware mug" not in found
    by_gtin = client_a.get("/scm/products/?q=4006381333931").content.decode()
    assert "Stoneware mug" in by_gtin and "Linen shirt" not in by_gtin
    newest = client_a.get("/scm/products/?sort=-name").content.decode()
    assert newest.index("Zz filler 25") < newest.index("Zz filler 24")
    assert "Linen shirt" not in newest  # last by name descending: on page 2
    partial = client_a.get("/scm/products/?q=mug", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "Stoneware mug" in partial


def test_product_page_shows_variants_prices_kits_related_and_panels(client_a, catalog, in_tenant_a):
    shirt, mug = catalog["shirt"], catalog["mug"]
    plist = pricing_services.create_price_list(name="Retail EUR", currency="EUR")
    variant = shirt.variants.order_by("pk").first()
    pricing_services.set_price(plist.pk, variant_id=variant.pk, unit_price="39.90")
    services.set_related_products(shirt.pk, "accessory", [mug.pk])

    def stock_panel(variant_ids):
        return mark_safe(f"<p>stock for {len(variant_ids)} variants</p>")  # noqa: S308

    panels.register_product_panel("stock_test", stock_panel, title="Stock", order=1)
    panels.register_product_panel("broken", lambda ids: 1 / 0, title="Broken")
    panels.register_product_panel(
        "admin_only", lambda ids: "secret", title="Admin", permission="admin:write"
    )
    try:
        body = client_a.get(f"/scm/products/{shirt.pk}/").content.decode()
        rep = make_member(in_tenant_a, "rep@alpha.test", "sales_rep")
        rep_client = Client()
        rep_client.force_login(rep.user)
        rep_body = rep_client.get(f"/scm/products/{shirt.pk}/").content.decode()
    finally:
        for name in ("stock_test", "broken", "admin_only"):
            panels.unregister_product_panel(name)
    assert "LS-M" in body and "Size: S" in body
    assert "39.9" in body and "Retail EUR" in body
    assert "Stoneware mug" in body
    assert "<p>stock for 2 variants</p>" in body
    assert "This panel is unavailable right now." in body
    assert "secret" in body  # the admin holds admin:write
    assert "secret" not in rep_body and "stock for 2 variants" in rep_body
    assert "Edit" not in rep_body.split("Variants")[0].split("All products")[1]


def test_product_form_creates_with_errors_next_to_fields(client_a, catalog):
    bad = client_a.post(
        "/scm/products/new/",
        {
            "name": "Lamp",
            "sku": "LAMP",
            "gtin": "4006381333932",
            "kind": "stockable",
            "supply_mode": "mts",
            "tax_class": "standard",
        },
    )
    assert bad.status_code == 200
    assert 'id="id_gtin_error"' in bad.content.decode()
    assert "check digit" in bad.content.decode()
    bad_attr = client_a.post(
        "/scm/products/new/",
        {
            "name": "Lamp",
            "sku": "LAMP",
            "kind": "stockable",
            "supply_mode": "mts",
            "tax_class": "standard",
            "attributes": "Colour",
        },
    )
    assert 'id="id_attributes_error"' in bad_attr.content.decode()
    good = client_a.post(
        "/scm/products/new/",
        {
            "name": "Lamp",
            "sku": "LAMP",
            "kind": "stockable",
            "supply_mode": "mts",
            "tax_class": "standard",
            "weight_kg": "1.2",
            "base_uom": "pc",
            "attributes": "Colour: Black, White",
        },
    )
    assert good.status_code == 302
    lamp = Product.objects.get(name="Lamp")
    assert sorted(lamp.variants.values_list("sku", flat=True)) == ["LAMP", "LAMP-WHITE"]
    assert str(lamp.variants.get(sku="LAMP").weight_kg) == "1.200"


def test_edit_variant_kit_and_related_forms(client_a, catalog, in_tenant_a):
    shirt, mug = catalog["shirt"], catalog["mug"]
    mug_variant = mug.variants.get()
    edit = client_a.post(
        f"/scm/products/{mug.pk}/edit/",
        {
            "name": "Mug",
            "kind": "stockable",
            "supply_mode": "mto",
            "tax_class": "reduced",
            "country_of_origin": "xx",
            "is_active": "on",
        },
    )
    assert 'id="id_country_of_origin_error"' in edit.content.decode()
    client_a.post(
        f"/scm/products/{mug.pk}/edit/",
        {
            "name": "Mug",
            "kind": "stockable",
            "supply_mode": "mto",
            "tax_class": "reduced",
            "country_of_origin": "de",
            "is_active": "on",
        },
    )
    mug.refresh_from_db()
    assert (mug.name, mug.supply_mode, mug.country_of_origin) == ("Mug", "mto", "DE")
    kit = services.create_product(name="Gift set", sku="GIFT").variants.get()
    wrong = client_a.post(f"/scm/variants/{kit.pk}/kit/", {"components": "NOPE 1"})
    assert "No variant with SKU" in wrong.content.decode()
    done = client_a.post(f"/scm/variants/{kit.pk}/kit/", {"components": "MUG 2\nLS-M 1"})
    assert done.status_code == 302
    assert KitComponent.objects.filter(kit=kit).count() == 2
    client_a.post(f"/scm/products/{shirt.pk}/related/", {"accessory": [str(mug.pk)], "upsell": []})
    assert list(RelatedProduct.objects.values_list("kind", "related_id")) == [("accessory", mug.pk)]
    variant_edit = client_a.post(
        f"/scm/variants/{mug_variant.pk}/edit/",
        {"sku": "MUG", "gtin": "96385074", "name": "", "weight_kg": "0.35", "is_active": "on"},
    )
    assert variant_edit.status_code == 302
    mug_variant.refresh_from_db()
    assert (mug_variant.gtin, str(mug_variant.weight_kg)) == ("96385074", "0.350")


def test_compare_page_and_its_limit(client_a, catalog, in_tenant_a):
    ids = [catalog["shirt"].pk, catalog["mug"].pk]
    page = client_a.get(f"/scm/products/compare/?ids={ids[0]}&ids={ids[1]}&currency=EUR")
    body = page.content.decode()
    assert page.status_code == 200 and "Linen shirt" in body and "Stoneware mug" in body
    assert "S, M" in body
    more = [services.create_product(name=f"X{i}", sku=f"X{i}").pk for i in range(3)]
    refused = client_a.get(f"/scm/products/compare/?ids={','.join(map(str, ids + more))}")
    assert refused.status_code == 422
    assert "Compare at most 4 products at once (5 chosen)." in refused.content.decode()


def test_price_list_pages(client_a, catalog, in_tenant_a):
    created = client_a.post(
        "/scm/price-lists/", {"name": "USD list", "currency": "usd", "is_active": "on"}
    )
    assert created.status_code == 302
    detail_url = created["Location"]
    bad = client_a.post(
        detail_url, {"price-sku": "MUG", "price-min_quantity": "0", "price-unit_price": "5"}
    )
    assert 'id="id_price-min_quantity_error"' in bad.content.decode()
    missing = client_a.post(
        detail_url, {"price-sku": "NOPE", "price-min_quantity": "1", "price-unit_price": "5"}
    )
    assert 'id="id_price-sku_error"' in missing.content.decode()
    ok = client_a.post(
        detail_url, {"price-sku": "MUG", "price-min_quantity": "6", "price-unit_price": "4.50"}
    )
    assert ok.status_code == 302
    item = PriceListItem.objects.get()
    assert (str(item.min_quantity), str(item.unit_price)) == ("6.000", "4.5000")
    assert "4.5" in client_a.get(detail_url).content.decode()
    client_a.post(detail_url, {"remove": str(item.pk)})
    assert PriceListItem.objects.count() == 0
    setup = client_a.post(
        "/scm/pricing/", {"tax-country": "FR", "tax-rate": "0.2", "tax-tax_class": "standard"}
    )
    assert setup.status_code == 302
    group = client_a.post("/scm/pricing/", {"group-code": "bad code", "group-name": "X"})
    assert 'id="id_group-code_error"' in group.content.decode()
    assert "0.2" in client_a.get("/scm/pricing/").content.decode()


def test_sales_rep_cannot_post_prices(tenant_a, catalog):
    rep = make_member(tenant_a, "rep2@alpha.test", "sales_rep")
    client = Client()
    client.force_login(rep.user)
    assert client.get("/scm/price-lists/").status_code == 200
    assert client.post("/scm/price-lists/", {"name": "X", "currency": "EUR"}).status_code == 403
    assert client.get("/scm/products/new/").status_code == 403


def test_global_search_finds_products(client_a, catalog):
    response = client_a.get("/search/?q=stoneware")
    assert response.status_code == 200
    assert "Stoneware mug" in response.content.decode()
