"""Use cases of opportunities: create, change, move between stages, win, lose, reopen, lines.

Every function runs in one transaction, locks the opportunity it changes, raises
DomainError with the field at fault (nothing is written then) and publishes a past-tense
event. Events carry ``opportunity_id``, ``account_id`` and ``person_id``:

* ``OpportunityCreated`` {opportunity_id, account_id, person_id, pipeline_id, stage_id,
  owner_id, amount, currency, source}
* ``OpportunityUpdated`` {opportunity_id, account_id, person_id, changed}
* ``OpportunityStageChanged`` {opportunity_id, account_id, person_id, pipeline_id,
  from_stage_id, to_stage_id, status, seconds_in_previous}
* ``OpportunityWon`` {opportunity_id, account_id, person_id, amount, currency, owner_id,
  closed_at, close_note}
* ``OpportunityLost`` {opportunity_id, account_id, person_id, amount, currency, owner_id,
  closed_at, lost_reason_id, lost_reason, close_note}
* ``OpportunityReopened`` {opportunity_id, account_id, person_id, stage_id}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from valuechain.crm.customers.models import Account, Person
from valuechain.crm.sales import domain
from valuechain.crm.sales.models import (
    LossReason,
    Opportunity,
    OpportunityLine,
    Pipeline,
    Stage,
    StageChange,
)
from valuechain.crm.sales.pipeline_services import clean_text, default_pipeline, pure
from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.fx import tenant_base_currency
from valuechain.platform.money import Money, normalize_currency, to_decimal
from valuechain.platform.tenancy.context import current, require_tenant_id
from valuechain.platform.tenancy.models import Membership

MAX_AMOUNT = Decimal("100000000000000")  # 10^14: the column has 14 integer digits
MAX_QUANTITY = Decimal("100000000000")  # 10^11
UPDATABLE = frozenset(
    {
        "name",
        "account_id",
        "person_id",
        "amount",
        "currency",
        "expected_close_date",
        "owner_id",
        "next_step",
        "source",
        "description",
        "probability",
        "forecast_category",
    }
)
LINE_FIELDS = frozenset({"product_name", "sku", "quantity", "unit_price"})


# --- input checks --------------------------------------------------------------------------


def _decimal(value: Any, field: str, *, maximum: Decimal) -> Decimal:
    if isinstance(value, float):
        value = str(value)  # forms and JSON may hand floats; read their shortest text exactly
    try:
        number = to_decimal("" if value is None else value, field)
    except TypeError:
        raise DomainError("invalid_" + field, f"Enter a number for {field}.", field=field) from None
    except DomainError as exc:
        raise DomainError("invalid_" + field, exc.message, field=field) from None
    if number < 0 or number >= maximum:
        raise DomainError(
            "invalid_" + field, f"The {field.replace('_', ' ')} must be 0 or more.", field=field
        )
    return number


def clean_amount(value: Any, currency: str, field: str = "amount") -> Decimal:
    """A non-negative amount rounded to the currency's minor units."""
    number = _decimal(value, field, maximum=MAX_AMOUNT)
    return Money(number, currency).rounded().amount


def clean_currency(value: Any) -> str:
    if value in (None, ""):
        return tenant_base_currency()
    return normalize_currency(value, "currency")


def _date(value: Any, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise DomainError(
            f"invalid_{field}", f"{value!r} is not a date (YYYY-MM-DD).", field=field
        ) from None


def clean_owner_id(owner_id: Any) -> int | None:
    """An owner must be an active member of the current tenant."""
    if owner_id in (None, ""):
        return None
    try:
        owner_pk = int(owner_id)
    except (TypeError, ValueError):
        owner_pk = -1
    if not Membership.objects.filter(
        tenant_id=require_tenant_id(), user_id=owner_pk, is_active=True
    ).exists():
        raise DomainError(
            "invalid_owner", "The owner must be an active member of this tenant.", field="owner_id"
        )
    return owner_pk


def _party(account_id: Any, person_id: Any) -> tuple[Account | None, Person | None]:
    """The account and contact of a deal: at least one; a contact belongs to the account."""
    account = person = None
    if account_id not in (None, ""):
        account = Account.objects.filter(pk=account_id).first()
        if account is None:
            raise DomainError("unknown_account", "No such account.", field="account_id")
    if person_id not in (None, ""):
        person = Person.objects.filter(pk=person_id).first()
        if person is None:
            raise DomainError("unknown_person", "No such person.", field="person_id")
    if account is None and person is None:
        raise DomainError(
            "party_required",
            "Choose the account or the person the deal is with.",
            field="account_id",
        )
    if account is not None and person is not None and person.account_id not in (None, account.pk):
        raise DomainError(
            "person_not_of_account",
            f"{person.full_name} is a contact of another account.",
            field="person_id",
        )
    if account is None and person is not None and person.account_id is not None:
        account = person.account
    return account, person


def _pipeline_and_stage(pipeline_id: Any, stage_id: Any) -> tuple[Pipeline, Stage]:
    if stage_id not in (None, ""):
        stage = Stage.objects.select_related("pipeline").filter(pk=stage_id).first()
        if stage is None:
            raise DomainError("unknown_stage", "No such stage.", field="stage_id")
        if pipeline_id not in (None, "") and str(stage.pipeline_id) != str(pipeline_id):
            raise DomainError(
                "stage_not_in_pipeline",
                "The stage belongs to another pipeline.",
                field="stage_id",
            )
        return stage.pipeline, stage
    if pipeline_id in (None, ""):
        pipeline = default_pipeline()
    else:
        found = Pipeline.objects.filter(pk=pipeline_id).first()
        if found is None:
            raise DomainError("unknown_pipeline", "No such pipeline.", field="pipeline_id")
        pipeline = found
    stage = first_open_stage(pipeline)
    return pipeline, stage


def first_open_stage(pipeline: Pipeline) -> Stage:
    """The first stage of the pipeline that is neither won nor lost."""
    stage = (
        Stage.objects.filter(pipeline=pipeline, is_won=False, is_lost=False)
        .order_by("position", "pk")
        .first()
    )
    if stage is None:
        raise DomainError(
            "open_stage_required", "The pipeline has no open stage.", field="pipeline_id"
        )
    return stage


def _line_values(data: Mapping[str, Any], currency: str, prefix: str = "") -> dict[str, Any]:
    unknown = set(data) - LINE_FIELDS
    if unknown:
        raise DomainError(
            "unknown_field", f"Unknown line field {min(unknown)}.", field=prefix + min(unknown)
        )
    values: dict[str, Any] = {}
    try:
        if "product_name" in data:
            values["product_name"] = clean_text(
                data["product_name"], "product_name", 200, required=True
            )
        if "sku" in data:
            values["sku"] = clean_text(data["sku"], "sku", 64)
        if "quantity" in data:
            quantity = _decimal(data["quantity"], "quantity", maximum=MAX_QUANTITY)
            if quantity == 0 or quantity != quantity.quantize(Decimal("0.001")):
                raise DomainError(
                    "invalid_quantity",
                    "The quantity is above 0 with at most 3 decimals.",
                    field="quantity",
                )
            values["quantity"] = quantity
        if "unit_price" in data:
            values["unit_price"] = _decimal(data["unit_price"], "unit_price", maximum=MAX_AMOUNT)
            if values["unit_price"] != values["unit_price"].quantize(Decimal("0.0001")):
                raise DomainError(
                    "invalid_unit_price",
                    "The unit price has at most 4 decimals.",
                    field="unit_price",
                )
    except DomainError as exc:
        exc.field = exc.details["field"] = prefix + str(exc.field)
        raise
    return values


def _new_line_values(data: Mapping[str, Any], currency: str, prefix: str = "") -> dict[str, Any]:
    if not isinstance(data, Mapping):
        raise DomainError("invalid_line", "A line is an object.", field=prefix.rstrip("."))
    values = _line_values({"sku": "", **data}, currency, prefix)
    for required in ("product_name", "quantity", "unit_price"):
        if required not in values:
            raise DomainError(
                f"{required}_required",
                f"Enter the {required.replace('_', ' ')}.",
                field=prefix + required,
            )
    return values


def _lines_amount(opportunity: Opportunity) -> Decimal:
    total = pure(domain.lines_total, opportunity.lines.values_list("quantity", "unit_price"))
    return Money(total, opportunity.currency).rounded().amount


def _base_payload(opportunity: Opportunity) -> dict[str, Any]:
    return {
        "opportunity_id": opportunity.pk,
        "account_id": opportunity.account_id,
        "person_id": opportunity.person_id,
    }


def _locked(opportunity_id: Any) -> Opportunity:
    row = Opportunity.objects.select_for_update().filter(pk=opportunity_id).first()
    if row is None:
        raise DomainError("opportunity_not_found", "No such opportunity.", status=404)
    return row


# --- create and change ---------------------------------------------------------------------


@transaction.atomic
def create_opportunity(data: Mapping[str, Any]) -> Opportunity:
    """Open a deal: in the given pipeline and stage, else the default pipeline's first stage.

    Keys: name, account_id, person_id, pipeline_id, stage_id, amount, currency,
    expected_close_date, owner_id (default: the current user), next_step, source,
    description, probability (default: the stage's), forecast_category, lines
    ([{product_name, sku, quantity, unit_price}]; with lines the amount is their total).
    """
    unknown = set(data) - UPDATABLE - {"pipeline_id", "stage_id", "lines"}
    if unknown:
        raise DomainError("unknown_field", f"Unknown field {min(unknown)}.", field=min(unknown))
    name = clean_text(data.get("name"), "name", 200, required=True)
    account, person = _party(data.get("account_id"), data.get("person_id"))
    pipeline, stage = _pipeline_and_stage(data.get("pipeline_id"), data.get("stage_id"))
    currency = clean_currency(data.get("currency"))
    amount = clean_amount(data.get("amount") or 0, currency)
    owner_id = clean_owner_id(data["owner_id"] if data.get("owner_id") else current().actor_id)
    probability = stage.probability
    if data.get("probability") not in (None, ""):
        probability = pure(domain.check_probability, data["probability"])
    category = _category(data.get("forecast_category") or stage.forecast_category, stage)
    raw_lines = data.get("lines") or []
    if not isinstance(raw_lines, Sequence) or isinstance(raw_lines, str):
        raise DomainError("invalid_lines", "Give the lines as a list.", field="lines")
    lines = [
        _new_line_values(line, currency, f"lines[{index}].") for index, line in enumerate(raw_lines)
    ]
    now = timezone.now()
    status = "won" if stage.is_won else "lost" if stage.is_lost else "open"
    if status == "lost":
        raise DomainError(
            "lost_reason_required",
            "Create the deal open, then mark it lost with a reason.",
            field="stage_id",
        )
    opportunity = Opportunity.objects.create(
        name=name,
        pipeline=pipeline,
        stage=stage,
        account=account,
        person=person,
        amount=amount,
        currency=currency,
        expected_close_date=_date(data.get("expected_close_date"), "expected_close_date"),
        owner_id=owner_id,
        next_step=clean_text(data.get("next_step"), "next_step", 200),
        source=clean_text(data.get("source"), "source", 100),
        description=str(data.get("description") or "")[:10000],
        probability=probability,
        forecast_category=domain.category_for_status(status, category),
        status=status,
        closed_at=now if status == "won" else None,
        stage_entered_at=now,
    )
    for position, values in enumerate(lines):
        OpportunityLine.objects.create(opportunity=opportunity, position=position, **values)
    if lines:
        opportunity.amount = _lines_amount(opportunity)
        opportunity.save(update_fields=["amount", "updated_at"])
    StageChange.objects.create(
        opportunity=opportunity,
        from_stage=None,
        to_stage=stage,
        changed_at=now,
        changed_by_id=current().actor_id,
    )
    publish(
        "OpportunityCreated",
        {
            **_base_payload(opportunity),
            "pipeline_id": pipeline.pk,
            "stage_id": stage.pk,
            "owner_id": owner_id,
            "amount": str(opportunity.money.amount),
            "currency": currency,
            "source": opportunity.source,
        },
    )
    return opportunity


def _category(value: Any, stage: Stage) -> str:
    category = str(value or "")
    if category not in domain.FORECAST_CATEGORIES:
        raise DomainError(
            "invalid_forecast_category",
            f"Use one of {', '.join(domain.OPEN_CATEGORIES)}.",
            field="forecast_category",
        )
    return category


@transaction.atomic
def update_opportunity(opportunity_id: int, data: Mapping[str, Any]) -> Opportunity:
    """Change the given fields of a deal; the stage changes only through a move."""
    opportunity = _locked(opportunity_id)
    unknown = set(data) - UPDATABLE
    if unknown:
        raise DomainError(
            "unknown_field",
            f"Cannot change {', '.join(sorted(unknown))} here.",
            field=min(unknown),
        )
    if "name" in data:
        opportunity.name = clean_text(data["name"], "name", 200, required=True)
    if "account_id" in data or "person_id" in data:
        account, person = _party(
            data.get("account_id", opportunity.account_id),
            data.get("person_id", opportunity.person_id),
        )
        opportunity.account, opportunity.person = account, person
    has_lines = opportunity.lines.exists()
    if "currency" in data:
        opportunity.currency = clean_currency(data["currency"])
    if "amount" in data:
        if has_lines:
            raise DomainError(
                "amount_from_lines",
                "The amount is the total of the lines; change the lines.",
                field="amount",
            )
        opportunity.amount = clean_amount(data["amount"] or 0, opportunity.currency)
    elif "currency" in data:
        opportunity.amount = clean_amount(opportunity.amount, opportunity.currency)
    if has_lines and "currency" in data:
        opportunity.amount = _lines_amount(opportunity)
    if "expected_close_date" in data:
        opportunity.expected_close_date = _date(data["expected_close_date"], "expected_close_date")
    if "owner_id" in data:
        opportunity.owner_id = clean_owner_id(data["owner_id"])
    for field, limit in (("next_step", 200), ("source", 100)):
        if field in data:
            setattr(opportunity, field, clean_text(data[field], field, limit))
    if "description" in data:
        opportunity.description = str(data["description"] or "")[:10000]
    if "probability" in data:
        if opportunity.status != "open":
            raise DomainError(
                "opportunity_closed",
                "Reopen the deal to change its probability.",
                field="probability",
                status=409,
            )
        opportunity.probability = pure(domain.check_probability, data["probability"])
    if "forecast_category" in data:
        category = str(data["forecast_category"] or "")
        if opportunity.status != "open" or category not in domain.OPEN_CATEGORIES:
            raise DomainError(
                "invalid_forecast_category",
                f"An open deal's category is one of {', '.join(domain.OPEN_CATEGORIES)}.",
                field="forecast_category",
            )
        opportunity.forecast_category = category
    opportunity.save()
    publish("OpportunityUpdated", {**_base_payload(opportunity), "changed": sorted(data)})
    return opportunity


# --- stages: move, win, lose, reopen -------------------------------------------------------


def _lost_reason(reason_id: Any) -> LossReason:
    if reason_id in (None, ""):
        raise DomainError(
            "lost_reason_required", "Choose why the deal was lost.", field="lost_reason_id"
        )
    reason = LossReason.objects.filter(pk=reason_id, is_active=True).first()
    if reason is None:
        raise DomainError("unknown_lost_reason", "No such loss reason.", field="lost_reason_id")
    return reason


@transaction.atomic
def move_opportunity(
    opportunity_id: int,
    stage_id: Any,
    *,
    lost_reason_id: Any = None,
    close_note: str = "",
) -> Opportunity:
    """Move a deal to a stage (of any pipeline); a lost stage needs a loss reason.

    Records the time spent in the stage it leaves, takes the new stage's probability and
    forecast category, sets ``closed_at`` on won/lost stages and clears it when reopened.
    """
    opportunity = _locked(opportunity_id)
    stage = Stage.objects.filter(pk=stage_id).first() if stage_id not in (None, "") else None
    if stage is None:
        raise DomainError("unknown_stage", "No such stage.", field="stage_id")
    if stage.pk == opportunity.stage_id:
        raise DomainError("same_stage", "The deal is in this stage already.", field="stage_id")
    reason = _lost_reason(lost_reason_id) if stage.is_lost else None
    note = clean_text(close_note, "close_note", 500)
    now = timezone.now()
    previous_stage_id, previous_status = opportunity.stage_id, opportunity.status
    seconds = pure(domain.seconds_between, opportunity.stage_entered_at, now)
    status = "won" if stage.is_won else "lost" if stage.is_lost else "open"
    opportunity.stage = stage
    opportunity.pipeline_id = stage.pipeline_id
    opportunity.stage_entered_at = now
    opportunity.status = status
    opportunity.probability = stage.probability
    opportunity.forecast_category = domain.category_for_status(status, stage.forecast_category)
    opportunity.lost_reason = reason
    opportunity.close_note = note if status != "open" else ""
    if status == "open":
        opportunity.closed_at = None
    elif previous_status == "open" or opportunity.closed_at is None:
        opportunity.closed_at = now
    opportunity.save()
    StageChange.objects.create(
        opportunity=opportunity,
        from_stage_id=previous_stage_id,
        to_stage=stage,
        changed_at=now,
        changed_by_id=current().actor_id,
        seconds_in_previous=seconds,
    )
    payload = _base_payload(opportunity)
    publish(
        "OpportunityStageChanged",
        {
            **payload,
            "pipeline_id": stage.pipeline_id,
            "from_stage_id": previous_stage_id,
            "to_stage_id": stage.pk,
            "status": status,
            "seconds_in_previous": seconds,
        },
    )
    closing = {
        **payload,
        "amount": str(opportunity.money.amount),
        "currency": opportunity.currency,
        "owner_id": opportunity.owner_id,
        "closed_at": now.isoformat(),
        "close_note": note,
    }
    if status == "won" and previous_status != "won":
        publish("OpportunityWon", closing)
    elif status == "lost" and previous_status != "lost":
        publish(
            "OpportunityLost",
            {
                **closing,
                "lost_reason_id": reason.pk if reason else None,
                "lost_reason": reason.name if reason else "",
            },
        )
    elif status == "open" and previous_status != "open":
        publish("OpportunityReopened", {**payload, "stage_id": stage.pk})
    return opportunity


def _closing_stage(opportunity_id: int, *, won: bool) -> Stage:
    pipeline_id = (
        Opportunity.objects.filter(pk=opportunity_id).values_list("pipeline_id", flat=True).first()
    )
    if pipeline_id is None:
        raise DomainError("opportunity_not_found", "No such opportunity.", status=404)
    flag = {"is_won": True} if won else {"is_lost": True}
    stage = Stage.objects.filter(pipeline_id=pipeline_id, **flag).order_by("position").first()
    if stage is None:
        raise DomainError(
            "no_won_stage" if won else "no_lost_stage",
            f"The pipeline has no {'won' if won else 'lost'} stage.",
            status=409,
        )
    return stage


@transaction.atomic
def mark_won(opportunity_id: int, *, close_note: str = "") -> Opportunity:
    """Move a deal to its pipeline's won stage."""
    stage = _closing_stage(opportunity_id, won=True)
    return move_opportunity(opportunity_id, stage.pk, close_note=close_note)


@transaction.atomic
def mark_lost(opportunity_id: int, *, lost_reason_id: Any, close_note: str = "") -> Opportunity:
    """Move a deal to its pipeline's lost stage with the reason it was lost."""
    stage = _closing_stage(opportunity_id, won=False)
    return move_opportunity(
        opportunity_id, stage.pk, lost_reason_id=lost_reason_id, close_note=close_note
    )


# --- lines -----------------------------------------------------------------------------------


def _refresh_amount(opportunity: Opportunity, change: str) -> None:
    opportunity.amount = _lines_amount(opportunity)
    opportunity.save(update_fields=["amount", "updated_at"])
    publish("OpportunityUpdated", {**_base_payload(opportunity), "changed": ["lines", change]})


@transaction.atomic
def add_line(opportunity_id: int, data: Mapping[str, Any]) -> OpportunityLine:
    """Add a product line; the deal's amount becomes the lines' total."""
    opportunity = _locked(opportunity_id)
    values = _new_line_values(data, opportunity.currency)
    position = (opportunity.lines.aggregate(top=Max("position"))["top"] or 0) + 1
    line = OpportunityLine.objects.create(opportunity=opportunity, position=position, **values)
    _refresh_amount(opportunity, "added")
    return line


def _locked_line(opportunity: Opportunity, line_id: Any) -> OpportunityLine:
    line = (
        OpportunityLine.objects.select_for_update()
        .filter(pk=line_id, opportunity=opportunity)
        .first()
    )
    if line is None:
        raise DomainError("line_not_found", "No such line on this opportunity.", status=404)
    return line


@transaction.atomic
def update_line(opportunity_id: int, line_id: int, data: Mapping[str, Any]) -> OpportunityLine:
    """Change a line's product, quantity or price; the amount follows."""
    opportunity = _locked(opportunity_id)
    line = _locked_line(opportunity, line_id)
    for field, value in _line_values(data, opportunity.currency).items():
        setattr(line, field, value)
    line.save()
    _refresh_amount(opportunity, "changed")
    return line


@transaction.atomic
def remove_line(opportunity_id: int, line_id: int) -> None:
    """Delete a line; the amount becomes the remaining lines' total (0 without lines)."""
    opportunity = _locked(opportunity_id)
    _locked_line(opportunity, line_id).delete()
    _refresh_amount(opportunity, "removed")
