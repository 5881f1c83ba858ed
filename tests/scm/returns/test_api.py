"""The returns API: the whole path over HTTP, list filters / sort / paging, error shapes,
permissions by role (service agents handle customers, the warehouse receives) and tenant
isolation."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.scm.fulfillment.conftest import error, member, post, signed_in

from valuechain.scm.inventory.models import StockMove

from .conftest import on_hand

D = Decimal


def _line(order: Any) -> Any:
    (line,) = order.lines.all()
    return line


def test_return_path_over_http(world, order, client_a, tenant_a):
    line = _line(order)
    created = post(
        client_a,
        "/returns",
        {
            "order_id": order.pk,
            "reason": "Arrived broken",
            "lines": [{"order_line_id": line.pk, "quantity": "2", "reason_code": "damaged"}],
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["number"], body["state"], body["order_number"], body["refund"]) == (
        "RMA-000001",
        "requested",
        order.number,
        None,
    )
    rma_id = body["id"]
    (rma_line,) = body["lines"]
    assert (rma_line["sku"], rma_line["quantity"], rma_line["reason_code"]) == (
        "MUG-1",
        "2.0000",
        "damaged",
    )
    assert post(client_a, f"/returns/{rma_id}/authorise", {}).json()["state"] == "authorised"
    received = post(client_a, f"/returns/{rma_id}/receive", {"quantities": {rma_line["id"]: "2"}})
    assert received.status_code == 200, received.content
    assert received.json()["lines"][0]["quantity_received"] == "2.0000"
    assert on_hand(world, "quality") == D("2")
    error(post(client_a, f"/returns/{rma_id}/receive", {}), 409, "invalid_state")
    assert StockMove.objects.filter(kind="return").count() == 1
    error(
        post(
            client_a,
            f"/returns/{rma_id}/inspect",
            {"results": [{"line_id": rma_line["id"], "condition": "as_new", "disposition": "x"}]},
        ),
        422,
        "invalid_disposition",
        "results[0].disposition",
    )
    inspected = post(
        client_a,
        f"/returns/{rma_id}/inspect",
        {"results": [{"line_id": rma_line["id"], "condition": "damaged", "disposition": "scrap"}]},
    )
    assert inspected.json()["lines"][0]["disposition"] == "scrap"
    assert on_hand(world, "scrap") == D("2")
    closed = post(client_a, f"/returns/{rma_id}/close", {"method": "credit"})
    refund = closed.json()["refund"]
    # 2 x 9.99 less 15 % = 16.98 net, 3.23 tax, 20.21 gross.
    assert (refund["number"], refund["method"], refund["state"]) == (
        "CN-000001",
        "credit",
        "pending",
    )
    assert (refund["net_amount"], refund["tax_amount"], refund["gross_amount"]) == (
        "16.9800",
        "3.2300",
        "20.2100",
    )
    paid = post(client_a, f"/customer-refunds/{refund['id']}/paid", {"reference": "used on SO-9"})
    assert (paid.json()["state"], paid.json()["payment_reference"]) == ("paid", "used on SO-9")
    listed = client_a.get("/api/v1/customer-refunds?state=paid").json()
    assert [r["number"] for r in listed["items"]] == ["CN-000001"]


def test_list_filters_sort_and_errors(world, order, client_a):
    line = _line(order)
    for _ in range(3):
        post(
            client_a,
            "/returns",
            {"order_id": order.pk, "lines": [{"order_line_id": line.pk, "quantity": "1"}]},
        )
    error(
        post(
            client_a,
            "/returns",
            {"order_id": order.pk, "lines": [{"order_line_id": line.pk, "quantity": "2"}]},
        ),
        409,
        "exceeds_returnable",
        "lines[0].quantity",
    )
    page = client_a.get("/api/v1/returns?sort=number&limit=2&offset=1").json()
    assert (page["count"], [r["number"] for r in page["items"]]) == (
        3,
        ["RMA-000002", "RMA-000003"],
    )
    assert client_a.get("/api/v1/returns?state=closed").json()["count"] == 0
    assert client_a.get(f"/api/v1/returns?order_id={order.pk}&q=RMA-000001").json()["count"] == 1
    error(client_a.get("/api/v1/returns?sort=secret"), 422, "invalid_sort")
    error(client_a.get("/api/v1/returns/999999"), 404, "not_found")


def test_permissions_and_tenants(world, order, tenant_a, client_b):
    line = _line(order)
    agent = signed_in(member(tenant_a, "agent@alpha.test", "service_agent"))
    keeper = signed_in(member(tenant_a, "keeper@alpha.test", "warehouse"))
    payload = {"order_id": order.pk, "lines": [{"order_line_id": line.pk, "quantity": "1"}]}
    # The warehouse cannot create returns; service agents can, and authorise them.
    error(post(keeper, "/returns", payload), 403, "permission_denied")
    created = post(agent, "/returns", payload)
    assert created.status_code == 201, created.content
    rma_id = created.json()["id"]
    assert post(agent, f"/returns/{rma_id}/authorise", {}).status_code == 200
    # Receiving is the warehouse's job.
    error(post(agent, f"/returns/{rma_id}/receive", {}), 403, "permission_denied")
    assert post(keeper, f"/returns/{rma_id}/receive", {}).status_code == 200
    assert keeper.get(f"/api/v1/returns/{rma_id}").status_code == 200
    # Tenant B sees nothing of it.
    assert client_b.get(f"/api/v1/returns/{rma_id}").status_code == 404
    assert client_b.get("/api/v1/returns").json()["count"] == 0
    error(post(client_b, "/returns", payload), 404, "not_found", "order_id")
