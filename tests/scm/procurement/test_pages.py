"""Procurement pages: lists render, filter and paginate; forms show service errors next to
their fields; the ranking page, the weights, the product page's suppliers panel, the demo."""

from __future__ import annotations

import random

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from tests.conftest import make_member
from tests.scm.procurement.conftest import D, supplied

from valuechain.platform.tenancy.context import tenant_context
from valuechain.scm.catalog import services as catalog
from valuechain.scm.catalog.models import Product
from valuechain.scm.procurement import queries, services
from valuechain.scm.procurement.demo import seed_procurement
from valuechain.scm.procurement.models import ProcurementSettings, Supplier, SupplierProduct


@pytest.fixture
def world(tenant_a, admin_a):
    with tenant_context(tenant_a, actor=admin_a.user):
        bolt = catalog.create_product(name="Bolt", sku="BOLT").variants.get()
        nord = services.create_supplier(code="NORD", name="Nordwerk", gln="4012345000009")
        lyon = services.create_supplier(code="LYON", name="Lyon Emballages", currency="EUR")
        supplied(nord, bolt, [(0, "1.00"), (100, "0.90")], lead_time_days=5, supplier_sku="NW-B")
        supplied(lyon, bolt, [(0, "0.95")], lead_time_days=9)
    return bolt, nord, lyon


PAGES = [
    "/scm/suppliers/",
    "/scm/suppliers/?q=nord&status=all&sort=name&currency=EUR",
    "/scm/suppliers/?status=inactive&sort=-created_at",
    "/scm/suppliers/new/",
    "/scm/suppliers/ranking/",
    "/scm/suppliers/ranking/?sku=BOLT&quantity=150",
    "/scm/procurement/settings/",
]


@pytest.mark.parametrize("url", PAGES)
def test_pages_render(client_a, world, url):
    response = client_a.get(url)
    assert response.status_code == 200, url


def test_supplier_list_filters_and_paginates(client_a, tenant_a, admin_a, world):
    body = client_a.get("/scm/suppliers/?q=lyon").content.decode()
    assert "Lyon Emballages" in body and "Nordwerk" not in body
    with tenant_context(tenant_a, actor=admin_a.user):
        for index in range(55):
            services.create_supplier(code=f"S{index:02d}", name=f"Supplier {index}")
    first = client_a.get("/scm/suppliers/")
    assert len(first.context["page"].object_list) == 50
    assert "Page 1 of 2" in first.content.decode()
    assert len(client_a.get("/scm/suppliers/?page=2").context["page"].object_list) == 7


def test_create_supplier_shows_errors_next_to_fields(client_a, world):
    response = client_a.post(
        "/scm/suppliers/new/",
        {"code": "NORD", "name": "Again", "payment_terms_days": 30, "gln": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [
        "There already is a supplier with the code NORD."
    ]
    response = client_a.post(
        "/scm/suppliers/new/",
        {"code": "NEW", "name": "New one", "payment_terms_days": 30, "gln": "4012345000008"},
    )
    assert response.context["form"].errors["gln"] == [
        "The GLN's check digit is wrong: it should end in 9."
    ]
    assert 'id="id_gln_error"' in response.content.decode()
    response = client_a.post("/scm/suppliers/new/", {"code": "NEW", "payment_terms_days": 30})
    assert response.context["form"].errors["name"] == [
        "Enter the supplier's name or choose an account."
    ]


def test_create_edit_and_deactivate_a_supplier(client_a, tenant_a, admin_a, world):
    _bolt, nord, _lyon = world
    response = client_a.post(
        "/scm/suppliers/new/",
        {
            "code": "acme",
            "account_id": "",
            "name": "Acme Supplies",
            "payment_terms_days": 14,
            "incoterm": "FCA",
        },
    )
    with tenant_context(tenant_a, actor=admin_a.user):
        acme = Supplier.objects.get(code="ACME")
    assert response.status_code == 302 and response["Location"] == f"/scm/suppliers/{acme.pk}/"
    detail = client_a.get(f"/scm/suppliers/{acme.pk}/").content.decode()
    assert "Acme Supplies" in detail and "Free Carrier" in detail
    response = client_a.post(
        f"/scm/suppliers/{nord.pk}/edit/",
        {
            "code": "NORD",
            "name": "Nordwerk AG",
            "currency": "EUR",
            "payment_terms_days": 3651,
            "gln": "",
        },
    )
    assert response.context["form"].errors["payment_terms_days"] == [
        "Payment terms are whole days from 0 to 3650."
    ]
    response = client_a.post(
        f"/scm/suppliers/{nord.pk}/edit/",
        {
            "code": "NORD",
            "name": "Nordwerk AG",
            "currency": "EUR",
            "payment_terms_days": 60,
            "gln": "",
        },
    )
    assert response.status_code == 302
    with tenant_context(tenant_a, actor=admin_a.user):
        nord.refresh_from_db()
        assert (nord.payment_terms_days, nord.gln, nord.account.name) == (60, "", "Nordwerk AG")
    client_a.post(f"/scm/suppliers/{nord.pk}/active/")
    with tenant_context(tenant_a, actor=admin_a.user):
        assert Supplier.objects.get(pk=nord.pk).is_active is False
    again = client_a.post(f"/scm/suppliers/{nord.pk}/active/", follow=True)
    assert "already inactive" in again.content.decode()
    client_a.post(f"/scm/suppliers/{nord.pk}/active/", {"active": "1"})
    with tenant_context(tenant_a, actor=admin_a.user):
        assert Supplier.objects.get(pk=nord.pk).is_active is True
    assert client_a.get("/scm/suppliers/999999/").status_code == 404


def test_supplied_product_form_errors_and_edit(client_a, tenant_a, admin_a, world):
    _bolt, _nord, lyon = world
    with tenant_context(tenant_a, actor=admin_a.user):
        catalog.create_product(name="Nut", sku="NUT")
    url = f"/scm/suppliers/{lyon.pk}/products/"
    base = {
        "sku": "NUT",
        "min_order_quantity": "10",
        "pack_size": "6",
        "lead_time_days": "3",
        "lead_time_std_days": "1",
    }
    response = client_a.post(url, {**base, "price_breaks": "20 1.50"})
    assert response.context["form"].errors["price_breaks"] == [
        "The first price starts at 20, but 12 can be ordered; add a price from 12 or lower."
    ]
    response = client_a.post(url, {**base, "price_breaks": "12 1,50"})
    assert response.context["form"].errors["price_breaks"] == [
        "Line 1: '12 1,50' is not two numbers."
    ]
    response = client_a.post(url, {**base, "price_breaks": "12 1 50"})
    assert response.context["form"].errors["price_breaks"] == [
        "Line 1: write the quantity, a space, then the unit price."
    ]
    response = client_a.post(url, {**base, "sku": "NOPE", "price_breaks": "0 1"})
    assert response.context["form"].errors["sku"] == ["No item with SKU NOPE."]
    response = client_a.post(url, {**base, "sku": "BOLT", "price_breaks": "0 1"})
    assert response.context["form"].errors["sku"] == [
        "LYON already supplies BOLT; change that record instead."
    ]
    response = client_a.post(url, {**base, "lead_time_days": "-1", "price_breaks": "0 1"})
    assert response.context["form"].errors["lead_time_days"]
    response = client_a.post(
        url, {**base, "supplier_sku": "LY-N", "price_breaks": "12 1.50\n120: 1.40"}
    )
    assert response.status_code == 302
    with tenant_context(tenant_a, actor=admin_a.user):
        product = SupplierProduct.objects.get(supplier=lyon, variant__sku="NUT")
        assert [(b.min_quantity, b.unit_price) for b in product.price_breaks.all()] == [
            (D(12), D("1.5")),
            (D(120), D("1.4")),
        ]
    edit = f"/scm/supplier-products/{product.pk}/edit/"
    page = client_a.get(edit)
    assert page.context["form"].initial["price_breaks"] == "12 1.5\n120 1.4"
    response = client_a.post(
        edit,
        {
            **base,
            "currency": "EUR",
            "price_breaks": "12 1.45",
            "is_active": "on",
            "min_order_quantity": "0",
        },
    )
    assert response.context["form"].errors["price_breaks"] == [
        "The first price starts at 12, but 6 can be ordered; add a price from 6 or lower."
    ]
    response = client_a.post(edit, {**base, "currency": "EUR", "price_breaks": "0 1.45"})
    assert response.status_code == 302
    with tenant_context(tenant_a, actor=admin_a.user):
        product.refresh_from_db()
        assert (product.is_active, product.price_breaks.get().unit_price) == (False, D("1.45"))
    assert client_a.get("/scm/supplier-products/999999/edit/").status_code == 404


def test_ranking_page_marks_the_preferred_supplier(client_a, world):
    response = client_a.get("/scm/suppliers/ranking/?sku=bolt&quantity=150")
    ranking = response.context["ranking"]
    assert [(r.supplier_product.supplier.code, r.rank) for r in ranking.rows] == [
        ("NORD", 1),
        ("LYON", 2),
    ]
    body = response.content.decode()
    assert body.index('data-supplier="NORD"') < body.index('data-supplier="LYON"')
    assert 'class="preferred"' in body and "preferred</span>" in body
    missing = client_a.get("/scm/suppliers/ranking/?sku=NOPE&quantity=1")
    assert missing.context["form"].errors["sku"] == ["No item with SKU NOPE."]
    assert (
        client_a.get("/scm/suppliers/ranking/?sku=BOLT&quantity=0")
        .context["form"]
        .errors["quantity"]
    )


def test_selection_weights_page(client_a, tenant_a, admin_a, world):
    zero = {
        f"weight_{n}": "0"
        for n in ("price", "lead_time", "reliability", "on_time_in_full", "quality")
    }
    response = client_a.post("/scm/procurement/settings/save/", zero)
    assert response.context["form"].errors["weight_price"] == [
        "At least one weight must be above zero, or no supplier could be ranked."
    ]
    response = client_a.post("/scm/procurement/settings/save/", {**zero, "weight_lead_time": "1"})
    assert response.status_code == 302
    with tenant_context(tenant_a, actor=admin_a.user):
        assert ProcurementSettings.objects.get().weight_lead_time == D(1)
    # Lead time alone now decides: Nord (5 days) before Lyon (9 days), whatever the price.
    ranking = client_a.get("/scm/suppliers/ranking/?sku=BOLT&quantity=1").context["ranking"]
    assert [r.supplier_product.supplier.code for r in ranking.rows] == ["NORD", "LYON"]


def test_product_page_shows_the_suppliers_panel(client_a, tenant_a, admin_a, world):
    with tenant_context(tenant_a, actor=admin_a.user):
        product = Product.objects.get(name="Bolt")
    body = client_a.get(f"/scm/products/{product.pk}/").content.decode()
    assert 'data-supplier="LYON"' in body and "preferred</span>" in body


def test_read_only_members_cannot_change_suppliers(tenant_a, world):
    _bolt, nord, _lyon = world
    member = make_member(tenant_a, "rep@alpha.test", role="sales_rep")
    client = Client()
    client.force_login(member.user)
    assert client.get("/scm/suppliers/").status_code == 200
    assert client.post("/scm/suppliers/new/", {"code": "X", "name": "Y"}).status_code == 403
    assert client.post(f"/scm/suppliers/{nord.pk}/active/").status_code == 403
    assert client.post("/scm/procurement/settings/save/", {}).status_code == 403


def test_demo_seeder(tenant_a, admin_a):
    from valuechain.scm.catalog.demo import seed_catalog

    with tenant_context(tenant_a, actor=admin_a.user):
        assert seed_procurement(random.Random(1)) == "no catalog variants: no suppliers seeded"
        seed_catalog(random.Random(1))
        summary = seed_procurement(random.Random(1))
        assert summary.startswith("4 suppliers, ")
        assert SupplierProduct.objects.filter(supplier__code="PACIFIC").exists()
        variant_id = SupplierProduct.objects.order_by("pk").first().variant_id
        ranking = queries.supplier_ranking(variant_id, 10)
        assert ranking.rows[0].rank == 1 and all(row.rank for row in ranking.rows)


def test_pages_cost_the_same_queries_whatever_their_length(client_a, tenant_a, admin_a, world):
    bolt, nord, _lyon = world
    urls = (
        "/scm/suppliers/",
        f"/scm/suppliers/{nord.pk}/",
        "/scm/suppliers/ranking/?sku=BOLT&quantity=5",
    )

    def counts() -> list[int]:
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                assert client_a.get(url).status_code == 200
            result.append(len(captured))
        return result

    few = counts()
    with tenant_context(tenant_a, actor=admin_a.user):
        for index in range(6):
            item = catalog.create_product(name=f"Item {index}", sku=f"ITEM-{index}").variants.get()
            supplied(nord, item, [(0, 1), (5, "0.9")])
            supplier = services.create_supplier(code=f"S{index}", name=f"Supplier {index}")
            supplied(supplier, bolt, [(0, 2)])
    assert counts() == few


def test_global_search_finds_suppliers(tenant_a, admin_a, world):
    with tenant_context(tenant_a, actor=admin_a.user):
        (hit,) = queries.search_suppliers("4012345", 5)
    assert (hit.kind, hit.title, hit.url) == (
        "supplier",
        "NORD Nordwerk",
        f"/scm/suppliers/{world[1].pk}/",
    )


@pytest.mark.parametrize(
    ("value", "shown"),
    [(D("9.820000"), "9.82"), (D("10.000000"), "10.00"), (D("0.012500"), "0.0125"), (None, "")],
)
def test_price_filter(value, shown):
    from valuechain.scm.procurement.templatetags.procurement import price

    assert price(value) == shown
