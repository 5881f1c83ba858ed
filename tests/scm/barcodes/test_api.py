"""The API for handheld apps and readers: POST /scans, /rfid/antennas, /rfid/reads."""

from __future__ import annotations

from decimal import Decimal

from django.test import Client
from tests.conftest import make_member
from tests.scm.barcodes.conftest import error, location, on_hand, post
from tests.scm.barcodes.test_rfid import tag
from tests.scm.barcodes.test_scan import RECEIVE_20

from valuechain.scm.inventory import services as inventory
from valuechain.scm.inventory.models import Lot


def test_scan_receive_then_move_with_the_returned_state(client_a, variant, warehouse):
    response = post(
        client_a, "/scans", {"mode": "receive", "code": RECEIVE_20, "warehouse_id": warehouse.pk}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["message"].startswith("Received 20 x Date syrup 500 ml")
    assert body["elements"] == {"01": "06291041500213", "17": "270600", "10": "L-77", "37": "20"}
    assert body["state"] == {"warehouse_id": warehouse.pk}
    state = body["state"]
    for code in ("WH1/STOCK", "(01)06291041500213(10)L-77(37)4", "WH1/STOCK/A-01"):
        response = post(client_a, "/scans", {"mode": "move", "code": code, "state": state})
        assert response.status_code == 200, response.content
        state = response.json()["state"]
    assert response.json()["message"] == "Moved 4 item(s) from WH1/STOCK to WH1/STOCK/A-01."
    assert on_hand(variant, "WH1/STOCK/A-01", "L-77") == Decimal(4)


def test_scan_errors(client_a, variant, warehouse):
    error(
        post(client_a, "/scans", {"mode": "receive", "code": RECEIVE_20}), 422, "warehouse_required"
    )
    state = {"warehouse_id": warehouse.pk}
    error(
        post(client_a, "/scans", {"mode": "receive", "code": "(01)06291041500214", "state": state}),
        422,
        "invalid_check_digit",
    )
    error(
        post(client_a, "/scans", {"mode": "receive", "code": "zzz", "state": state}),
        404,
        "unknown_code",
    )
    error(
        post(client_a, "/scans", {"mode": "teleport", "code": "zzz", "state": state}),
        422,
        "unknown_mode",
    )
    error(
        post(
            client_a, "/scans", {"mode": "receive", "code": "DS-500", "quantity": 0, "state": state}
        ),
        422,
        "validation_error",
    )


def test_sales_reps_may_not_scan(tenant_a, variant, warehouse):
    rep = make_member(tenant_a, "rep@alpha.test", "sales_rep")
    client = Client()
    client.force_login(rep.user)
    response = post(
        client, "/scans", {"mode": "receive", "code": RECEIVE_20, "warehouse_id": warehouse.pk}
    )
    error(response, 403, "permission_denied")


def test_antennas_and_reads(client_a, variant, warehouse):
    Lot.objects.create(variant=variant, number="7", is_serial=True)
    inventory.receive(variant=variant, warehouse=warehouse, quantity=Decimal(1), lot_number="7")
    target = location("WH1/STOCK/B-02")
    response = post(
        client_a,
        "/rfid/antennas",
        {"reader": "door", "antenna": 2, "location_id": target.pk, "name": "Door"},
    )
    assert response.status_code == 201, response.content
    mapping = response.json()
    assert mapping["location_code"] == "WH1/STOCK/B-02"
    listed = client_a.get("/api/v1/rfid/antennas").json()
    assert listed["count"] == 1
    reads = {
        "reads": [
            {"reader": "door", "antenna": 2, "epc": tag(7), "read_at": "2026-12-02T08:00:00Z"},
            {"reader": "door", "antenna": 2, "epc": "DEADBEEF", "read_at": "2026-12-02T08:00:01Z"},
        ]
    }
    response = post(client_a, "/rfid/reads", reads)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["moved"], body["unchanged"], body["unknown"]) == (1, 0, 1)
    assert body["moves"][0]["to_location"] == "WH1/STOCK/B-02"
    assert on_hand(variant, "WH1/STOCK/B-02", "7") == Decimal(1)
    again = post(client_a, "/rfid/reads", reads).json()
    assert (again["duplicates"], again["moved"]) == (2, 0)
    listed = client_a.get("/api/v1/rfid/reads?outcome=moved").json()
    assert [row["serial"] for row in listed["items"]] == ["7"]
    assert client_a.delete(f"/api/v1/rfid/antennas/{mapping['id']}").status_code == 204
    error(client_a.delete(f"/api/v1/rfid/antennas/{mapping['id']}"), 404, "not_found")


def test_reads_validation(client_a, warehouse):
    bad = {
        "reads": [{"reader": "door", "antenna": 1, "epc": tag(1), "read_at": "2026-12-02T08:00:00"}]
    }
    error(post(client_a, "/rfid/reads", bad), 422, "invalid_read_at")
    too_many = {
        "reads": [{"reader": "d", "antenna": 1, "epc": tag(1), "read_at": "2026-12-02T08:00:00Z"}]
        * 5001
    }
    error(post(client_a, "/rfid/reads", too_many), 422, "validation_error")


def test_reads_are_tenant_scoped(client_a, client_b, variant, warehouse):
    target = location("WH1/STOCK/B-02")
    post(client_a, "/rfid/antennas", {"reader": "door", "antenna": 1, "location_id": target.pk})
    assert client_b.get("/api/v1/rfid/antennas").json()["count"] == 0
    error(
        post(
            client_b, "/rfid/antennas", {"reader": "door", "antenna": 1, "location_id": target.pk}
        ),
        404,
        "not_found",
    )
