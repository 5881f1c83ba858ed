"""Purchasing API: shapes, status codes, the error shape, lists, every action, the PDF and the
EDI document, RFQs with quotes, comparison and award, proposals, permissions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from tests.conftest import make_member
from tests.scm.purchasing.conftest import D, error, make_world, patch, post

from valuechain.platform.tenancy.context import tenant_context
from valuechain.scm.inventory import supply
from valuechain.scm.purchasing import services


@pytest.fixture
def world(tenant_a, admin_a):
    with tenant_context(tenant_a, actor=admin_a.user):
        return make_world(tenant_a)


def create(client, world, **extra):
    body = {
        "supplier_id": world.nord.pk,
        "warehouse_id": world.warehouse.pk,
        "order_date": "2026-04-01",
        "lines": [{"variant_id": world.bolt.pk, "quantity": "100"}],
        **extra,
    }
    response = post(client, "/purchase-orders", body)
    assert response.status_code == 201, response.content
    return response.json()


def test_order_lifecycle(client_a, world, django_capture_on_commit_callbacks):
    order = create(client_a, world, incoterm_place="Hamburg")
    assert {
        k: order[k] for k in ("number", "state", "currency", "net_total", "base_net_total")
    } == {
        "number": "PO-000001",
        "state": "draft",
        "currency": "EUR",
        "net_total": "90.00",
        "base_net_total": "90.00",
    }
    assert order["lines"][0]["unit_price"] == "0.900000"
    path = f"/purchase-orders/{order['id']}"
    response = post(client_a, f"{path}/lines", {"variant_id": world.nut.pk, "quantity": "5"})
    assert response.status_code == 201 and response.json()["net_total"] == "91.00"
    line_id = response.json()["lines"][1]["id"]
    assert (
        patch(client_a, f"/purchase-order-lines/{line_id}", {"quantity": "10"}).json()["net_total"]
        == "92.00"
    )
    assert client_a.delete(f"/api/v1/purchase-order-lines/{line_id}").json()["net_total"] == "90.00"
    assert patch(client_a, path, {"payment_terms_days": 60}).json()["payment_terms_days"] == 60
    error(patch(client_a, path, {"incoterm": "XXX"}), 422, "invalid_incoterm", "incoterm")
    with django_capture_on_commit_callbacks(execute=True):
        sent = post(client_a, f"{path}/send", {})
    assert sent.status_code == 200, sent.content
    assert (sent.json()["state"], sent.json()["sent_to"]) == ("sent", "orders@nordwerk.example")
    assert len(mail.outbox) == 1
    error(post(client_a, f"{path}/submit"), 409, "invalid_transition", "state")
    error(patch(client_a, path, {"note": "x"}), 409, "not_editable", "state")
    assert post(client_a, f"{path}/close").json()["state"] == "closed"
    error(post(client_a, f"{path}/cancel", {}), 409, "invalid_transition")


def test_list_filters_sorts_paginates(client_a, world):
    first = create(client_a, world)
    create(client_a, world, supplier_id=world.lyon.pk, order_date="2026-05-01")
    post(client_a, f"/purchase-orders/{first['id']}/submit")
    body = client_a.get("/api/v1/purchase-orders").json()
    assert (body["count"], [o["number"] for o in body["items"]]) == (2, ["PO-000002", "PO-000001"])
    assert [
        o["number"] for o in client_a.get("/api/v1/purchase-orders?state=sent").json()["items"]
    ] == ["PO-000001"]
    by_supplier = client_a.get(f"/api/v1/purchase-orders?supplier_id={world.lyon.pk}").json()
    assert [o["supplier_code"] for o in by_supplier["items"]] == ["LYON"]
    dated = client_a.get("/api/v1/purchase-orders?date_from=2026-04-15").json()
    assert [o["number"] for o in dated["items"]] == ["PO-000002"]
    page = client_a.get("/api/v1/purchase-orders?sort=number&limit=1&offset=1").json()
    assert [o["number"] for o in page["items"]] == ["PO-000002"]
    error(client_a.get("/api/v1/purchase-orders?sort=secret"), 422, "invalid_sort", "sort")
    error(client_a.get("/api/v1/purchase-orders/999999"), 404, "purchase_order_not_found")


def test_approval_over_the_api(client_a, tenant_a, world):
    rule = post(client_a, "/purchase-approval-rules", {"min_amount": "90.00", "role": "planner"})
    assert rule.status_code == 201 and rule.json()["min_amount"] == "90.00"
    order = create(client_a, world)
    path = f"/purchase-orders/{order['id']}"
    submitted = post(client_a, f"{path}/submit").json()
    assert (submitted["state"], submitted["approval_role"]) == ("to_approve", "planner")
    error(post(client_a, f"{path}/send", {}), 409, "invalid_transition")
    buyer = Client()
    buyer.force_login(make_member(tenant_a, "buyer@alpha.test", "buyer").user)
    error(post(buyer, f"{path}/approve"), 403, "approver_role_required")
    error(
        post(buyer, "/purchase-approval-rules", {"min_amount": "1", "role": "buyer"}),
        403,
        "admin_required",
    )
    planner = Client()
    planner.force_login(make_member(tenant_a, "planner@alpha.test", "planner").user)
    refused = post(planner, f"{path}/refuse", {"reason": "Split it"}).json()
    assert (refused["state"], refused["refusal_reason"]) == ("draft", "Split it")
    post(client_a, f"{path}/submit")
    assert post(planner, f"{path}/approve").json()["state"] == "sent"
    assert (
        client_a.delete(f"/api/v1/purchase-approval-rules/{rule.json()['id']}").status_code == 204
    )
    assert client_a.get("/api/v1/purchase-approval-rules").json() == []


def test_pdf_and_edi(client_a, world):
    order = create(client_a, world, requested_on="2026-04-20")
    pdf = client_a.get(f"/api/v1/purchase-orders/{order['id']}/pdf")
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert pdf.content.startswith(b"%PDF")
    edi = client_a.get(f"/api/v1/purchase-orders/{order['id']}/edi").json()
    assert edi["BEG"] == {"purpose": "00", "type": "SA", "number": "PO-000001", "date": "20260401"}
    assert edi["N1"][1] == {
        "qualifier": "SE",
        "name": "Nordwerk GmbH",
        "id_qualifier": "UL",
        "id": "4012345000009",
        "country": "",
        "postal_code": "",
    }
    assert edi["PO1"][0]["item_ids"] == [
        {"qualifier": "IN", "id": "BOLT"},
        {"qualifier": "VN", "id": "NW-B"},
        {"qualifier": "EN", "id": "4006381333931"},
    ]
    assert edi["FOB"] == {"incoterm": "DAP", "place": ""}
    assert edi["warnings"] == ["The buyer (ALPHA) has no GLN.", "The ship-to (WH1) has no GLN."]
    body = error(
        client_a.get(f"/api/v1/purchase-orders/{order['id']}/edi?strict=true"),
        422,
        "edi_incomplete",
    )
    assert body["details"]["missing"] == edi["warnings"]
    assert (
        client_a.put(
            "/api/v1/purchasing/settings",
            data={"buyer_gln": "4000001000005"},
            content_type="application/json",
        ).status_code
        == 200
    )
    error(
        client_a.put(
            "/api/v1/purchasing/delivery-locations",
            data={"warehouse_id": world.warehouse.pk, "gln": "123"},
            content_type="application/json",
        ),
        422,
        "invalid_gln",
        "gln",
    )
    client_a.put(
        "/api/v1/purchasing/delivery-locations",
        data={"warehouse_id": world.warehouse.pk, "gln": "4012345000016"},
        content_type="application/json",
    )
    strict = client_a.get(f"/api/v1/purchase-orders/{order['id']}/edi?strict=true")
    assert strict.status_code == 200, strict.content
    assert [p["id"] for p in strict.json()["N1"]] == [
        "4000001000005",
        "4012345000009",
        "4012345000016",
    ]
    empty = create(client_a, world, lines=[])
    error(client_a.get(f"/api/v1/purchase-orders/{empty['id']}/edi"), 422, "edi_incomplete")


def test_rfq_over_the_api(client_a, world):
    created = post(
        client_a,
        "/rfqs",
        {
            "warehouse_id": world.warehouse.pk,
            "lines": [{"variant_id": world.bolt.pk, "quantity": "100"}],
            "supplier_ids": [world.nord.pk],
        },
    )
    assert created.status_code == 201, created.content
    rfq = created.json()
    line_id = rfq["lines"][0]["id"]
    assert (
        post(client_a, f"/rfqs/{rfq['id']}/suppliers", {"supplier_id": world.lyon.pk}).status_code
        == 200
    )
    error(
        post(client_a, f"/rfqs/{rfq['id']}/suppliers", {"supplier_id": world.lyon.pk}),
        409,
        "already_invited",
    )
    assert post(client_a, f"/rfqs/{rfq['id']}/send", {"email": False}).json()["state"] == "sent"
    for supplier, price in ((world.nord, "0.85"), (world.lyon, "0.80")):
        quote = post(
            client_a,
            f"/rfqs/{rfq['id']}/quotes",
            {
                "supplier_id": supplier.pk,
                "lines": [{"rfq_line_id": line_id, "unit_price": price, "lead_time_days": 5}],
            },
        )
        assert quote.status_code == 201, quote.content
        assert quote.json()["channel"] == "buyer"
    comparison = client_a.get(f"/api/v1/rfqs/{rfq['id']}/comparison").json()
    assert [
        (o["supplier_code"], o["best"], o["total_base"]) for o in comparison["lines"][0]["offers"]
    ] == [
        ("LYON", True, "80.00"),
        ("NORD", False, "85.00"),
    ]
    awarded = post(client_a, f"/rfqs/{rfq['id']}/award", {})
    assert awarded.status_code == 200, awarded.content
    assert [(o["supplier_code"], o["net_total"], o["rfq_id"]) for o in awarded.json()] == [
        ("LYON", "80.00", rfq["id"])
    ]
    assert client_a.get(f"/api/v1/rfqs/{rfq['id']}").json()["state"] == "closed"
    assert client_a.get("/api/v1/rfqs?state=closed").json()["count"] == 1


def test_proposals_over_the_api(client_a, tenant_a, admin_a, world):
    with tenant_context(tenant_a, actor=admin_a.user):
        request = supply.request_supply(
            variant=world.bolt, warehouse=world.warehouse, quantity=D(25), reason="reorder"
        )
    listed = client_a.get("/api/v1/purchase-proposals").json()
    assert [
        (p["sku"], p["supplier_code"], p["order_quantity"], p["unit_price"])
        for p in listed["items"]
    ] == [("BOLT", "LYON", "25.0000", "0.950000")]
    made = post(client_a, "/purchase-proposals/order", {"supply_request_ids": [request.pk]})
    assert made.status_code == 201, made.content
    assert made.json()[0]["lines"][0]["supply_request_id"] == request.pk
    error(
        post(client_a, "/purchase-proposals/order", {"supply_request_ids": [request.pk]}),
        409,
        "already_ordered",
        "supply_request_ids",
    )
    assert client_a.get("/api/v1/purchase-proposals").json()["count"] == 0


def test_read_only_members_cannot_write(tenant_a, world):
    reader = Client()
    reader.force_login(make_member(tenant_a, "rep@alpha.test", "sales_rep").user)
    assert reader.get("/api/v1/purchase-orders").status_code == 200
    assert post(reader, "/purchase-orders", {}).status_code == 403


def test_other_tenants_orders_are_invisible(client_b, tenant_a, admin_a, world):
    with tenant_context(tenant_a, actor=admin_a.user):
        order = services.create_order(supplier_id=world.nord.pk, warehouse_id=world.warehouse.pk)
    error(client_b.get(f"/api/v1/purchase-orders/{order.pk}"), 404, "purchase_order_not_found")
    assert client_b.get("/api/v1/purchase-orders").json()["count"] == 0
    assert client_b.get(f"/scm/purchase-orders/{order.pk}/").status_code == 404


def test_order_date_defaults_to_today(client_a, world):
    order = create(client_a, world, order_date=None)
    assert order["order_date"] == dt.date.today().isoformat()
