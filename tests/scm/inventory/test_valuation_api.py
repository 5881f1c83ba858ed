"""Valuation through the API and the pages: moves carry values, settings, report, CSV,
COGS, landed costs; errors as JSON; permissions."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.test import Client
from tests.conftest import make_member
from tests.scm.inventory.conftest import D

from valuechain.platform.tenancy.context import tenant_context
from valuechain.scm.catalog import services as catalog
from valuechain.scm.inventory import services, warehouses
from valuechain.scm.inventory.models import LandedCost


def post(client: Client, path: str, data: object) -> Any:
    return client.post(
        f"/api/v1{path}", data=json.dumps(data, default=str), content_type="application/json"
    )


def put(client: Client, path: str, data: object) -> Any:
    return client.put(
        f"/api/v1{path}", data=json.dumps(data, default=str), content_type="application/json"
    )


@pytest.fixture
def stocked(client_a, tenant_a, admin_a):
    with tenant_context(tenant_a, actor=admin_a.user):
        product = catalog.create_product(name="Apple", sku="APL", category="Fruit")
        variant = product.variants.get()
        dc1 = warehouses.create_warehouse(code="DC1", name="Berlin")
    return client_a, variant, dc1


def test_moves_settings_report_and_cogs(stocked):
    client, variant, dc1 = stocked
    base = {"variant_id": variant.pk, "warehouse_id": dc1.pk, "reference": "PO-1"}
    r1 = post(client, "/stock/moves", {**base, "kind": "receipt", "quantity": 10, "unit_cost": "5"})
    assert r1.status_code == 201, r1.content
    assert (r1.json()[0]["unit_cost"], r1.json()[0]["value"]) == ("5.000000", "50.00")
    post(client, "/stock/moves", {**base, "kind": "receipt", "quantity": 10, "unit_cost": "7"})
    bad = post(
        client, "/stock/moves", {**base, "kind": "receipt", "quantity": 1, "unit_cost": "-2"}
    )
    assert bad.status_code == 422
    assert bad.json()["code"] == "invalid_unit_cost"
    refused = put(client, "/inventory/settings", {"costing_method": "fifo"})
    assert refused.status_code == 409
    assert refused.json()["code"] == "valued_stock_exists"
    assert client.get("/api/v1/inventory/settings").json()["costing_method"] == "average"
    ship = post(
        client,
        "/stock/moves",
        {**base, "kind": "shipment", "quantity": 15, "reference": "SO-1"},
    )
    assert [m["value"] for m in ship.json()] == ["90.00"]
    report = client.get("/api/v1/inventory/valuation").json()
    assert (report["method"], report["currency"], report["reconciled"]) == ("average", "EUR", True)
    assert (report["valuation_value"], report["ledger_value"]) == ("30.00", "30.00")
    assert report["by_warehouse"][0]["warehouse_code"] == "DC1"
    assert report["by_warehouse"][0]["unit_cost"] == "6.000000"
    assert report["by_category"][0]["category"] == "Fruit"
    past = client.get("/api/v1/inventory/valuation?as_of=2000-01-01").json()
    assert (past["as_of"], past["valuation_value"]) == ("2000-01-01", "0.00")
    export = client.get("/api/v1/inventory/valuation/export?format=csv")
    assert export.status_code == 200
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[1] == "warehouse,DC1,5,30.00,6.000000,30.00,EUR"
    assert client.get("/api/v1/inventory/valuation/export?format=pdf").json()["code"] == (
        "invalid_format"
    )
    recon = client.get("/api/v1/inventory/valuation/reconciliation").json()
    assert recon == {"reconciled": True, "mismatches": []}
    cogs = client.get("/api/v1/inventory/cogs").json()
    assert (cogs["shipments_value"], cogs["cogs"]) == ("90.00", "90.00")
    assert cogs["by_reference"] == [
        {
            "reference": "SO-1",
            "shipped_quantity": "15.0000",
            "returned_quantity": "0.0000",
            "shipments_value": "90.00",
            "returns_value": "0.00",
            "cogs": "90.00",
        }
    ]
    one = client.get(f"/api/v1/inventory/cogs?reference=SO-1&warehouse_id={dc1.pk}").json()
    assert one["cogs"] == "90.00"
    assert client.get("/api/v1/inventory/cogs?date_to=2000-01-01").json()["cogs"] == "0.00"


def _normal(value: str) -> str:
    return format(D(value).normalize(), "f")


def test_landed_cost_api(stocked):
    client, variant, dc1 = stocked
    base = {"variant_id": variant.pk, "warehouse_id": dc1.pk, "kind": "receipt"}
    for _ in range(3):
        post(
            client, "/stock/moves", {**base, "quantity": 1, "unit_cost": "10", "reference": "PO-9"}
        )
    payload = {
        "date": "2026-03-02",
        "method": "value",
        "reference": "PO-9",
        "lines": [{"kind": "freight", "amount": "100.00"}],
    }
    created = post(client, "/inventory/landed-costs", payload)
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["state"], body["total"], len(body["allocations"])) == ("draft", "100.00", 3)
    posted = post(client, f"/inventory/landed-costs/{body['id']}/post", {}).json()
    assert [a["amount"] for a in posted["allocations"]] == ["33.34", "33.33", "33.33"]
    assert posted["allocations"][0]["sku"] == "APL"
    again = post(client, f"/inventory/landed-costs/{body['id']}/post", {})
    assert (again.status_code, again.json()["code"]) == (409, "invalid_transition")
    listed = client.get("/api/v1/inventory/landed-costs?state=posted&q=PO-9").json()
    assert listed["count"] == 1
    assert client.get("/api/v1/inventory/landed-costs?sort=bogus").json()["code"] == "invalid_sort"
    report = client.get("/api/v1/inventory/valuation").json()
    assert report["valuation_value"] == report["ledger_value"] == "130.00"
    missing = client.get("/api/v1/inventory/landed-costs/999999")
    assert missing.status_code == 404
    bad = post(
        client, "/inventory/landed-costs", {**payload, "lines": [{"kind": "x", "amount": 1}]}
    )
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_kind")
    assert bad.json()["details"]["field"] == "lines.0.kind"
    at_once = post(client, "/inventory/landed-costs", {**payload, "post": True}).json()
    assert at_once["state"] == "posted"
    draft = post(client, "/inventory/landed-costs", payload).json()
    assert client.delete(f"/api/v1/inventory/landed-costs/{draft['id']}").status_code == 204
    posted_delete = client.delete(f"/api/v1/inventory/landed-costs/{at_once['id']}")
    assert posted_delete.status_code == 409


def test_pages(stocked, tenant_a, admin_a):
    client, variant, dc1 = stocked
    with tenant_context(tenant_a, actor=admin_a.user):
        services.receive(
            variant=variant, warehouse=dc1, quantity=D(4), unit_cost=D("2.5"), reference="PO-5"
        )
    page = client.get("/scm/stock/valuation/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "10.00 EUR" in html and "yes: valuation equals ledger" in html
    assert "<svg" in html and "Fruit" in html
    csv = client.get("/scm/stock/valuation/?export=csv")
    assert b"warehouse,DC1,4,10.00,2.500000,10.00,EUR" in b"".join(csv.streaming_content)
    past = client.get("/scm/stock/valuation/?as_of=2000-01-01")
    assert "As of 2000-01-01" in past.content.decode()
    refused = client.post("/scm/stock/valuation/settings/", {"costing_method": "fifo"})
    assert refused.status_code == 200
    assert "can only change while no stock is valued" in refused.content.decode()
    assert client.get("/scm/stock/landed-costs/").status_code == 200
    form = {
        "reference": "PO-5",
        "date": "2026-03-02",
        "method": "weight",
        "freight": "8",
        "currency": "",
    }
    missing = client.post("/scm/stock/landed-costs/new/", form)
    assert missing.status_code == 200
    assert "APL has no weight" in missing.content.decode()
    created = client.post("/scm/stock/landed-costs/new/", {**form, "method": "quantity"})
    assert created.status_code == 302
    with tenant_context(tenant_a):
        landed = LandedCost.objects.get()
    detail = client.get(f"/scm/stock/landed-costs/{landed.pk}/")
    assert "Post: add to the unit costs" in detail.content.decode()
    client.post(f"/scm/stock/landed-costs/{landed.pk}/post/")
    again = client.post(f"/scm/stock/landed-costs/{landed.pk}/post/", follow=True)
    assert "posted already" in again.content.decode()
    with tenant_context(tenant_a):
        landed.refresh_from_db()
        assert landed.state == "posted"
    report = client.get("/scm/stock/valuation/").content.decode()
    assert "18.00 EUR" in report
    assert client.get("/scm/stock/landed-costs/999999/").status_code == 404
    listed = client.get("/scm/stock/landed-costs/?sort=number&state=posted&q=PO-5")
    assert landed.number in listed.content.decode()
    drafts = client.get("/scm/stock/landed-costs/?state=draft")
    assert landed.number not in drafts.content.decode()


def test_read_only_members_cannot_write(stocked, tenant_a):
    viewer = make_member(tenant_a, "rep@alpha.test", role="sales_rep")  # scm:read
    client = Client()
    client.force_login(viewer.user)
    assert client.get("/scm/stock/valuation/").status_code == 200
    assert (
        client.post("/scm/stock/valuation/settings/", {"costing_method": "fifo"}).status_code == 403
    )
    assert client.post("/scm/stock/landed-costs/new/", {}).status_code == 403
    denied = post(
        client,
        "/inventory/landed-costs",
        {"date": str(date.today()), "method": "value", "lines": []},
    )
    assert denied.status_code == 403


def test_tenant_isolation(stocked, client_b):
    client, variant, dc1 = stocked
    post(
        client,
        "/stock/moves",
        {
            "variant_id": variant.pk,
            "warehouse_id": dc1.pk,
            "kind": "receipt",
            "quantity": 1,
            "unit_cost": "3",
            "reference": "PO-1",
        },
    )
    lc = post(
        client,
        "/inventory/landed-costs",
        {
            "date": "2026-03-02",
            "method": "quantity",
            "reference": "PO-1",
            "lines": [{"kind": "duty", "amount": "1"}],
        },
    ).json()
    assert client_b.get(f"/api/v1/inventory/landed-costs/{lc['id']}").status_code == 404
    assert client_b.get("/api/v1/inventory/valuation").json()["valuation_value"] == "0.00"
    other = post(
        client_b,
        "/inventory/landed-costs",
        {
            "date": "2026-03-02",
            "method": "quantity",
            "reference": "PO-1",
            "lines": [{"kind": "duty", "amount": "1"}],
        },
    )
    assert other.json()["code"] == "no_receipts"
