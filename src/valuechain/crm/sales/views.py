"""Pages of sales: the opportunity list, detail, forms and the Kanban board per pipeline."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from valuechain.crm.sales import pipeline_services, queries, services
from valuechain.crm.sales.exports import OPPORTUNITY_COLUMNS
from valuechain.crm.sales.forms import (
    SORT_CHOICES,
    LineForm,
    MoveForm,
    OpportunityFilterForm,
    OpportunityForm,
    ServiceForm,
    loss_reason_choices,
    owner_choices,
)
from valuechain.crm.sales.models import Opportunity, Pipeline
from valuechain.platform.dataexchange.exports import FORMATS, export_response
from valuechain.platform.errors import DomainError
from valuechain.platform.identity.decorators import requires
from valuechain.platform.identity.domain import allows
from valuechain.platform.web.pages import paginated

PER_PAGE = 50


def can_write(request: HttpRequest) -> bool:
    """Whether the member may change sales records."""
    return allows(getattr(request, "permissions", frozenset()), "crm", "write")


def _opportunity_or_404(opportunity_id: int) -> Opportunity:
    try:
        return queries.opportunity(opportunity_id)
    except ObjectDoesNotExist as exc:
        raise Http404("No such opportunity.") from exc


def _pipeline_or_404(pipeline_id: int) -> Pipeline:
    try:
        return queries.pipeline(pipeline_id)
    except ObjectDoesNotExist as exc:
        raise Http404("No such pipeline.") from exc


def save(form: ServiceForm, call: Callable[[], Any]) -> Any:
    """Run a service; None (and the error next to its field) when it refused."""
    try:
        return call()
    except DomainError as error:
        form.add_domain_error(error)
        return None


# --- list, create, edit ----------------------------------------------------------------------


@requires("crm", "read")
def opportunity_list(request: HttpRequest) -> HttpResponse:
    """/crm/opportunities/: opportunities with filters, sorting and pages."""
    form = OpportunityFilterForm(request.GET or None)
    filters = queries.OpportunityFilters()
    sort = SORT_CHOICES[0][0]
    if form.is_bound and form.is_valid():
        filters = queries.OpportunityFilters(**form.filter_values())
        sort = form.cleaned_data["sort"] or sort
    rows = queries.opportunities(filters).order_by(sort, "pk")
    if request.GET.get("export") in FORMATS:  # every filtered row, not only the page
        fmt = request.GET["export"]
        return export_response(rows, OPPORTUNITY_COLUMNS, fmt, "opportunities")  # type: ignore[return-value]
    page = paginated(request, rows, PER_PAGE)
    context = {"form": form, "page": page, "can_write": can_write(request)}
    return render(request, "sales/opportunity_list.html", context)


@requires("crm", "write")
def opportunity_create(request: HttpRequest) -> HttpResponse:
    """/crm/opportunities/new/: open a deal (?account=… or ?person=… preselects the party)."""
    initial = {"account_id": request.GET.get("account"), "person_id": request.GET.get("person")}
    form = OpportunityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        created = save(form, lambda: services.create_opportunity(form.service_data()))
        if created is not None:
            messages.success(request, f"Opportunity {created.name} added.")
            return redirect("sales-opportunity-detail", created.pk)
    return render(
        request, "sales/opportunity_form.html", {"form": form, "title": "New opportunity"}
    )


@requires("crm", "write")
def opportunity_edit(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    """/crm/opportunities/<id>/edit/: change a deal's fields."""
    opportunity = _opportunity_or_404(opportunity_id)
    initial = {
        "name": opportunity.name,
        "account_id": opportunity.account_id,
        "person_id": opportunity.person_id,
        "amount": opportunity.money.amount,
        "currency": opportunity.currency,
        "expected_close_date": opportunity.expected_close_date,
        "owner_id": opportunity.owner_id,
        "probability": opportunity.probability,
        "forecast_category": opportunity.forecast_category,
        "next_step": opportunity.next_step,
        "source": opportunity.source,
        "description": opportunity.description,
    }
    form = OpportunityForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.service_data().items() if form[k].initial != v}
        if opportunity.status != "open":
            data.pop("probability", None)
            data.pop("forecast_category", None)
        if opportunity.lines.exists():
            data.pop("amount", None)
        changed = save(form, lambda: services.update_opportunity(opportunity.pk, data))
        if changed is not None:
            messages.success(request, "Opportunity saved.")
            return redirect("sales-opportunity-detail", opportunity.pk)
    title = f"Edit {opportunity.name}"
    context = {"form": form, "title": title, "opportunity": opportunity}
    return render(request, "sales/opportunity_form.html", context)


# --- detail and its small forms ---------------------------------------------------------------


def _detail(
    request: HttpRequest,
    opportunity: Opportunity,
    *,
    move_form: MoveForm | None = None,
    line_form: LineForm | None = None,
    status: int = 200,
) -> HttpResponse:
    lines = list(queries.lines(opportunity))
    history = queries.history(opportunity)
    context = {
        "opportunity": opportunity,
        "lines": [(line, queries.line_total(line)) for line in lines],
        "history": history,
        "time_per_stage": sorted(queries.time_per_stage(history).items()),
        "move_form": move_form
        or MoveForm(pipeline=opportunity.pipeline, initial={"stage_id": opportunity.stage_id}),
        "line_form": line_form or LineForm(),
        "can_write": can_write(request),
        "can_order": opportunity.status == "won"
        and allows(getattr(request, "permissions", frozenset()), "orders", "write"),
    }
    return render(request, "sales/opportunity_detail.html", context, status=status)


@requires("crm", "read")
def opportunity_detail(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    """/crm/opportunities/<id>/: the deal, its lines, stage history and change history."""
    return _detail(request, _opportunity_or_404(opportunity_id))


@require_POST
@requires("crm", "write")
def opportunity_move(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    """POST /crm/opportunities/<id>/move/: move to a stage (won, lost or open)."""
    opportunity = _opportunity_or_404(opportunity_id)
    form = MoveForm(request.POST, pipeline=opportunity.pipeline)
    if form.is_valid():
        data = form.cleaned_data
        moved = save(
            form,
            lambda: services.move_opportunity(
                opportunity.pk,
                data["stage_id"],
                lost_reason_id=data["lost_reason_id"] or None,
                close_note=data["close_note"],
            ),
        )
        if moved is not None:
            messages.success(request, f"Moved to {moved.stage.name}.")
            return redirect("sales-opportunity-detail", opportunity.pk)
    return _detail(request, opportunity, move_form=form, status=422)


@require_POST
@requires("crm", "write")
def line_add(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    """POST /crm/opportunities/<id>/lines/: add a product line."""
    opportunity = _opportunity_or_404(opportunity_id)
    form = LineForm(request.POST)
    if form.is_valid():
        line = save(form, lambda: services.add_line(opportunity.pk, form.cleaned_data))
        if line is not None:
            messages.success(request, f"Line {line.product_name} added.")
            return redirect("sales-opportunity-detail", opportunity.pk)
    return _detail(request, _opportunity_or_404(opportunity_id), line_form=form, status=422)


@require_POST
@requires("crm", "write")
def line_remove(request: HttpRequest, opportunity_id: int, line_id: int) -> HttpResponse:
    """POST /crm/opportunities/<id>/lines/<line>/remove/: delete a line."""
    opportunity = _opportunity_or_404(opportunity_id)
    try:
        services.remove_line(opportunity.pk, line_id)
    except DomainError as error:
        raise Http404(error.message) from error
    messages.success(request, "Line removed.")
    return redirect("sales-opportunity-detail", opportunity.pk)


# --- the Kanban board -------------------------------------------------------------------


def _board_context(request: HttpRequest, pipeline: Pipeline, error: str = "") -> dict[str, Any]:
    owner = request.GET.get("owner") or request.POST.get("owner") or ""
    filters = queries.OpportunityFilters(owner_id=int(owner) if owner.isdigit() else None)
    return {
        "pipeline": pipeline,
        "pipelines": list(Pipeline.objects.order_by("position", "name", "pk")),
        "columns": queries.board(pipeline, filters),
        "loss_reasons": loss_reason_choices()[1:],
        "owner_choices": owner_choices("Everyone")[1:],
        "can_write": can_write(request),
        "owner": owner,
        "error": error,
    }


@requires("crm", "read")
def board_default(request: HttpRequest) -> HttpResponse:
    """/crm/pipeline/: the default pipeline's board; a set-up button before the first one."""
    pipeline = Pipeline.objects.filter(is_default=True).first() or Pipeline.objects.first()
    if pipeline is None:
        return render(request, "sales/no_pipeline.html", {"can_write": can_write(request)})
    return redirect("sales-board", pipeline.pk)


@require_POST
@requires("crm", "write")
def pipeline_setup(request: HttpRequest) -> HttpResponse:
    """POST /crm/pipelines/setup/: create the default pipeline and loss reasons."""
    pipeline = pipeline_services.default_pipeline()
    messages.success(request, f"Pipeline {pipeline.name} is ready.")
    return redirect("sales-board", pipeline.pk)


@requires("crm", "read")
def board(request: HttpRequest, pipeline_id: int) -> HttpResponse:
    """/crm/pipelines/<id>/board/: columns = stages with count and sum; cards to drag."""
    pipeline = _pipeline_or_404(pipeline_id)
    template = "sales/_board.html" if request.headers.get("HX-Request") else "sales/board.html"
    return render(request, template, _board_context(request, pipeline))


@require_POST
@requires("crm", "write")
def board_move(request: HttpRequest, pipeline_id: int) -> HttpResponse:
    """POST /crm/pipelines/<id>/board/move/: a dropped card; answers the board's columns."""
    pipeline = _pipeline_or_404(pipeline_id)
    error = ""
    try:
        opportunity = queries.opportunity(int(request.POST.get("opportunity_id") or 0))
        services.move_opportunity(
            opportunity.pk,
            request.POST.get("stage_id"),
            lost_reason_id=request.POST.get("lost_reason_id") or None,
            close_note=request.POST.get("close_note", ""),
        )
    except ObjectDoesNotExist:
        error = "That opportunity no longer exists."
    except ValueError:
        error = "Choose an opportunity to move."
    except DomainError as exc:
        error = "" if exc.code == "same_stage" else exc.message
    if not request.headers.get("HX-Request"):
        if error:
            messages.error(request, error)
        return redirect("sales-board", pipeline.pk)
    return render(request, "sales/_board.html", _board_context(request, pipeline, error))
