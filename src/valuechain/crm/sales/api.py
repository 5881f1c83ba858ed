"""API routes of sales (crm area): pipelines, stages, loss reasons, opportunities, forecast."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Status

from valuechain.crm.sales import forecast, pipeline_services, queries, services
from valuechain.crm.sales.models import LossReason, Opportunity, OpportunityLine, Pipeline, Stage
from valuechain.crm.sales.schemas import (
    ForecastOut,
    HistoryOut,
    LineIn,
    LineOut,
    LinePatch,
    LossReasonIn,
    LossReasonOut,
    LossReasonPatch,
    LostIn,
    MoveIn,
    OpportunityIn,
    OpportunityListFilters,
    OpportunityOut,
    OpportunityPatch,
    PipelineIn,
    PipelineOut,
    PipelinePatch,
    QuotaIn,
    QuotaOut,
    ReorderIn,
    StageIn,
    StageOut,
    StagePatch,
    WonIn,
)
from valuechain.platform.api import ListParams, Page, area_router, paginate

router = area_router("crm", tags=["sales"])


# --- pipelines and stages ----------------------------------------------------------------------


@router.get("/pipelines", response=Page[PipelineOut], summary="List pipelines")
def list_pipelines(request: HttpRequest, params: Query[ListParams]) -> dict[str, Any]:
    """The tenant's pipelines with their stages (the default one is created when missing)."""
    return paginate(
        queries.pipelines(), params, sortable=("name", "position"), default_sort=("position",)
    )


@router.post("/pipelines", response={201: PipelineOut}, summary="Create a pipeline")
def create_pipeline(request: HttpRequest, data: PipelineIn) -> Status[Pipeline]:
    """Add a pipeline with the stages given, or the default stages."""
    values = data.dict()
    if values["stages"] is not None:
        values["stages"] = [
            {k: v for k, v in stage.items() if v is not None} for stage in values["stages"]
        ]
    created = pipeline_services.create_pipeline(values)
    return Status(201, queries.pipeline(created.pk))


@router.get("/pipelines/{pipeline_id}", response=PipelineOut, summary="Get a pipeline")
def get_pipeline(request: HttpRequest, pipeline_id: int) -> Pipeline:
    """One pipeline with its stages."""
    return queries.pipeline(pipeline_id)


@router.patch("/pipelines/{pipeline_id}", response=PipelineOut, summary="Change a pipeline")
def update_pipeline(request: HttpRequest, pipeline_id: int, data: PipelinePatch) -> Pipeline:
    """Rename a pipeline or make it the default."""
    pipeline_services.update_pipeline(pipeline_id, data.dict(exclude_unset=True))
    return queries.pipeline(pipeline_id)


@router.delete("/pipelines/{pipeline_id}", response={204: None}, summary="Delete a pipeline")
def delete_pipeline(request: HttpRequest, pipeline_id: int) -> Status[None]:
    """Remove a pipeline no opportunity uses (not the default)."""
    pipeline_services.delete_pipeline(pipeline_id)
    return Status(204, None)


@router.post("/pipelines/{pipeline_id}/stages", response={201: StageOut}, summary="Add a stage")
def add_stage(request: HttpRequest, pipeline_id: int, data: StageIn) -> Status[Stage]:
    """Add a stage at the end of the pipeline, or at ``position``."""
    values = {k: v for k, v in data.dict().items() if v is not None}
    return Status(201, pipeline_services.add_stage(pipeline_id, values))


@router.post(
    "/pipelines/{pipeline_id}/reorder", response=list[StageOut], summary="Reorder the stages"
)
def reorder_stages(request: HttpRequest, pipeline_id: int, data: ReorderIn) -> list[Stage]:
    """Put the stages in the given order (every stage id exactly once)."""
    return pipeline_services.reorder_stages(pipeline_id, data.stage_ids)


@router.patch("/stages/{stage_id}", response=StageOut, summary="Change a stage")
def update_stage(request: HttpRequest, stage_id: int, data: StagePatch) -> Stage:
    """Change name, default probability, forecast category or the won/lost flag."""
    return pipeline_services.update_stage(stage_id, data.dict(exclude_unset=True))


@router.delete("/stages/{stage_id}", response={204: None}, summary="Delete a stage")
def delete_stage(request: HttpRequest, stage_id: int) -> Status[None]:
    """Remove a stage no opportunity is in or passed through."""
    pipeline_services.delete_stage(stage_id)
    return Status(204, None)


# --- loss reasons --------------------------------------------------------------------------------


@router.get("/loss-reasons", response=Page[LossReasonOut], summary="List loss reasons")
def list_loss_reasons(request: HttpRequest, params: Query[ListParams]) -> dict[str, Any]:
    """The tenant's loss reasons, active and retired (the defaults created when none)."""
    pipeline_services.loss_reasons()
    return paginate(
        queries.loss_reasons(active_only=False),
        params,
        sortable=("name", "position"),
        default_sort=("position",),
    )


@router.post("/loss-reasons", response={201: LossReasonOut}, summary="Add a loss reason")
def create_loss_reason(request: HttpRequest, data: LossReasonIn) -> Status[LossReason]:
    """Add a reason deals are lost for."""
    return Status(201, pipeline_services.create_loss_reason(data.dict()))


@router.patch("/loss-reasons/{reason_id}", response=LossReasonOut, summary="Change a loss reason")
def update_loss_reason(request: HttpRequest, reason_id: int, data: LossReasonPatch) -> LossReason:
    """Rename or retire a loss reason."""
    return pipeline_services.update_loss_reason(reason_id, data.dict(exclude_unset=True))


# --- opportunities -------------------------------------------------------------------------------


@router.get("/opportunities", response=Page[OpportunityOut], summary="List opportunities")
def list_opportunities(
    request: HttpRequest, filters: Query[OpportunityListFilters], params: Query[ListParams]
) -> dict[str, Any]:
    """The opportunities you may see, newest first unless sorted otherwise."""
    return paginate(
        queries.opportunities(filters.as_filters()),
        params,
        sortable=queries.OPPORTUNITY_SORTS,
        default_sort=("-created_at",),
    )


@router.post("/opportunities", response={201: OpportunityOut}, summary="Create an opportunity")
def create_opportunity(request: HttpRequest, data: OpportunityIn) -> Status[Opportunity]:
    """Open a deal in a pipeline (default: the default pipeline's first open stage)."""
    values = data.dict()
    values = {k: v for k, v in values.items() if v is not None}
    created = services.create_opportunity(values)
    return Status(201, queries.opportunity(created.pk))


@router.get("/opportunities/{opportunity_id}", response=OpportunityOut, summary="Get one")
def get_opportunity(request: HttpRequest, opportunity_id: int) -> Opportunity:
    """One opportunity."""
    return queries.opportunity(opportunity_id)


@router.patch("/opportunities/{opportunity_id}", response=OpportunityOut, summary="Change one")
def update_opportunity(
    request: HttpRequest, opportunity_id: int, data: OpportunityPatch
) -> Opportunity:
    """Change the given fields; the stage changes with /move, /won and /lost."""
    queries.opportunity(opportunity_id)
    services.update_opportunity(opportunity_id, data.dict(exclude_unset=True))
    return queries.opportunity(opportunity_id)


@router.post(
    "/opportunities/{opportunity_id}/move", response=OpportunityOut, summary="Move to a stage"
)
def move_opportunity(request: HttpRequest, opportunity_id: int, data: MoveIn) -> Opportunity:
    """Move to a stage; a lost stage needs ``lost_reason_id``; an open stage reopens."""
    queries.opportunity(opportunity_id)
    services.move_opportunity(
        opportunity_id,
        data.stage_id,
        lost_reason_id=data.lost_reason_id,
        close_note=data.close_note,
    )
    return queries.opportunity(opportunity_id)


@router.post("/opportunities/{opportunity_id}/won", response=OpportunityOut, summary="Mark won")
def mark_won(request: HttpRequest, opportunity_id: int, data: WonIn) -> Opportunity:
    """Move to the pipeline's won stage."""
    queries.opportunity(opportunity_id)
    services.mark_won(opportunity_id, close_note=data.close_note)
    return queries.opportunity(opportunity_id)


@router.post("/opportunities/{opportunity_id}/lost", response=OpportunityOut, summary="Mark lost")
def mark_lost(request: HttpRequest, opportunity_id: int, data: LostIn) -> Opportunity:
    """Move to the pipeline's lost stage with a loss reason."""
    queries.opportunity(opportunity_id)
    services.mark_lost(
        opportunity_id, lost_reason_id=data.lost_reason_id, close_note=data.close_note
    )
    return queries.opportunity(opportunity_id)


@router.get(
    "/opportunities/{opportunity_id}/lines", response=list[LineOut], summary="List the lines"
)
def list_lines(request: HttpRequest, opportunity_id: int) -> list[OpportunityLine]:
    """The product lines of the opportunity."""
    opportunity = queries.opportunity(opportunity_id)
    rows = list(queries.lines(opportunity))
    for row in rows:
        row.opportunity = opportunity
    return rows


@router.post("/opportunities/{opportunity_id}/lines", response={201: LineOut}, summary="Add a line")
def add_line(request: HttpRequest, opportunity_id: int, data: LineIn) -> Status[OpportunityLine]:
    """Add a product line; the amount becomes the lines' total."""
    queries.opportunity(opportunity_id)
    return Status(201, services.add_line(opportunity_id, data.dict()))


@router.patch(
    "/opportunities/{opportunity_id}/lines/{line_id}", response=LineOut, summary="Change a line"
)
def update_line(
    request: HttpRequest, opportunity_id: int, line_id: int, data: LinePatch
) -> OpportunityLine:
    """Change a line's product, quantity or price."""
    queries.opportunity(opportunity_id)
    return services.update_line(opportunity_id, line_id, data.dict(exclude_unset=True))


@router.delete(
    "/opportunities/{opportunity_id}/lines/{line_id}",
    response={204: None},
    summary="Remove a line",
)
def remove_line(request: HttpRequest, opportunity_id: int, line_id: int) -> Status[None]:
    """Delete a line; the amount follows."""
    queries.opportunity(opportunity_id)
    services.remove_line(opportunity_id, line_id)
    return Status(204, None)


@router.get(
    "/opportunities/{opportunity_id}/history",
    response=list[HistoryOut],
    summary="Stage history with time in stage",
)
def stage_history(request: HttpRequest, opportunity_id: int) -> list[Any]:
    """The stages the deal went through, oldest first, with the seconds spent in each."""
    return queries.history(queries.opportunity(opportunity_id))


# --- quotas and forecast ---------------------------------------------------------------


@router.get("/quotas", response=Page[QuotaOut], summary="List quotas")
def list_quotas(
    request: HttpRequest,
    params: Query[ListParams],
    owner_id: int | None = None,
    year: int | None = None,
) -> dict[str, Any]:
    """Monthly quotas per rep, oldest first."""
    return paginate(
        forecast.quotas(owner_id=owner_id, year=year),
        params,
        sortable=("period_start", "owner_id", "amount"),
        default_sort=("period_start", "owner_id"),
    )


@router.post("/quotas", response={201: list[QuotaOut]}, summary="Set a quota")
def set_quota(request: HttpRequest, data: QuotaIn) -> Status[list[Any]]:
    """Set a rep's quota for a month, or a quarter split evenly over its three months."""
    return Status(201, forecast.set_quota(data.dict()))


@router.get("/forecast", response=ForecastOut, summary="Sales forecast")
def get_forecast(
    request: HttpRequest,
    period: str = "month",
    group_by: str = "rep",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    pipeline_id: int | None = None,
    owner_id: int | None = None,
) -> dict[str, Any]:
    """Weighted pipeline, categories, closed won, quota and attainment per period and group."""
    report = forecast.forecast(
        period=period,
        group_by=group_by,
        date_from=date_from,
        date_to=date_to,
        pipeline_id=pipeline_id,
        owner_id=owner_id,
    )
    return report.as_dict()
