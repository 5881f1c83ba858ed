"""API shapes of sales: pipelines, stages, loss reasons, opportunities, lines, history, forecast."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from valuechain.crm.sales.queries import OpportunityFilters

Number = Decimal | int | str  # checked by the services: invalid_<field> with the field


def _money_text(amount: Decimal, currency: str) -> str:
    from valuechain.platform.money import Money

    return str(Money(amount, currency).rounded().amount)


def trimmed(value: Decimal, min_places: int = 0) -> str:
    """The decimal without trailing zeros, keeping at least ``min_places`` decimals."""
    text = format(value.normalize(), "f")
    places = len(text.split(".")[1]) if "." in text else 0
    if places >= min_places:
        return text
    return format(value.quantize(Decimal(1).scaleb(-min_places)), "f")


# --- pipelines --------------------------------------------------------------------------------


class StageIn(Schema):
    """A stage to add to a pipeline."""

    name: str = Field(..., max_length=100)
    probability: Number = Field(0, description="Default win probability, a whole percent 0-100")
    forecast_category: str | None = Field(
        None, description="pipeline, best_case, commit, closed or omitted"
    )
    is_won: bool = False
    is_lost: bool = False
    position: int | None = Field(None, ge=0, description="Where to insert; default at the end")


class StagePatch(Schema):
    """Changes to a stage; fields left out stay as they are."""

    name: str | None = Field(None, max_length=100)
    probability: Number | None = None
    forecast_category: str | None = None
    is_won: bool | None = None
    is_lost: bool | None = None


class StageOut(Schema):
    """A stage of a pipeline."""

    id: int
    pipeline_id: int
    name: str
    position: int
    probability: int
    forecast_category: str
    is_won: bool
    is_lost: bool


class PipelineIn(Schema):
    """A new pipeline; without ``stages`` it gets the default stages."""

    name: str = Field(..., max_length=100)
    is_default: bool = False
    stages: list[StageIn] | None = None


class PipelinePatch(Schema):
    """Changes to a pipeline."""

    name: str | None = Field(None, max_length=100)
    is_default: bool | None = None


class PipelineOut(Schema):
    """A pipeline with its stages in order."""

    id: int
    name: str
    is_default: bool
    position: int
    stages: list[StageOut]

    @staticmethod
    def resolve_stages(obj: Any) -> list[Any]:
        return sorted(obj.stages.all(), key=lambda stage: (stage.position, stage.pk))


class ReorderIn(Schema):
    """Every stage id of the pipeline in the wanted order."""

    stage_ids: list[int]


class LossReasonIn(Schema):
    """A reason deals are lost for."""

    name: str = Field(..., max_length=100)


class LossReasonPatch(Schema):
    """Changes to a loss reason."""

    name: str | None = Field(None, max_length=100)
    is_active: bool | None = None


class LossReasonOut(Schema):
    """A loss reason."""

    id: int
    name: str
    is_active: bool
    position: int


# --- opportunities ---------------------------------------------------------------------------


class LineIn(Schema):
    """A product line: text and SKU now, a catalog product later."""

    product_name: str = Field(..., max_length=200)
    sku: str = Field("", max_length=64)
    quantity: Number
    unit_price: Number


class LinePatch(Schema):
    """Changes to a line."""

    product_name: str | None = Field(None, max_length=200)
    sku: str | None = Field(None, max_length=64)
    quantity: Number | None = None
    unit_price: Number | None = None


class LineOut(Schema):
    """A product line with its total."""

    id: int
    position: int
    product_name: str
    sku: str
    quantity: str
    unit_price: str
    total: str

    @staticmethod
    def resolve_quantity(obj: Any) -> str:
        return trimmed(obj.quantity)

    @staticmethod
    def resolve_unit_price(obj: Any) -> str:
        return trimmed(obj.unit_price, 2)

    @staticmethod
    def resolve_total(obj: Any) -> str:
        return _money_text(obj.quantity * obj.unit_price, obj.opportunity.currency)


class OpportunityIn(Schema):
    """A new opportunity (deal)."""

    name: str = Field(..., max_length=200)
    account_id: int | None = None
    person_id: int | None = Field(None, description="The contact person")
    pipeline_id: int | None = Field(None, description="Default: the default pipeline")
    stage_id: int | None = Field(None, description="Default: the pipeline's first open stage")
    amount: Number | None = Field(None, description="Decimal string; with lines, their total")
    currency: str | None = Field(None, description="ISO 4217; default the tenant's base currency")
    expected_close_date: dt.date | None = None
    owner_id: int | None = Field(None, description="Default: you")
    next_step: str = Field("", max_length=200)
    source: str = Field("", max_length=100)
    description: str = ""
    probability: Number | None = Field(None, description="Percent; default the stage's")
    forecast_category: str | None = Field(None, description="pipeline, best_case or commit")
    lines: list[LineIn] = Field(default_factory=list)


class OpportunityPatch(Schema):
    """Changes to an opportunity; move it with /move, /won or /lost."""

    name: str | None = Field(None, max_length=200)
    account_id: int | None = None
    person_id: int | None = None
    amount: Number | None = None
    currency: str | None = None
    expected_close_date: dt.date | None = None
    owner_id: int | None = None
    next_step: str | None = Field(None, max_length=200)
    source: str | None = Field(None, max_length=100)
    description: str | None = None
    probability: Number | None = None
    forecast_category: str | None = None


class OpportunityOut(Schema):
    """An opportunity."""

    id: int
    name: str
    pipeline_id: int
    stage_id: int
    stage_name: str
    status: str
    account_id: int | None
    account_name: str | None
    person_id: int | None
    amount: str
    currency: str
    weighted_amount: str
    probability: int
    forecast_category: str
    expected_close_date: dt.date | None
    owner_id: int | None
    next_step: str
    source: str
    description: str
    lost_reason_id: int | None
    lost_reason: str | None
    close_note: str
    closed_at: dt.datetime | None
    stage_entered_at: dt.datetime
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_stage_name(obj: Any) -> str:
        return str(obj.stage.name)

    @staticmethod
    def resolve_account_name(obj: Any) -> str | None:
        return obj.account.name if obj.account_id else None

    @staticmethod
    def resolve_amount(obj: Any) -> str:
        return str(obj.money.amount)

    @staticmethod
    def resolve_weighted_amount(obj: Any) -> str:
        return _money_text(obj.amount * obj.probability / 100, obj.currency)

    @staticmethod
    def resolve_lost_reason(obj: Any) -> str | None:
        return obj.lost_reason.name if obj.lost_reason_id else None


class OpportunityListFilters(Schema):
    """Filters of the opportunity list; left out, they filter nothing."""

    pipeline_id: int | None = None
    stage_id: int | None = None
    owner_id: int | None = None
    account_id: int | None = None
    person_id: int | None = None
    status: str | None = Field(None, description="open, won or lost")
    forecast_category: str | None = None
    close_from: dt.date | None = Field(None, description="Expected close on or after")
    close_to: dt.date | None = Field(None, description="Expected close on or before")
    search: str | None = Field(None, description="Part of the name, account or next step")

    def as_filters(self) -> OpportunityFilters:
        """The query-side filters."""
        return OpportunityFilters(**self.dict())


class MoveIn(Schema):
    """A move to another stage; a lost stage needs ``lost_reason_id``."""

    stage_id: int
    lost_reason_id: int | None = None
    close_note: str = Field("", max_length=500)


class WonIn(Schema):
    """Closing a deal as won."""

    close_note: str = Field("", max_length=500)


class LostIn(Schema):
    """Closing a deal as lost, with the reason."""

    lost_reason_id: int | None = None
    close_note: str = Field("", max_length=500)


class HistoryOut(Schema):
    """A stage the deal was in and how long it stayed (so far, for the current stage)."""

    stage_id: int
    stage_name: str
    from_stage_name: str | None
    entered_at: dt.datetime
    left_at: dt.datetime | None
    seconds: int
    duration: str
    changed_by: str


# --- forecast and quotas -----------------------------------------------------------------------


class QuotaIn(Schema):
    """A rep's quota for a month (``2026-03``) or a quarter (``2026-Q1``, split over its months)."""

    owner_id: int
    period: str = Field(..., examples=["2026-03", "2026-Q1"])
    amount: Number
    currency: str | None = Field(None, description="Default: the tenant's base currency")


class QuotaOut(Schema):
    """A rep's quota for one month."""

    id: int
    owner_id: int
    period_start: dt.date
    amount: str
    currency: str

    @staticmethod
    def resolve_amount(obj: Any) -> str:
        return _money_text(obj.amount, obj.currency)


class ForecastRowOut(Schema):
    """The figures of one period and group, in the report currency."""

    period: str
    group: str
    group_label: str
    open_count: int
    won_count: int
    open_amount: str
    weighted: str
    pipeline: str
    best_case: str
    commit: str
    closed_won: str
    quota: str | None
    attainment: str | None = Field(None, description="Closed won / quota, percent")


class ForecastOut(Schema):
    """A forecast: rows per period and group, totals per period."""

    period: str
    group_by: str
    currency: str
    date_from: dt.date
    date_to: dt.date
    rows: list[ForecastRowOut]
    totals: list[ForecastRowOut]
    unconverted: list[int] = Field(
        default_factory=list, description="Opportunities left out: no FX rate on their date"
    )
