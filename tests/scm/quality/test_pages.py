"""Quality pages: lists render with filters, the plan form parses checks and shows service
errors next to the field, the checklist completes an inspection (errors per check), holds,
dispositions, the defect-rate page with its chart, and the demo seeder."""

from __future__ import annotations

import random

from django.test import Client
from tests.conftest import make_member
from tests.scm.quality.conftest import D, Lab, on_hand, receive_for_inspection, variant

from valuechain.platform.tenancy.models import Tenant
from valuechain.scm.inventory import warehouses
from valuechain.scm.quality.demo import seed_quality
from valuechain.scm.quality.models import DefectReason, Inspection, InspectionPlan


def test_pages_render(lab: Lab, client_a: Client) -> None:
    inspection = receive_for_inspection(lab, "3")
    for url in (
        "/scm/quality/inspections/",
        "/scm/quality/inspections/?stage=receipt&state=pending&sort=number",
        f"/scm/quality/inspections/?warehouse={lab.warehouse.pk}&supplier={lab.supplier.pk}",
        "/scm/quality/inspections/?state=bogus&sort=bogus&warehouse=x",
        f"/scm/quality/inspections/{inspection.pk}/",
        "/scm/quality/plans/",
        "/scm/quality/plans/?q=bolt",
        "/scm/quality/plans/new/",
        f"/scm/quality/plans/{lab.plan.pk}/",
        "/scm/quality/defect-reasons/",
        f"/scm/quality/defect-reasons/{lab.damaged.pk}/",
        "/scm/quality/defect-rates/",
        "/scm/quality/defect-rates/?by=supplier&stage=receipt",
    ):
        response = client_a.get(url)
        assert response.status_code == 200, (url, response.status_code)
    page = client_a.get("/scm/quality/inspections/").content.decode()
    assert "QI-000001" in page and "BOLTW" in page
    assert client_a.get("/scm/quality/inspections/999999/").status_code == 404


def test_the_checklist_completes_an_inspection_with_errors_by_check(
    lab: Lab, client_a: Client
) -> None:
    inspection = receive_for_inspection(lab, "10")
    url = f"/scm/quality/inspections/{inspection.pk}/complete/"
    page = client_a.get(f"/scm/quality/inspections/{inspection.pk}/").content.decode()
    assert "Target 10, 9.9 to 10.2" in page and 'inputmode="decimal"' in page
    response = client_a.post(url, {f"check_{lab.visual}": "pass", "accepted_quantity": "10"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        f"check_{lab.diameter}": ["Enter the measured Diameter."]
    }
    response = client_a.post(
        url,
        {
            f"check_{lab.visual}": "pass",
            f"check_{lab.diameter}": "10.1",
            "accepted_quantity": "6",
            "rejected_quantity": "3",
            "defect_reason": lab.damaged.pk,
        },
    )
    assert response.context["form"].errors == {
        "accepted_quantity": ["Accepted and rejected must add up to 10."]
    }
    response = client_a.post(
        url,
        {
            f"check_{lab.visual}": "pass",
            f"check_{lab.diameter}": "10.1",
            "accepted_quantity": "7",
            "rejected_quantity": "3",
        },
    )
    assert response.context["form"].errors == {"defect_reason": ["Choose why goods were rejected."]}
    response = client_a.post(
        url,
        {
            f"check_{lab.visual}": "pass",
            f"check_{lab.diameter}": "10.1",
            "accepted_quantity": "7",
            "rejected_quantity": "3",
            "defect_reason": lab.damaged.pk,
        },
    )
    assert response.status_code == 302
    done = Inspection.objects.get(pk=inspection.pk)
    assert (done.state, done.accepted_quantity, done.rejected_quantity) == ("partial", D(7), D(3))
    assert on_hand(lab.bolt, lab.warehouse, "stock") == D(7)
    page = client_a.get(f"/scm/quality/inspections/{inspection.pk}/").content.decode()
    assert "3 held in quality" in page

    disposition = f"/scm/quality/inspections/{inspection.pk}/disposition/"
    too_much = client_a.post(disposition, {"action": "scrap", "quantity": "4"})
    assert too_much.context["disposition"].errors == {
        "quantity": ["Only 3 rejected units are held."]
    }
    assert client_a.post(disposition, {"action": "release", "quantity": "1"}).status_code == 302
    assert client_a.post(disposition, {"action": "scrap", "quantity": "2"}).status_code == 302
    assert on_hand(lab.bolt, lab.warehouse, "stock") == D(8)
    assert on_hand(lab.bolt, lab.warehouse, "scrap") == D(2)


def test_hold_and_lift_from_the_page(lab: Lab, client_a: Client) -> None:
    inspection = receive_for_inspection(lab, "2")
    base = f"/scm/quality/inspections/{inspection.pk}"
    assert client_a.post(f"{base}/hold-hold/", {"note": "lab"}).status_code == 302
    page = client_a.get(f"{base}/").content.decode()
    assert "on hold" in page and "Lift the hold" in page and "Complete inspection" not in page
    assert client_a.post(f"{base}/lift-hold/").status_code == 302
    assert Inspection.objects.get(pk=inspection.pk).on_hold is False
    assert client_a.post(f"{base}/bogus-hold/").status_code == 404


def test_plan_form_parses_checks_and_keeps_their_ids(lab: Lab, client_a: Client) -> None:
    response = client_a.post(
        "/scm/quality/plans/new/",
        {
            "name": "Nut incoming",
            "sku": "NUT",
            "whole_product": "on",
            "stage": "receipt",
            "checks": "Thread\nHeight; 8; 0.1; 0.3; mm\nColour; optional",
        },
    )
    assert response.status_code == 302
    plan = InspectionPlan.objects.get(name="Nut incoming")
    assert plan.variant_id is None and plan.product_id == lab.nut.product_id
    assert [(c.name, c.kind, c.target, c.required) for c in plan.checks.all()] == [
        ("Thread", "pass_fail", None, True),
        ("Height", "measurement", D(8), True),
        ("Colour", "pass_fail", None, False),
    ]
    ids = {c.name: c.pk for c in plan.checks.all()}
    edit = f"/scm/quality/plans/{plan.pk}/"
    assert "Height; 8; 0.1; 0.3; mm" in client_a.get(edit).content.decode()
    response = client_a.post(
        edit, {"name": "Nut incoming", "stage": "receipt", "checks": "Height; 8; 0.2; 0.2; mm"}
    )
    assert response.status_code == 302
    assert [(c.pk, c.lower_tolerance) for c in plan.checks.all()] == [(ids["Height"], D("0.2"))]
    bad = client_a.post(
        "/scm/quality/plans/new/",
        {"name": "Other", "sku": "BOLT", "stage": "both", "checks": "Width; ten"},
    )
    assert bad.status_code == 200
    assert bad.context["form"].errors == {"checks": ["Enter a number."]}
    unknown = client_a.post(
        "/scm/quality/plans/new/", {"name": "X", "sku": "NOPE", "stage": "both", "checks": "A"}
    )
    assert unknown.context["form"].errors == {"sku": ["No item with that SKU."]}


def test_defect_reasons_from_the_page(lab: Lab, client_a: Client, tenant_a: Tenant) -> None:
    made = client_a.post(
        "/scm/quality/defect-reasons/new/", {"code": "chip", "name": "Chipped", "is_active": "on"}
    )
    assert made.status_code == 302
    assert DefectReason.objects.filter(code="CHIP").exists()
    again = client_a.post("/scm/quality/defect-reasons/new/", {"code": "CHIP", "name": "Again"})
    assert again.context["form"].errors == {"code": ["There already is a defect reason CHIP."]}
    edit = f"/scm/quality/defect-reasons/{lab.damaged.pk}/"
    assert client_a.post(edit, {"code": "DAMAGED", "name": "Broken"}).status_code == 302
    reason = DefectReason.objects.get(pk=lab.damaged.pk)
    assert (reason.name, reason.is_active) == ("Broken", False)
    reader = make_member(tenant_a, "rep@example.com", role="sales_rep")
    as_reader = Client()
    as_reader.force_login(reader.user)
    assert as_reader.get("/scm/quality/defect-reasons/").status_code == 200
    refused = as_reader.post("/scm/quality/defect-reasons/new/", {"code": "X", "name": "X"})
    assert refused.status_code == 403


def test_defect_rate_page_draws_a_bar_per_product(lab: Lab, client_a: Client) -> None:
    from valuechain.scm.quality import services

    inspection = receive_for_inspection(lab, "8")
    services.complete_inspection(
        inspection.pk,
        results={lab.visual: {"passed": True}, lab.diameter: {"value": "10"}},
        accepted=D(6),
        rejected=D(2),
        defect_reason_id=lab.damaged.pk,
    )
    response = client_a.get("/scm/quality/defect-rates/")
    page = response.content.decode()
    assert [r.rate_percent for r in response.context["rows"]] == [D("25.00")]
    assert page.count('class="bar-won"') == 1
    assert "25.00 %" in page and "DAMAGED 2" in page
    wrong = client_a.get("/scm/quality/defect-rates/?start=2026-02-01&end=2026-01-01")
    assert wrong.context["form"].errors == {"start": ["The period must start before it ends."]}


def test_the_demo_seeder_without_pens_seeds_reasons_only(in_tenant_a: Tenant) -> None:
    message = seed_quality(random.Random(1))
    assert message == "4 defect reasons, no pens: no plans seeded"
    assert DefectReason.objects.count() == 4


def test_the_demo_seeder_with_pens(in_tenant_a: Tenant) -> None:
    warehouse = warehouses.create_warehouse(code="WH1", name="Main")
    pen = variant("PEN", "Fountain pen")
    variant("PEN-ENGR", "Engraved pen")
    message = seed_quality(random.Random(1))
    assert message == "4 defect reasons, plans, 3 inspections (1 pending)"
    states = list(Inspection.objects.order_by("pk").values_list("state", flat=True))
    assert states == ["passed", "partial", "pending"]
    partial = Inspection.objects.get(state="partial")
    assert partial.with_deviation is True
    assert on_hand(pen, warehouse, "stock") == D(20) + partial.accepted_quantity
    assert on_hand(pen, warehouse, "quality") == D(8) + partial.rejected_quantity
    assert InspectionPlan.objects.count() == 2
