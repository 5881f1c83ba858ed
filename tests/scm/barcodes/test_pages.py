"""The scan page (htmx, session state, camera policy) and the RFID page."""

from __future__ import annotations

from decimal import Decimal

from tests.scm.barcodes.conftest import location, on_hand
from tests.scm.barcodes.test_scan import RECEIVE_20


def htmx_post(client, path, data):
    return client.post(path, data, HTTP_HX_REQUEST="true")


def test_scan_page_is_mobile_friendly_and_may_use_the_camera(client_a, warehouse):
    response = client_a.get("/scm/scan/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="code"' in html and "autofocus" in html
    assert 'hx-post="/scm/scan/submit/"' in html
    assert "barcodes/scan.js" in html
    for label in ("Receive", "Move"):
        assert f">{label}</a>" in html
    assert "camera=(self)" in response["Permissions-Policy"]
    assert "camera=()" in client_a.get("/scm/rfid/")["Permissions-Policy"]


def test_receive_by_scanning_keeps_mode_and_warehouse_in_the_session(client_a, variant, warehouse):
    response = htmx_post(
        client_a, "/scm/scan/submit/", {"code": RECEIVE_20, "warehouse_id": warehouse.pk}
    )
    assert response.status_code == 200
    assert response["X-Scan-Status"] == "200"
    html = response.content.decode()
    assert "Received 20 x Date syrup 500 ml (DS-500) lot L-77" in html
    assert "flash-success" in html
    assert on_hand(variant, "WH1/STOCK", "L-77") == Decimal(20)
    # The warehouse is remembered: the next scan needs none.
    response = htmx_post(client_a, "/scm/scan/submit/", {"code": "WH1/STOCK/A-01"})
    assert "Receiving into WH1/STOCK/A-01." in response.content.decode()
    page = client_a.get("/scm/scan/").content.decode()
    assert "WH1/STOCK/A-01" in page
    assert f'value="{warehouse.pk}" selected' in page
    # Choosing the move mode is remembered too.
    client_a.post("/scm/scan/mode/", {"mode": "move"})
    assert 'aria-current="page">Move<' in client_a.get("/scm/scan/").content.decode()
    response = htmx_post(client_a, "/scm/scan/submit/", {"code": "WH1/STOCK"})
    assert "Moving from WH1/STOCK." in response.content.decode()
    htmx_post(
        client_a, "/scm/scan/submit/", {"code": "(01)06291041500213(10)L-77", "quantity": "3"}
    )
    response = htmx_post(client_a, "/scm/scan/submit/", {"code": "WH1/STOCK/B-02"})
    assert "Moved 3 item(s) from WH1/STOCK to WH1/STOCK/B-02." in response.content.decode()
    assert on_hand(variant, "WH1/STOCK/B-02", "L-77") == Decimal(3)


def test_errors_show_next_to_the_input(client_a, variant, warehouse):
    response = htmx_post(client_a, "/scm/scan/submit/", {"code": "(01)06291041500214"})
    assert response.status_code == 200  # htmx swaps 2xx only
    assert response["X-Scan-Status"] == "422"
    html = response.content.decode()
    assert "flash-error" in html and "warehouse_required" in html
    response = htmx_post(
        client_a, "/scm/scan/submit/", {"code": "(01)06291041500214", "warehouse_id": warehouse.pk}
    )
    assert "invalid_check_digit" in response.content.decode()
    # Without htmx the form posts and redirects back to the page.
    response = client_a.post("/scm/scan/submit/", {"code": "nothing"})
    assert response.status_code == 302
    assert "unknown_code" in client_a.get("/scm/scan/").content.decode()
    client_a.post("/scm/scan/reset/")
    assert "unknown_code" not in client_a.get("/scm/scan/").content.decode()


def test_rfid_page_maps_antennas(client_a, warehouse):
    target = location("WH1/STOCK/A-01")
    response = client_a.post(
        "/scm/rfid/antennas/", {"reader": "door", "antenna": "3", "location_id": target.pk}
    )
    assert response.status_code == 302
    html = client_a.get("/scm/rfid/").content.decode()
    assert "door" in html and "WH1/STOCK/A-01" in html
    client_a.post("/scm/rfid/antennas/", {"reader": "", "location_id": target.pk})
    assert "A reader id has 1 to 60 characters." in client_a.get("/scm/rfid/").content.decode()


def test_sales_reps_see_but_cannot_submit(tenant_a, warehouse):
    from django.test import Client
    from tests.conftest import make_member

    rep = make_member(tenant_a, "rep@alpha.test", "sales_rep")
    client = Client()
    client.force_login(rep.user)
    assert client.get("/scm/scan/").status_code == 200
    assert client.post("/scm/scan/submit/", {"code": "x"}).status_code == 403
