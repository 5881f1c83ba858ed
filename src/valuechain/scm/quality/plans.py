"""Use cases of the quality master data: inspection plans with their checks, defect reasons.

One transaction each, the changed row locked, DomainError with the field at fault, a
past-tense event. Which plan applies to a variant is ``services.plan_for``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction

from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.inputs import clean_choice, clean_code, clean_number, clean_text
from valuechain.scm.catalog.models import Product, Variant
from valuechain.scm.quality import domain
from valuechain.scm.quality.models import DefectReason, InspectionPlan, InspectionResult, PlanCheck

MAX_QUANTITY = Decimal("99999999999999")
MAX_VALUE = Decimal("999999999999")
VALUE_PLACES = 6


def not_found(label: str, field: str | None = None) -> DomainError:
    """The 404 of a record that does not exist in the current tenant."""
    return DomainError(
        f"{label.replace(' ', '_')}_not_found", f"No such {label}.", field=field, status=404
    )


def clean_value(value: Any, field: str) -> Decimal:
    """A signed exact decimal with at most 6 places (measurements may be below zero)."""
    number: Decimal | None = None
    if isinstance(value, Decimal | int | str) and not isinstance(value, bool):
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            number = None
    if number is None or not number.is_finite() or abs(number) > MAX_VALUE:
        raise DomainError(f"invalid_{field}", "Enter a number.", field=field)
    if number != number.quantize(Decimal(1).scaleb(-VALUE_PLACES)):
        raise DomainError(f"invalid_{field}", f"At most {VALUE_PLACES} decimals.", field=field)
    return number


# --- plans ----------------------------------------------------------------------------------


def _check_values(index: int, data: Mapping[str, Any]) -> dict[str, Any]:
    prefix = f"checks.{index}."
    kind = clean_choice(data.get("kind") or "pass_fail", prefix + "kind", domain.CHECK_KINDS)
    values: dict[str, Any] = {
        "name": clean_text(data.get("name"), prefix + "name", 200, required=True),
        "kind": kind,
        "unit": clean_text(data.get("unit") or "", prefix + "unit", 20),
        "required": bool(data.get("required", True)),
        "sequence": index,
        "target": None,
        "lower_tolerance": Decimal(0),
        "upper_tolerance": Decimal(0),
    }
    if kind == "measurement":
        if data.get("target") in (None, ""):
            raise DomainError(
                "target_required", "A measurement needs a target.", field=prefix + "target"
            )
        values["target"] = clean_value(data["target"], prefix + "target")
        for side in ("lower_tolerance", "upper_tolerance"):
            raw = data.get(side)
            values[side] = clean_number(
                0 if raw in (None, "") else raw,
                prefix + side,
                places=VALUE_PLACES,
                maximum=MAX_VALUE,
            )
    return values


def _plan_values(data: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "name" in data:
        values["name"] = clean_text(data["name"], "name", 200, required=True)
    if "stage" in data:
        values["stage"] = clean_choice(data["stage"], "stage", domain.PLAN_STAGES)
    if "sample_size" in data:
        raw = data["sample_size"]
        values["sample_size"] = (
            None
            if raw in (None, "")
            else clean_number(raw, "sample_size", places=4, maximum=MAX_QUANTITY, positive=True)
        )
    if "note" in data:
        values["note"] = clean_text(data["note"] or "", "note", 500)
    if "is_active" in data:
        values["is_active"] = bool(data["is_active"])
    return values


def _target(data: Mapping[str, Any]) -> dict[str, Any]:
    product_id, variant_id = data.get("product_id"), data.get("variant_id")
    if bool(product_id) == bool(variant_id):
        raise DomainError(
            "plan_target_required",
            "Choose either a product or one variant.",
            field="product_id",
        )
    if variant_id:
        variant = Variant.objects.filter(pk=variant_id).first()
        if variant is None:
            raise not_found("variant", "variant_id")
        return {"variant": variant, "product": None}
    product = Product.objects.filter(pk=product_id).first()
    if product is None:
        raise not_found("product", "product_id")
    return {"product": product, "variant": None}


def _covered(stage: str) -> set[str]:
    return set(domain.INSPECTION_STAGES) if stage == "both" else {stage}


def _refuse_overlap(plan: InspectionPlan) -> None:
    """Two active plans of one product or variant may not cover the same stage."""
    if not plan.is_active:
        return
    stages = _covered(plan.stage)
    rows = InspectionPlan.objects.filter(
        is_active=True, product_id=plan.product_id, variant_id=plan.variant_id
    ).exclude(pk=plan.pk)
    for other in rows:
        if _covered(other.stage) & stages:
            raise DomainError(
                "plan_overlap",
                f"The active plan {other.name!r} already covers that stage.",
                field="stage",
                status=409,
                details={"plan_id": other.pk},
            )


def _write_checks(plan: InspectionPlan, checks: Sequence[Mapping[str, Any]]) -> None:
    if not checks:
        raise DomainError("checks_required", "Add at least one check.", field="checks")
    keep: set[int] = set()
    existing = {c.pk: c for c in plan.checks.select_for_update().order_by("pk")}
    for index, data in enumerate(checks):
        values = _check_values(index, data)
        check_id = data.get("id")
        if check_id:
            check = existing.get(int(check_id))
            if check is None:
                raise not_found("check", f"checks.{index}.id")
            for name, value in values.items():
                setattr(check, name, value)
            check.save()
            keep.add(check.pk)
        else:
            PlanCheck.objects.create(plan=plan, **values)
    dropped = [pk for pk in existing if pk not in keep]
    if InspectionResult.objects.filter(check_ref_id__in=dropped).exists():
        raise DomainError(
            "check_in_use",
            "A check that inspections answered cannot be removed; deactivate the plan instead.",
            field="checks",
            status=409,
        )
    PlanCheck.objects.filter(pk__in=dropped).delete()


@transaction.atomic
def create_plan(data: Mapping[str, Any]) -> InspectionPlan:
    """Create a plan for a product or a variant with its checks."""
    values = _plan_values({"stage": data.get("stage"), "name": data.get("name"), **data})
    values.pop("is_active", None)
    plan = InspectionPlan(**_target(data), **values, is_active=bool(data.get("is_active", True)))
    _refuse_overlap(plan)
    plan.save()
    _write_checks(plan, data.get("checks") or [])
    publish("InspectionPlanCreated", {"plan_id": plan.pk, "stage": plan.stage})
    return plan


@transaction.atomic
def update_plan(plan_id: int, changes: Mapping[str, Any]) -> InspectionPlan:
    """Change a plan's fields and, when given, replace its list of checks."""
    plan = InspectionPlan.objects.select_for_update().filter(pk=plan_id).first()
    if plan is None:
        raise not_found("plan")
    unknown = set(changes) - {"name", "stage", "sample_size", "note", "is_active", "checks"}
    if unknown:
        raise DomainError("invalid_field", f"Cannot change {', '.join(sorted(unknown))}.")
    for name, value in _plan_values(changes).items():
        setattr(plan, name, value)
    _refuse_overlap(plan)
    plan.save()
    if "checks" in changes:
        _write_checks(plan, changes["checks"] or [])
    publish("InspectionPlanChanged", {"plan_id": plan.pk, "fields": sorted(changes)})
    return plan


# --- defect reasons -------------------------------------------------------------------------


@transaction.atomic
def create_defect_reason(*, code: Any, name: Any, is_active: bool = True) -> DefectReason:
    """Add a defect reason to the tenant's list (codes are unique)."""
    clean = clean_code(code, "defect reason")
    label = clean_text(name, "name", 200, required=True)
    if DefectReason.objects.filter(code=clean).exists():
        raise _duplicate(clean)
    try:
        with transaction.atomic():
            reason = DefectReason.objects.create(code=clean, name=label, is_active=is_active)
    except IntegrityError:
        raise _duplicate(clean) from None
    publish("DefectReasonCreated", {"defect_reason_id": reason.pk, "code": clean})
    return reason


def _duplicate(code: str) -> DomainError:
    return DomainError(
        "duplicate_code", f"There already is a defect reason {code}.", field="code", status=409
    )


@transaction.atomic
def update_defect_reason(reason_id: int, changes: Mapping[str, Any]) -> DefectReason:
    """Rename, recode or (de)activate a defect reason."""
    reason = DefectReason.objects.select_for_update().filter(pk=reason_id).first()
    if reason is None:
        raise not_found("defect reason")
    if "code" in changes:
        code = clean_code(changes["code"], "defect reason")
        if DefectReason.objects.filter(code=code).exclude(pk=reason.pk).exists():
            raise _duplicate(code)
        reason.code = code
    if "name" in changes:
        reason.name = clean_text(changes["name"], "name", 200, required=True)
    if "is_active" in changes:
        reason.is_active = bool(changes["is_active"])
    reason.save()
    publish("DefectReasonChanged", {"defect_reason_id": reason.pk})
    return reason
