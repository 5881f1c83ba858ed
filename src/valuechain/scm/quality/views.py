"""Pages of quality: inspection plans, defect reasons, the inspections list, the inspection
page with its checklist (phone-friendly), holds and dispositions, the defect-rate page with
its chart. Thin: forms parse, services decide, queries read."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from valuechain.platform.errors import DomainError
from valuechain.platform.identity.decorators import requires
from valuechain.platform.web.pages import call_service, found_or_404, paginated
from valuechain.scm.inventory.models import Warehouse
from valuechain.scm.procurement.models import Supplier
from valuechain.scm.quality import domain, plans, queries, services
from valuechain.scm.quality.forms import (
    GROUPS,
    ChecklistForm,
    DefectReasonForm,
    DispositionForm,
    HoldForm,
    PlanForm,
    RatesForm,
    checks_text,
)

PER_PAGE = 50
CHART_WIDTH, ROW_HEIGHT, LABEL_WIDTH = 640, 28, 160
LIST_SORTS = {
    "pending": ("pending_first", "-created_at"),
    "number": ("number",),
    "-number": ("-number",),
    "created_at": ("created_at",),
    "-created_at": ("-created_at",),
    "-inspected_at": ("-inspected_at",),
}


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


# --- plans ----------------------------------------------------------------------------------


@requires("scm", "read")
def plan_list(request: HttpRequest) -> HttpResponse:
    """/scm/quality/plans/: inspection plans, searchable."""
    q = request.GET.get("q", "").strip()
    rows = queries.plans(q=q).order_by("-is_active", "name", "pk")
    return render(
        request, "quality/plan_list.html", {"page": paginated(request, rows, PER_PAGE), "q": q}
    )


@requires("scm", "write")
def plan_create(request: HttpRequest) -> HttpResponse:
    """/scm/quality/plans/new/: a plan for a product or one variant."""
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        plan = call_service(form, lambda: plans.create_plan(form.service_arguments()))
        if plan is not None:
            messages.success(request, f"Plan {plan.name} saved.")
            return redirect("quality-plans")
    return render(request, "quality/plan_form.html", {"form": form, "plan": None})


@requires("scm", "write")
def plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    """/scm/quality/plans/<id>/: change a plan and its checks."""
    plan = found_or_404(queries.plan, plan_id)
    initial = {
        "name": plan.name,
        "stage": plan.stage,
        "sample_size": f"{plan.sample_size.normalize():f}" if plan.sample_size else "",
        "note": plan.note,
        "is_active": plan.is_active,
        "checks": checks_text(plan),
    }
    form = PlanForm(request.POST or None, initial=initial, plan=plan)
    if request.method == "POST" and form.is_valid():
        saved = call_service(form, lambda: plans.update_plan(plan.pk, form.service_arguments()))
        if saved is not None:
            messages.success(request, f"Plan {saved.name} saved.")
            return redirect("quality-plans")
    return render(request, "quality/plan_form.html", {"form": form, "plan": plan})


# --- defect reasons -------------------------------------------------------------------------


def _reasons(request: HttpRequest, form: DefectReasonForm | None = None) -> HttpResponse:
    rows = queries.defect_reasons().order_by("code", "pk")
    return render(
        request,
        "quality/reason_list.html",
        {"page": paginated(request, rows, PER_PAGE), "form": form or DefectReasonForm()},
    )


@requires("scm", "read")
def reason_list(request: HttpRequest) -> HttpResponse:
    """/scm/quality/defect-reasons/: the tenant's list, with a form for a new reason."""
    return _reasons(request)


@require_POST
@requires("scm", "write")
def reason_create(request: HttpRequest) -> HttpResponse:
    """Add a defect reason from the list page."""
    form = DefectReasonForm(request.POST)
    if form.is_valid():
        reason = call_service(form, lambda: plans.create_defect_reason(**form.cleaned_data))
        if reason is not None:
            messages.success(request, f"Defect reason {reason.code} added.")
            return redirect("quality-defect-reasons")
    return _reasons(request, form)


@requires("scm", "write")
def reason_edit(request: HttpRequest, reason_id: int) -> HttpResponse:
    """/scm/quality/defect-reasons/<id>/: rename, recode or deactivate."""
    reason = found_or_404(queries.defect_reason, reason_id)
    initial = {"code": reason.code, "name": reason.name, "is_active": reason.is_active}
    form = DefectReasonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = call_service(form, lambda: plans.update_defect_reason(reason.pk, form.cleaned_data))
        if saved is not None:
            messages.success(request, f"Defect reason {saved.code} saved.")
            return redirect("quality-defect-reasons")
    return render(request, "quality/reason_form.html", {"form": form, "reason": reason})


# --- inspections ----------------------------------------------------------------------------


@requires("scm", "read")
def inspection_list(request: HttpRequest) -> HttpResponse:
    """/scm/quality/inspections/: pending first; filter by stage, state, warehouse, supplier."""
    stage = request.GET.get("stage", "")
    state = request.GET.get("state", "")
    q = request.GET.get("q", "").strip()
    sort = request.GET.get("sort", "pending")
    if sort not in LIST_SORTS:
        sort = "pending"
    warehouse_id = _int(request.GET.get("warehouse"))
    supplier_id = _int(request.GET.get("supplier"))
    rows = queries.inspections(
        q=q,
        stage=stage if stage in domain.INSPECTION_STAGES else "",
        state=state if state in domain.INSPECTION_STATES else "",
        warehouse_id=warehouse_id,
        supplier_id=supplier_id,
    ).order_by(*LIST_SORTS[sort], "-pk")
    return render(
        request,
        "quality/inspection_list.html",
        {
            "page": paginated(request, rows, PER_PAGE),
            "q": q,
            "stage": stage,
            "state": state,
            "sort": sort,
            "warehouse_id": warehouse_id,
            "supplier_id": supplier_id,
            "stages": domain.INSPECTION_STAGES,
            "states": domain.INSPECTION_STATES,
            "warehouses": Warehouse.objects.filter(is_active=True).order_by("code"),
            "suppliers": Supplier.objects.select_related("account").order_by("code"),
        },
    )


def _inspection_page(
    request: HttpRequest,
    inspection_id: int,
    form: ChecklistForm | None = None,
    disposition: DispositionForm | None = None,
) -> HttpResponse:
    row = found_or_404(queries.inspection, inspection_id)
    checks = queries.plan_checks(row)
    if form is None:
        form = ChecklistForm(
            checks=checks,
            initial={"accepted_quantity": f"{row.quantity.normalize():f}"},
        )
    return render(
        request,
        "quality/inspection_detail.html",
        {
            "inspection": row,
            "form": form,
            "disposition": disposition or DispositionForm(),
            "hold_form": HoldForm(),
            "results": list(row.results.all()),
        },
    )


@requires("scm", "read")
def inspection_detail(request: HttpRequest, inspection_id: int) -> HttpResponse:
    """/scm/quality/inspections/<id>/: the checklist, or the results once completed."""
    return _inspection_page(request, inspection_id)


@require_POST
@requires("scm", "write")
def inspection_complete(request: HttpRequest, inspection_id: int) -> HttpResponse:
    """Complete from the checklist; refusals show next to their field (200, like other forms)."""
    row = found_or_404(queries.inspection, inspection_id)
    form = ChecklistForm(request.POST, checks=queries.plan_checks(row))
    if form.is_valid():
        done = call_service(
            form, lambda: services.complete_inspection(row.pk, **form.service_arguments())
        )
        if done is not None:
            messages.success(request, f"{done.number} {done.state}.")
            return redirect("quality-inspection", done.pk)
    return _inspection_page(request, row.pk, form=form)


@require_POST
@requires("scm", "write")
def inspection_hold(request: HttpRequest, inspection_id: int, action: str) -> HttpResponse:
    """Put on hold or lift the hold; a refusal is shown as a message."""
    if action not in ("hold", "lift"):
        raise Http404("No such action.")
    row = found_or_404(queries.inspection, inspection_id)
    try:
        if action == "hold":
            services.put_on_hold(row.pk, note=request.POST.get("note", ""))
            messages.success(request, f"{row.number} is on hold.")
        else:
            services.lift_hold(row.pk)
            messages.success(request, f"{row.number} is no longer on hold.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("quality-inspection", row.pk)


@require_POST
@requires("scm", "write")
def inspection_disposition(request: HttpRequest, inspection_id: int) -> HttpResponse:
    """Release or scrap held rejected goods."""
    row = found_or_404(queries.inspection, inspection_id)
    form = DispositionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        call = services.release_rejected if data["action"] == "release" else services.scrap_rejected
        done = call_service(form, lambda: call(row.pk, data["quantity"], note=data["note"]))
        if done is not None:
            verb = "released to stock" if done.kind == "release" else "scrapped"
            messages.success(request, f"{done.quantity.normalize():f} {verb}.")
            return redirect("quality-inspection", row.pk)
    return _inspection_page(request, row.pk, disposition=form)


# --- defect rates ---------------------------------------------------------------------------


def chart(rows: list[queries.DefectRate]) -> dict[str, Any]:
    """Horizontal bars of the defect rate % per row, scaled to the highest rate."""
    top = max((r.rate_percent for r in rows), default=0) or 1
    span = CHART_WIDTH - LABEL_WIDTH - 60
    bars = [
        {
            "y": index * ROW_HEIGHT + 4,
            "width": max(int(span * float(r.rate_percent) / float(top)), 1),
            "label": r.label,
            "value": r.rate_percent,
        }
        for index, r in enumerate(rows[:20])
    ]
    return {
        "width": CHART_WIDTH,
        "height": max(len(bars), 1) * ROW_HEIGHT + 8,
        "label_width": LABEL_WIDTH,
        "bars": bars,
    }


@requires("scm", "read")
def defect_rates(request: HttpRequest) -> HttpResponse:
    """/scm/quality/defect-rates/: rate % and top reasons per product, supplier or work centre."""
    form = RatesForm(request.GET or None)
    by, stage, start, end = "product", "", None, None
    if form.is_valid():
        data = form.cleaned_data
        by, stage = data["by"] or "product", data["stage"] or ""
        start, end = data["start"], data["end"]
    try:
        window = queries.period(start, end)
    except DomainError as error:
        form.add_error("start", error.message)
        window = queries.period(None, None)
    rows = queries.defect_rates(by, window, stage=stage)
    return render(
        request,
        "quality/defect_rates.html",
        {
            "form": form,
            "window": window,
            "rows": rows,
            "by": by,
            "by_label": dict(GROUPS).get(by, by),
            "chart": chart(rows),
        },
    )
