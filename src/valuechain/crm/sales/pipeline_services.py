"""Use cases of pipeline configuration: pipelines, their stages and the tenant's loss reasons.

A tenant that never configured anything gets the default pipeline (Qualification 10 %,
Needs analysis 25 %, Proposal 50 %, Negotiation 75 %, Won 100 %, Lost 0 %) and the default
loss reasons the first time something asks for them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max

from valuechain.crm.sales import domain
from valuechain.crm.sales.models import LossReason, Opportunity, Pipeline, Stage, StageChange
from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish


def clean_text(value: Any, field: str, max_length: int, *, required: bool = False) -> str:
    """Whitespace-collapsed text within its length; ``<field>_required`` when blank."""
    text = " ".join(str(value or "").split())
    if required and not text:
        raise DomainError(f"{field}_required", f"Enter the {field.replace('_', ' ')}.", field=field)
    if len(text) > max_length:
        raise DomainError(
            f"invalid_{field}",
            f"The {field.replace('_', ' ')} is longer than {max_length} characters.",
            field=field,
        )
    return text


def pure(call: Any, *args: Any) -> Any:
    """Run a pure rule, turning its InvalidInput into a DomainError."""
    try:
        return call(*args)
    except domain.InvalidInput as exc:
        raise DomainError(exc.code, exc.message, field=exc.field) from exc


def _create_default_pipeline() -> Pipeline:
    pipeline = Pipeline.objects.create(name=domain.DEFAULT_PIPELINE_NAME, is_default=True)
    for position, template in enumerate(domain.DEFAULT_STAGES):
        Stage.objects.create(
            pipeline=pipeline,
            name=template.name,
            position=position,
            probability=template.probability,
            forecast_category=template.forecast_category,
            is_won=template.is_won,
            is_lost=template.is_lost,
        )
    publish("PipelineCreated", {"pipeline_id": pipeline.pk, "name": pipeline.name})
    return pipeline


def default_pipeline() -> Pipeline:
    """The tenant's default pipeline, created with the default stages when it has none."""
    pipeline = Pipeline.objects.filter(is_default=True).first() or Pipeline.objects.first()
    if pipeline is not None:
        return pipeline
    try:
        with transaction.atomic():  # a savepoint: a concurrent creator wins, we use theirs
            return _create_default_pipeline()
    except IntegrityError:
        return Pipeline.objects.get(name=domain.DEFAULT_PIPELINE_NAME)


def loss_reasons(*, active_only: bool = True) -> list[LossReason]:
    """The tenant's loss reasons, the defaults created when it has none at all."""
    if not LossReason.objects.exists():
        try:
            with transaction.atomic():
                for position, name in enumerate(domain.DEFAULT_LOSS_REASONS):
                    LossReason.objects.create(name=name, position=position)
        except IntegrityError:
            pass
    rows = LossReason.objects.all()
    if active_only:
        rows = rows.filter(is_active=True)
    return list(rows)


def _locked(model: Any, pk: Any, code: str, label: str) -> Any:
    row = model.objects.select_for_update().filter(pk=pk).first()
    if row is None:
        raise DomainError(code, f"No such {label}.", status=404)
    return row


# --- pipelines ----------------------------------------------------------------------------


def _unique_name(model: Any, name: str, exclude_pk: int | None = None, **scope: Any) -> None:
    clash = model.objects.filter(name__iexact=name, **scope)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise DomainError("name_taken", f"{name!r} exists already.", field="name", status=409)


@transaction.atomic
def create_pipeline(data: Mapping[str, Any]) -> Pipeline:
    """Add a pipeline; without ``stages`` it gets the default stages, else the ones given."""
    name = clean_text(data.get("name"), "name", 100, required=True)
    _unique_name(Pipeline, name)
    position = (Pipeline.objects.aggregate(top=Max("position"))["top"] or 0) + 1
    make_default = bool(data.get("is_default")) or not Pipeline.objects.exists()
    if make_default:
        Pipeline.objects.filter(is_default=True).update(is_default=False)
    pipeline = Pipeline.objects.create(name=name, position=position, is_default=make_default)
    stages = data.get("stages")
    templates: list[Mapping[str, Any]] = (
        [vars(t) for t in domain.DEFAULT_STAGES] if stages is None else list(stages)
    )
    if not templates:
        raise DomainError("stages_required", "A pipeline needs stages.", field="stages")
    for index, stage in enumerate(templates):
        _add_stage(pipeline, stage, index, field_prefix=f"stages[{index}].")
    if not pipeline.stages.filter(is_won=False, is_lost=False).exists():
        raise DomainError(
            "open_stage_required", "A pipeline needs at least one open stage.", field="stages"
        )
    publish("PipelineCreated", {"pipeline_id": pipeline.pk, "name": pipeline.name})
    return pipeline


@transaction.atomic
def update_pipeline(pipeline_id: int, data: Mapping[str, Any]) -> Pipeline:
    """Rename a pipeline or make it the default."""
    pipeline = _locked(Pipeline, pipeline_id, "pipeline_not_found", "pipeline")
    unknown = set(data) - {"name", "is_default"}
    if unknown:
        raise DomainError(
            "unknown_field", f"Cannot change {', '.join(sorted(unknown))}.", field=min(unknown)
        )
    if "name" in data:
        pipeline.name = clean_text(data["name"], "name", 100, required=True)
        _unique_name(Pipeline, pipeline.name, pipeline.pk)
    if data.get("is_default"):
        Pipeline.objects.exclude(pk=pipeline.pk).filter(is_default=True).update(is_default=False)
        pipeline.is_default = True
    pipeline.save()
    publish("PipelineUpdated", {"pipeline_id": pipeline.pk, "changed": sorted(data)})
    return pipeline


@transaction.atomic
def delete_pipeline(pipeline_id: int) -> None:
    """Remove a pipeline without opportunities; the default pipeline stays."""
    pipeline = _locked(Pipeline, pipeline_id, "pipeline_not_found", "pipeline")
    if Opportunity.objects.filter(pipeline=pipeline).exists():
        raise DomainError(
            "pipeline_in_use", "Opportunities use this pipeline; move them first.", status=409
        )
    if pipeline.is_default:
        raise DomainError(
            "default_pipeline", "Make another pipeline the default first.", status=409
        )
    Stage.objects.filter(pipeline=pipeline).delete()
    pipeline.delete()
    publish("PipelineDeleted", {"pipeline_id": pipeline_id})


# --- stages --------------------------------------------------------------------------------


def _stage_values(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "name" in data:
        try:
            values["name"] = clean_text(data["name"], "name", 100, required=True)
        except DomainError as exc:
            exc.field = exc.details["field"] = prefix + "name"
            raise
    if "probability" in data:
        try:
            values["probability"] = pure(domain.check_probability, data["probability"])
        except DomainError as exc:
            exc.field = exc.details["field"] = prefix + "probability"
            raise
    if "forecast_category" in data:
        category = str(data["forecast_category"] or "")
        if category not in domain.FORECAST_CATEGORIES:
            raise DomainError(
                "invalid_forecast_category",
                f"Use one of {', '.join(domain.FORECAST_CATEGORIES)}.",
                field=prefix + "forecast_category",
            )
        values["forecast_category"] = category
    for flag in ("is_won", "is_lost"):
        if flag in data:
            values[flag] = bool(data[flag])
    return values


def _check_flags(values: Mapping[str, Any], prefix: str) -> None:
    if values.get("is_won") and values.get("is_lost"):
        raise DomainError(
            "invalid_stage_flags", "A stage is won or lost, not both.", field=prefix + "is_won"
        )


def _add_stage(
    pipeline: Pipeline, data: Mapping[str, Any], position: int, field_prefix: str = ""
) -> Stage:
    values = _stage_values({"probability": 0, **data, "name": data.get("name")}, field_prefix)
    _check_flags(values, field_prefix)
    if values.get("is_won"):
        values.setdefault("forecast_category", "closed")
    if values.get("is_lost"):
        values.setdefault("forecast_category", "omitted")
    if Stage.objects.filter(pipeline=pipeline, name__iexact=values["name"]).exists():
        raise DomainError(
            "name_taken",
            f"{values['name']!r} exists already.",
            field=field_prefix + "name",
            status=409,
        )
    return Stage.objects.create(pipeline=pipeline, position=position, **values)


@transaction.atomic
def add_stage(pipeline_id: int, data: Mapping[str, Any]) -> Stage:
    """Add a stage at the end of a pipeline (or at ``position``, shifting the later ones)."""
    pipeline = _locked(Pipeline, pipeline_id, "pipeline_not_found", "pipeline")
    stages = list(Stage.objects.filter(pipeline=pipeline).order_by("position", "pk"))
    position = data.get("position")
    index = len(stages) if position is None else max(0, min(int(position), len(stages)))
    stage = _add_stage(pipeline, {k: v for k, v in data.items() if k != "position"}, index)
    for offset, later in enumerate(stages[index:], start=index + 1):
        Stage.objects.filter(pk=later.pk).update(position=offset)
    publish("StageAdded", {"pipeline_id": pipeline.pk, "stage_id": stage.pk})
    return stage


@transaction.atomic
def update_stage(stage_id: int, data: Mapping[str, Any]) -> Stage:
    """Change a stage's name, default probability, forecast category or won/lost flag."""
    stage = _locked(Stage, stage_id, "stage_not_found", "stage")
    unknown = set(data) - {"name", "probability", "forecast_category", "is_won", "is_lost"}
    if unknown:
        raise DomainError(
            "unknown_field", f"Cannot change {', '.join(sorted(unknown))}.", field=min(unknown)
        )
    values = _stage_values(data)
    merged = {"is_won": stage.is_won, "is_lost": stage.is_lost, **values}
    _check_flags(merged, "")
    flags_change = (merged["is_won"], merged["is_lost"]) != (stage.is_won, stage.is_lost)
    if flags_change and Opportunity.objects.filter(stage=stage).exists():
        raise DomainError(
            "stage_in_use",
            "Opportunities are in this stage; its won/lost flag cannot change.",
            field="is_won",
            status=409,
        )
    if (
        "name" in values
        and Stage.objects.filter(pipeline_id=stage.pipeline_id, name__iexact=values["name"])
        .exclude(pk=stage.pk)
        .exists()
    ):
        raise DomainError(
            "name_taken", f"{values['name']!r} exists already.", field="name", status=409
        )
    for key, value in values.items():
        setattr(stage, key, value)
    stage.save()
    publish(
        "StageUpdated",
        {"pipeline_id": stage.pipeline_id, "stage_id": stage.pk, "changed": sorted(data)},
    )
    return stage


@transaction.atomic
def reorder_stages(pipeline_id: int, stage_ids: list[int]) -> list[Stage]:
    """Put a pipeline's stages in the given order (every stage exactly once)."""
    pipeline = _locked(Pipeline, pipeline_id, "pipeline_not_found", "pipeline")
    current = list(Stage.objects.filter(pipeline=pipeline).values_list("pk", flat=True))
    ordered = pure(domain.reorder, current, [int(pk) for pk in stage_ids])
    for position, pk in enumerate(ordered):
        Stage.objects.filter(pk=pk).update(position=position)
    publish("StagesReordered", {"pipeline_id": pipeline.pk, "stage_ids": ordered})
    return list(Stage.objects.filter(pipeline=pipeline).order_by("position", "pk"))


@transaction.atomic
def delete_stage(stage_id: int) -> None:
    """Remove a stage no opportunity is in or passed through; a pipeline keeps an open stage."""
    stage = _locked(Stage, stage_id, "stage_not_found", "stage")
    in_use = (
        Opportunity.objects.filter(stage=stage).exists()
        or StageChange.objects.filter(to_stage=stage).exists()
        or StageChange.objects.filter(from_stage=stage).exists()
    )
    if in_use:
        raise DomainError(
            "stage_in_use",
            "Opportunities are or were in this stage; it cannot be deleted.",
            status=409,
        )
    others_open = Stage.objects.filter(
        pipeline_id=stage.pipeline_id, is_won=False, is_lost=False
    ).exclude(pk=stage.pk)
    if not stage.is_closed and not others_open.exists():
        raise DomainError(
            "open_stage_required", "A pipeline needs at least one open stage.", status=409
        )
    stage.delete()
    publish("StageDeleted", {"pipeline_id": stage.pipeline_id, "stage_id": stage_id})


# --- loss reasons --------------------------------------------------------------------------


@transaction.atomic
def create_loss_reason(data: Mapping[str, Any]) -> LossReason:
    """Add a reason deals are lost for (after the defaults, when the tenant has none yet)."""
    loss_reasons()
    name = clean_text(data.get("name"), "name", 100, required=True)
    _unique_name(LossReason, name)
    position = (LossReason.objects.aggregate(top=Max("position"))["top"] or 0) + 1
    reason = LossReason.objects.create(name=name, position=position)
    publish("LossReasonCreated", {"loss_reason_id": reason.pk, "name": name})
    return reason


@transaction.atomic
def update_loss_reason(reason_id: int, data: Mapping[str, Any]) -> LossReason:
    """Rename a loss reason or retire it (``is_active: false`` hides it from new losses)."""
    reason = _locked(LossReason, reason_id, "loss_reason_not_found", "loss reason")
    if "name" in data:
        reason.name = clean_text(data["name"], "name", 100, required=True)
        _unique_name(LossReason, reason.name, reason.pk)
    if "is_active" in data:
        reason.is_active = bool(data["is_active"])
    reason.save()
    publish("LossReasonUpdated", {"loss_reason_id": reason.pk, "changed": sorted(data)})
    return reason
