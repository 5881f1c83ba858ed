"""The fulfillment API: pick, pack and ship through HTTP, error shapes, list conventions and
query counts that do not grow with the rows."""

from __future__ import annotations

from decimal import Decimal

from valuechain.platform.tenancy.context import tenant_context
from valuechain.scm.fulfillment import packing, services, shipping
from valuechain.scm.fulfillment.models import Shipment

from .conftest import MUG_GTIN, TEA_GTIN, error, member, patch, post, signed_in

D = Decimal


def test_pick_pack_ship_through_the_api(world, client_a, tenant_a):
    order = world.order((world.mug, "3"), (world.tea, "1"))
    created = post(client_a, "/pick-lists", {"warehouse_id": world.warehouse.pk})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["number"] == "PICK-000001"
    assert body["state"] == "open"
    assert body["warehouse_code"] == "WH1"
    assert (body["line_count"], body["order_count"]) == (2, 1)
    assert [
        (li["sequence"], li["location_code"], li["sku"], li["lot_number"], li["quantity"])
        for li in body["lines"]
    ] == [
        (1, "WH1/STOCK/A-01", "TEA-1", "L1", "1.0000"),
        (2, "WH1/STOCK/B-01", "MUG-1", None, "3.0000"),
    ]
    assert body["lines"][0]["order_number"] == order.number
    pick_list_id = body["id"]
    _tea_line, mug_line = (li["id"] for li in body["lines"])

    scanned = post(
        client_a,
        f"/pick-lists/{pick_list_id}/scans",
        {"location": "WH1/STOCK/A-01", "code": f"(01)0{TEA_GTIN}(10)L1"},
    )
    assert scanned.status_code == 200, scanned.content
    assert scanned.json()["state"] == "in_progress"
    error(
        post(
            client_a,
            f"/pick-lists/{pick_list_id}/scans",
            {"location": "WH1/STOCK/B-01", "code": TEA_GTIN},
        ),
        409,
        "wrong_item",
        "code",
    )
    error(
        post(client_a, f"/pick-lists/{pick_list_id}/picks", {"line_id": mug_line, "quantity": "4"}),
        409,
        "over_pick",
        "quantity",
    )
    done = post(
        client_a, f"/pick-lists/{pick_list_id}/picks", {"line_id": mug_line, "quantity": "3"}
    )
    assert done.json()["state"] == "done"

    package = post(
        client_a,
        "/packages",
        {"order_id": order.pk, "warehouse_id": world.warehouse.pk, "tare_kg": "0.3"},
    )
    assert package.status_code == 201, package.content
    package_id = package.json()["id"]
    assert package.json()["sscc"] == "006141410000000012"
    assert package.json()["tare_kg"] == "0.300"
    packed = post(
        client_a,
        f"/packages/{package_id}/items",
        {"items": [{"pick_line_id": mug_line, "quantity": "3"}]},
    )
    assert packed.status_code == 200, packed.content
    scanned = post(client_a, f"/packages/{package_id}/scans", {"code": f"0{TEA_GTIN}"})
    assert scanned.status_code == 200, scanned.content
    assert sorted((li["sku"], li["quantity"]) for li in scanned.json()["lines"]) == [
        ("MUG-1", "3.0000"),
        ("TEA-1", "1.0000"),
    ]
    assert scanned.json()["item_count"] == "4.0000"
    error(
        post(client_a, "/shipments", {"package_ids": [package_id], "carrier_name": "DHL"}),
        409,
        "package_not_packed",
        "package_ids",
    )
    sealed = post(
        client_a,
        f"/packages/{package_id}/close",
        {"weight_kg": "2.5", "length_cm": 40, "width_cm": 30, "height_cm": 20},
    )
    assert sealed.status_code == 200, sealed.content
    assert (sealed.json()["state"], sealed.json()["declared_weight_kg"]) == ("packed", "2.500")

    shipped = post(
        client_a,
        "/shipments",
        {"package_ids": [package_id], "carrier_name": "GLS", "tracking_number": "GLS-77"},
    )
    assert shipped.status_code == 201, shipped.content
    shipment = shipped.json()
    assert {
        k: shipment[k]
        for k in (
            "number",
            "order_id",
            "order_number",
            "carrier_name",
            "tracking_number",
            "state",
            "package_count",
        )
    } == {
        "number": "SHIP-000001",
        "order_id": order.pk,
        "order_number": order.number,
        "carrier_name": "GLS",
        "tracking_number": "GLS-77",
        "state": "shipped",
        "package_count": 1,
    }
    assert client_a.get(f"/api/v1/packages/{package_id}").json()["shipment_id"] == shipment["id"]
    changed = patch(
        client_a,
        f"/shipments/{shipment['id']}",
        {"tracking_number": "GLS-78", "state": "delivered"},
    )
    assert changed.status_code == 200, changed.content
    assert (changed.json()["tracking_number"], changed.json()["state"]) == ("GLS-78", "delivered")
    error(
        patch(client_a, f"/shipments/{shipment['id']}", {"state": "shipped"}),
        422,
        "invalid_state",
        "state",
    )
    with tenant_context(tenant_a):
        order.refresh_from_db()
        assert order.state == "closed"  # its only shipment is delivered (docs/fulfilment.md)


def test_errors_and_not_found(world, client_a):
    error(
        post(client_a, "/pick-lists", {"warehouse_id": world.warehouse.pk}),
        409,
        "nothing_to_pick",
        "warehouse_id",
    )
    error(post(client_a, "/pick-lists", {"warehouse_id": 999999}), 404, "not_found")
    error(post(client_a, "/pick-lists", {}), 422, "validation_error")
    error(client_a.get("/api/v1/pick-lists/999999"), 404, "not_found")
    error(client_a.get("/api/v1/packages/999999"), 404, "not_found")
    error(client_a.get("/api/v1/shipments/999999"), 404, "not_found")
    error(patch(client_a, "/shipments/999999", {"tracking_number": "x"}), 404, "not_found")
    error(
        post(client_a, "/shipments", {"package_ids": [], "carrier_name": "DHL"}),
        422,
        "no_packages",
        "package_ids",
    )
    error(client_a.get("/api/v1/shipments?sort=secret"), 422, "invalid_sort", "sort")


def test_settings_endpoint(client_a):
    assert client_a.get("/api/v1/fulfillment/settings").json() == {
        "gs1_company_prefix": "0614141",
        "sscc_extension_digit": 0,
        "default_tare_kg": "0",
    }
    changed = patch(
        client_a,
        "/fulfillment/settings",
        {"gs1_company_prefix": "4012345", "default_tare_kg": "0.25"},
    )
    assert changed.status_code == 200, changed.content
    assert changed.json() == {
        "gs1_company_prefix": "4012345",
        "sscc_extension_digit": 0,
        "default_tare_kg": "0.250",
    }
    error(
        patch(client_a, "/fulfillment/settings", {"gs1_company_prefix": "12x"}),
        422,
        "invalid_company_prefix",
        "gs1_company_prefix",
    )


def _ship_one(world, quantity: str = "1") -> Shipment:
    order = world.order((world.mug, quantity))
    pick_list = services.create_pick_list(warehouse_id=world.warehouse.pk, order_ids=[order.pk])
    line = pick_list.lines.get()
    services.confirm_pick(pick_list.pk, line.pk, quantity)
    package = packing.create_package(order_id=order.pk, warehouse_id=world.warehouse.pk)
    packing.scan_pack(package.pk, code=MUG_GTIN, quantity=quantity)
    packing.close_package(package.pk)
    return shipping.ship_packages([package.pk], carrier_name="DHL", tracking_number=f"T{order.pk}")


def test_lists_filter_sort_page_and_stay_cheap(world, client_a, django_assert_max_num_queries):
    shipments = [_ship_one(world) for _ in range(3)]
    with django_assert_max_num_queries(8):
        listed = client_a.get("/api/v1/shipments?limit=2&sort=number").json()
    assert listed["count"] == 3 and listed["limit"] == 2
    assert [s["number"] for s in listed["items"]] == ["SHIP-000001", "SHIP-000002"]
    for _ in range(3):
        _ship_one(world)
    with django_assert_max_num_queries(8):
        client_a.get("/api/v1/shipments")
    with django_assert_max_num_queries(8):
        packages = client_a.get("/api/v1/packages?state=shipped").json()
    assert packages["count"] == 6
    with django_assert_max_num_queries(8):
        pick_lists = client_a.get("/api/v1/pick-lists?state=done").json()
    assert pick_lists["count"] == 6
    assert pick_lists["items"][0]["order_count"] == 1
    tracked = client_a.get(f"/api/v1/shipments?q=T{shipments[0].order_id}").json()
    assert [s["id"] for s in tracked["items"]] == [shipments[0].pk]
    assert client_a.get("/api/v1/shipments?carrier=ups").json()["count"] == 0
    assert client_a.get(f"/api/v1/packages?order_id={shipments[1].order_id}").json()["count"] == 1


def test_sales_reps_read_but_do_not_write(world, tenant_a):
    client = signed_in(member(tenant_a, "rep@alpha.test", "sales_rep"))
    assert client.get("/api/v1/pick-lists").status_code == 200
    error(
        post(client, "/pick-lists", {"warehouse_id": world.warehouse.pk}), 403, "permission_denied"
    )
