"""Receiving pages: the receiving screen counts scans live (htmx), refuses unknown codes and
items not on the order next to the field, receives; ship notices, receipts, settings."""

from __future__ import annotations

import pytest
from django.test import Client
from tests.conftest import make_member
from tests.scm.receiving.conftest import D, inspect_on_receipt, make_po, on_hand

from valuechain.platform.tenancy.context import tenant_context
from valuechain.scm.purchasing.models import PurchaseOrderLine
from valuechain.scm.receiving import asn as asn_services
from valuechain.scm.receiving import services
from valuechain.scm.receiving.demo import seed_receiving
from valuechain.scm.receiving.models import AdvanceShipNotice, Receipt, ReceiptLine

HTMX = {"HTTP_HX_REQUEST": "true"}
SSCC = "003456789012345670"


@pytest.fixture
def po(receiving):
    order = make_po(
        receiving.nord,
        receiving.warehouse,
        [(receiving.bolt, 10, "2.00"), (receiving.nut, 5, "0.50")],
        number="PO-000042",
    )
    return order, list(PurchaseOrderLine.objects.filter(order=order).order_by("position"))


def test_pages_render(client_a, receiving, po):
    order, (bolt_line, _nut) = po
    notice = asn_services.create_asn(
        purchase_order_id=order.pk,
        number="ASN-1",
        expected_on="2026-03-09",
        lines=[{"po_line_id": bolt_line.pk, "quantity": 2}],
    )
    receipt = services.receive(order.pk, [{"po_line_id": bolt_line.pk, "quantity": 1}])
    for url in (
        "/scm/receiving/",
        "/scm/receiving/?due_by=2026-03-31",
        "/scm/receiving/?due_by=nonsense",
        "/scm/receiving/receipts/",
        "/scm/receiving/receipts/?q=REC&sort=number",
        f"/scm/receiving/receipts/{receipt.pk}/",
        "/scm/receiving/asns/",
        "/scm/receiving/asns/?state=expected&q=ASN",
        "/scm/receiving/asns/new/",
        f"/scm/receiving/asns/{notice.pk}/",
        "/scm/receiving/settings/",
        f"/scm/receiving/orders/{order.pk}/",
    ):
        assert client_a.get(url).status_code == 200, url
    assert client_a.get("/scm/receiving/receipts/999999/").status_code == 404
    assert client_a.get("/scm/receiving/orders/999999/").status_code == 404
    body = client_a.get("/scm/receiving/").content.decode()
    assert "ASN-1" in body and "PO-000042" in body


def test_order_lookup_opens_the_receiving_screen(client_a, po):
    order, _lines = po
    response = client_a.get("/scm/receiving/?number=po-000042")
    assert response.status_code == 302
    assert response["Location"] == f"/scm/receiving/orders/{order.pk}/"
    response = client_a.get("/scm/receiving/?number=PO-9")
    assert response.context["form"].errors["number"] == ["No purchase order PO-9."]


def test_scan_count_and_receive(client_a, receiving, po):
    order, (bolt_line, nut_line) = po
    scan = f"/scm/receiving/orders/{order.pk}/scan/"
    response = client_a.post(scan, {"code": "(01)04006381333931(10)LOT4(17)270131(37)6"}, **HTMX)
    body = response.content.decode()
    assert response.templates[0].name == "receiving/_receive_live.html"
    assert 'data-pending="1">counted now 6<' in body
    assert "lot LOT4 exp. 2027-01-31: 6" in body
    response = client_a.post(scan, {"code": "4006381333931", "lot_number": "LOT4"}, **HTMX)
    assert 'data-pending="1">counted now 7<' in response.content.decode()
    response = client_a.post(scan, {"code": "NUT", "quantity": "5"}, **HTMX)
    assert 'data-pending="2">counted now 5<' in response.content.decode()
    response = client_a.post(scan, {"code": "NOPE"}, **HTMX)
    assert response.context["form"].errors["code"] == [
        "NOPE is no known item (GTIN or SKU) or package."
    ]
    assert 'id="id_code_error"' in response.content.decode()
    response = client_a.post(scan, {"code": "NUT"}, **HTMX)
    assert response.context["form"].errors["code"] == [
        "NUT: 6 would be received of 5 ordered; at most 5 can be."
    ]
    response = client_a.post(scan, {"code": "BOLT", "quantity": "0"}, **HTMX)
    assert response.context["form"].errors["quantity"] == [
        "The quantity must be a number greater than 0 with at most 4 decimals."
    ]
    response = client_a.post(f"/scm/receiving/orders/{order.pk}/submit/")
    receipt = Receipt.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/scm/receiving/receipts/{receipt.pk}/"
    rows = list(ReceiptLine.objects.filter(receipt=receipt).order_by("pk"))
    # The typed lot has no expiry: a line of its own (the lot's expiry is already known).
    assert [(r.po_line_id, r.quantity, r.lot_number, str(r.expires_on)) for r in rows] == [
        (bolt_line.pk, D(6), "LOT4", "2027-01-31"),
        (bolt_line.pk, D(1), "LOT4", "None"),
        (nut_line.pk, D(5), "", "None"),
    ]
    assert on_hand(receiving.bolt, "stock") == D(7)
    detail = client_a.get(response["Location"]).content.decode()
    assert "WH1/STOCK" in detail and "Receipt booked" not in detail
    # The counts are gone after receiving.
    screen = client_a.get(f"/scm/receiving/orders/{order.pk}/").content.decode()
    assert 'data-pending="1">counted now 0<' in screen


def test_item_not_on_the_order_and_clear(client_a, receiving):
    order = make_po(receiving.nord, receiving.warehouse, [(receiving.nut, 5, 1)])
    scan = f"/scm/receiving/orders/{order.pk}/scan/"
    response = client_a.post(scan, {"code": "BOLT"}, **HTMX)
    assert response.context["form"].errors["code"] == [
        f"BOLT (Bolt) is not on purchase order {order.number}."
    ]
    client_a.post(scan, {"code": "NUT"}, **HTMX)
    client_a.post(f"/scm/receiving/orders/{order.pk}/clear/")
    response = client_a.post(f"/scm/receiving/orders/{order.pk}/submit/")
    assert response.status_code == 200
    assert "Receive at least one line." in response.content.decode()
    assert Receipt.objects.count() == 0


def test_inspected_item_is_shown_in_quality(client_a, receiving, po):
    order, _lines = po
    inspect_on_receipt(receiving.bolt)
    client_a.post(f"/scm/receiving/orders/{order.pk}/scan/", {"code": "BOLT"}, **HTMX)
    response = client_a.post(f"/scm/receiving/orders/{order.pk}/submit/", follow=True)
    body = response.content.decode()
    assert "WH1/QUALITY" in body and "in quality, not available" in body
    assert "QI-" in body
    assert on_hand(receiving.bolt, "quality") == D(1)


def test_ship_notice_by_form_prefills_the_screen_and_its_sscc_scans(client_a, receiving, po):
    order, _lines = po
    response = client_a.post(
        "/scm/receiving/asns/new/",
        {"purchase_order": "PO-9", "number": "A", "expected_on": "2026-03-09", "lines": "1 2"},
    )
    assert response.context["form"].errors["purchase_order"] == ["No purchase order PO-9."]
    response = client_a.post(
        "/scm/receiving/asns/new/",
        {"purchase_order": "PO-000042", "number": "A", "expected_on": "2026-03-09", "lines": "7 2"},
    )
    assert response.context["form"].errors["lines"] == ["Line 1: the order has no line 7."]
    response = client_a.post(
        "/scm/receiving/asns/new/",
        {
            "purchase_order": "PO-000042",
            "number": "DESADV-9",
            "expected_on": "2026-03-09",
            "lines": f"1 4 LOT1 2027-05-01 {SSCC}\n2 5",
        },
    )
    notice = AdvanceShipNotice.objects.get()
    assert response["Location"] == f"/scm/receiving/asns/{notice.pk}/"
    assert [
        (r.quantity, r.lot_number, str(r.expires_on), r.sscc) for r in notice.lines.order_by("pk")
    ] == [
        (D(4), "LOT1", "2027-05-01", SSCC),
        (D(5), "", "None", ""),
    ]
    again = client_a.post(
        "/scm/receiving/asns/new/",
        {
            "purchase_order": "PO-000042",
            "number": "DESADV-9",
            "expected_on": "2026-03-09",
            "lines": "1 1",
        },
    )
    assert again.context["form"].errors["number"] == [
        "The supplier's ship notice DESADV-9 is recorded already."
    ]
    screen = client_a.get(f"/scm/receiving/orders/{order.pk}/?asn={notice.pk}")
    body = screen.content.decode()
    assert 'data-pending="1">counted now 4<' in body and 'data-pending="2">counted now 5<' in body
    assert "DESADV-9" in body
    # Start over and scan the package instead: only its line is counted.
    client_a.post(f"/scm/receiving/orders/{order.pk}/clear/")
    response = client_a.post(
        f"/scm/receiving/orders/{order.pk}/scan/", {"code": f"(00){SSCC}"}, **HTMX
    )
    body = response.content.decode()
    assert 'data-pending="1">counted now 4<' in body and 'data-pending="2">counted now 0<' in body
    client_a.post(f"/scm/receiving/orders/{order.pk}/submit/")
    notice.refresh_from_db()
    assert notice.state == "received"
    assert Receipt.objects.get().asn_id == notice.pk
    cancelled = client_a.post(f"/scm/receiving/asns/{notice.pk}/cancel/", follow=True)
    assert "DESADV-9 is received already." in cancelled.content.decode()


def test_settings_page(client_a, receiving):
    response = client_a.post(
        "/scm/receiving/settings/save/", {"over_receipt_tolerance_percent": "1001"}
    )
    assert (
        response.context["form"].errors["over_receipt_tolerance_percent"]
        == ["The over receipt tolerance percent must be from 0 to 1000 with at most 2 decimals."]
        or response.context["form"].errors["over_receipt_tolerance_percent"]
    )
    response = client_a.post(
        "/scm/receiving/settings/save/", {"over_receipt_tolerance_percent": "5"}
    )
    assert response.status_code == 302
    with tenant_context(receiving.tenant):
        assert services.tolerance_percent() == D("5.00")


def test_sales_reps_cannot_scan(receiving, po, tenant_a):
    order, _lines = po
    rep = Client()
    rep.force_login(make_member(tenant_a, "rep@alpha.test", "sales_rep").user)
    assert rep.post(f"/scm/receiving/orders/{order.pk}/scan/", {"code": "BOLT"}).status_code == 403


def test_demo_receives_half_of_sent_orders(receiving, po):
    import random

    assert seed_receiving(random.Random(1)) == "1 receipts"
    assert [r.quantity for r in ReceiptLine.objects.order_by("pk")] == [D(5), D(2)]
