"""Inventory API: shapes, filters, error codes, permissions."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from tests.conftest import make_member
from tests.scm.inventory.conftest import D

from valuechain.platform.tenancy.context import tenant_context
from valuechain.scm.catalog import services as catalog
from valuechain.scm.inventory import services, warehouses
from valuechain.scm.inventory.models import SupplyRequest


def post(client: Client, path: str, data: object) -> Any:
    return client.post(
        f"/api/v1{path}", data=json.dumps(data, default=str), content_type="application/json"
    )


def patch(client: Client, path: str, data: object) -> Any:
    return client.patch(
        f"/api/v1{path}", data=json.dumps(data, default=str), content_type="application/json"
    )


def error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code, body
    return body


@pytest.fixture
def setup(client_a, tenant_a, admin_a):
    with tenant_context(tenant_a, actor=admin_a.user):
        variant = catalog.create_product(name="Apple", sku="APL").variants.get()
    return client_a, variant


def test_warehouse_flow_and_stock_moves(setup):
    client, variant = setup
    response = post(
        client, "/warehouses", {"code": "dc1", "name": "Berlin", "country": "de", "priority": 1}
    )
    assert response.status_code == 201, response.content
    dc1 = response.json()
    assert (dc1["code"], dc1["country"], dc1["is_store"]) == ("DC1", "DE", False)
    error(post(client, "/warehouses", {"code": "DC1", "name": "Again"}), 409, "duplicate_code")
    dc2 = post(client, "/warehouses", {"code": "DC2", "name": "Munich", "priority": 2}).json()
    assert [w["code"] for w in client.get("/api/v1/warehouses").json()["items"]] == ["DC1", "DC2"]
    assert client.get("/api/v1/warehouses?q=mun").json()["count"] == 1
    assert patch(client, f"/warehouses/{dc2['id']}", {"priority": 0}).json()["priority"] == 0
    locations = client.get(f"/api/v1/locations?warehouse_id={dc1['id']}&kind=stock").json()
    assert [loc["code"] for loc in locations["items"]] == ["DC1/STOCK"]

    response = post(
        client,
        "/stock/moves",
        {
            "kind": "receipt",
            "variant_id": variant.pk,
            "warehouse_id": dc1["id"],
            "quantity": "10",
            "lot_number": "L1",
            "expires_on": "2099-01-01",
            "reference": "PO-1",
        },
    )
    assert response.status_code == 201, response.content
    (move,) = response.json()
    assert (move["kind"], move["quantity"], move["lot"], move["to_location"], move["sku"]) == (
        "receipt",
        "10.0000",
        "L1",
        "DC1/STOCK",
        "APL",
    )
    error(
        post(
            client,
            "/stock/moves",
            {
                "kind": "scrap",
                "variant_id": variant.pk,
                "warehouse_id": dc1["id"],
                "quantity": "11",
                "lot_number": "L1",
            },
        ),
        409,
        "insufficient_stock",
    )
    body = error(
        post(
            client,
            "/stock/moves",
            {
                "kind": "receipt",
                "variant_id": variant.pk,
                "warehouse_id": dc1["id"],
                "quantity": "-1",
            },
        ),
        422,
        "invalid_quantity",
    )
    assert body["details"]["field"] == "quantity"
    assert (
        post(
            client,
            "/stock/moves",
            {
                "kind": "adjustment",
                "variant_id": variant.pk,
                "warehouse_id": dc1["id"],
                "quantity": "-2",
                "lot_number": "L1",
            },
        ).status_code
        == 201
    )
    moves = client.get(f"/api/v1/stock/moves?variant_id={variant.pk}&kind=adjustment").json()
    assert [(m["kind"], m["quantity"], m["to_location"]) for m in moves["items"]] == [
        ("adjustment", "2.0000", "ADJUSTMENT")
    ]
    assert client.get("/api/v1/stock/moves?sort=-quantity").status_code == 200
    error(client.get("/api/v1/stock/moves?sort=secret"), 422, "invalid_sort")

    balances = client.get(f"/api/v1/stock/balances?variant_id={variant.pk}").json()
    assert [(b["location"], b["lot"], b["on_hand"], b["available"]) for b in balances["items"]] == [
        ("DC1/STOCK", "L1", "8.0000", "8.0000")
    ]
    rows = client.get(f"/api/v1/stock/quantities?variant={variant.pk}").json()
    assert [(r["warehouse_code"], r["on_hand"]) for r in rows] == [
        ("DC2", "0.0000"),
        ("DC1", "8.0000"),
    ]
    atp = client.get(f"/api/v1/inventory/atp?variant={variant.pk}&date=2030-01-01").json()
    assert atp["atp"] == "8.0000"
    atp = client.get(f"/api/v1/inventory/atp?variant={variant.pk}&date=2099-01-02").json()
    assert atp["atp"] == "0.0000"

    response = post(
        client,
        "/stock/transfers",
        {
            "variant_id": variant.pk,
            "from_warehouse_id": dc1["id"],
            "to_warehouse_id": dc2["id"],
            "quantity": 3,
        },
    )
    assert response.status_code == 201, response.content
    transfer = response.json()
    assert (transfer["state"], transfer["quantity"]) == ("in_transit", "3.0000")
    assert client.get("/api/v1/stock/transfers?state=in_transit").json()["count"] == 1
    assert (
        post(client, f"/stock/transfers/{transfer['id']}/receive", {}).json()["state"] == "received"
    )
    error(post(client, f"/stock/transfers/{transfer['id']}/receive", {}), 409, "already_received")

    stock = client.get(f"/api/v1/locations?warehouse_id={dc2['id']}&kind=stock").json()["items"][0]
    response = post(
        client,
        "/stock/counts",
        {
            "warehouse_id": dc2["id"],
            "lines": [
                {
                    "location_id": stock["id"],
                    "variant_id": variant.pk,
                    "lot_number": "L1",
                    "counted": 1,
                }
            ],
            "apply": True,
        },
    )
    assert response.status_code == 201, response.content
    count = response.json()
    assert count["state"] == "applied"
    assert [(line["expected"], line["difference"]) for line in count["lines"]] == [
        ("3.0000", "-2.0000")
    ]
    assert client.get("/api/v1/stock/counts").json()["count"] == 1


def test_settings_rules_and_supply_requests(setup):
    client, variant = setup
    assert client.get("/api/v1/inventory/settings").json() == {
        "allow_negative_stock": False,
        "fefo": False,
        "costing_method": "average",
    }
    assert (
        client.put(
            "/api/v1/inventory/settings",
            data=json.dumps({"fefo": True}),
            content_type="application/json",
        ).json()["fefo"]
        is True
    )
    dc1 = post(client, "/warehouses", {"code": "DC1", "name": "Berlin"}).json()
    response = post(
        client,
        "/reorder-rules",
        {
            "variant_id": variant.pk,
            "warehouse_id": dc1["id"],
            "min_quantity": 5,
            "max_quantity": 20,
        },
    )
    assert response.status_code == 201, response.content
    rule = response.json()
    error(
        post(
            client,
            "/reorder-rules",
            {
                "variant_id": variant.pk,
                "warehouse_id": dc1["id"],
                "min_quantity": 5,
                "max_quantity": 20,
            },
        ),
        409,
        "duplicate_rule",
    )
    error(
        post(
            client,
            "/reorder-rules",
            {
                "variant_id": variant.pk,
                "warehouse_id": dc1["id"],
                "min_quantity": 5,
                "max_quantity": 2,
            },
        ),
        422,
        "invalid_max_quantity",
    )
    run = post(client, "/reorder-rules/run", {}).json()
    assert run["created"] == 1
    assert post(client, "/reorder-rules/run", {}).json()["created"] == 0
    proposals = client.get("/api/v1/supply-requests?reason=reorder&state=open").json()
    assert [(p["quantity"], p["origin_type"], p["origin_id"]) for p in proposals["items"]] == [
        ("20.0000", "inventory.reorderrule", rule["id"])
    ]
    assert (
        patch(
            client, f"/supply-requests/{proposals['items'][0]['id']}", {"state": "cancelled"}
        ).json()["state"]
        == "cancelled"
    )
    assert (
        patch(client, f"/reorder-rules/{rule['id']}", {"max_quantity": 30}).json()["max_quantity"]
        == "30.0000"
    )
    response = post(
        client,
        "/supply-requests",
        {
            "variant_id": variant.pk,
            "warehouse_id": dc1["id"],
            "quantity": 2,
            "reason": "mto",
            "origin_type": "orders.salesorderline",
            "origin_id": 7,
        },
    )
    assert response.status_code == 201, response.content
    assert client.get("/api/v1/supply-requests?origin_id=7").json()["count"] == 1
    assert client.delete(f"/api/v1/reorder-rules/{rule['id']}").status_code == 204


def test_sales_rep_reads_but_cannot_write(tenant_a, setup):
    rep = make_member(tenant_a, "rep@alpha.test", "sales_rep")
    client = Client()
    client.force_login(rep.user)
    assert client.get("/api/v1/warehouses").status_code == 200
    error(post(client, "/warehouses", {"code": "X", "name": "X"}), 403, "permission_denied")


def test_replenish_command_prints_progress_and_never_duplicates(tenant_a, admin_a, capsys):
    with tenant_context(tenant_a, actor=admin_a.user):
        variant = catalog.create_product(name="Pear", sku="PER").variants.get()
        warehouse = warehouses.create_warehouse(code="DC1", name="Berlin")
        services.receive(variant=variant, warehouse=warehouse, quantity=D(2))
        from valuechain.scm.inventory import replenishment

        replenishment.create_rule(
            variant_id=variant.pk, warehouse_id=warehouse.pk, min_quantity=5, max_quantity=12
        )
    call_command("replenish")
    call_command("replenish", "--tenant", "alpha")
    out = capsys.readouterr().out
    assert "alpha: 1/1 rules checked" in out
    assert "Created 1 reorder proposal." in out
    assert "Created 0 reorder proposals." in out
    with tenant_context(tenant_a):
        (proposal,) = SupplyRequest.objects.all()
        assert (proposal.quantity, proposal.reason, proposal.state) == (D(10), "reorder", "open")
