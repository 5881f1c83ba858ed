"""Kit availability from components, product search on both databases, query-count guards."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from valuechain.scm.catalog import availability, compare, pricing_services, queries, services

D = Decimal


@pytest.fixture
def kit(in_tenant_a):
    brush = services.create_product(name="Brush", sku="BR").variants.get()
    paint = services.create_product(name="Paint", sku="PT").variants.get()
    setup = services.create_product(name="Install service", sku="SRV", kind="service")
    kit = services.create_product(name="Paint kit", sku="KIT").variants.get()
    services.set_kit_components(kit.pk, [(brush.pk, 2), (paint.pk, "0.5")])
    return {"brush": brush, "paint": paint, "kit": kit, "service": setup.variants.get()}


def test_kit_availability_is_derived_from_component_stock(kit):
    brush, paint, k, service = kit["brush"], kit["paint"], kit["kit"], kit["service"]
    seen = {}

    def reader(ids, *, warehouse_id=None):
        seen["ids"], seen["warehouse_id"] = list(ids), warehouse_id
        return {brush.pk: D(7), paint.pk: D("2.4")}

    result = availability.available([k.pk, brush.pk, service.pk], warehouse_id=3, reader=reader)
    # brushes: floor(7 / 2) = 3 kits; paint: floor(2.4 / 0.5) = 4 kits → 3
    assert result == {k.pk: D(3), brush.pk: D(7), service.pk: None}
    assert seen == {"ids": sorted([brush.pk, paint.pk]), "warehouse_id": 3}
    empty = availability.available([k.pk], reader=lambda ids, warehouse_id=None: {})
    assert empty == {k.pk: D(0)}
    exact = availability.available(
        [k.pk], reader=lambda ids, warehouse_id=None: {brush.pk: D(8), paint.pk: D(2)}
    )
    assert exact == {k.pk: D(4)}
    assert availability.available([]) == {}


def test_without_a_stock_reader_availability_is_unknown(kit, monkeypatch):
    monkeypatch.setattr(availability, "stock_reader", lambda: None)
    assert availability.available([kit["kit"].pk, kit["brush"].pk]) == {
        kit["kit"].pk: None,
        kit["brush"].pk: None,
    }


def test_availability_costs_a_fixed_number_of_queries(kit):
    ids = [kit[name].pk for name in ("kit", "brush", "paint", "service")]
    reader = lambda ids, warehouse_id=None: {}  # noqa: E731
    with CaptureQueriesContext(connection) as few:
        availability.available(ids[:1], reader=reader)
    with CaptureQueriesContext(connection) as many:
        availability.available(ids, reader=reader)
    assert len(few) == len(many) == 2


def test_compare_sums_availability_and_prices_kits(kit, monkeypatch):
    stock = {kit["brush"].pk: D(10), kit["paint"].pk: D(1)}
    monkeypatch.setattr(availability, "stock_reader", lambda: lambda ids, warehouse_id=None: stock)
    plist = pricing_services.create_price_list(name="EUR", currency="EUR")
    pricing_services.set_price(plist.pk, variant_id=kit["kit"].pk, unit_price="12.00")
    table = compare.compare([kit["kit"].product_id, kit["brush"].product_id])
    assert [(c["name"], c["available"], c["price"]) for c in table["products"]] == [
        ("Paint kit", D(2), D("12.0000")),
        ("Brush", D(10), None),
    ]


SEARCH_CASES = [
    ("linen", ["Linen shirt"]),
    ("LINEN shirt", ["Linen shirt"]),
    ("breath", ["Linen shirt"]),  # a word's beginning, in the description
    ("stoneware", ["Stoneware mug"]),
    ("mug", ["Stoneware mug", "Travel mug"]),
    ("travel mug", ["Travel mug"]),
    ("LS-M", ["Linen shirt"]),  # a SKU
    ("ms-9", ["Travel mug"]),  # SKU, any case
    ("4006381333931", ["Stoneware mug"]),  # GTIN-13
    ("04006381333931", ["Stoneware mug"]),  # the same GTIN as GTIN-14
    ("kettle", []),
    ("", []),
]


@pytest.fixture
def searchable(in_tenant_a):
    shirt = services.create_product(
        name="Linen shirt", sku="LS", description="Breathable summer shirt"
    )
    services.generate_variants(shirt.pk, {"Size": ["S", "M"]})
    services.create_product(name="Stoneware mug", sku="SM-1", gtin="4006381333931")
    services.create_product(name="Travel mug", sku="TMS-9", description="Keeps coffee hot")
    services.create_product(name="Gift card", sku="GC", kind="service")


@pytest.mark.parametrize(("text", "names"), SEARCH_CASES)
def test_search_agrees_on_both_databases(searchable, text, names):
    assert sorted(p.name for p in queries.search(text)) == names


def test_search_is_registered_globally_and_through_the_api(searchable, client_a):
    from valuechain.platform.web.registry import search_providers

    provider = next(p for p in search_providers() if p.kind == "product")
    hits = provider.provider("stoneware", 5)
    assert [(h.title, h.kind) for h in hits] == [("Stoneware mug", "product")]
    assert hits[0].url.startswith("/scm/products/")
    api = client_a.get("/api/v1/products?q=mug").json()
    assert sorted(p["name"] for p in api["items"]) == ["Stoneware mug", "Travel mug"]


def test_product_list_endpoint_has_a_fixed_query_count(client_a, in_tenant_a):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client_a.get("/api/v1/products?limit=100").status_code == 200
        return len(ctx)

    first = services.create_product(name="A", sku="A")
    services.generate_variants(first.pk, {"Size": ["S", "M"]})
    baseline = count()
    for i in range(5):
        product = services.create_product(name=f"P{i}", sku=f"P{i}")
        services.generate_variants(product.pk, {"Colour": ["Red", "Blue"]})
    assert count() == baseline


def test_product_page_has_a_fixed_query_count(client_a, in_tenant_a):
    product = services.create_product(name="A", sku="A")
    services.generate_variants(product.pk, {"Size": ["S", "M"]})

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client_a.get(f"/scm/products/{product.pk}/").status_code == 200
        return len(ctx)

    baseline = count()
    services.generate_variants(product.pk, {"Size": ["L", "XL"], "Fit": ["slim", "wide"]})
    assert count() == baseline


def test_kit_availability_with_the_inventory_ledger(kit, client_a):
    from valuechain.scm.inventory import services as inventory
    from valuechain.scm.inventory import warehouses

    main = warehouses.create_warehouse(code="MAIN", name="Main")
    store = warehouses.create_warehouse(code="STORE", name="Store", priority=20)
    inventory.receive(variant=kit["brush"], warehouse=main, quantity=D(5))
    inventory.receive(variant=kit["paint"], warehouse=main, quantity=D(3))
    inventory.receive(variant=kit["brush"], warehouse=store, quantity=D(2))
    # all: brushes 7 → 3 kits, paint 3 → 6 kits: 3; main only: brushes 5 → 2
    assert availability.available([kit["kit"].pk])[kit["kit"].pk] == D(3)
    assert availability.available([kit["kit"].pk], warehouse_id=main.pk)[kit["kit"].pk] == D(2)
    assert availability.available([kit["kit"].pk], warehouse_id=store.pk)[kit["kit"].pk] == D(0)
    body = client_a.get(f"/api/v1/variants/{kit['kit'].pk}/kit").json()
    assert body["available"] == "3"
    assert [D(c["available"]) for c in body["components"]] == [D(7), D(3)]
    page = client_a.get(f"/scm/products/{kit['kit'].product_id}/").content.decode()
    assert f'data-variant-available="{kit["kit"].pk}">3<' in page
