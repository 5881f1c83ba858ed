"""Procurement API: shapes, status codes, the error shape, pagination, sorting, permissions."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from tests.conftest import make_member
from tests.scm.procurement.conftest import supplied

from valuechain.platform.tenancy.context import tenant_context
from valuechain.scm.catalog import services as catalog
from valuechain.scm.procurement import services
from valuechain.scm.procurement.models import Supplier


def post(client: Client, path: str, data: object) -> Any:
    return client.post(
        f"/api/v1{path}", data=json.dumps(data, default=str), content_type="application/json"
    )


def patch(client: Client, path: str, data: object) -> Any:
    return client.patch(
        f"/api/v1{path}", data=json.dumps(data, default=str), content_type="application/json"
    )


def error(response: Any, status: int, code: str, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code, body
    assert set(body) == {"code", "message", "details"}
    if field is not None:
        assert body["details"]["field"] == field, body
    return body


@pytest.fixture
def setup(client_a, tenant_a, admin_a):
    with tenant_context(tenant_a, actor=admin_a.user):
        bolt = catalog.create_product(name="Bolt", sku="BOLT").variants.get()
    return client_a, bolt


def test_supplier_crud(setup):
    client, _bolt = setup
    response = post(
        client,
        "/suppliers",
        {"code": "nord", "name": "Nordwerk", "incoterm": "dap", "gln": "4012345000009"},
    )
    assert response.status_code == 201, response.content
    nord = response.json()
    assert {k: nord[k] for k in ("code", "name", "currency", "incoterm", "payment_terms_days")} == {
        "code": "NORD",
        "name": "Nordwerk",
        "currency": "EUR",
        "incoterm": "DAP",
        "payment_terms_days": 30,
    }
    error(
        post(client, "/suppliers", {"code": "NORD", "name": "Again"}), 409, "duplicate_code", "code"
    )
    error(
        post(client, "/suppliers", {"code": "X", "name": "Y", "gln": "1"}),
        422,
        "invalid_gln",
        "gln",
    )
    error(
        post(client, "/suppliers", {"code": "X", "account_id": nord["account_id"]}),
        409,
        "account_already_supplier",
        "account_id",
    )
    assert client.get(f"/api/v1/suppliers/{nord['id']}").json()["gln"] == "4012345000009"
    changed = patch(
        client, f"/suppliers/{nord['id']}", {"name": "Nordwerk AG", "payment_terms_days": 60}
    )
    assert (changed.json()["name"], changed.json()["payment_terms_days"]) == ("Nordwerk AG", 60)
    error(
        patch(client, f"/suppliers/{nord['id']}", {"incoterm": "ABC"}),
        422,
        "invalid_incoterm",
        "incoterm",
    )
    unchanged = patch(client, f"/suppliers/{nord['id']}", {"is_active": None, "gln": None})
    assert (unchanged.json()["is_active"], unchanged.json()["gln"]) == (True, "4012345000009")
    deactivated = post(client, f"/suppliers/{nord['id']}/deactivate", {})
    assert deactivated.status_code == 200 and deactivated.json()["is_active"] is False
    error(post(client, f"/suppliers/{nord['id']}/deactivate", {}), 409, "already_inactive")
    error(client.get("/api/v1/suppliers/999999"), 404, "supplier_not_found")
    error(post(client, "/suppliers", {"name": "No code"}), 422, "validation_error")


def test_supplier_list_pages_sorts_and_filters(setup):
    client, _bolt = setup
    for code, name, currency in (
        ("C1", "Gamma", "EUR"),
        ("A1", "Beta", "USD"),
        ("B1", "Alpha", "EUR"),
    ):
        assert (
            post(
                client, "/suppliers", {"code": code, "name": name, "currency": currency}
            ).status_code
            == 201
        )
    page = client.get("/api/v1/suppliers?limit=2").json()
    assert ([s["code"] for s in page["items"]], page["count"], page["limit"], page["offset"]) == (
        ["A1", "B1"],
        3,
        2,
        0,
    )
    assert [
        s["code"] for s in client.get("/api/v1/suppliers?limit=2&offset=2").json()["items"]
    ] == ["C1"]
    assert [s["name"] for s in client.get("/api/v1/suppliers?sort=name").json()["items"]] == [
        "Alpha",
        "Beta",
        "Gamma",
    ]
    assert [s["code"] for s in client.get("/api/v1/suppliers?sort=-code").json()["items"]] == [
        "C1",
        "B1",
        "A1",
    ]
    assert [s["code"] for s in client.get("/api/v1/suppliers?currency=usd").json()["items"]] == [
        "A1"
    ]
    assert client.get("/api/v1/suppliers?q=alph").json()["count"] == 1
    body = error(client.get("/api/v1/suppliers?sort=gln"), 422, "invalid_sort", "sort")
    assert "name" in body["details"]["allowed"]
    error(client.get("/api/v1/suppliers?limit=0"), 422, "validation_error")


def test_supplier_products_and_ranking(setup):
    client, bolt = setup
    nord = post(client, "/suppliers", {"code": "NORD", "name": "Nordwerk"}).json()
    lyon = post(client, "/suppliers", {"code": "LYON", "name": "Lyon"}).json()
    response = post(
        client,
        "/supplier-products",
        {
            "supplier_id": nord["id"],
            "variant_id": bolt.pk,
            "supplier_sku": "NW-1",
            "min_order_quantity": 10,
            "pack_size": "5",
            "lead_time_days": 4,
            "lead_time_std_days": 1.5,
            "price_breaks": [
                {"min_quantity": 10, "unit_price": 2.5},
                {"min_quantity": 100, "unit_price": "2.25"},
            ],
        },
    )
    assert response.status_code == 201, response.content
    product = response.json()
    assert (
        product["sku"],
        product["supplier_code"],
        product["pack_size"],
        product["price_breaks"],
    ) == (
        "BOLT",
        "NORD",
        "5.0000",
        [
            {"min_quantity": "10.0000", "unit_price": "2.500000"},
            {"min_quantity": "100.0000", "unit_price": "2.250000"},
        ],
    )
    error(
        post(
            client,
            "/supplier-products",
            {
                "supplier_id": nord["id"],
                "variant_id": bolt.pk,
                "price_breaks": [{"min_quantity": 0, "unit_price": 1}],
            },
        ),
        409,
        "duplicate_supplier_product",
        "variant_id",
    )
    error(
        post(
            client,
            "/supplier-products",
            {"supplier_id": lyon["id"], "variant_id": bolt.pk, "price_breaks": []},
        ),
        422,
        "price_breaks_required",
        "price_breaks",
    )
    error(
        post(
            client,
            "/supplier-products",
            {
                "supplier_id": lyon["id"],
                "variant_id": 999999,
                "price_breaks": [{"min_quantity": 0, "unit_price": 1}],
            },
        ),
        404,
        "variant_not_found",
        "variant_id",
    )
    lyon_product = post(
        client,
        "/supplier-products",
        {
            "supplier_id": lyon["id"],
            "variant_id": bolt.pk,
            "lead_time_days": 8,
            "lead_time_std_days": 0,
            "price_breaks": [{"min_quantity": 0, "unit_price": "2.40"}],
        },
    ).json()
    listed = client.get(f"/api/v1/supplier-products?variant_id={bolt.pk}&sort=supplier_code").json()
    assert [row["supplier_code"] for row in listed["items"]] == ["LYON", "NORD"]
    assert (
        client.get(f"/api/v1/supplier-products?supplier_id={nord['id']}&q=nw-").json()["count"] == 1
    )
    changed = patch(
        client,
        f"/supplier-products/{lyon_product['id']}",
        {"price_breaks": [{"min_quantity": 0, "unit_price": 3}]},
    )
    assert changed.json()["price_breaks"] == [{"min_quantity": "0.0000", "unit_price": "3.000000"}]
    error(
        patch(client, f"/supplier-products/{product['id']}", {"min_order_quantity": 0}),
        422,
        "price_breaks_gap",
        "price_breaks",
    )
    error(client.get("/api/v1/supplier-products/999999"), 404, "supplier_product_not_found")

    ranking = client.get(f"/api/v1/variants/{bolt.pk}/supplier-ranking?quantity=120").json()
    # 120 from NORD at 2.25 (the 100 break), lead 4 ± 1.5; from LYON at 3.00, lead 8 ± 0.
    assert (ranking["sku"], ranking["quantity"], ranking["base_currency"]) == (
        "BOLT",
        "120.0000",
        "EUR",
    )
    assert [
        (s["supplier_code"], s["rank"], s["preferred"], s["score"]) for s in ranking["suppliers"]
    ] == [
        ("NORD", 1, True, "0.7000"),  # (40 + 20 + 0 + 5 + 5) / 100
        ("LYON", 2, False, "0.3000"),  # (0 + 0 + 20 + 5 + 5) / 100
    ]
    first = ranking["suppliers"][0]
    assert (first["order_quantity"], first["unit_price"], first["total"]) == (
        "120.0000",
        "2.250000",
        "270.00",
    )
    assert first["criteria"] == {
        "price": "1.0000",
        "lead_time": "1.0000",
        "reliability": "0.0000",
        "on_time_in_full": "0.5000",
        "quality": "0.5000",
    }
    error(
        client.get(f"/api/v1/variants/{bolt.pk}/supplier-ranking?quantity=-1"),
        422,
        "invalid_quantity",
        "quantity",
    )
    error(client.get("/api/v1/variants/999999/supplier-ranking"), 404, "variant_not_found")


def test_selection_settings(setup):
    client, _bolt = setup
    assert client.get("/api/v1/procurement/settings").json()["weight_price"] == "40.00"
    changed = patch(client, "/procurement/settings", {"weight_price": 10, "weight_quality": "0"})
    assert (changed.json()["weight_price"], changed.json()["weight_quality"]) == ("10.00", "0.00")
    error(
        patch(
            client,
            "/procurement/settings",
            {
                "weight_price": 0,
                "weight_lead_time": 0,
                "weight_reliability": 0,
                "weight_on_time_in_full": 0,
            },
        ),
        422,
        "weights_all_zero",
        "weight_price",
    )
    error(
        patch(client, "/procurement/settings", {"weight_lead_time": -2}),
        422,
        "invalid_weight_lead_time",
    )


def test_read_only_roles_cannot_write(tenant_a):
    member = make_member(tenant_a, "rep@alpha.test", role="sales_rep")
    client = Client()
    client.force_login(member.user)
    body = error(post(client, "/suppliers", {"code": "X", "name": "Y"}), 403, "permission_denied")
    assert body["details"]["needed"] == "scm:write"
    assert not Supplier.unscoped.exists()


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_lists_cost_the_same_queries_whatever_their_length(setup, tenant_a, admin_a):
    client, bolt = setup

    def add(count: int, start: int) -> None:
        with tenant_context(tenant_a, actor=admin_a.user):
            for index in range(start, start + count):
                supplier = services.create_supplier(code=f"S{index}", name=f"Supplier {index}")
                supplied(supplier, bolt, [(0, 2), (10, 1)])

    add(2, 0)
    few = [
        _queries(client, url)
        for url in (
            "/api/v1/suppliers",
            "/api/v1/supplier-products",
            f"/api/v1/variants/{bolt.pk}/supplier-ranking",
        )
    ]
    add(8, 2)
    many = [
        _queries(client, url)
        for url in (
            "/api/v1/suppliers",
            "/api/v1/supplier-products",
            f"/api/v1/variants/{bolt.pk}/supplier-ranking",
        )
    ]
    assert few == many
