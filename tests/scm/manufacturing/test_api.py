"""Manufacturing API: a work order's life with exact stock, status codes, the error shape,
pagination and sorting, productivity figures, permissions and query counts."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tests.conftest import make_member
from tests.scm.manufacturing.conftest import D, assert_ledger_reconciles, stock

from valuechain.platform.tenancy.context import tenant_context
from valuechain.scm.inventory import supply
from valuechain.scm.manufacturing import workorders
from valuechain.scm.manufacturing.models import TimeEntry


def post(client: Client, path: str, data: object = None) -> Any:
    return client.post(
        f"/api/v1{path}", data=json.dumps(data or {}, default=str), content_type="application/json"
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
def api(plant, client_a):
    return client_a, plant


def test_a_work_order_through_the_api(api):
    client, plant = api
    response = post(
        client,
        "/work-orders",
        {
            "variant_id": plant.shelf.pk,
            "quantity": "10",
            "warehouse_id": plant.warehouse.pk,
            "work_centre_id": plant.saw.pk,
        },
    )
    assert response.status_code == 201, response.content
    order = response.json()
    assert (order["state"], order["sku"], order["bom_id"]) == ("planned", "SHELF", plant.bom.pk)
    path = f"/work-orders/{order['id']}"
    released = post(client, f"{path}/release").json()
    assert released["state"] == "released"
    assert {c["sku"]: c["required_quantity"] for c in released["components"]} == {
        "BOARD": "21.0000",
        "SCREW": "80.0000",
    }
    assert post(client, f"{path}/start").status_code == 201
    made = post(client, f"{path}/production", {"good_quantity": "4", "scrap_quantity": "1"})
    assert made.status_code == 200, made.content
    assert made.json()["good_quantity"] == "4.0000"
    assert post(client, f"{path}/stop").status_code == 200
    done = post(client, f"{path}/complete").json()
    assert done["state"] == "done"
    with tenant_context(plant.tenant):
        assert stock(plant.board, plant.warehouse) == (D("89.5"), D(0))
        assert stock(plant.shelf, plant.warehouse) == (D(4), D(0))
        assert_ledger_reconciles()
    assert client.get(f"/api/v1{path}").json()["state"] == "done"


def test_refusals_have_the_error_shape(api):
    client, plant = api
    body = {
        "variant_id": plant.shelf.pk,
        "quantity": "60",
        "warehouse_id": plant.warehouse.pk,
        "work_centre_id": plant.saw.pk,
    }
    order = post(client, "/work-orders", body).json()
    short = error(post(client, f"/work-orders/{order['id']}/release"), 409, "insufficient_stock")
    assert short["details"]["available"] == "100"
    error(
        post(client, f"/work-orders/{order['id']}/production", {"good_quantity": 1}),
        409,
        "invalid_transition",
        "state",
    )
    error(
        post(client, "/work-orders", {**body, "quantity": "0"}), 422, "invalid_quantity", "quantity"
    )
    error(
        post(client, "/work-orders", {**body, "variant_id": plant.board.pk}),
        422,
        "no_active_bom",
        "bom_id",
    )
    error(client.get("/api/v1/work-orders/999999"), 404, "work_order_not_found")
    error(post(client, "/work-orders/999999/release"), 404, "work_order_not_found")
    error(
        post(
            client,
            "/boms",
            {
                "variant_id": plant.board.pk,
                "components": [{"variant_id": plant.shelf.pk, "quantity": 1}],
            },
        ),
        422,
        "bom_cycle",
        "components",
    )
    error(
        post(
            client,
            "/boms",
            {
                "variant_id": plant.shelf.pk,
                "components": [{"variant_id": plant.board.pk, "quantity": 1}],
            },
        ),
        409,
        "bom_overlap",
        "valid_from",
    )
    error(
        post(client, "/work-centres", {"code": "SAW", "name": "x", "capacity_per_hour": 1}),
        409,
        "duplicate_code",
        "code",
    )
    error(client.get("/api/v1/work-orders?sort=colour"), 422, "invalid_sort", "sort")


def test_boms_list_detail_and_explosion(api):
    client, plant = api
    created = post(
        client,
        "/boms",
        {
            "variant_id": plant.offcut.pk,
            "kind": "packaging",
            "output_quantity": "2",
            "components": [{"variant_id": plant.board.pk, "quantity": "1", "scrap_percent": "10"}],
        },
    )
    assert created.status_code == 201, created.content
    assert created.json()["lines"][0] == {
        "id": created.json()["lines"][0]["id"],
        "variant_id": plant.board.pk,
        "sku": "BOARD",
        "quantity": "1.0000",
        "unit": "",
        "scrap_percent": "10.00",
        "is_byproduct": False,
    }
    page = client.get("/api/v1/boms?limit=1&sort=sku").json()
    assert (page["count"], page["limit"], [b["sku"] for b in page["items"]]) == (2, 1, ["OFFCUT"])
    assert [
        b["sku"] for b in client.get("/api/v1/boms?limit=1&offset=1&sort=sku").json()["items"]
    ] == ["SHELF"]
    lines = client.get(f"/api/v1/boms/{plant.bom.pk}/explosion?quantity=3").json()
    assert lines == [
        {"level": 1, "variant_id": plant.board.pk, "sku": "BOARD", "quantity": "6.3000"},
        {"level": 1, "variant_id": plant.screw.pk, "sku": "SCREW", "quantity": "24.0000"},
    ]
    ended = post(client, f"/boms/{plant.bom.pk}/end", {"valid_to": str(timezone.localdate())})
    assert ended.json()["valid_to"] == str(timezone.localdate())
    assert post(client, f"/boms/{plant.bom.pk}/archive").json()["is_active"] is False
    error(client.get("/api/v1/boms/999999"), 404, "bom_not_found")


def test_work_centres_and_productivity(api):
    client, plant = api
    created = post(
        client, "/work-centres", {"code": "press", "name": "Press", "capacity_per_hour": "20"}
    )
    assert created.status_code == 201 and created.json()["code"] == "PRESS"
    changed = client.patch(
        f"/api/v1/work-centres/{created.json()['id']}",
        data=json.dumps({"hours_per_day": "7.5", "name": None}),
        content_type="application/json",
    )
    assert changed.json()["hours_per_day"] == "7.50" and changed.json()["name"] == "Press"
    assert client.get("/api/v1/work-centres?sort=-code").json()["items"][0]["code"] == "SAW"
    with tenant_context(plant.tenant):
        order = workorders.create_work_order(
            variant_id=plant.shelf.pk,
            quantity=D(10),
            warehouse_id=plant.warehouse.pk,
            work_centre_id=plant.saw.pk,
        )
        workorders.release_work_order(order.pk)
        entry = workorders.start_work_order(order.pk)
        workorders.record_production(order.pk, good=D(9), scrap=D(1))
        workorders.stop_work_order(order.pk)
        TimeEntry.objects.filter(pk=entry.pk).update(
            stopped_at=entry.started_at + timedelta(hours=2)
        )
    today = timezone.localdate()
    figures = client.get(
        f"/api/v1/work-centres/{plant.saw.pk}/productivity?start={today}&end={today}"
    ).json()
    assert figures["good"] == "9.0000" and figures["scrap"] == "1.0000"
    assert figures["units_per_labour_hour"] == "4.5000"
    assert figures["yield_rate"] == "0.9000"
    assert figures["performance"] == "0.5000"  # 10 made, 20 possible in 2 h
    assert figures["per_day"] == [{"day": str(today), "good": "9.0000"}]
    if today.weekday() < 5:
        assert figures["availability"] == "0.2500" and figures["oee"] == "0.1125"
    error(
        client.get(
            f"/api/v1/work-centres/{plant.saw.pk}/productivity"
            f"?start={today}&end={today - timedelta(days=1)}"
        ),
        422,
        "invalid_period",
        "start",
    )


def test_supply_request_becomes_a_work_order(api):
    client, plant = api
    with tenant_context(plant.tenant):
        request = supply.request_supply(
            variant=plant.shelf, warehouse=plant.warehouse, quantity=D(2), reason="mto"
        )
    made = post(
        client, f"/supply-requests/{request.pk}/work-order", {"work_centre_id": plant.saw.pk}
    )
    assert made.status_code == 201, made.content
    assert (made.json()["supply_request_id"], made.json()["quantity"]) == (request.pk, "2.0000")
    error(
        post(client, f"/supply-requests/{request.pk}/work-order", {"work_centre_id": plant.saw.pk}),
        409,
        "already_ordered",
    )


def test_reading_needs_scm_read_and_writing_scm_write(api, tenant_a):
    _client, _plant = api
    reader = make_member(tenant_a, "rep@example.com", role="sales_rep")  # scm: read
    marketer = make_member(tenant_a, "mkt@example.com", role="marketer")  # no scm
    rep, outsider = Client(), Client()
    rep.force_login(reader.user)
    outsider.force_login(marketer.user)
    assert rep.get("/api/v1/work-orders").status_code == 200
    body = {"code": "X", "name": "X", "capacity_per_hour": 1}
    error(post(rep, "/work-centres", body), 403, "permission_denied")
    error(outsider.get("/api/v1/work-centres"), 403, "permission_denied")
    assert Client().get("/api/v1/work-centres").status_code == 401


def test_list_queries_do_not_grow_with_rows(api):
    client, plant = api
    with tenant_context(plant.tenant):
        for _ in range(3):
            order = workorders.create_work_order(
                variant_id=plant.shelf.pk,
                quantity=D(1),
                warehouse_id=plant.warehouse.pk,
                work_centre_id=plant.saw.pk,
            )
            workorders.release_work_order(order.pk)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/work-orders")
    with tenant_context(plant.tenant):
        for _ in range(3):
            order = workorders.create_work_order(
                variant_id=plant.shelf.pk,
                quantity=D(1),
                warehouse_id=plant.warehouse.pk,
                work_centre_id=plant.saw.pk,
            )
            workorders.release_work_order(order.pk)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/api/v1/work-orders").json()["count"] == 6
    assert len(many) == len(few)
    with CaptureQueriesContext(connection) as boms:
        client.get("/api/v1/boms")
    assert len(boms) <= len(few) + 2
