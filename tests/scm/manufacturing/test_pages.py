"""Manufacturing pages: lists and records render, forms show service errors next to their
fields, the execution page drives a work order to done, the Create work order button on a
supply request, the productivity page with its chart, and the demo seeder."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tests.scm.manufacturing.conftest import D, assert_ledger_reconciles, stock

from valuechain.platform.tenancy.context import tenant_context
from valuechain.scm.inventory import supply
from valuechain.scm.manufacturing import workorders
from valuechain.scm.manufacturing.models import Bom, TimeEntry, WorkOrder


@pytest.fixture
def pages(plant, client_a):
    return client_a, plant


def test_pages_render(pages):
    client, plant = pages
    with tenant_context(plant.tenant):
        order = workorders.create_work_order(
            variant_id=plant.shelf.pk,
            quantity=D(2),
            warehouse_id=plant.warehouse.pk,
            work_centre_id=plant.saw.pk,
        )
    for url in (
        "/scm/work-orders/",
        "/scm/work-orders/?q=SHELF&state=planned",
        "/scm/work-orders/?state=bogus",
        "/scm/work-orders/new/",
        f"/scm/work-orders/{order.pk}/",
        "/scm/boms/",
        "/scm/boms/?q=shelf",
        "/scm/boms/new/?sku=SHELF",
        f"/scm/boms/{plant.bom.pk}/",
        f"/scm/boms/{plant.bom.pk}/?quantity=3",
        f"/scm/boms/{plant.bom.pk}/?quantity=abc",
        "/scm/work-centres/",
        f"/scm/work-centres/{plant.saw.pk}/",
        f"/scm/work-centres/{plant.saw.pk}/?start=2026-01-01&end=2025-01-01",
    ):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    assert b"6.3" in client.get(f"/scm/boms/{plant.bom.pk}/?quantity=3").content
    assert client.get("/scm/work-orders/999999/").status_code == 404


def test_the_execution_page_drives_a_work_order(pages):
    client, plant = pages
    response = client.post(
        "/scm/work-orders/new/",
        {
            "sku": "SHELF",
            "quantity": "5",
            "warehouse_id": plant.warehouse.pk,
            "work_centre_id": plant.saw.pk,
        },
    )
    assert response.status_code == 302, response.content
    with tenant_context(plant.tenant):
        order = WorkOrder.objects.get()
    base = f"/scm/work-orders/{order.pk}"
    for action in ("release", "start"):
        assert client.post(f"{base}/{action}/").status_code == 302
    page = client.get(f"{base}/").content.decode()
    assert "Record production" in page and "Stop" in page
    too_many = client.post(f"{base}/production/", {"good_quantity": "9", "scrap_quantity": "0"})
    assert too_many.status_code == 200
    assert "Only 5 left to make" in too_many.content.decode()
    made = client.post(f"{base}/production/", {"good_quantity": "4", "scrap_quantity": "1"})
    assert made.status_code == 302
    assert client.post(f"{base}/complete/").status_code == 302
    with tenant_context(plant.tenant):
        order.refresh_from_db()
        assert order.state == "done"
        assert stock(plant.shelf, plant.warehouse) == (D(4), D(0))
        assert_ledger_reconciles()
    refused = client.post(f"{base}/release/", follow=True)
    assert "it cannot be released" in refused.content.decode()
    assert client.post(f"{base}/explode/").status_code == 404
    assert client.get(f"{base}/start/").status_code == 405


def test_forms_show_errors_next_to_fields(pages):
    client, plant = pages
    response = client.post(
        "/scm/work-orders/new/",
        {
            "sku": "BOARD",
            "quantity": "1",
            "warehouse_id": plant.warehouse.pk,
            "work_centre_id": plant.saw.pk,
        },
    )
    assert response.status_code == 200
    assert "BOARD has no bill of materials valid" in response.context["form"].errors["sku"][0]
    bom = client.post(
        "/scm/boms/new/",
        {
            "sku": "OFFCUT",
            "kind": "manufacture",
            "output_quantity": "1",
            "components": "BOARD 1 pc -5",
        },
    )
    assert "scrap percent" in bom.context["form"].errors["components"][0]
    unknown = client.post(
        "/scm/boms/new/",
        {"sku": "OFFCUT", "kind": "manufacture", "output_quantity": "1", "components": "NOPE 1"},
    )
    assert "no item with SKU NOPE" in unknown.context["form"].errors["components"][0]
    cycle = client.post(
        "/scm/boms/new/",
        {"sku": "BOARD", "kind": "manufacture", "output_quantity": "1", "components": "SHELF 1"},
    )
    assert "contains itself" in cycle.context["form"].errors["components"][0]
    created = client.post(
        "/scm/boms/new/",
        {
            "sku": "OFFCUT",
            "kind": "packaging",
            "output_quantity": "2",
            "components": "BOARD 1 5\nSCREW 2",
            "byproducts": "",
        },
    )
    assert created.status_code == 302, created.context["form"].errors
    with tenant_context(plant.tenant):
        assert Bom.objects.get(variant=plant.offcut).lines.count() == 2
    centre = client.post(
        "/scm/work-centres/new/",
        {"code": "SAW", "name": "x", "capacity_per_hour": "1", "hours_per_day": "8"},
    )
    assert centre.status_code == 200
    assert "already exists" in centre.context["form"].errors["code"][0]
    added = client.post(
        "/scm/work-centres/new/",
        {"code": "press", "name": "Press", "capacity_per_hour": "4", "hours_per_day": "8"},
    )
    assert added.status_code == 302


def test_create_work_order_from_a_supply_request(pages):
    client, plant = pages
    with tenant_context(plant.tenant):
        request = supply.request_supply(
            variant=plant.shelf, warehouse=plant.warehouse, quantity=D(2), reason="mto"
        )
    listing = client.get("/scm/work-orders/").content.decode()
    assert "Create work order" in listing and f"#{request.pk}" in listing
    made = client.post(
        f"/scm/supply-requests/{request.pk}/work-order/", {"work_centre_id": plant.saw.pk}
    )
    assert made.status_code == 302
    with tenant_context(plant.tenant):
        order = WorkOrder.objects.get()
        assert order.supply_request_id == request.pk
    assert f"#{request.pk}</td>" not in client.get("/scm/work-orders/").content.decode()
    again = client.post(
        f"/scm/supply-requests/{request.pk}/work-order/",
        {"work_centre_id": plant.saw.pk},
        follow=True,
    )
    assert "already makes this request" in again.content.decode()


def test_productivity_page_shows_figures_and_chart(pages):
    client, plant = pages
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
    page = client.get(
        f"/scm/work-centres/{plant.saw.pk}/?start={today}&end={today}"
    ).content.decode()
    assert "<svg" in page and "<rect" in page
    assert "4.5" in page  # units per labour hour
    assert "90 %" in page  # yield


def test_list_pages_do_not_grow_with_rows(pages):
    client, plant = pages

    def add(n):
        with tenant_context(plant.tenant):
            for _ in range(n):
                workorders.create_work_order(
                    variant_id=plant.shelf.pk,
                    quantity=D(1),
                    warehouse_id=plant.warehouse.pk,
                    work_centre_id=plant.saw.pk,
                )

    add(2)
    with CaptureQueriesContext(connection) as few:
        client.get("/scm/work-orders/")
    add(4)
    with CaptureQueriesContext(connection) as many:
        client.get("/scm/work-orders/")
    assert len(many) == len(few)


def test_demo_seeds_an_engraved_pen(in_tenant_a):
    from valuechain.scm.catalog.demo import seed_catalog
    from valuechain.scm.inventory.demo import seed_inventory
    from valuechain.scm.manufacturing.demo import seed_manufacturing

    assert "no engraved pen" in seed_manufacturing(random.Random(1))
    seed_catalog(random.Random(1))
    seed_inventory(random.Random(1))
    summary = seed_manufacturing(random.Random(1))
    assert "1 bill" in summary
    assert Bom.objects.get().variant.sku == "PEN-ENGR"
    assert WorkOrder.objects.count() == 1
    assert_ledger_reconciles()
