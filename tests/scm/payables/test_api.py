"""The payables API: bills (create, from an order, post, approve, refuse, cancel, the match
table), payments with overpayment refusal, aging, returns to vendor, credit notes and the
tolerances; list paging, sorting and filtering; read-only roles; the error shape."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from valuechain.scm.inventory import services as inventory

from ..payables.conftest import D
from .conftest import Buying


def post(client: Client, path: str, data: object = None) -> Any:
    return client.post(
        f"/api/v1{path}",
        data=json.dumps(data or {}, default=str),
        content_type="application/json",
    )


def error(response: Any, status: int, code: str, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code, body
    if field is not None:
        assert body["details"]["field"] == field
    return body


@pytest.fixture
def setup(client_a, buying: Buying):
    order = buying.order(
        {
            "variant": buying.bolt,
            "quantity": 10,
            "unit_price": "4.00",
            "accepted": 8,
            "rejected": 2,
        },
        {"variant": buying.nut, "quantity": 20, "unit_price": "0.10", "accepted": 20},
    )
    inventory.receive(
        variant=buying.bolt,
        warehouse=buying.warehouse,
        quantity=D(2),
        location=inventory.location_of(buying.warehouse, "quality"),
    )
    return client_a, buying, order


def test_bill_flow(setup):
    client, buying, order = setup
    bolt, nut = buying.lines(order)
    proposal = client.get(f"/api/v1/purchase-orders/{order.pk}/bill-proposal").json()
    assert [(p["po_line_id"], p["quantity"], p["unit_price"]) for p in proposal] == [
        (bolt.pk, "8.0000", "4.000000"),
        (nut.pk, "20.0000", "0.100000"),
    ]
    response = post(
        client,
        "/bills",
        {
            "purchase_order_id": order.pk,
            "supplier_invoice_number": "NW-1",
            "bill_date": "2026-03-20",
            "tax_amount": "6.46",
            "lines": [
                {"po_line_id": bolt.pk, "quantity": "9", "unit_price": "4.00"},
                {"po_line_id": nut.pk, "quantity": "20", "unit_price": "0.11"},
            ],
        },
    )
    assert response.status_code == 201, response.content
    bill = response.json()
    assert (bill["state"], bill["net_total"], bill["total"], bill["due_date"]) == (
        "draft",
        "38.20",
        "44.66",
        "2026-04-19",
    )
    assert bill["supplier_code"] == "NORD"
    assert [m["status"] for m in bill["match"]] == ["qty_over", "price_over"]
    assert (bill["match"][0]["quantity_difference"], bill["match"][1]["price_difference"]) == (
        "1.0000",
        "0.010000",
    )
    posted = post(client, f"/bills/{bill['id']}/post").json()
    assert posted["state"] == "to_approve"
    assert [ln["match_status"] for ln in posted["lines"]] == ["qty_over", "price_over"]
    # Once counted, "before" leaves the bill's own quantities out.
    assert posted["match"][0]["previously_billed"] == "0.0000"
    error(post(client, f"/bills/{bill['id']}/post"), 409, "invalid_state")
    approved = post(client, f"/bills/{bill['id']}/approve").json()
    assert approved["state"] == "approved" and approved["approved_by_id"] is not None

    duplicate = post(
        client,
        "/bills",
        {
            "purchase_order_id": order.pk,
            "supplier_invoice_number": "nw-1",
            "bill_date": "2026-03-21",
            "lines": [{"po_line_id": nut.pk, "quantity": "1"}],
        },
    )
    error(duplicate, 409, "duplicate_supplier_invoice", "supplier_invoice_number")
    error(
        post(
            client,
            "/bills/from-order",
            {
                "purchase_order_id": order.pk,
                "supplier_invoice_number": "NW-2",
                "bill_date": "2026-03-21",
            },
        ),
        409,
        "nothing_to_bill",
    )

    pay = post(
        client,
        "/supplier-payments",
        {"bill_id": bill["id"], "amount": "40", "paid_on": "2026-03-30"},
    )
    assert pay.status_code == 201 and pay.json()["amount"] == "40.00"
    body = error(
        post(
            client,
            "/supplier-payments",
            {"bill_id": bill["id"], "amount": "4.67", "paid_on": "2026-03-30"},
        ),
        409,
        "overpayment",
        "amount",
    )
    assert body["details"]["open_amount"] == "4.66"
    assert client.get(f"/api/v1/bills/{bill['id']}").json()["state"] == "partially_paid"
    post(
        client,
        "/supplier-payments",
        {"bill_id": bill["id"], "amount": "4.66", "paid_on": "2026-03-31"},
    )
    assert client.get(f"/api/v1/bills/{bill['id']}").json()["state"] == "paid"
    listed = client.get(f"/api/v1/supplier-payments?bill_id={bill['id']}&sort=amount").json()
    assert [p["amount"] for p in listed["items"]] == ["4.66", "40.00"]


def test_refuse_and_cancel(setup):
    client, buying, order = setup
    bolt, _ = buying.lines(order)
    bill = post(
        client,
        "/bills",
        {
            "purchase_order_id": order.pk,
            "supplier_invoice_number": "R-1",
            "bill_date": "2026-03-20",
            "lines": [{"po_line_id": bolt.pk, "quantity": "10"}],
        },
    ).json()
    post(client, f"/bills/{bill['id']}/post")
    error(post(client, f"/bills/{bill['id']}/refuse", {"reason": ""}), 422, "reason_required")
    refused = post(client, f"/bills/{bill['id']}/refuse", {"reason": "2 were rejected"}).json()
    assert (refused["state"], refused["refusal_reason"]) == ("cancelled", "2 were rejected")
    error(post(client, f"/bills/{bill['id']}/cancel"), 409, "invalid_state")
    error(client.get("/api/v1/bills/999999"), 404, "bill_not_found")
    error(
        post(
            client,
            "/bills",
            {
                "purchase_order_id": order.pk,
                "supplier_invoice_number": "R-2",
                "bill_date": "2026-03-20",
                "currency": "USD",
                "lines": [{"po_line_id": bolt.pk, "quantity": 1}],
            },
        ),
        422,
        "currency_mismatch",
        "currency",
    )


def test_bill_list_filters_sorts_and_pages(setup):
    client, buying, _order = setup
    for number, day in (("A", "2026-03-01"), ("B", "2026-01-15"), ("C", "2026-02-10")):
        post(
            client,
            "/bills",
            {
                "supplier_id": buying.supplier.pk,
                "supplier_invoice_number": number,
                "bill_date": day,
                "lines": [{"description": "Service", "quantity": 1, "unit_price": "10"}],
            },
        )
    page = client.get("/api/v1/bills?limit=2").json()
    assert (page["count"], [b["supplier_invoice_number"] for b in page["items"]]) == (3, ["A", "C"])
    assert [
        b["supplier_invoice_number"]
        for b in client.get("/api/v1/bills?sort=due_date").json()["items"]
    ] == ["B", "C", "A"]
    assert client.get("/api/v1/bills?due_before=2026-03-15").json()["count"] == 1  # B: 03-01
    assert client.get("/api/v1/bills?state=draft&q=c").json()["count"] == 1
    assert client.get("/api/v1/bills?overdue=true").json()["count"] == 0  # drafts are not owed
    error(client.get("/api/v1/bills?sort=colour"), 422, "invalid_sort", "sort")


def test_aging_endpoint(setup):
    client, _buying, order = setup
    bill = post(
        client,
        "/bills/from-order",
        {
            "purchase_order_id": order.pk,
            "supplier_invoice_number": "G-1",
            "bill_date": "2026-01-01",
        },
    ).json()
    post(client, f"/bills/{bill['id']}/post")
    aging = client.get("/api/v1/bills/aging?on=2026-03-15").json()
    assert (aging["currency"], aging["total"], aging["buckets"]["31-60"]) == (
        "EUR",
        "34.00",
        "34.00",
    )
    (row,) = aging["items"]
    assert (row["bill"]["number"], row["days_overdue"], row["bucket"]) == (
        bill["number"],
        43,
        "31-60",
    )


def test_vendor_return_and_credit_note(setup):
    client, buying, order = setup
    bolt, _ = buying.lines(order)
    created = post(
        client,
        "/vendor-returns",
        {
            "purchase_order_id": order.pk,
            "reason": "failed inspection",
            "lines": [{"po_line_id": bolt.pk, "quantity": "2", "source": "quality"}],
        },
    )
    assert created.status_code == 201, created.content
    rtv = created.json()
    assert (rtv["state"], rtv["credit_note"]) == ("draft", None)
    shipped = post(client, f"/vendor-returns/{rtv['id']}/ship").json()
    assert shipped["state"] == "shipped"
    note = shipped["credit_note"]
    assert (note["expected_amount"], note["state"]) == ("8.00", "expected")
    error(post(client, f"/vendor-returns/{rtv['id']}/cancel"), 409, "invalid_state")
    received = post(
        client,
        f"/supplier-credit-notes/{note['id']}/receive",
        {"supplier_credit_number": "GS-1", "amount": "7.90", "received_on": "2026-04-01"},
    ).json()
    assert (received["state"], received["difference"]) == ("received", "-0.10")
    bill = post(
        client,
        "/bills/from-order",
        {
            "purchase_order_id": order.pk,
            "supplier_invoice_number": "G-1",
            "bill_date": "2026-03-20",
        },
    ).json()
    error(
        post(client, f"/supplier-credit-notes/{note['id']}/apply", {"bill_id": bill["id"]}),
        409,
        "bill_not_payable",
    )
    post(client, f"/bills/{bill['id']}/post")
    applied = post(
        client, f"/supplier-credit-notes/{note['id']}/apply", {"bill_id": bill["id"]}
    ).json()
    assert applied["applied_bill_id"] == bill["id"]
    after = client.get(f"/api/v1/bills/{bill['id']}").json()
    assert (after["credited_amount"], after["open_amount"], after["state"]) == (
        "7.90",
        "26.10",
        "partially_paid",
    )
    assert client.get("/api/v1/vendor-returns?state=credited").json()["count"] == 1
    assert client.get("/api/v1/supplier-credit-notes?state=received").json()["count"] == 1
    error(
        post(
            client,
            "/vendor-returns",
            {
                "purchase_order_id": order.pk,
                "reason": "x",
                "lines": [{"po_line_id": bolt.pk, "quantity": "1", "source": "shelf"}],
            },
        ),
        422,
        "invalid_lines[0].source",
        "lines[0].source",
    )


def test_settings(setup):
    client, _, _ = setup
    assert client.get("/api/v1/payables/settings").json() == {
        "price_tolerance_percent": "2.00",
        "price_tolerance_amount": None,
        "quantity_tolerance_percent": "0.00",
        "approver_role": "admin",
    }
    changed = client.patch(
        "/api/v1/payables/settings",
        data=json.dumps({"quantity_tolerance_percent": "5", "price_tolerance_amount": "0.05"}),
        content_type="application/json",
    ).json()
    assert (changed["quantity_tolerance_percent"], changed["price_tolerance_amount"]) == (
        "5.00",
        "0.050000",
    )
    error(
        client.patch(
            "/api/v1/payables/settings",
            data=json.dumps({"approver_role": "boss"}),
            content_type="application/json",
        ),
        422,
        "invalid_approver_role",
        "approver_role",
    )


def test_read_only_roles_cannot_write(tenant_a, buying):
    from tests.conftest import make_member

    member = make_member(tenant_a, "crm@alpha.test", "marketer")
    client = Client()
    client.force_login(member.user)
    assert client.get("/api/v1/bills").status_code == 403
    error(
        post(client, "/supplier-payments", {"bill_id": 1, "amount": "1", "paid_on": "2026-01-01"}),
        403,
        "permission_denied",
    )
