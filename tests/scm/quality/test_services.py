"""Inspections: plan lookup, opening, completing (checks, tolerances, quantities, stock),
holds and what becomes of rejected goods."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from tests.scm.quality.conftest import (
    D,
    Lab,
    assert_ledger_reconciles,
    on_hand,
    receive_for_inspection,
)

from valuechain.platform.errors import DomainError
from valuechain.platform.events.models import OutboxEvent
from valuechain.scm.inventory import queries as inventory_queries
from valuechain.scm.inventory import reservations
from valuechain.scm.inventory import services as inventory
from valuechain.scm.inventory.models import StockMove
from valuechain.scm.quality import plans, services
from valuechain.scm.quality.models import Disposition, Inspection, InspectionResult


def answers(lab: Lab, *, visual: Any = True, diameter: Any = "10") -> dict[int, dict[str, Any]]:
    """Results of the bolt plan's two checks."""
    return {lab.visual: {"passed": visual}, lab.diameter: {"value": diameter}}


def complete(
    lab: Lab, inspection: Inspection, accepted: Any, rejected: Any = 0, **kw: Any
) -> Inspection:
    """Complete with default passing results unless given."""
    results = kw.pop("results", None)
    return services.complete_inspection(
        inspection.pk,
        results=answers(lab) if results is None else results,
        accepted=D(accepted),
        rejected=D(rejected),
        **kw,
    )


def error(fn: Any, *args: Any, **kwargs: Any) -> DomainError:
    """The DomainError fn raises."""
    with pytest.raises(DomainError) as caught:
        fn(*args, **kwargs)
    return caught.value


# --- plan_for -------------------------------------------------------------------------------


def test_plan_for_finds_the_product_plan_for_its_stage_only(lab: Lab) -> None:
    assert services.plan_for(lab.bolt.pk, "receipt") == lab.plan
    assert services.plan_for(lab.bolt.pk, "production") is None
    assert services.plan_for(lab.nut.pk, "receipt") is None


def test_a_variant_plan_wins_over_the_product_plan_and_both_covers_each_stage(lab: Lab) -> None:
    own = plans.create_plan(
        {
            "name": "Bolt variant",
            "variant_id": lab.bolt.pk,
            "stage": "both",
            "checks": [{"name": "Thread", "kind": "pass_fail"}],
        }
    )
    assert services.plan_for(lab.bolt.pk, "receipt") == own
    assert services.plan_for(lab.bolt.pk, "production") == own
    plans.update_plan(own.pk, {"is_active": False})
    assert services.plan_for(lab.bolt.pk, "receipt") == lab.plan


def test_two_active_plans_of_one_product_may_not_cover_the_same_stage(lab: Lab) -> None:
    caught = error(
        plans.create_plan,
        {
            "name": "Second",
            "product_id": lab.bolt.product_id,
            "stage": "both",
            "checks": [{"name": "X"}],
        },
    )
    assert (caught.code, caught.field, caught.status) == ("plan_overlap", "stage", 409)


# --- open -----------------------------------------------------------------------------------


def test_open_inspection_attaches_the_plan_numbers_it_and_holds_the_goods(lab: Lab) -> None:
    inspection = receive_for_inspection(lab, "40")
    assert inspection.number == "QI-000001"
    assert (inspection.state, inspection.plan, inspection.quantity) == ("pending", lab.plan, D(40))
    assert inspection.sample_quantity == D(40)
    assert inspection.supplier == lab.supplier
    assert on_hand(lab.bolt, lab.warehouse, "quality") == D(40)
    assert on_hand(lab.bolt, lab.warehouse, "stock") == D(0)
    assert OutboxEvent.objects.filter(type="InspectionOpened").count() == 1


def test_goods_in_quality_cannot_be_reserved_until_accepted(lab: Lab) -> None:
    inspection = receive_for_inspection(lab, "5")
    demand = [
        reservations.Demand(variant_id=lab.bolt.pk, quantity=D(1), source_type="t", source_id=1)
    ]
    assert inventory_queries.available([lab.bolt.pk]) == {lab.bolt.pk: D(0)}
    caught = error(reservations.reserve, demand)
    assert caught.code == "insufficient_stock"
    complete(lab, inspection, "5")
    assert inventory_queries.available([lab.bolt.pk]) == {lab.bolt.pk: D(5)}
    reservations.reserve(demand)
    assert inventory_queries.available([lab.bolt.pk]) == {lab.bolt.pk: D(4)}


# --- complete -------------------------------------------------------------------------------


def test_completing_all_good_moves_everything_to_stock_exactly(lab: Lab) -> None:
    inspection = receive_for_inspection(lab, "12.5")
    done = complete(lab, inspection, "12.5")
    assert (done.state, done.accepted_quantity, done.rejected_quantity) == (
        "passed",
        D("12.5"),
        D(0),
    )
    assert done.inspected_by_id is not None and done.inspected_at is not None
    assert on_hand(lab.bolt, lab.warehouse, "quality") == D(0)
    assert on_hand(lab.bolt, lab.warehouse, "stock") == D("12.5")
    move = StockMove.objects.get(source_type="quality.inspection", source_id=done.pk)
    assert (move.kind, move.quantity, move.reference) == ("transfer", D("12.5"), "QI-000001")
    assert list(
        InspectionResult.objects.filter(inspection=done).values_list("passed", "measured_value")
    ) == [(True, None), (True, D(10))]
    event = OutboxEvent.objects.get(type="InspectionCompleted")
    assert (event.payload["accepted"], event.payload["rejected"]) == ("12.5000", "0.0000")
    assert_ledger_reconciles()


def test_a_partial_rejection_keeps_the_rejected_units_held_in_quality(lab: Lab) -> None:
    inspection = receive_for_inspection(lab, "10")
    done = complete(lab, inspection, "7", "3", defect_reason_id=lab.damaged.pk)
    assert (done.state, done.defect_reason, done.held_quantity) == ("partial", lab.damaged, D(3))
    assert on_hand(lab.bolt, lab.warehouse, "quality") == D(3)
    assert on_hand(lab.bolt, lab.warehouse, "stock") == D(7)
    assert_ledger_reconciles()


def test_everything_rejected_is_failed_and_moves_nothing(lab: Lab) -> None:
    inspection = receive_for_inspection(lab, "4")
    results = answers(lab, diameter="10.3")
    done = complete(lab, inspection, "0", "4", results=results, defect_reason_id=lab.oversize.pk)
    assert done.state == "failed"
    assert not StockMove.objects.filter(source_type="quality.inspection").exists()
    assert on_hand(lab.bolt, lab.warehouse, "quality") == D(4)


@pytest.mark.parametrize(
    ("value", "passed"),
    [
        ("9.9", True),  # the lower bound itself passes
        ("10.2", True),  # the upper bound itself passes
        ("9.899999", False),
        ("10.200001", False),
        ("10.000000", True),
    ],
)
def test_tolerance_edges_are_exact(lab: Lab, value: str, passed: bool) -> None:
    inspection = receive_for_inspection(lab, "1")
    if passed:
        complete(lab, inspection, "1", results=answers(lab, diameter=value))
    else:
        caught = error(complete, lab, inspection, "1", results=answers(lab, diameter=value))
        assert (caught.code, caught.field) == ("deviation_required", "accept_with_deviation")
        assert caught.details["failed_checks"] == ["Diameter"]
        complete(
            lab,
            inspection,
            "0",
            "1",
            results=answers(lab, diameter=value),
            defect_reason_id=lab.oversize.pk,
        )
    result = InspectionResult.objects.get(inspection=inspection, check_ref_id=lab.diameter)
    assert (result.measured_value, result.passed) == (D(value), passed)


def test_a_failed_check_may_be_accepted_with_a_deviation(lab: Lab) -> None:
    inspection = receive_for_inspection(lab, "6")
    done = complete(
        lab, inspection, "6", results=answers(lab, visual=False), accept_with_deviation=True
    )
    assert (done.state, done.with_deviation) == ("passed", True)
    assert on_hand(lab.bolt, lab.warehouse, "stock") == D(6)


@pytest.mark.parametrize(
    ("results", "field", "code"),
    [
        ("no_visual", "check_VISUAL", "result_required"),
        ("no_diameter", "check_DIAMETER", "result_required"),
        ("bad_value", "check_DIAMETER", "invalid_check_DIAMETER"),
        ("bad_passed", "check_VISUAL", "invalid_result"),
    ],
)
def test_required_checks_must_be_answered_per_field(
    lab: Lab, results: str, field: str, code: str
) -> None:
    given = {
        "no_visual": {lab.diameter: {"value": "10"}},
        "no_diameter": {lab.visual: {"passed": True}, lab.diameter: {"value": ""}},
        "bad_value": answers(lab, diameter="ten"),
        "bad_passed": answers(lab, visual="yes"),
    }[results]
    inspection = receive_for_inspection(lab, "2")
    caught = error(complete, lab, inspection, "2", results=given)
    names = {"VISUAL": str(lab.visual), "DIAMETER": str(lab.diameter)}
    expected_field = field.replace("VISUAL", names["VISUAL"]).replace("DIAMETER", names["DIAMETER"])
    assert caught.field == expected_field
    assert caught.code == code.replace("VISUAL", names["VISUAL"]).replace(
        "DIAMETER", names["DIAMETER"]
    )
    assert Inspection.objects.get(pk=inspection.pk).state == "pending"


def test_an_optional_check_may_be_left_blank(lab: Lab) -> None:
    plans.update_plan(
        lab.plan.pk,
        {
            "checks": [
                {"id": lab.visual, "name": "Visual", "kind": "pass_fail", "required": False},
                {"id": lab.diameter, "name": "Diameter", "kind": "measurement", "target": "10"},
            ]
        },
    )
    inspection = receive_for_inspection(lab, "2")
    complete(lab, inspection, "2", results={lab.diameter: {"value": "10"}})
    assert InspectionResult.objects.filter(inspection=inspection).count() == 1


@pytest.mark.parametrize(
    ("accepted", "rejected", "reason", "code", "field"),
    [
        ("6", "3", True, "quantity_mismatch", "accepted_quantity"),
        ("5", "6", True, "quantity_mismatch", "accepted_quantity"),
        ("7", "3", False, "defect_reason_required", "defect_reason_id"),
        ("-1", "11", True, "invalid_accepted_quantity", "accepted_quantity"),
        ("9.99999", "0.00001", True, "invalid_accepted_quantity", "accepted_quantity"),
    ],
)
def test_quantities_and_reason_are_checked(
    lab: Lab, accepted: str, rejected: str, reason: bool, code: str, field: str
) -> None:
    inspection = receive_for_inspection(lab, "10")
    caught = error(
        complete,
        lab,
        inspection,
        accepted,
        rejected,
        defect_reason_id=lab.damaged.pk if reason else None,
    )
    assert (caught.code, caught.field) == (code, field)
    assert on_hand(lab.bolt, lab.warehouse, "quality") == D(10)


def test_an_inspection_is_completed_once(lab: Lab) -> None:
    inspection = receive_for_inspection(lab, "3")
    complete(lab, inspection, "3")
    caught = error(complete, lab, inspection, "3")
    assert (caught.code, caught.status) == ("not_pending", 409)
    assert on_hand(lab.bolt, lab.warehouse, "stock") == D(3)


def test_the_outcome_handler_of_the_source_type_is_called_in_the_transaction(lab: Lab) -> None:
    calls: list[tuple[str, Decimal, Decimal]] = []
    services.register_outcome_handler(
        "test.receipt", lambda i, good, bad: calls.append((i.number, good, bad))
    )
    try:
        inspection = receive_for_inspection(lab, "10")
        complete(lab, inspection, "8", "2", defect_reason_id=lab.damaged.pk)
    finally:
        services._HANDLERS.pop("test.receipt")
    assert calls == [("QI-000001", D(8), D(2))]


def test_without_a_plan_the_inspector_only_splits_the_quantity(lab: Lab) -> None:
    inspection = receive_for_inspection(lab, "5", item=lab.nut)
    assert inspection.plan is None
    done = complete(lab, inspection, "5", results={})
    assert done.state == "passed"
    caught = error(
        services.complete_inspection,
        receive_for_inspection(lab, "1", item=lab.nut).pk,
        results={lab.visual: {"passed": True}},
        accepted=D(1),
        rejected=D(0),
    )
    assert caught.code == "unknown_check"


# --- holds and dispositions ---------------------------------------------------------------


def test_a_held_inspection_cannot_be_completed_until_the_hold_is_lifted(lab: Lab) -> None:
    inspection = receive_for_inspection(lab, "3")
    services.put_on_hold(inspection.pk, note="waiting for the lab")
    caught = error(complete, lab, inspection, "3")
    assert (caught.code, caught.status) == ("on_hold", 409)
    assert error(services.put_on_hold, inspection.pk).code == "invalid_transition"
    services.lift_hold(inspection.pk)
    assert complete(lab, inspection, "3").state == "passed"
    assert error(services.lift_hold, inspection.pk).code == "invalid_transition"


def test_rejected_goods_can_be_released_scrapped_or_returned_up_to_what_is_held(lab: Lab) -> None:
    inspection = receive_for_inspection(lab, "10")
    pending = error(services.release_rejected, inspection.pk, D(1))
    assert pending.code == "not_completed"
    complete(lab, inspection, "4", "6", defect_reason_id=lab.damaged.pk)
    services.release_rejected(inspection.pk, D("1.5"), note="reworked")
    services.scrap_rejected(inspection.pk, D(2))
    services.record_return(inspection.pk, D("0.5"))
    held = Inspection.objects.get(pk=inspection.pk)
    assert (held.released_quantity, held.scrapped_quantity, held.returned_quantity) == (
        D("1.5"),
        D(2),
        D("0.5"),
    )
    assert held.held_quantity == D(2)
    assert on_hand(lab.bolt, lab.warehouse, "stock") == D("5.5")
    assert on_hand(lab.bolt, lab.warehouse, "scrap") == D(2)
    assert on_hand(lab.bolt, lab.warehouse, "quality") == D("2.5")  # a return moves its own stock
    too_much = error(services.scrap_rejected, inspection.pk, D("2.0001"))
    assert (too_much.code, too_much.details["held"]) == ("more_than_held", "2")
    assert list(Disposition.objects.values_list("kind", "quantity", "note")) == [
        ("release", D("1.5"), "reworked"),
        ("scrap", D(2), ""),
        ("return", D("0.5"), ""),
    ]
    assert_ledger_reconciles()


def test_lots_travel_with_the_inspection(lab: Lab) -> None:
    move = inventory.receive(
        variant=lab.bolt,
        warehouse=lab.warehouse,
        quantity=D(4),
        lot_number="L-7",
        location=inventory.location_of(lab.warehouse, "quality"),
    )
    inspection = services.open_inspection(
        stage="receipt",
        source_type="test.receipt",
        source_id=move.pk,
        variant_id=lab.bolt.pk,
        warehouse_id=lab.warehouse.pk,
        quantity=D(4),
        lot_id=move.lot_id,
    )
    complete(lab, inspection, "3", "1", defect_reason_id=lab.damaged.pk)
    assert on_hand(lab.bolt, lab.warehouse, "stock", move.lot_id) == D(3)
    assert on_hand(lab.bolt, lab.warehouse, "quality", move.lot_id) == D(1)
