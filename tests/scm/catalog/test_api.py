"""Catalog API: products and variants, search, prices, groups, taxes, kits, compare, errors."""

from __future__ import annotations

import pytest

from valuechain.scm.catalog import services
from valuechain.scm.catalog.models import Product

from .conftest import patch, post, put


@pytest.fixture
def tee(client_a):
    response = post(
        client_a,
        "/products",
        {
            "name": "Organic T-Shirt",
            "sku": "TEE",
            "description": "Soft cotton shirt",
            "hs_code": "6109.10",
            "country_of_origin": "pt",
            "weight_kg": "0.180",
            "attributes": {"Size": ["S", "M"], "Colour": ["Red", "Blue"]},
        },
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_create_product_generates_variants_and_reads_back(client_a, tee):
    assert tee["hs_code"] == "610910"
    assert tee["country_of_origin"] == "PT"
    assert tee["attributes"] == {"Colour": ["Red", "Blue"], "Size": ["S", "M"]}
    skus = [v["sku"] for v in tee["variants"]]
    assert skus == ["TEE", "TEE-S-BLUE", "TEE-M-RED", "TEE-M-BLUE"]
    first = tee["variants"][0]
    assert first["weight_kg"] == "0.180"
    assert {(x["attribute"], x["value"]) for x in first["values"]} == {
        ("Colour", "Red"),
        ("Size", "S"),
    }
    got = client_a.get(f"/api/v1/products/{tee['id']}").json()
    assert got["variants"] == tee["variants"]


def test_product_list_filters_sorts_and_searches(client_a, tee):
    post(client_a, "/products", {"name": "Gift card", "sku": "GIFT", "kind": "service"})
    post(client_a, "/products", {"name": "Canvas bag", "sku": "BAG", "gtin": "4006381333931"})
    names = lambda r: [p["name"] for p in r.json()["items"]]  # noqa: E731
    assert names(client_a.get("/api/v1/products")) == ["Canvas bag", "Gift card", "Organic T-Shirt"]
    assert names(client_a.get("/api/v1/products?sort=-name&limit=2")) == [
        "Organic T-Shirt",
        "Gift card",
    ]
    assert client_a.get("/api/v1/products?limit=2").json()["count"] == 3
    assert names(client_a.get("/api/v1/products?kind=service")) == ["Gift card"]
    assert names(client_a.get("/api/v1/products?q=cotton")) == ["Organic T-Shirt"]
    assert names(client_a.get("/api/v1/products?q=TEE-M")) == ["Organic T-Shirt"]
    assert names(client_a.get("/api/v1/products?q=04006381333931")) == ["Canvas bag"]
    assert names(client_a.get("/api/v1/products?hs_code=6109")) == ["Organic T-Shirt"]
    bad = client_a.get("/api/v1/products?sort=price")
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_sort")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"name": "X", "sku": "X", "gtin": "4006381333932"}, 422, "gtin_check_digit"),
        ({"name": "X", "sku": "X", "hs_code": "12"}, 422, "invalid_hs_code"),
        ({"name": "X", "sku": "X", "country_of_origin": "ZZ"}, 422, "invalid_country_of_origin"),
        ({"name": "X", "sku": "X", "kind": "gadget"}, 422, "invalid_kind"),
        ({"name": "X", "sku": "X", "base_uom": "crate"}, 422, "unknown_base_uom"),
        ({"name": "X", "sku": "X", "weight_kg": "-1"}, 422, "invalid_weight_kg"),
        ({"name": "", "sku": "X"}, 422, "name_required"),
    ],
)
def test_create_product_errors(client_a, body, status, code):
    response = post(client_a, "/products", body)
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert client_a.get("/api/v1/products").json()["count"] == 0


def test_patch_variant_and_product_and_by_gtin(client_a, tee):
    variant = tee["variants"][1]
    response = patch(client_a, f"/variants/{variant['id']}", {"gtin": "96385074", "height_cm": "2"})
    assert response.status_code == 200
    assert response.json()["gtin"] == "96385074"
    assert response.json()["height_cm"] == "2.00"
    found = client_a.get("/api/v1/variants/by-gtin/00000096385074")
    assert found.json()["id"] == variant["id"]
    missing = client_a.get("/api/v1/variants/by-gtin/4006381333931")
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    same = patch(
        client_a,
        f"/variants/{tee['variants'][0]['id']}",
        {"values": [v["value_id"] for v in variant["values"]]},
    )
    assert (same.status_code, same.json()["code"]) == (422, "duplicate_combination")
    renamed = patch(client_a, f"/products/{tee['id']}", {"name": "Tee", "is_active": False})
    assert (renamed.json()["name"], renamed.json()["is_active"]) == ("Tee", False)
    listed = client_a.get("/api/v1/variants?q=TEE-S").json()
    assert [v["sku"] for v in listed["items"]] == ["TEE-S-BLUE"]


def test_prices_groups_and_taxes_through_the_api(client_a, tee):
    variant_id = tee["variants"][0]["id"]
    assert post(client_a, "/customer-groups", {"code": "b2b", "name": "B2B"}).status_code == 201
    general = post(client_a, "/price-lists", {"name": "EUR", "currency": "EUR"}).json()
    group = post(
        client_a,
        "/price-lists",
        {"name": "B2B", "currency": "EUR", "customer_group": "b2b", "valid_to": "2030-12-31"},
    ).json()
    assert group["customer_group"] == "b2b"
    for qty, price in (("1", "19.90"), ("12", "17.50")):
        item = post(
            client_a,
            f"/price-lists/{general['id']}/items",
            {"variant_id": variant_id, "unit_price": price, "min_quantity": qty},
        )
        assert item.status_code == 201
    post(
        client_a,
        f"/price-lists/{group['id']}/items",
        {"variant_id": variant_id, "unit_price": "15.00"},
    )
    url = f"/api/v1/variants/{variant_id}/price?currency=EUR&on=2026-06-01"
    assert client_a.get(url + "&quantity=11").json()["unit_price"] == "19.9000"
    assert client_a.get(url + "&quantity=12").json()["unit_price"] == "17.5000"
    assert client_a.get(url + "&customer_group=b2b").json()["unit_price"] == "15.0000"
    assert client_a.get(url.replace("EUR", "JPY")).json()["unit_price"] is None
    listed = client_a.get("/api/v1/price-lists?currency=eur&customer_group=-").json()
    assert [(p["name"], p["item_count"]) for p in listed["items"]] == [("EUR", 2)]
    groups = client_a.get("/api/v1/customer-groups").json()["items"]
    assert [(g["code"], g["member_count"]) for g in groups] == [("b2b", 0)]
    in_use = client_a.delete(f"/api/v1/customer-groups/{groups[0]['id']}")
    assert (in_use.status_code, in_use.json()["code"]) == (409, "group_in_use")
    bad = post(client_a, "/price-lists", {"name": "X", "currency": "EUR", "customer_group": "zz"})
    assert (bad.status_code, bad.json()["code"]) == (422, "unknown_customer_group")
    assert put(client_a, "/tax-rates", {"country": "DE", "rate": "0.19"}).status_code == 200
    rate = client_a.get(f"/api/v1/variants/{variant_id}/tax-rate?country=de").json()
    assert rate["rate"] == "0.1900"
    wrong = put(client_a, "/tax-rates", {"country": "DE", "rate": "1.5"})
    assert (wrong.status_code, wrong.json()["code"]) == (422, "invalid_rate")


def test_kit_through_the_api_warns_when_not_cheaper(client_a, in_tenant_a):
    brush = services.create_product(name="Brush", sku="BR").variants.get()
    paint = services.create_product(name="Paint", sku="PT").variants.get()
    kit = services.create_product(name="Paint kit", sku="KIT").variants.get()
    response = put(
        client_a,
        f"/variants/{kit.pk}/kit",
        {
            "components": [
                {"variant_id": brush.pk, "quantity": "1"},
                {"variant_id": paint.pk, "quantity": "3"},
            ]
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert [(c["sku"], c["quantity"]) for c in body["components"]] == [
        ("BR", "1.000"),
        ("PT", "3.000"),
    ]
    assert body["price_check"]["status"] == "unpriced"
    plist = post(client_a, "/price-lists", {"name": "EUR", "currency": "EUR"}).json()
    for variant, price in ((brush, "4.00"), (paint, "6.00")):
        post(
            client_a,
            f"/price-lists/{plist['id']}/items",
            {"variant_id": variant.pk, "unit_price": price},
        )
    dear = post(
        client_a, f"/price-lists/{plist['id']}/items", {"variant_id": kit.pk, "unit_price": "22.00"}
    )
    assert dear.json()["warning"] == "kit_price_not_below_components"
    cheap = post(
        client_a, f"/price-lists/{plist['id']}/items", {"variant_id": kit.pk, "unit_price": "19.99"}
    )
    assert cheap.json()["warning"] == ""
    check = client_a.get(f"/api/v1/variants/{kit.pk}/kit").json()["price_check"]
    assert check == {
        "status": "ok",
        "kit_price": "19.9900",
        "components_total": "22.0000",
        "savings": "2.0100",
        "unpriced_components": [],
    }
    self_kit = put(
        client_a,
        f"/variants/{kit.pk}/kit",
        {"components": [{"variant_id": kit.pk, "quantity": "1"}]},
    )
    assert (self_kit.status_code, self_kit.json()["code"]) == (422, "kit_own_component")


def test_related_products_through_the_api(client_a, in_tenant_a):
    camera = services.create_product(name="Camera", sku="CAM")
    strap = services.create_product(name="Strap", sku="STR")
    bag = services.create_product(name="Bag", sku="BAG")
    pro = services.create_product(name="Camera Pro", sku="CAMP")
    url = f"/products/{camera.pk}/related"
    put(client_a, f"{url}/accessory", {"product_ids": [bag.pk, strap.pk]})
    body = put(client_a, f"{url}/upsell", {"product_ids": [pro.pk]}).json()
    assert [p["name"] for p in body["accessory"]] == ["Bag", "Strap"]
    assert [p["name"] for p in body["upsell"]] == ["Camera Pro"]
    wrong = put(client_a, f"{url}/similar", {"product_ids": []})
    assert (wrong.status_code, wrong.json()["code"]) == (422, "invalid_kind")
    self_ref = put(client_a, f"{url}/upsell", {"product_ids": [camera.pk]})
    assert (self_ref.status_code, self_ref.json()["code"]) == (422, "related_self")
    assert client_a.get(f"/api/v1{url}").json()["upsell"][0]["id"] == pro.pk


def test_compare_up_to_four(client_a, in_tenant_a):
    ids = [services.create_product(name=f"P{i}", sku=f"P{i}").pk for i in range(5)]
    plist = post(client_a, "/price-lists", {"name": "USD", "currency": "USD"}).json()
    first_variant = Product.objects.get(pk=ids[0]).variants.get()
    post(
        client_a,
        f"/price-lists/{plist['id']}/items",
        {"variant_id": first_variant.pk, "unit_price": "9.5"},
    )
    four = ",".join(str(i) for i in ids[:4])
    body = client_a.get(f"/api/v1/products/compare?ids={four}&currency=usd").json()
    assert [c["name"] for c in body["products"]] == ["P0", "P1", "P2", "P3"]
    assert [c["price"] for c in body["products"]] == ["9.5000", None, None, None]
    assert body["currency"] == "USD"
    five = ",".join(str(i) for i in ids)
    refused = client_a.get(f"/api/v1/products/compare?ids={five}")
    assert refused.status_code == 422
    assert refused.json()["code"] == "too_many_products"
    assert refused.json()["details"]["max"] == 4
    missing = client_a.get("/api/v1/products/compare?ids=999999")
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    junk = client_a.get("/api/v1/products/compare?ids=a,b")
    assert (junk.status_code, junk.json()["code"]) == (422, "invalid_ids")


def test_units_and_conversion(client_a, in_tenant_a):
    services.install_standard_units()
    tea = services.create_product(name="Tea", sku="TEA", base_uom="kg", sales_uom="g")
    variant = tea.variants.get()
    url = f"/api/v1/variants/{variant.pk}/convert"
    assert client_a.get(f"{url}?quantity=250&from_uom=g").json()["result"] == "0.25"
    assert client_a.get(f"{url}?quantity=2&to_uom=lb").json()["result"] == "4.409245"
    wrong = client_a.get(f"{url}?quantity=2&to_uom=pc")
    assert (wrong.status_code, wrong.json()["code"]) == (422, "uom_category_mismatch")
    bad = patch(client_a, f"/products/{tea.pk}", {"purchase_uom": "dozen"})
    assert (bad.status_code, bad.json()["code"]) == (422, "uom_category_mismatch")
    made = post(
        client_a,
        "/units",
        {"code": "case6", "name": "Case of 6", "category": "unit", "factor": "6"},
    )
    assert made.status_code == 201
    assert client_a.get("/api/v1/units?limit=500").json()["count"] == 14


def test_a_sales_rep_reads_but_cannot_write(tenant_a, client_a):
    from django.test import Client
    from tests.conftest import make_member

    rep = make_member(tenant_a, "rep@alpha.test", "sales_rep")
    client = Client()
    client.force_login(rep.user)
    assert client.get("/api/v1/products").status_code == 200
    denied = post(client, "/products", {"name": "X", "sku": "X"})
    assert (denied.status_code, denied.json()["code"]) == (403, "permission_denied")
