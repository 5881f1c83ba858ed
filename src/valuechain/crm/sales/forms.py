"""Forms of the sales pages; the services validate, the forms show their errors by the field."""

from __future__ import annotations

from typing import Any

from django import forms

from valuechain.crm.customers.models import Account, Person
from valuechain.crm.sales import domain
from valuechain.crm.sales.models import LossReason, Pipeline, Stage
from valuechain.platform.errors import DomainError
from valuechain.platform.tenancy.context import require_tenant_id
from valuechain.platform.tenancy.models import Membership

STATUS_CHOICES = [("", "Any status"), ("open", "Open"), ("won", "Won"), ("lost", "Lost")]
CATEGORY_CHOICES = [(c, c.replace("_", " ").capitalize()) for c in domain.OPEN_CATEGORIES]
SORT_CHOICES = [
    ("-created_at", "Newest"),
    ("expected_close_date", "Closing soonest"),
    ("-amount", "Largest amount"),
    ("name", "Name A-Z"),
    ("-probability", "Most likely"),
]


def owner_choices(blank: str = "—") -> list[tuple[str, str]]:
    """The tenant's active members, for owner selects."""
    members = (
        Membership.objects.filter(tenant_id=require_tenant_id(), is_active=True)
        .select_related("user")
        .order_by("user__email")
    )
    return [("", blank)] + [(str(m.user_id), m.user.email) for m in members]


def account_choices() -> list[tuple[str, str]]:
    """The tenant's accounts."""
    rows = Account.objects.order_by("name", "pk").values_list("pk", "name")
    return [("", "—")] + [(str(pk), name) for pk, name in rows]


def person_choices() -> list[tuple[str, str]]:
    """The tenant's people, with their account."""
    rows = Person.objects.select_related("account").order_by("last_name", "first_name", "pk")
    return [("", "—")] + [
        (str(p.pk), f"{p.full_name} ({p.account.name})" if p.account_id else p.full_name)
        for p in rows
    ]


def pipeline_choices(blank: str | None = None) -> list[tuple[str, str]]:
    """The tenant's pipelines."""
    rows = [(str(p.pk), p.name) for p in Pipeline.objects.order_by("position", "name", "pk")]
    return ([("", blank)] if blank is not None else []) + rows


def stage_choices(pipeline: Pipeline | None = None, blank: str | None = None) -> list[Any]:
    """Stages, grouped by pipeline, or of one pipeline."""
    stages = Stage.objects.select_related("pipeline").order_by(
        "pipeline__position", "pipeline_id", "position", "pk"
    )
    if pipeline is not None:
        stages = stages.filter(pipeline=pipeline)
    choices: list[Any] = [("", blank)] if blank is not None else []
    for stage in stages:
        label = stage.name if pipeline is not None else f"{stage.pipeline.name}: {stage.name}"
        choices.append((str(stage.pk), f"{label} ({stage.probability} %)"))
    return choices


def loss_reason_choices() -> list[tuple[str, str]]:
    """The active loss reasons."""
    rows = LossReason.objects.filter(is_active=True).order_by("position", "name", "pk")
    return [("", "—")] + [(str(r.pk), r.name) for r in rows]


class ServiceForm(forms.Form):
    """A form whose service errors land next to the field they name."""

    field_aliases: dict[str, str] = {}

    def add_domain_error(self, error: DomainError) -> None:
        """Show a service's refusal next to the field it concerns."""
        field = error.field or ""
        field = self.field_aliases.get(field, field)
        if field.startswith("lines["):
            field = ""
        self.add_error(field if field in self.fields else None, error.message)


def _choose(form: forms.Form, name: str, choices: list[Any]) -> None:
    """Fill a ChoiceField's choices at request time (they depend on the tenant)."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def _id(value: Any) -> int | None:
    return int(value) if value not in (None, "") else None


class OpportunityFilterForm(forms.Form):
    """Filters and sort of the opportunity list."""

    search = forms.CharField(required=False, max_length=100, label="Search")
    pipeline_id = forms.ChoiceField(required=False, label="Pipeline")
    stage_id = forms.ChoiceField(required=False, label="Stage")
    owner_id = forms.ChoiceField(required=False, label="Owner")
    status = forms.ChoiceField(required=False, choices=STATUS_CHOICES)
    close_from = forms.DateField(
        required=False, label="Closing from", widget=forms.DateInput(attrs={"type": "date"})
    )
    close_to = forms.DateField(
        required=False, label="Closing until", widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES)
    account_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    person_id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose(self, "pipeline_id", pipeline_choices("Any pipeline"))
        _choose(self, "stage_id", stage_choices(blank="Any stage"))
        _choose(self, "owner_id", owner_choices("Any owner"))

    def filter_values(self) -> dict[str, Any]:
        """The query filters of the valid form."""
        data = self.cleaned_data
        return {
            "search": data["search"] or None,
            "pipeline_id": _id(data["pipeline_id"]),
            "stage_id": _id(data["stage_id"]),
            "owner_id": _id(data["owner_id"]),
            "status": data["status"] or None,
            "close_from": data["close_from"],
            "close_to": data["close_to"],
            "account_id": data["account_id"],
            "person_id": data["person_id"],
        }


class OpportunityForm(ServiceForm):
    """Create or edit an opportunity (the stage of an existing one changes by moving it)."""

    name = forms.CharField(max_length=200)
    account_id = forms.ChoiceField(required=False, label="Account")
    person_id = forms.ChoiceField(required=False, label="Contact person")
    stage_id = forms.ChoiceField(required=False, label="Pipeline and stage")
    amount = forms.CharField(required=False, max_length=30, help_text="With lines, their total")
    currency = forms.CharField(max_length=3, required=False, help_text="Default: base currency")
    expected_close_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    owner_id = forms.ChoiceField(required=False, label="Owner")
    probability = forms.CharField(
        required=False, max_length=5, label="Probability (%)", help_text="Default: the stage's"
    )
    forecast_category = forms.ChoiceField(required=False, choices=CATEGORY_CHOICES)
    next_step = forms.CharField(required=False, max_length=200)
    source = forms.CharField(required=False, max_length=100)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        _choose(self, "account_id", account_choices())
        _choose(self, "person_id", person_choices())
        _choose(self, "owner_id", owner_choices())
        if editing:
            del self.fields["stage_id"]
        else:
            _choose(self, "stage_id", stage_choices(blank="Default pipeline, first stage"))
            _choose(self, "forecast_category", [("", "The stage's"), *CATEGORY_CHOICES])

    def service_data(self) -> dict[str, Any]:
        """The service's data: ids as ints, blanks left to the service's defaults."""
        data = dict(self.cleaned_data)
        for name in ("account_id", "person_id", "owner_id", "stage_id"):
            if name in data:
                data[name] = _id(data[name])
        if not self.editing:
            return {k: v for k, v in data.items() if v not in (None, "")}
        if data.get("probability") in (None, ""):
            data.pop("probability", None)
        if data.get("forecast_category") in (None, ""):
            data.pop("forecast_category", None)
        return data


class MoveForm(ServiceForm):
    """Move an opportunity to a stage; a lost stage needs the reason."""

    stage_id = forms.ChoiceField(label="Stage")
    lost_reason_id = forms.ChoiceField(required=False, label="Loss reason")
    close_note = forms.CharField(required=False, max_length=500, label="Note")

    def __init__(self, *args: Any, pipeline: Pipeline | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose(self, "stage_id", stage_choices(pipeline))
        _choose(self, "lost_reason_id", loss_reason_choices())


class LineForm(ServiceForm):
    """Add a product line."""

    product_name = forms.CharField(max_length=200, label="Product")
    sku = forms.CharField(max_length=64, required=False, label="SKU")
    quantity = forms.CharField(max_length=20)
    unit_price = forms.CharField(max_length=30, label="Unit price")


class QuotaForm(ServiceForm):
    """Set a rep's quota for a month or a quarter."""

    owner_id = forms.ChoiceField(label="Rep")
    period = forms.CharField(max_length=7, help_text="2026-03 or 2026-Q1")
    amount = forms.CharField(max_length=30)
    currency = forms.CharField(max_length=3, required=False, help_text="Default: base currency")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose(self, "owner_id", owner_choices())


class ForecastFilterForm(forms.Form):
    """Period, grouping and range of the forecast page."""

    period = forms.ChoiceField(
        choices=[("month", "By month"), ("quarter", "By quarter")], required=False
    )
    group_by = forms.ChoiceField(
        choices=[("rep", "By rep"), ("pipeline", "By pipeline"), ("territory", "By territory")],
        required=False,
    )
    date_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    pipeline_id = forms.ChoiceField(required=False, label="Pipeline")
    owner_id = forms.ChoiceField(required=False, label="Rep")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose(self, "pipeline_id", pipeline_choices("Every pipeline"))
        _choose(self, "owner_id", owner_choices("Every rep"))

    def report_arguments(self) -> dict[str, Any]:
        """The forecast's keyword arguments."""
        data = self.cleaned_data
        return {
            "period": data["period"] or "month",
            "group_by": data["group_by"] or "rep",
            "date_from": data["date_from"],
            "date_to": data["date_to"],
            "pipeline_id": _id(data["pipeline_id"]),
            "owner_id": _id(data["owner_id"]),
        }


class PipelineForm(ServiceForm):
    """Add a pipeline (it gets the default stages)."""

    name = forms.CharField(max_length=100, label="New pipeline")


class StageForm(ServiceForm):
    """Add or change a stage."""

    name = forms.CharField(max_length=100)
    probability = forms.CharField(max_length=3, label="Probability (%)")
    forecast_category = forms.ChoiceField(
        choices=[(c, c.replace("_", " ")) for c in domain.FORECAST_CATEGORIES], required=False
    )
    kind = forms.ChoiceField(
        choices=[("open", "Open"), ("won", "Won"), ("lost", "Lost")], required=False
    )

    def service_data(self) -> dict[str, Any]:
        """The stage service's data."""
        data = self.cleaned_data
        values: dict[str, Any] = {
            "name": data["name"],
            "probability": data["probability"],
            "is_won": data["kind"] == "won",
            "is_lost": data["kind"] == "lost",
        }
        if data["forecast_category"]:
            values["forecast_category"] = data["forecast_category"]
        return values


class LossReasonForm(ServiceForm):
    """Add a loss reason."""

    name = forms.CharField(max_length=100, label="New loss reason")
