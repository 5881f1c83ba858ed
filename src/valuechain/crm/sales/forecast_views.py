"""Pages of sales configuration and the forecast: pipelines, stages, loss reasons, quotas."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from valuechain.crm.sales import domain, forecast, pipeline_services, queries
from valuechain.crm.sales.forms import (
    ForecastFilterForm,
    LossReasonForm,
    PipelineForm,
    QuotaForm,
    StageForm,
)
from valuechain.crm.sales.models import Stage
from valuechain.crm.sales.views import can_write, save
from valuechain.platform.errors import DomainError
from valuechain.platform.identity.decorators import requires

CHART_SERIES = ("closed_won", "weighted", "pipeline", "quota")


def _chart(report: forecast.ForecastReport) -> domain.ChartLayout:
    groups = [
        (
            cell.period,
            {
                "closed_won": cell.closed_won,
                "weighted": cell.weighted,
                "pipeline": cell.pipeline,
                "quota": cell.quota,
            },
        )
        for cell in report.totals()
    ]
    return domain.chart_layout(groups, CHART_SERIES)


def _forecast_page(
    request: HttpRequest, quota_form: QuotaForm | None = None, status: int = 200
) -> HttpResponse:
    form = ForecastFilterForm(request.GET or None)
    report = None
    error = ""
    arguments: dict[str, Any] = {"period": "month", "group_by": "rep"}
    if form.is_bound and form.is_valid():
        arguments = form.report_arguments()
    try:
        report = forecast.forecast(**arguments)
    except DomainError as exc:
        error = exc.message
    context = {
        "form": form,
        "report": report,
        "rows": [report.row(cell) for cell in report.cells()] if report else [],
        "totals": [report.row(cell) for cell in report.totals()] if report else [],
        "chart": _chart(report) if report else None,
        "error": error,
        "quota_form": quota_form or QuotaForm(),
        "without_date": forecast.open_opportunities_without_date(),
        "can_write": can_write(request),
    }
    return render(request, "sales/forecast.html", context, status=status)


@requires("crm", "read")
def forecast_page(request: HttpRequest) -> HttpResponse:
    """/crm/forecast/: weighted pipeline, categories, closed won, quota and a chart."""
    return _forecast_page(request)


@require_POST
@requires("crm", "write")
def quota_set(request: HttpRequest) -> HttpResponse:
    """POST /crm/forecast/quotas/: set a rep's quota for a month or quarter."""
    form = QuotaForm(request.POST)
    if form.is_valid():
        rows = save(form, lambda: forecast.set_quota(form.cleaned_data))
        if rows is not None:
            messages.success(request, f"Quota set for {form.cleaned_data['period'].upper()}.")
            return redirect("sales-forecast")
    return _forecast_page(request, quota_form=form, status=422)


# --- settings: pipelines, stages, loss reasons ----------------------------------------------------


def _settings_page(
    request: HttpRequest, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    forms = forms or {}
    failed_stage_form = forms.pop("stage_form", None)
    failed_pipeline = forms.pop("stage_form_pipeline", None)
    rows = []
    for pipeline in queries.pipelines():
        stage_form = (
            failed_stage_form
            if failed_pipeline == pipeline.pk and failed_stage_form is not None
            else StageForm(initial={"probability": 0}, auto_id=f"id_p{pipeline.pk}_%s")
        )
        stages = sorted(pipeline.stages.all(), key=lambda s: (s.position, s.pk))
        rows.append((pipeline, stages, stage_form))
    context = {
        "pipelines": rows,
        "pipeline_form": PipelineForm(),
        "reason_form": LossReasonForm(),
        "reasons": list(queries.loss_reasons(active_only=False)),
        "can_write": can_write(request),
        **forms,
    }
    return render(request, "sales/settings.html", context, status=status)


@requires("crm", "read")
def settings_page(request: HttpRequest) -> HttpResponse:
    """/crm/pipelines/settings/: pipelines, their stages and the loss reasons."""
    return _settings_page(request)


@require_POST
@requires("crm", "write")
def pipeline_add(request: HttpRequest) -> HttpResponse:
    """POST /crm/pipelines/settings/pipelines/: add a pipeline with the default stages."""
    form = PipelineForm(request.POST)
    if form.is_valid() and save(form, lambda: pipeline_services.create_pipeline(form.cleaned_data)):
        messages.success(request, "Pipeline added.")
        return redirect("sales-settings")
    return _settings_page(request, {"pipeline_form": form}, status=422)


@require_POST
@requires("crm", "write")
def stage_add(request: HttpRequest, pipeline_id: int) -> HttpResponse:
    """POST /crm/pipelines/settings/<id>/stages/: add a stage at the end."""
    form = StageForm(request.POST, auto_id=f"id_p{pipeline_id}_%s")
    if form.is_valid():
        added = save(form, lambda: pipeline_services.add_stage(pipeline_id, form.service_data()))
        if added is not None:
            messages.success(request, f"Stage {added.name} added.")
            return redirect("sales-settings")
    return _settings_page(
        request, {"stage_form": form, "stage_form_pipeline": pipeline_id}, status=422
    )


@require_POST
@requires("crm", "write")
def stage_change(request: HttpRequest, stage_id: int) -> HttpResponse:
    """POST /crm/pipelines/settings/stages/<id>/: change probability, move up/down, delete."""
    stage = Stage.objects.filter(pk=stage_id).first()
    if stage is None:
        raise Http404("No such stage.")
    action = request.POST.get("action", "")
    try:
        if action == "delete":
            pipeline_services.delete_stage(stage.pk)
        elif action in ("up", "down"):
            ids = [s.pk for s in queries.stages(stage.pipeline)]
            index = ids.index(stage.pk)
            other = index - 1 if action == "up" else index + 1
            if 0 <= other < len(ids):
                ids[index], ids[other] = ids[other], ids[index]
                pipeline_services.reorder_stages(stage.pipeline_id, ids)
        elif action == "probability":
            pipeline_services.update_stage(
                stage.pk, {"probability": request.POST.get("probability", "")}
            )
        else:
            raise DomainError("invalid_action", "Unknown action.")
    except DomainError as error:
        messages.error(request, f"{stage.name}: {error.message}")
    else:
        messages.success(request, f"Stage {stage.name} updated.")
    return redirect("sales-settings")


@require_POST
@requires("crm", "write")
def loss_reason_add(request: HttpRequest) -> HttpResponse:
    """POST /crm/pipelines/settings/loss-reasons/: add a loss reason."""
    form = LossReasonForm(request.POST)
    if form.is_valid() and save(
        form, lambda: pipeline_services.create_loss_reason(form.cleaned_data)
    ):
        messages.success(request, "Loss reason added.")
        return redirect("sales-settings")
    return _settings_page(request, {"reason_form": form}, status=422)


@require_POST
@requires("crm", "write")
def loss_reason_toggle(request: HttpRequest, reason_id: int) -> HttpResponse:
    """POST /crm/pipelines/settings/loss-reasons/<id>/: retire or restore a loss reason."""
    try:
        reason = pipeline_services.update_loss_reason(
            reason_id, {"is_active": request.POST.get("is_active") == "1"}
        )
    except DomainError as error:
        raise Http404(error.message) from error
    messages.success(request, f"{reason.name} {'restored' if reason.is_active else 'retired'}.")
    return redirect("sales-settings")
