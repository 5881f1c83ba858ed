"""API routes of quality (scm area): inspection plans, defect reasons, inspections with their
completion, holds and dispositions, rejected goods on hold, defect rates and acceptance."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Query, Status

from valuechain.platform.api import ListParams, Page, area_router, paginate
from valuechain.scm.procurement import queries as procurement_queries
from valuechain.scm.quality import plans, queries, services
from valuechain.scm.quality.models import DefectReason, Disposition, Inspection, InspectionPlan
from valuechain.scm.quality.schemas import (
    AcceptanceOut,
    CompleteIn,
    DefectRatesOut,
    DefectReasonIn,
    DefectReasonOut,
    DefectReasonPatch,
    DispositionIn,
    DispositionOut,
    HeldOut,
    HoldIn,
    InspectionDetailOut,
    InspectionOut,
    PlanIn,
    PlanOut,
    PlanPatch,
)

router = area_router("scm", tags=["quality"])


# --- plans ----------------------------------------------------------------------------------


@router.get("/quality/plans", response=Page[PlanOut], summary="List inspection plans")
def list_plans(
    request: HttpRequest,
    params: Query[ListParams],
    q: str = "",
    stage: str = "",
    is_active: bool | None = None,
) -> dict[str, Any]:
    """Plans by name; ``q`` searches name, product and SKU."""
    return paginate(
        queries.plans(q=q, stage=stage, is_active=is_active),
        params,
        sortable=queries.PLAN_SORTS,
        default_sort=("name",),
    )


@router.post("/quality/plans", response={201: PlanOut}, summary="Create an inspection plan")
def create_plan(request: HttpRequest, data: PlanIn) -> Status[InspectionPlan]:
    """A plan for a product or one variant, at receipt, production or both, with its checks."""
    plan = plans.create_plan(data.dict())
    return Status(201, queries.plan(plan.pk))


@router.get("/quality/plans/{plan_id}", response=PlanOut, summary="Get an inspection plan")
def get_plan(request: HttpRequest, plan_id: int) -> InspectionPlan:
    """One plan with its checks."""
    return queries.plan(plan_id)


@router.patch("/quality/plans/{plan_id}", response=PlanOut, summary="Change an inspection plan")
def update_plan(request: HttpRequest, plan_id: int, data: PlanPatch) -> InspectionPlan:
    """Change fields (null leaves a field); ``checks`` replaces the list when given."""
    given = {k: v for k, v in data.dict(exclude_unset=True).items() if v is not None}
    plans.update_plan(plan_id, given)
    return queries.plan(plan_id)


# --- defect reasons -------------------------------------------------------------------------


@router.get(
    "/quality/defect-reasons", response=Page[DefectReasonOut], summary="List defect reasons"
)
def list_defect_reasons(
    request: HttpRequest, params: Query[ListParams], q: str = "", is_active: bool | None = None
) -> dict[str, Any]:
    """The tenant's defect reasons by code."""
    return paginate(
        queries.defect_reasons(q=q, is_active=is_active),
        params,
        sortable=queries.REASON_SORTS,
        default_sort=("code",),
    )


@router.post(
    "/quality/defect-reasons", response={201: DefectReasonOut}, summary="Create a defect reason"
)
def create_defect_reason(request: HttpRequest, data: DefectReasonIn) -> Status[DefectReason]:
    """A new reason goods can be rejected for."""
    return Status(201, plans.create_defect_reason(**data.dict()))


@router.patch(
    "/quality/defect-reasons/{reason_id}",
    response=DefectReasonOut,
    summary="Change a defect reason",
)
def update_defect_reason(
    request: HttpRequest, reason_id: int, data: DefectReasonPatch
) -> DefectReason:
    """Recode, rename or (de)activate a reason."""
    given = {k: v for k, v in data.dict(exclude_unset=True).items() if v is not None}
    return plans.update_defect_reason(reason_id, given)


# --- inspections ----------------------------------------------------------------------------


@router.get("/quality/inspections", response=Page[InspectionOut], summary="List inspections")
def list_inspections(
    request: HttpRequest,
    params: Query[ListParams],
    q: str = "",
    stage: str = "",
    state: str = "",
    warehouse_id: int | None = None,
    supplier_id: int | None = None,
    work_centre_id: int | None = None,
    on_hold: bool | None = None,
) -> dict[str, Any]:
    """Pending first, newest first; ``q`` searches number, reference and SKU."""
    return paginate(
        queries.inspections(
            q=q,
            stage=stage,
            state=state,
            warehouse_id=warehouse_id,
            supplier_id=supplier_id,
            work_centre_id=work_centre_id,
            on_hold=on_hold,
        ),
        params,
        sortable=queries.INSPECTION_SORTS,
        default_sort=("pending_first", "-created_at"),
    )


@router.get("/quality/rejected-on-hold", response=list[HeldOut], summary="Rejected goods held")
def rejected_on_hold(request: HttpRequest, supplier_id: int | None = None) -> list[Any]:
    """Rejected goods still in QUALITY, oldest first (what a return to vendor can take)."""
    return queries.rejected_on_hold(supplier_id)


@router.get(
    "/quality/inspections/{inspection_id}",
    response=InspectionDetailOut,
    summary="Get an inspection",
)
def get_inspection(request: HttpRequest, inspection_id: int) -> Inspection:
    """One inspection with its results and dispositions."""
    return queries.inspection(inspection_id)


@router.post(
    "/quality/inspections/{inspection_id}/complete",
    response=InspectionDetailOut,
    summary="Complete an inspection",
)
def complete_inspection(request: HttpRequest, inspection_id: int, data: CompleteIn) -> Inspection:
    """Record results and the accepted / rejected split; accepted goods move to stock."""
    services.complete_inspection(
        inspection_id,
        results=services.answers_from([r.dict() for r in data.results]),
        accepted=data.accepted_quantity,
        rejected=data.rejected_quantity,
        defect_reason_id=data.defect_reason_id,
        accept_with_deviation=data.accept_with_deviation,
        note=data.note,
    )
    return queries.inspection(inspection_id)


@router.post(
    "/quality/inspections/{inspection_id}/hold",
    response=InspectionOut,
    summary="Put an inspection on hold",
)
def hold_inspection(request: HttpRequest, inspection_id: int, data: HoldIn) -> Inspection:
    """A held inspection cannot be completed until the hold is lifted."""
    return services.put_on_hold(inspection_id, note=data.note)


@router.post(
    "/quality/inspections/{inspection_id}/lift-hold",
    response=InspectionOut,
    summary="Lift an inspection's hold",
)
def lift_hold(request: HttpRequest, inspection_id: int) -> Inspection:
    """Let a held inspection be completed."""
    return services.lift_hold(inspection_id)


@router.post(
    "/quality/inspections/{inspection_id}/release",
    response={201: DispositionOut},
    summary="Release held rejected goods to stock",
)
def release(request: HttpRequest, inspection_id: int, data: DispositionIn) -> Status[Disposition]:
    """Move a held rejected quantity from QUALITY to STOCK (rework, concession)."""
    return Status(201, services.release_rejected(inspection_id, data.quantity, note=data.note))


@router.post(
    "/quality/inspections/{inspection_id}/scrap",
    response={201: DispositionOut},
    summary="Scrap held rejected goods",
)
def scrap(request: HttpRequest, inspection_id: int, data: DispositionIn) -> Status[Disposition]:
    """Move a held rejected quantity from QUALITY to the warehouse's scrap location."""
    return Status(201, services.scrap_rejected(inspection_id, data.quantity, note=data.note))


# --- figures --------------------------------------------------------------------------------


@router.get("/quality/defect-rates", response=DefectRatesOut, summary="Defect rates")
def defect_rates(
    request: HttpRequest,
    by: str = "product",
    start: date | None = None,
    end: date | None = None,
    stage: str = "",
) -> dict[str, Any]:
    """Inspected and rejected quantities, rate % and top reasons per product, supplier or
    work centre over a period (default: the last 30 days), highest rate first."""
    window = queries.period(start, end)
    return {
        "by": by,
        "start": window.start,
        "end": window.end,
        "rows": queries.defect_rates(by, window, stage=stage),
    }


@router.get(
    "/quality/suppliers/{supplier_id}/acceptance",
    response=AcceptanceOut,
    summary="A supplier's acceptance",
)
def supplier_acceptance(
    request: HttpRequest, supplier_id: int, start: date | None = None, end: date | None = None
) -> dict[str, Any]:
    """Inspected, accepted and rejected quantities of a supplier over a period."""
    procurement_queries.supplier(supplier_id)  # 404 supplier_not_found, like other routes
    window = queries.period(start, end)
    figures = queries.acceptance_by_supplier(supplier_id, window.start, window.end)
    return {"supplier_id": supplier_id, "start": window.start, "end": window.end, **figures}
