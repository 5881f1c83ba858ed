"""Receiving API: receipts against an order, the scan resolver, ship notices, expected
receipts, the tolerance; exact shapes, status codes and the error shape."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from tests.conftest import make_member
from tests.scm.receiving.conftest import D, make_po, on_hand

from valuechain.platform.tenancy.context import tenant_context
from valuechain.scm.purchasing.models import PurchaseOrderLine
from valuechain.scm.receiving.models import AdvanceShipNotice

SSCC = "003456789012345670"


def post(client: Client, path: str, data: object, **headers: Any) -> Any:
    return client.post(
        f"/api/v1{path}",
        data=json.dumps(data, default=str),
        content_type="application/json",
        headers=headers,
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
def order(receiving):
    po = make_po(
        receiving.nord,
        receiving.warehouse,
        [(receiving.bolt, 10, "2.00"), (receiving.nut, 5, "0.50")],
        fx_rate="1.25",
    )
    lines = list(PurchaseOrderLine.objects.filter(order=po).order_by("position"))
    return po, lines


def test_receive_and_read_back(client_a, receiving, order):
    po, (bolt_line, nut_line) = order
    response = post(
        client_a,
        f"/purchase-orders/{po.pk}/receipts",
        {
            "lines": [
                {"po_line_id": bolt_line.pk, "quantity": "4", "lot_number": "L9"},
                {"po_line_id": nut_line.pk, "quantity": 5},
            ],
            "note": "dock 2",
        },
        **{"Idempotency-Key": "rec-1"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["number"], body["purchase_order"], body["note"]) == (
        "REC-000001",
        po.number,
        "dock 2",
    )
    first = body["lines"][0]
    assert {k: first[k] for k in ("sku", "quantity", "lot_number", "location", "unit_cost")} == {
        "sku": "BOLT",
        "quantity": "4.0000",
        "lot_number": "L9",
        "location": "WH1/STOCK",
        "unit_cost": "2.500000",
    }
    assert (first["accepted_quantity"], first["inspection_id"]) == ("4.0000", None)
    # The same key replays the first answer: nothing is booked twice.
    again = post(
        client_a,
        f"/purchase-orders/{po.pk}/receipts",
        {
            "lines": [
                {"po_line_id": bolt_line.pk, "quantity": "4", "lot_number": "L9"},
                {"po_line_id": nut_line.pk, "quantity": 5},
            ],
            "note": "dock 2",
        },
        **{"Idempotency-Key": "rec-1"},
    )
    assert again.status_code == 201 and again.json()["number"] == "REC-000001"
    with tenant_context(receiving.tenant):
        assert on_hand(receiving.bolt, "stock") == D(4)
    listing = client_a.get(f"/api/v1/receipts?purchase_order_id={po.pk}").json()
    assert listing["count"] == 1 and listing["items"][0]["number"] == "REC-000001"
    assert client_a.get(f"/api/v1/receipts/{body['id']}").json()["lead_time_days"] >= 0
    error(client_a.get("/api/v1/receipts?sort=secret"), 422, "invalid_sort", "sort")
    error(client_a.get("/api/v1/receipts/999999"), 404, "receipt_not_found")


def test_receipt_errors(client_a, receiving, order):
    po, (bolt_line, _nut) = order
    path = f"/purchase-orders/{po.pk}/receipts"
    body = error(
        post(client_a, path, {"lines": [{"po_line_id": bolt_line.pk, "quantity": 11}]}),
        409,
        "over_receipt",
        "lines[0].quantity",
    )
    assert body["details"]["allowed"] == "10"
    error(post(client_a, path, {"lines": []}), 422, "no_lines", "lines")
    error(
        post(client_a, path, {"lines": [{"po_line_id": 999999, "quantity": 1}]}),
        422,
        "unknown_line",
        "lines[0].po_line_id",
    )
    error(
        post(client_a, path, {"lines": [{"po_line_id": bolt_line.pk, "quantity": "x"}]}),
        422,
        "invalid_quantity",
        "lines[0].quantity",
    )
    error(
        post(client_a, "/purchase-orders/999999/receipts", {"lines": []}),
        422,
        "no_lines",
    )
    error(
        post(
            client_a,
            "/purchase-orders/999999/receipts",
            {"lines": [{"po_line_id": bolt_line.pk, "quantity": 1}]},
        ),
        404,
        "purchase_order_not_found",
    )


def test_tolerance_setting(client_a, receiving, order):
    po, (bolt_line, _nut) = order
    assert client_a.get("/api/v1/receiving/settings").json() == {
        "over_receipt_tolerance_percent": "0.00"
    }
    response = client_a.put(
        "/api/v1/receiving/settings",
        data=json.dumps({"over_receipt_tolerance_percent": "10"}),
        content_type="application/json",
    )
    assert response.json() == {"over_receipt_tolerance_percent": "10.00"}
    response = post(
        client_a,
        f"/purchase-orders/{po.pk}/receipts",
        {"lines": [{"po_line_id": bolt_line.pk, "quantity": 11}]},
    )
    assert response.status_code == 201


def test_scan_resolver(client_a, receiving, order):
    po, (bolt_line, nut_line) = order
    path = f"/purchase-orders/{po.pk}/receipts/scan"
    response = post(client_a, path, {"code": "(01)04006381333931(10)LOT4(17)270131(37)6"})
    assert response.status_code == 200, response.content
    assert response.json() == {
        "lines": [
            {
                "po_line_id": bolt_line.pk,
                "quantity": "6",
                "lot_number": "LOT4",
                "expires_on": "2027-01-31",
            }
        ],
        "message": "6 x BOLT, lot LOT4",
        "asn_id": None,
        "sscc": "",
    }
    typed = post(client_a, path, {"code": "nut", "quantity": "2"})
    assert typed.status_code == 404  # SKUs are exact
    typed = post(client_a, path, {"code": "NUT", "quantity": "2"})
    assert typed.json()["lines"][0]["po_line_id"] == nut_line.pk
    error(post(client_a, path, {"code": "NOPE"}), 404, "unknown_code", "code")
    error(
        post(
            client_a,
            path,
            {
                "code": "BOLT",
                "quantity": 5,
                "pending": [{"po_line_id": bolt_line.pk, "quantity": 6}],
            },
        ),
        409,
        "over_receipt",
        "code",
    )
    error(post(client_a, path, {"code": SSCC}), 404, "unknown_sscc", "code")
    error(post(client_a, path, {"code": ""}), 422, "empty_code", "code")


def test_not_on_order(client_a, receiving):
    po = make_po(receiving.nord, receiving.warehouse, [(receiving.nut, 5, 1)])
    body = error(
        post(client_a, f"/purchase-orders/{po.pk}/receipts/scan", {"code": "4006381333931"}),
        422,
        "not_on_order",
        "code",
    )
    assert body["message"] == f"BOLT (Bolt) is not on purchase order {po.number}."


def test_asn_lifecycle_and_expected_receipts(client_a, receiving, order):
    po, (bolt_line, nut_line) = order
    payload = {
        "purchase_order_id": po.pk,
        "number": "ASN-77",
        "expected_on": "2026-03-09",
        "lines": [
            {"po_line_id": bolt_line.pk, "quantity": 6, "lot_number": "A1", "sscc": "00" + SSCC},
            {"po_line_id": nut_line.pk, "quantity": 5},
        ],
    }
    response = post(client_a, "/asns", payload)
    assert response.status_code == 201, response.content
    notice = response.json()
    assert (notice["state"], notice["lines"][0]["sscc"], notice["lines"][0]["quantity"]) == (
        "expected",
        SSCC,
        "6.0000",
    )
    error(post(client_a, "/asns", payload), 409, "duplicate_asn", "number")
    bad = dict(
        payload, number="ASN-78", lines=[{"po_line_id": bolt_line.pk, "quantity": 1, "sscc": "1"}]
    )
    error(post(client_a, "/asns", bad), 422, "invalid_sscc", "lines[0].sscc")
    expected = client_a.get("/api/v1/expected-receipts?due_by=2026-03-31").json()
    assert [a["number"] for a in expected["asns"]] == ["ASN-77"]
    assert [(line["sku"], line["open_quantity"]) for line in expected["lines"]] == []  # undated
    everything = client_a.get("/api/v1/expected-receipts").json()
    assert [(line["sku"], line["open_quantity"]) for line in everything["lines"]] == [
        ("BOLT", "10.0000"),
        ("NUT", "5.0000"),
    ]
    scan = post(client_a, f"/purchase-orders/{po.pk}/receipts/scan", {"code": "(00)" + SSCC})
    assert scan.json()["asn_id"] == notice["id"]
    assert scan.json()["lines"] == [
        {"po_line_id": bolt_line.pk, "quantity": "6.0000", "lot_number": "A1", "expires_on": ""}
    ]
    received = post(client_a, f"/asns/{notice['id']}/receive", {"sscc": SSCC})
    assert received.status_code == 201, received.content
    assert [line["quantity"] for line in received.json()["lines"]] == ["6.0000"]
    assert client_a.get(f"/api/v1/asns/{notice['id']}").json()["state"] == "received"
    error(post(client_a, f"/asns/{notice['id']}/cancel", {}), 409, "asn_not_expected", "asn_id")
    error(post(client_a, f"/asns/{notice['id']}/receive", {}), 409, "asn_not_expected", "asn_id")
    with tenant_context(receiving.tenant):
        assert AdvanceShipNotice.objects.get().state == "received"
        assert on_hand(receiving.bolt, "stock") == D(6)
    assert client_a.get("/api/v1/asns?state=received").json()["count"] == 1


def test_cancel_asn(client_a, receiving, order):
    po, (bolt_line, _nut) = order
    notice = post(
        client_a,
        "/asns",
        {
            "purchase_order_id": po.pk,
            "number": "X1",
            "expected_on": dt.date(2026, 3, 9),
            "lines": [{"po_line_id": bolt_line.pk, "quantity": 1}],
        },
    ).json()
    assert post(client_a, f"/asns/{notice['id']}/cancel", {}).json()["state"] == "cancelled"


def test_warehouse_staff_may_receive_and_sales_reps_may_not(client_a, receiving, order, tenant_a):
    po, (bolt_line, _nut) = order
    rep = Client()
    rep.force_login(make_member(tenant_a, "rep@alpha.test", "sales_rep").user)
    response = post(
        rep,
        f"/purchase-orders/{po.pk}/receipts",
        {"lines": [{"po_line_id": bolt_line.pk, "quantity": 1}]},
    )
    assert response.status_code == 403
    keeper = Client()
    keeper.force_login(make_member(tenant_a, "wh@alpha.test", "warehouse").user)
    response = post(
        keeper,
        f"/purchase-orders/{po.pk}/receipts",
        {"lines": [{"po_line_id": bolt_line.pk, "quantity": 1}]},
    )
    assert response.status_code == 201, response.content
