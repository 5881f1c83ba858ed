"""Fulfillment pages: pick list screen in location order with scan and pick forms, the pack
screen and package page, the shipment form and the shipments list; permissions."""

from __future__ import annotations

from decimal import Decimal

from valuechain.platform.tenancy.context import tenant_context
from valuechain.scm.fulfillment import packing, services, shipping
from valuechain.scm.fulfillment.models import Package, PickList, PickListLine, Shipment

from .conftest import MUG_GTIN, TEA_GTIN, member, signed_in

D = Decimal


def _in(tenant, call, *args, **kwargs):
    with tenant_context(tenant):
        return call(*args, **kwargs)


def test_pick_pack_ship_through_the_pages(world, client_a, tenant_a):
    order = world.order((world.mug, "2"), (world.tea, "1"))
    listed = client_a.get("/scm/fulfillment/pick-lists/")
    assert listed.status_code == 200
    assert "New pick list" in listed.content.decode()
    created = client_a.post(
        "/scm/fulfillment/pick-lists/new/", {"warehouse_id": world.warehouse.pk}
    )
    pick_list = _in(tenant_a, PickList.objects.get)
    assert created.status_code == 302
    assert created["Location"] == f"/scm/fulfillment/pick-lists/{pick_list.pk}/"

    page = client_a.get(created["Location"]).content.decode()
    assert page.index("WH1/STOCK/A-01") < page.index("WH1/STOCK/B-01")  # walking order
    assert "Next stop: <strong>WH1/STOCK/A-01</strong>" in page
    assert order.number in page

    scan_url = f"/scm/fulfillment/pick-lists/{pick_list.pk}/scan/"
    # Scanning the location first remembers it; the item then picks (htmx answers the lines).
    client_a.post(scan_url, {"code": "WH1/STOCK/A-01"})
    wrong = client_a.post(scan_url, {"code": MUG_GTIN}, HTTP_HX_REQUEST="true").content.decode()
    assert "This item is not to be picked at WH1/STOCK/A-01." in wrong
    answer = client_a.post(scan_url, {"code": f"(01)0{TEA_GTIN}(10)L1"}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    assert "Picked 1 at WH1/STOCK/A-01." in answer.content.decode()
    mug_line = _in(tenant_a, PickListLine.objects.get, variant=world.mug)
    client_a.post(
        f"/scm/fulfillment/pick-lists/{pick_list.pk}/lines/{mug_line.pk}/pick/", {"quantity": "2"}
    )
    assert _in(tenant_a, PickList.objects.get).state == "done"

    pack = client_a.get("/scm/fulfillment/pack/").content.decode()
    assert order.number in pack and "New package" in pack
    opened = client_a.post(
        "/scm/fulfillment/packages/new/", {"order_id": order.pk, "warehouse_id": world.warehouse.pk}
    )
    package = _in(tenant_a, Package.objects.get)
    assert opened["Location"] == f"/scm/fulfillment/packages/{package.pk}/"
    client_a.post(
        f"/scm/fulfillment/packages/{package.pk}/pack/", {"code": MUG_GTIN, "quantity": "2"}
    )
    client_a.post(f"/scm/fulfillment/packages/{package.pk}/pack/", {"code": TEA_GTIN})
    detail = client_a.get(f"/scm/fulfillment/packages/{package.pk}/").content.decode()
    assert "MUG-1" in detail and "TEA-1" in detail and package.sscc in detail
    client_a.post(f"/scm/fulfillment/packages/{package.pk}/close/", {"weight_kg": "1.5"})
    assert _in(tenant_a, Package.objects.get).state == "packed"

    form = client_a.get(f"/scm/fulfillment/shipments/new/?order={order.pk}")
    assert form.status_code == 200 and package.sscc in form.content.decode()
    refused = client_a.post(
        f"/scm/fulfillment/shipments/new/?order={order.pk}",
        {"package_ids": [package.pk], "carrier_name": ""},
    )
    assert refused.status_code == 200
    assert "Enter the carrier&#x27;s name." in refused.content.decode()
    shipped = client_a.post(
        f"/scm/fulfillment/shipments/new/?order={order.pk}",
        {"package_ids": [package.pk], "carrier_name": "DHL", "tracking_number": "JJD000123"},
    )
    shipment = _in(tenant_a, Shipment.objects.get)
    assert shipped["Location"] == f"/scm/fulfillment/shipments/{shipment.pk}/"
    page = client_a.get(shipped["Location"]).content.decode()
    assert "JJD000123" in page and "1.500 kg" in page
    with tenant_context(tenant_a):
        order.refresh_from_db()
    assert order.state == "shipped"
    client_a.post(f"/scm/fulfillment/shipments/{shipment.pk}/update/", {"action": "delivered"})
    assert _in(tenant_a, Shipment.objects.get).state == "delivered"


def _ship(world, carrier: str, tracking: str) -> Shipment:
    order = world.order((world.mug, "1"))
    pick_list = services.create_pick_list(warehouse_id=world.warehouse.pk, order_ids=[order.pk])
    line = pick_list.lines.get()
    services.confirm_pick(pick_list.pk, line.pk, "1")
    package = packing.create_package(order_id=order.pk, warehouse_id=world.warehouse.pk)
    packing.pack_items(package.pk, [(line.pk, "1")])
    packing.close_package(package.pk)
    return shipping.ship_packages([package.pk], carrier_name=carrier, tracking_number=tracking)


def test_shipments_list_filters_sorts_pages_and_stays_cheap(
    world, client_a, tenant_a, django_assert_max_num_queries, monkeypatch
):
    from valuechain.scm.fulfillment import views

    first = _ship(world, "DHL", "AAA1")
    _ship(world, "UPS", "BBB2")
    _ship(world, "DHL", "CCC3")
    with django_assert_max_num_queries(15):
        page = client_a.get("/scm/fulfillment/shipments/").content.decode()
    assert page.index("SHIP-000003") < page.index("SHIP-000001")
    only_ups = client_a.get("/scm/fulfillment/shipments/?carrier=ups").content.decode()
    assert "SHIP-000002" in only_ups and "SHIP-000001" not in only_ups
    tracked = client_a.get("/scm/fulfillment/shipments/?q=AAA").content.decode()
    assert "SHIP-000001" in tracked and "SHIP-000003" not in tracked
    by_number = client_a.get("/scm/fulfillment/shipments/?sort=number").content.decode()
    assert by_number.index("SHIP-000001") < by_number.index("SHIP-000003")
    monkeypatch.setattr(views, "PER_PAGE", 2)
    second_page = client_a.get("/scm/fulfillment/shipments/?page=2&sort=number").content.decode()
    assert "SHIP-000003" in second_page and "SHIP-000001" not in second_page
    assert "Page 2 of 2" in second_page
    with django_assert_max_num_queries(15):
        client_a.get("/scm/fulfillment/pick-lists/")
    with django_assert_max_num_queries(15):
        client_a.get("/scm/fulfillment/pack/")
    detail = client_a.get(f"/scm/fulfillment/shipments/{first.pk}/").content.decode()
    assert "AAA1" in detail
    assert "Shipments" in client_a.get("/").content.decode()  # the menu entry


def test_missing_records_are_404(client_a, world):
    for path in (
        "/scm/fulfillment/pick-lists/999999/",
        "/scm/fulfillment/packages/999999/",
        "/scm/fulfillment/shipments/999999/",
        "/scm/fulfillment/shipments/new/?order=999999",
    ):
        assert client_a.get(path).status_code == 404, path


def test_sales_reps_read_but_cannot_change(world, tenant_a):
    world.order((world.mug, "1"))
    rep = signed_in(member(tenant_a, "rep@alpha.test", "sales_rep"))
    page = rep.get("/scm/fulfillment/pick-lists/")
    assert page.status_code == 200 and "New pick list" not in page.content.decode()
    assert (
        rep.post(
            "/scm/fulfillment/pick-lists/new/", {"warehouse_id": world.warehouse.pk}
        ).status_code
        == 403
    )
    assert _in(tenant_a, PickList.objects.count) == 0
    assert rep.get("/scm/fulfillment/shipments/").status_code == 200
