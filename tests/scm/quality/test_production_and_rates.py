"""Inspections of work-order output, the goods held after rejection, supplier acceptance and
defect rates per product, supplier and work centre."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from tests.scm.quality.conftest import (
    D,
    Lab,
    assert_ledger_reconciles,
    on_hand,
    receive_for_inspection,
    variant,
)

from valuechain.platform.tenancy.models import Tenant
from valuechain.scm.inventory import services as inventory
from valuechain.scm.inventory.models import StockMove
from valuechain.scm.manufacturing import services as manufacturing
from valuechain.scm.manufacturing import workorders
from valuechain.scm.procurement import services as procurement
from valuechain.scm.quality import plans, queries, services
from valuechain.scm.quality.models import Inspection


def _work_order(lab: Lab) -> tuple[int, int]:
    """A frame made of 2 bolts at the press, with a production plan; returns (order, centre)."""
    frame = variant("FRAME", "Frame")
    inventory.receive(variant=lab.bolt, warehouse=lab.warehouse, quantity=D(20))
    manufacturing.create_bom(
        variant_id=frame.pk,
        kind="manufacture",
        components=[{"variant_id": lab.bolt.pk, "quantity": D(2)}],
    )
    press = manufacturing.create_work_centre(code="PRESS", name="Press", capacity_per_hour=D(5))
    plans.create_plan(
        {
            "name": "Frame final",
            "variant_id": frame.pk,
            "stage": "production",
            "checks": [{"name": "Square", "kind": "pass_fail"}],
        }
    )
    order = workorders.create_work_order(
        variant_id=frame.pk,
        quantity=D(6),
        warehouse_id=lab.warehouse.pk,
        work_centre_id=press.pk,
    )
    workorders.release_work_order(order.pk)
    workorders.start_work_order(order.pk)
    return order.pk, press.pk


def test_work_order_output_with_a_production_plan_waits_in_quality(lab: Lab) -> None:
    order_id, press_id = _work_order(lab)
    record = workorders.record_production(order_id, good=D(4), scrap=D(1))
    inspection = Inspection.objects.get()
    frame = inspection.variant
    assert (inspection.stage, inspection.source_type, inspection.source_id) == (
        "production",
        "manufacturing.productionrecord",
        record.pk,
    )
    assert (inspection.quantity, inspection.work_centre_id, inspection.reference) == (
        D(4),
        press_id,
        "WO-000001",
    )
    assert on_hand(frame, lab.warehouse, "quality") == D(4)
    assert on_hand(frame, lab.warehouse, "stock") == D(0)
    # produced straight into QUALITY: one move, no detour through STOCK
    moves = StockMove.objects.filter(variant=frame, reference="WO-000001")
    assert [(m.kind, m.from_location.kind, m.to_location.kind, m.quantity) for m in moves] == [
        ("produce", "production", "quality", D(4))
    ]
    square = inspection.plan.checks.get().pk
    services.complete_inspection(
        inspection.pk,
        results={square: {"passed": True}},
        accepted=D(3),
        rejected=D(1),
        defect_reason_id=lab.damaged.pk,
    )
    assert on_hand(frame, lab.warehouse, "stock") == D(3)
    assert on_hand(frame, lab.warehouse, "quality") == D(1)
    assert on_hand(lab.bolt, lab.warehouse, "stock") == D(10)  # 20 - 5 frames x 2
    assert_ledger_reconciles()


def test_work_order_output_without_a_plan_goes_to_stock(lab: Lab) -> None:
    order_id, _ = _work_order(lab)
    plans.update_plan(queries.plans(q="Frame").get().pk, {"is_active": False})
    workorders.record_production(order_id, good=D(2))
    assert not Inspection.objects.exists()
    assert not StockMove.objects.filter(to_location__kind="quality").exists()


# --- held goods, acceptance, rates ----------------------------------------------------------


def _judged(lab: Lab, quantity: str, rejected: str, reason: int | None = None) -> Inspection:
    inspection = receive_for_inspection(lab, quantity)
    results = {lab.visual: {"passed": True}, lab.diameter: {"value": "10"}}
    return services.complete_inspection(
        inspection.pk,
        results=results,
        accepted=D(quantity) - D(rejected),
        rejected=D(rejected),
        defect_reason_id=reason if reason else (lab.damaged.pk if D(rejected) else None),
    )


def test_rejected_on_hold_lists_what_is_still_held_per_supplier(lab: Lab) -> None:
    first = _judged(lab, "10", "3")
    _judged(lab, "5", "0")
    services.scrap_rejected(first.pk, D(1))
    receive_for_inspection(lab, "2")  # pending: nothing rejected yet
    rows = queries.rejected_on_hold()
    assert [(r["number"], r["quantity"], r["sku"], r["po_line_id"]) for r in rows] == [
        ("QI-000001", D(2), "BOLT", None)
    ]
    assert rows[0]["supplier_id"] == lab.supplier.pk
    assert rows[0]["warehouse_id"] == lab.warehouse.pk
    other = procurement.create_supplier(name="Other", code="OTHER", currency="EUR")
    assert queries.rejected_on_hold(supplier_id=other.pk) == []
    assert len(queries.rejected_on_hold(supplier_id=lab.supplier.pk)) == 1


def test_acceptance_by_supplier_counts_completed_inspections_of_the_period(lab: Lab) -> None:
    _judged(lab, "10", "3")
    _judged(lab, "5.5", "0.5")
    receive_for_inspection(lab, "100")  # pending: not counted
    today = timezone.localdate()
    figures = queries.acceptance_by_supplier(lab.supplier.pk, today, today)
    assert figures == {
        "inspections": 2,
        "inspected": D("15.5"),
        "accepted": D(12),
        "rejected": D("3.5"),
        "acceptance_percent": D("77.42"),
    }
    earlier = today - timedelta(days=10)
    empty = queries.acceptance_by_supplier(lab.supplier.pk, earlier, earlier)
    assert empty["inspected"] == D(0) and empty["acceptance_percent"] == D("0.00")


def test_defect_rates_per_product_supplier_and_work_centre(lab: Lab) -> None:
    _judged(lab, "10", "3", lab.damaged.pk)
    _judged(lab, "10", "1", lab.oversize.pk)
    _judged(lab, "20", "0")
    window = queries.period(None, None)
    (product,) = queries.defect_rates("product", window)
    assert (product.label, product.inspections, product.inspected, product.rejected) == (
        "Bolt M10",
        3,
        D(40),
        D(4),
    )
    assert product.rate_percent == D("10.00")
    assert [(r.code, r.quantity) for r in product.top_reasons] == [
        ("DAMAGED", D(3)),
        ("OVERSIZE", D(1)),
    ]
    (supplier,) = queries.defect_rates("supplier", window)
    assert (supplier.label, supplier.rate_percent) == ("BOLTW", D("10.00"))
    assert queries.defect_rates("work_centre", window) == []
    assert queries.defect_rates("product", window, stage="production") == []


def test_defect_rates_of_work_centres_from_production(lab: Lab) -> None:
    order_id, press_id = _work_order(lab)
    workorders.record_production(order_id, good=D(4))
    inspection = Inspection.objects.get()
    services.complete_inspection(
        inspection.pk,
        results={inspection.plan.checks.get().pk: {"passed": False}},
        accepted=D(0),
        rejected=D(4),
        defect_reason_id=lab.oversize.pk,
    )
    (centre,) = queries.defect_rates("work_centre", queries.period(None, None))
    assert (centre.group_id, centre.label, centre.rate_percent) == (press_id, "PRESS", D("100.00"))


def test_other_tenants_see_no_inspections(lab: Lab, tenant_b: Tenant) -> None:
    from valuechain.platform.tenancy.context import tenant_context

    _judged(lab, "10", "3")
    with tenant_context(tenant_b):
        assert queries.inspections().count() == 0
        assert queries.rejected_on_hold() == []
