"""Quality API: plans and reasons, an inspection completed with exact stock, the error
shape with fields, holds and dispositions, lists with filters/sort/paging, figures,
permissions and tenant isolation."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from tests.conftest import make_member
from tests.scm.quality.conftest import D, Lab, on_hand, receive_for_inspection

from valuechain.platform.tenancy.context import tenant_context
from valuechain.platform.tenancy.models import Tenant


def post(client: Client, path: str, data: object = None) -> Any:
    return client.post(
        f"/api/v1{path}", data=json.dumps(data or {}, default=str), content_type="application/json"
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
def api(lab: Lab, client_a: Client) -> tuple[Client, Lab]:
    return client_a, lab


def test_plans_and_reasons_through_the_api(api: tuple[Client, Lab]) -> None:
    client, lab = api
    response = post(
        client,
        "/quality/plans",
        {
            "name": "Nut incoming",
            "variant_id": lab.nut.pk,
            "stage": "both",
            "sample_size": "3",
            "checks": [
                {"name": "Thread", "kind": "pass_fail"},
                {"name": "Height", "kind": "measurement", "target": 8, "upper_tolerance": "0.5"},
            ],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["stage"], body["sample_size"], body["variant_id"]) == (
        "both",
        "3.0000",
        lab.nut.pk,
    )
    assert [(c["name"], c["kind"], c["target"], c["upper_tolerance"]) for c in body["checks"]] == [
        ("Thread", "pass_fail", None, "0.000000"),
        ("Height", "measurement", "8.000000", "0.500000"),
    ]
    changed = patch(client, f"/quality/plans/{body['id']}", {"is_active": False})
    assert changed.json()["is_active"] is False
    listed = client.get("/api/v1/quality/plans?sort=-name").json()
    assert [p["name"] for p in listed["items"]] == ["Nut incoming", "Bolt incoming"]
    error(client.get("/api/v1/quality/plans?sort=bogus"), 422, "invalid_sort", "sort")
    error(
        post(client, "/quality/plans", {"name": "X", "stage": "receipt", "checks": []}),
        422,
        "plan_target_required",
        "product_id",
    )
    error(
        post(
            client,
            "/quality/plans",
            {
                "name": "X",
                "variant_id": lab.nut.pk,
                "stage": "receipt",
                "checks": [{"name": "Width", "kind": "measurement"}],
            },
        ),
        422,
        "target_required",
        "checks.0.target",
    )

    made = post(client, "/quality/defect-reasons", {"code": "scratch", "name": "Scratched"})
    assert made.status_code == 201
    assert made.json()["code"] == "SCRATCH"
    error(
        post(client, "/quality/defect-reasons", {"code": "SCRATCH", "name": "Again"}),
        409,
        "duplicate_code",
        "code",
    )
    renamed = patch(client, f"/quality/defect-reasons/{made.json()['id']}", {"name": "Scratches"})
    assert renamed.json()["name"] == "Scratches"
    codes = [r["code"] for r in client.get("/api/v1/quality/defect-reasons").json()["items"]]
    assert codes == ["DAMAGED", "OVERSIZE", "SCRATCH"]


def test_completing_an_inspection_through_the_api(api: tuple[Client, Lab]) -> None:
    client, lab = api
    inspection = receive_for_inspection(lab, "10")
    url = f"/quality/inspections/{inspection.pk}/complete"
    missing = post(client, url, {"results": [], "accepted_quantity": "10"})
    error(missing, 422, "result_required", f"check_{lab.visual}")
    results = [
        {"check_id": lab.visual, "passed": True},
        {"check_id": lab.diameter, "value": "10.25"},
    ]
    error(
        post(client, url, {"results": results, "accepted_quantity": "10"}),
        422,
        "deviation_required",
        "accept_with_deviation",
    )
    error(
        post(client, url, {"results": results, "accepted_quantity": "8", "rejected_quantity": 1}),
        422,
        "quantity_mismatch",
        "accepted_quantity",
    )
    done = post(
        client,
        url,
        {
            "results": results,
            "accepted_quantity": "7.5",
            "rejected_quantity": "2.5",
            "defect_reason_id": lab.oversize.pk,
            "accept_with_deviation": True,
        },
    )
    assert done.status_code == 200, done.content
    body = done.json()
    assert (body["state"], body["accepted_quantity"], body["rejected_quantity"]) == (
        "partial",
        "7.5000",
        "2.5000",
    )
    assert body["with_deviation"] is True
    assert [(r["check_id"], r["passed"], r["measured_value"]) for r in body["results"]] == [
        (lab.visual, True, None),
        (lab.diameter, False, "10.250000"),
    ]
    assert on_hand(lab.bolt, lab.warehouse, "stock") == D("7.5")
    error(post(client, url, {"results": results, "accepted_quantity": "10"}), 409, "not_pending")

    held = client.get("/api/v1/quality/rejected-on-hold").json()
    assert [(h["number"], h["quantity"]) for h in held] == [("QI-000001", "2.5000")]
    base = f"/quality/inspections/{inspection.pk}"
    released = post(client, f"{base}/release", {"quantity": "0.5", "note": "reworked"})
    assert released.status_code == 201
    assert (released.json()["kind"], released.json()["quantity"]) == ("release", "0.5000")
    scrapped = post(client, f"{base}/scrap", {"quantity": "2"})
    assert scrapped.status_code == 201
    error(post(client, f"{base}/scrap", {"quantity": "1"}), 409, "more_than_held", "quantity")
    assert client.get("/api/v1/quality/rejected-on-hold").json() == []
    assert on_hand(lab.bolt, lab.warehouse, "stock") == D(8)
    assert on_hand(lab.bolt, lab.warehouse, "scrap") == D(2)
    detail = client.get(f"/api/v1{base}").json()
    assert [d["kind"] for d in detail["dispositions"]] == ["release", "scrap"]
    assert detail["held_quantity"] == "0.0000"


def test_holds_lists_and_figures(api: tuple[Client, Lab]) -> None:
    client, lab = api
    first = receive_for_inspection(lab, "4")
    second = receive_for_inspection(lab, "6")
    held = post(client, f"/quality/inspections/{second.pk}/hold", {"note": "lab test"})
    assert (held.json()["on_hold"], held.json()["hold_note"]) == (True, "lab test")
    error(
        post(
            client,
            f"/quality/inspections/{second.pk}/complete",
            {"accepted_quantity": "6", "results": []},
        ),
        409,
        "on_hold",
    )
    assert post(client, f"/quality/inspections/{second.pk}/lift-hold").json()["on_hold"] is False
    results = [
        {"check_id": lab.visual, "passed": True},
        {"check_id": lab.diameter, "value": "10"},
    ]
    post(
        client,
        f"/quality/inspections/{first.pk}/complete",
        {
            "results": results,
            "accepted_quantity": "3",
            "rejected_quantity": "1",
            "defect_reason_id": lab.damaged.pk,
        },
    )
    listed = client.get("/api/v1/quality/inspections").json()
    assert [i["number"] for i in listed["items"]] == ["QI-000002", "QI-000001"]  # pending first
    assert listed["count"] == 2
    passed = client.get("/api/v1/quality/inspections?state=partial&limit=1").json()
    assert [i["number"] for i in passed["items"]] == ["QI-000001"]
    by_supplier = client.get(f"/api/v1/quality/inspections?supplier_id={lab.supplier.pk}")
    assert by_supplier.json()["count"] == 2
    assert client.get("/api/v1/quality/inspections?stage=production").json()["count"] == 0
    sorted_rows = client.get("/api/v1/quality/inspections?sort=number").json()["items"]
    assert [i["number"] for i in sorted_rows] == ["QI-000001", "QI-000002"]

    rates = client.get("/api/v1/quality/defect-rates?by=product").json()
    assert [
        (r["label"], r["inspected"], r["rejected"], r["rate_percent"]) for r in rates["rows"]
    ] == [("Bolt M10", "4.0000", "1.0000", "25.00")]
    assert rates["rows"][0]["top_reasons"] == [
        {"code": "DAMAGED", "name": "Damaged in transit", "quantity": "1.0000"}
    ]
    error(client.get("/api/v1/quality/defect-rates?by=colour"), 422, "invalid_group", "by")
    error(
        client.get("/api/v1/quality/defect-rates?start=2026-02-01&end=2026-01-01"),
        422,
        "invalid_period",
        "start",
    )
    acceptance = client.get(f"/api/v1/quality/suppliers/{lab.supplier.pk}/acceptance").json()
    assert (acceptance["inspected"], acceptance["accepted"], acceptance["acceptance_percent"]) == (
        "4.0000",
        "3.0000",
        "75.00",
    )


def test_permissions_and_tenants(
    api: tuple[Client, Lab], tenant_a: Tenant, client_b: Client
) -> None:
    _, lab = api
    inspection = receive_for_inspection(lab, "2")
    reader = make_member(tenant_a, "rep@example.com", role="sales_rep")  # scm: read
    outsider = make_member(tenant_a, "mkt@example.com", role="marketer")  # no scm
    as_reader = Client()
    as_reader.force_login(reader.user)
    assert as_reader.get("/api/v1/quality/inspections").status_code == 200
    refused = post(as_reader, f"/quality/inspections/{inspection.pk}/hold", {})
    assert refused.status_code == 403
    as_outsider = Client()
    as_outsider.force_login(outsider.user)
    assert as_outsider.get("/api/v1/quality/inspections").status_code == 403
    error(client_b.get(f"/api/v1/quality/inspections/{inspection.pk}"), 404, "inspection_not_found")
    with tenant_context(lab.tenant):
        assert client_b.get("/api/v1/quality/inspections").json()["count"] == 0
