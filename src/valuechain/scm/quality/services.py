"""Use cases of inspections: find the plan, open an inspection, complete it, hold it, and
decide on rejected goods (release to stock, scrap, return to vendor).

Goods under inspection sit in the warehouse's QUALITY location, which is not sellable, so
nothing can reserve them. Completing moves the accepted quantity to STOCK; the rejected
quantity stays in QUALITY, held, until a quality manager releases or scraps it or a return to
vendor takes it. One transaction per use case; the inspection row is locked first
(``select_for_update``), then the source's rows (the outcome handler: receiving locks the
receipt line and the purchase-order line), then inventory locks its balance rows in
primary-key order. A receipt takes the PO line before the balance rows too, so a receipt
and an inspection of the same line never wait on each other in opposite orders.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.inputs import clean_number, clean_text
from valuechain.platform.numbering import next_number
from valuechain.platform.tenancy.context import current
from valuechain.scm.catalog.models import Variant
from valuechain.scm.inventory import movements
from valuechain.scm.inventory import services as inventory
from valuechain.scm.inventory.models import Lot, StockMove, Warehouse
from valuechain.scm.quality import domain, queries
from valuechain.scm.quality.models import (
    DefectReason,
    Disposition,
    Inspection,
    InspectionPlan,
    InspectionResult,
    PlanCheck,
)
from valuechain.scm.quality.plans import MAX_QUANTITY, clean_value, not_found

SOURCE = "quality.inspection"
SEQUENCE_KEY = "inspection"
OutcomeHandler = Callable[[Inspection, Decimal, Decimal], None]
_HANDLERS: dict[str, OutcomeHandler] = {}


def register_outcome_handler(source_type: str, fn: OutcomeHandler) -> None:
    """Have ``fn(inspection, accepted, rejected)`` called when an inspection of that source
    type is completed (in the same transaction, before the accepted goods move, so the
    source's rows are locked before the balance rows); the source app registers it in ready()."""
    _HANDLERS[source_type] = fn


def outcome_handler(source_type: str) -> OutcomeHandler | None:
    """The handler registered for a source type, if any."""
    return _HANDLERS.get(source_type)


def plan_for(variant_id: int, stage: str) -> InspectionPlan | None:
    """The active plan of the variant for the stage, else its product's, else None."""
    if stage not in domain.INSPECTION_STAGES:
        raise ValueError(stage)
    variant = Variant.objects.filter(pk=variant_id).only("pk", "product_id").first()
    if variant is None:
        return None
    rows = InspectionPlan.objects.filter(
        Q(variant_id=variant.pk) | Q(product_id=variant.product_id, variant__isnull=True),
        is_active=True,
        stage__in=domain.stages_covering(stage),
    ).order_by("variant_id", "pk")  # a variant's own plan (not null) sorts before NULL
    plans = list(rows)
    own = [p for p in plans if p.variant_id is not None]
    return (own or plans or [None])[0]


def _quantity(value: Any, field: str, *, positive: bool = False) -> Decimal:
    number = clean_number(value, field, places=4, maximum=MAX_QUANTITY, positive=positive)
    return number.quantize(domain.QUANTUM)  # as stored, so answers read the same on every DB


@transaction.atomic
def open_inspection(
    *,
    stage: str,
    source_type: str,
    source_id: int,
    variant_id: int,
    warehouse_id: int,
    quantity: Decimal,
    lot_id: int | None = None,
    supplier_id: int | None = None,
    work_centre_id: int | None = None,
    reference: str = "",
) -> Inspection:
    """Open a pending inspection of goods the caller has just booked into QUALITY.

    The plan in force for the variant and stage is attached (an inspection without a plan
    has no checks: the inspector only splits accepted and rejected).
    """
    if stage not in domain.INSPECTION_STAGES:
        raise DomainError("invalid_stage", f"Unknown stage {stage!r}.", field="stage")
    amount = _quantity(quantity, "quantity", positive=True)
    variant = Variant.objects.filter(pk=variant_id).first()
    if variant is None:
        raise not_found("variant", "variant_id")
    if not Warehouse.objects.filter(pk=warehouse_id).exists():
        raise not_found("warehouse", "warehouse_id")
    if lot_id is not None and not Lot.objects.filter(pk=lot_id, variant_id=variant_id).exists():
        raise not_found("lot", "lot_id")
    plan = plan_for(variant_id, stage)
    inspection = Inspection.objects.create(
        number=next_number(SEQUENCE_KEY, prefix="QI-"),
        stage=stage,
        plan=plan,
        source_type=source_type,
        source_id=source_id,
        reference=clean_text(reference or "", "reference", 100),
        variant=variant,
        warehouse_id=warehouse_id,
        lot_id=lot_id,
        quantity=amount,
        sample_quantity=domain.sample_quantity(amount, plan.sample_size if plan else None),
        supplier_id=supplier_id,
        work_centre_id=work_centre_id,
    )
    publish(
        "InspectionOpened",
        {
            "inspection_id": inspection.pk,
            "number": inspection.number,
            "stage": stage,
            "source_type": source_type,
            "source_id": source_id,
            "variant_id": variant_id,
            "quantity": str(amount),
        },
    )
    return inspection


def _locked(inspection_id: int) -> Inspection:
    row = (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("variant", "warehouse", "lot")
        .filter(pk=inspection_id)
        .first()
    )
    if row is None:
        raise not_found("inspection")
    return row


def _checks(inspection: Inspection) -> list[PlanCheck]:
    if inspection.plan_id is None:
        return []
    return list(PlanCheck.objects.filter(plan_id=inspection.plan_id).order_by("sequence", "pk"))


def _judge(check: PlanCheck, answer: Mapping[str, Any] | None) -> InspectionResult | None:
    """The result of one check from the inspector's answer, None when left blank."""
    field = f"check_{check.pk}"
    answer = answer or {}
    note = clean_text(answer.get("note") or "", field + "_note", 500)
    if check.kind == "measurement":
        raw = answer.get("value")
        if raw in (None, ""):
            if check.required:
                raise DomainError(
                    "result_required", f"Enter the measured {check.name}.", field=field
                )
            return None
        value = clean_value(raw, field)
        assert check.target is not None  # plans refuse a measurement without a target
        passed = domain.within_tolerance(
            value, check.target, check.lower_tolerance, check.upper_tolerance
        )
        return InspectionResult(check_ref=check, measured_value=value, passed=passed, note=note)
    raw_passed = answer.get("passed")
    if raw_passed in (None, ""):
        if check.required:
            raise DomainError("result_required", f"Say whether {check.name} passed.", field=field)
        return None
    if not isinstance(raw_passed, bool):
        raise DomainError("invalid_result", "Answer passed or failed.", field=field)
    return InspectionResult(check_ref=check, passed=raw_passed, note=note)


def _accepted_move(inspection: Inspection, quantity: Decimal, reference: str) -> StockMove:
    """Move a quantity of the inspection's goods from QUALITY to STOCK of its warehouse."""
    return movements.post_move(
        kind="transfer",
        variant=inspection.variant,
        quantity=quantity,
        from_location=inventory.location_of(inspection.warehouse_id, "quality"),
        to_location=inventory.location_of(inspection.warehouse_id, "stock"),
        lot_number=inspection.lot.number if inspection.lot else "",
        reference=reference,
        source_type=SOURCE,
        source_id=inspection.pk,
    )


@transaction.atomic
def complete_inspection(
    inspection_id: int,
    *,
    results: Mapping[int, Mapping[str, Any]],
    accepted: Any,
    rejected: Any,
    defect_reason_id: int | None = None,
    accept_with_deviation: bool = False,
    note: str = "",
) -> Inspection:
    """Record the check results and the accepted / rejected split of a pending inspection.

    ``results`` maps a check id to ``{"passed": bool}`` or ``{"value": Decimal}`` (and an
    optional note). Refused: ``not_pending`` (409, e.g. someone completed it first),
    ``on_hold`` (409), ``result_required`` per required check (field ``check_<id>``),
    ``quantity_mismatch`` (accepted + rejected must equal the quantity),
    ``defect_reason_required`` when something is rejected, ``deviation_required`` when a
    check failed and something is accepted without "accept with deviation".
    """
    inspection = _locked(inspection_id)
    if inspection.state != "pending":
        raise DomainError(
            "not_pending",
            f"{inspection.number} is already {inspection.state}.",
            field="state",
            status=409,
        )
    if inspection.on_hold:
        raise DomainError(
            "on_hold",
            f"{inspection.number} is on hold; release the hold first.",
            field="state",
            status=409,
        )
    checks = _checks(inspection)
    known = {c.pk for c in checks}
    stray = [k for k in results if int(k) not in known]
    if stray:
        raise DomainError(
            "unknown_check", "A result names a check that is not on the plan.", field="results"
        )
    answers = {int(k): v for k, v in results.items()}
    judged = [r for r in (_judge(c, answers.get(c.pk)) for c in checks) if r is not None]
    good = _quantity(accepted, "accepted_quantity")
    bad = _quantity(rejected, "rejected_quantity")
    if good + bad != inspection.quantity:
        raise DomainError(
            "quantity_mismatch",
            f"Accepted and rejected must add up to {inventory.number(inspection.quantity)}.",
            field="accepted_quantity",
            details={"quantity": inventory.number(inspection.quantity)},
        )
    reason = None
    if defect_reason_id:
        reason = DefectReason.objects.filter(pk=defect_reason_id, is_active=True).first()
        if reason is None:
            raise not_found("defect reason", "defect_reason_id")
    if bad > 0 and reason is None:
        raise DomainError(
            "defect_reason_required",
            "Choose why goods were rejected.",
            field="defect_reason_id",
        )
    failed = [r.check_ref.name for r in judged if not r.passed]
    if failed and good > 0 and not accept_with_deviation:
        raise DomainError(
            "deviation_required",
            f"{', '.join(failed)} failed: reject the goods or accept them with a deviation.",
            field="accept_with_deviation",
            details={"failed_checks": failed},
        )
    for result in judged:  # one save each: TenantOwned sets the tenant and audits
        result.inspection = inspection
        result.save()
    inspection.accepted_quantity = good
    inspection.rejected_quantity = bad
    inspection.state = domain.outcome_state(good, bad)
    inspection.with_deviation = bool(failed) and good > 0
    inspection.defect_reason = reason
    inspection.note = clean_text(note or "", "note", 500)
    inspection.inspected_by_id = current().actor_id
    inspection.inspected_at = timezone.now()
    inspection.save()
    handler = outcome_handler(inspection.source_type)
    if handler is not None:  # first: its rows (a PO line) come before balance rows
        handler(inspection, good, bad)
    if good > 0:
        _accepted_move(inspection, good, inspection.number)
    publish(
        "InspectionCompleted",
        {
            "inspection_id": inspection.pk,
            "number": inspection.number,
            "state": inspection.state,
            "source_type": inspection.source_type,
            "source_id": inspection.source_id,
            "variant_id": inspection.variant_id,
            "accepted": str(good),
            "rejected": str(bad),
            "supplier_id": inspection.supplier_id,
            "work_centre_id": inspection.work_centre_id,
        },
    )
    return inspection


# --- holds ----------------------------------------------------------------------------------


@transaction.atomic
def put_on_hold(inspection_id: int, *, note: str = "") -> Inspection:
    """Stop a pending inspection from being completed (e.g. awaiting a lab result)."""
    inspection = _locked(inspection_id)
    if inspection.state != "pending" or inspection.on_hold:
        raise DomainError(
            "invalid_transition",
            "Only a pending inspection not on hold can be put on hold.",
            field="state",
            status=409,
        )
    inspection.on_hold = True
    inspection.hold_note = clean_text(note or "", "note", 500)
    inspection.save(update_fields=["on_hold", "hold_note", "updated_at"])
    publish("InspectionHeld", {"inspection_id": inspection.pk, "note": inspection.hold_note})
    return inspection


@transaction.atomic
def lift_hold(inspection_id: int) -> Inspection:
    """Let a held inspection be completed again."""
    inspection = _locked(inspection_id)
    if not inspection.on_hold:
        raise DomainError(
            "invalid_transition", f"{inspection.number} is not on hold.", field="state", status=409
        )
    inspection.on_hold = False
    inspection.save(update_fields=["on_hold", "updated_at"])
    publish("InspectionHoldLifted", {"inspection_id": inspection.pk})
    return inspection


# --- rejected goods: release, scrap, return ------------------------------------------------


def _take_held(inspection: Inspection, quantity: Any) -> Decimal:
    amount = _quantity(quantity, "quantity", positive=True)
    if inspection.state == "pending":
        raise DomainError(
            "not_completed", f"Complete {inspection.number} first.", field="state", status=409
        )
    if amount > inspection.held_quantity:
        raise DomainError(
            "more_than_held",
            f"Only {inventory.number(inspection.held_quantity)} rejected units are held.",
            field="quantity",
            status=409,
            details={"held": inventory.number(inspection.held_quantity)},
        )
    return amount


def _record(
    inspection: Inspection, kind: str, amount: Decimal, note: str, move: StockMove | None
) -> Disposition:
    field = {"release": "released_quantity", "scrap": "scrapped_quantity"}.get(
        kind, "returned_quantity"
    )
    setattr(inspection, field, getattr(inspection, field) + amount)
    inspection.save(update_fields=[field, "updated_at"])
    row = Disposition.objects.create(
        inspection=inspection,
        kind=kind,
        quantity=amount,
        note=clean_text(note or "", "note", 500),
        move=move,
        actor_id=current().actor_id,
        decided_at=timezone.now(),
    )
    publish(
        "RejectedGoodsDisposed",
        {
            "inspection_id": inspection.pk,
            "kind": kind,
            "quantity": str(amount),
            "disposition_id": row.pk,
        },
    )
    return row


@transaction.atomic
def release_rejected(inspection_id: int, quantity: Any, *, note: str = "") -> Disposition:
    """Release held rejected goods to stock after all (e.g. reworked or a concession)."""
    inspection = _locked(inspection_id)
    amount = _take_held(inspection, quantity)
    move = _accepted_move(inspection, amount, f"{inspection.number} release")
    return _record(inspection, "release", amount, note, move)


@transaction.atomic
def scrap_rejected(inspection_id: int, quantity: Any, *, note: str = "") -> Disposition:
    """Scrap held rejected goods: QUALITY to the warehouse's scrap location."""
    inspection = _locked(inspection_id)
    amount = _take_held(inspection, quantity)
    move = movements.scrap(
        variant=inspection.variant,
        warehouse=inspection.warehouse,
        quantity=amount,
        lot_number=inspection.lot.number if inspection.lot else "",
        location=inventory.location_of(inspection.warehouse_id, "quality"),
        reference=f"{inspection.number} scrap",
    )
    return _record(inspection, "scrap", amount, note, move)


@transaction.atomic
def record_return(
    inspection_id: int, quantity: Any, *, move: StockMove | None = None, note: str = ""
) -> Disposition:
    """Note that a return to vendor took held rejected goods (the caller moves the stock)."""
    inspection = _locked(inspection_id)
    amount = _take_held(inspection, quantity)
    return _record(inspection, "return", amount, note, move)


def lock_held_for_return(
    *, supplier_id: int, warehouse_id: int, po_line_ids: Collection[int]
) -> list[dict[str, Any]]:
    """The supplier's held rejected goods of these PO lines in the warehouse (oldest first,
    rows of ``queries.rejected_on_hold``), their inspections locked in primary-key order."""
    # The caller locks the PO lines after this: completing an inspection locks the inspection
    # and then the PO line, so both take the rows in the same order.
    holds = [
        row
        for row in queries.rejected_on_hold(supplier_id=supplier_id)
        if row["po_line_id"] in po_line_ids and row["warehouse_id"] == warehouse_id
    ]
    ids = sorted(row["inspection_id"] for row in holds)
    list(Inspection.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk"))
    return holds


def answers_from(data: Sequence[Mapping[str, Any]]) -> dict[int, dict[str, Any]]:
    """Results given as a list of ``{check_id, passed|value, note}`` keyed by check id."""
    out: dict[int, dict[str, Any]] = {}
    for item in data:
        out[int(item["check_id"])] = {k: v for k, v in item.items() if k != "check_id"}
    return out
