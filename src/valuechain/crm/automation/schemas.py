"""API shapes of automation."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from ninja import Field, Schema


class ConditionIn(Schema):
    """``field operator value``: a test the record must pass."""

    field: str = Field(..., examples=["lifecycle_stage"])
    operator: str = Field(..., examples=["equals"])
    value: Any = Field(None, examples=["active"])


class ActionIn(Schema):
    """One action: its type and parameters (see GET /automation/events for what applies)."""

    type: str = Field(..., examples=["update_field"])
    params: dict[str, Any] = Field(default_factory=dict)


class RuleIn(Schema):
    """A new rule: when event_type happens to a target_type record [if conditions] then actions."""

    name: str = Field(..., max_length=200)
    description: str = Field("", max_length=500)
    is_active: bool = True
    event_type: str = Field(..., examples=["AccountUpdated"])
    target_type: str = Field(..., examples=["customers.account"])
    match: str = Field("all", description="all: every condition holds; any: at least one")
    conditions: list[ConditionIn] = Field(default_factory=list)
    actions: list[ActionIn]
    position: int = Field(100, ge=0, le=100_000, description="Rules of one event run in order")

    def as_data(self) -> dict[str, Any]:
        """Keyword data for the service."""
        return self.dict()


class RulePatch(Schema):
    """Changes to a rule; fields left out stay as they are."""

    name: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=500)
    is_active: bool | None = None
    event_type: str | None = None
    target_type: str | None = None
    match: str | None = None
    conditions: list[ConditionIn] | None = None
    actions: list[ActionIn] | None = None
    position: int | None = Field(None, ge=0, le=100_000)


class RuleOut(Schema):
    """A rule with its run counts."""

    id: int
    name: str
    description: str
    is_active: bool
    event_type: str
    target_type: str
    match: str
    conditions: list[dict[str, Any]]
    actions: list[dict[str, Any]]
    position: int
    run_count: int = 0
    failed_count: int = 0
    created_at: dt.datetime
    updated_at: dt.datetime


class RuleFilters(Schema):
    """Filters of the rule list."""

    event_type: str | None = None
    target_type: str | None = None
    is_active: bool | None = None
    name: str | None = Field(None, description="Part of the name")


class RunFilters(Schema):
    """Filters of a rule's run log."""

    status: str | None = Field(None, description="succeeded, failed, skipped or loop_blocked")


class RuleRunOut(Schema):
    """One run of a rule: the event, the record, each condition's and action's outcome."""

    id: int
    rule_id: int
    event_id: uuid.UUID
    event_type: str
    target_type: str
    record_id: str
    record_label: str
    status: str
    conditions: list[dict[str, Any]]
    results: list[dict[str, Any]]
    error: str
    depth: int
    started_at: dt.datetime
    finished_at: dt.datetime


class DryRunIn(Schema):
    """The record to test a rule against; ``changed`` plays the event's changed fields."""

    record_id: int | str
    changed: list[str] | None = Field(
        None, description="Fields the event changed (changed_to); default: every tested field"
    )


class DryRunOut(Schema):
    """What a rule would do to a record, without doing it."""

    rule_id: int
    record_id: str
    record_label: str
    record: dict[str, Any]
    is_active: bool
    would_fire: bool
    conditions_pass: bool
    assumed_changed: list[str]
    conditions: list[dict[str, Any]]
    actions: list[dict[str, Any]]


class TemplateIn(Schema):
    """A new e-mail template; placeholders are ``{{ record.field }}``."""

    name: str = Field(..., max_length=200)
    target_type: str = Field(..., examples=["customers.person"])
    subject: str = Field(..., max_length=300)
    body: str = Field(..., max_length=20_000)


class TemplatePatch(Schema):
    """Changes to an e-mail template."""

    name: str | None = Field(None, max_length=200)
    target_type: str | None = None
    subject: str | None = Field(None, max_length=300)
    body: str | None = Field(None, max_length=20_000)


class TemplateOut(Schema):
    """An e-mail template."""

    id: int
    name: str
    target_type: str
    subject: str
    body: str
    created_at: dt.datetime
    updated_at: dt.datetime


class CatalogueOut(Schema):
    """What rules can be built from: record types, their events and fields, action types."""

    targets: list[dict[str, Any]]
    action_types: list[str]
    operators: list[str]
    max_depth: int
