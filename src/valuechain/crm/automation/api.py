"""API routes of automation (crm area): rules, their run logs and dry runs, e-mail templates."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Status

from valuechain.crm.automation import domain, queries, services
from valuechain.crm.automation.models import EmailTemplate, Rule
from valuechain.crm.automation.schemas import (
    CatalogueOut,
    DryRunIn,
    DryRunOut,
    RuleFilters,
    RuleIn,
    RuleOut,
    RulePatch,
    RuleRunOut,
    RunFilters,
    TemplateIn,
    TemplateOut,
    TemplatePatch,
)
from valuechain.platform.api import ListParams, Page, area_router, paginate

router = area_router("crm", tags=["automation"])
BASE = "/automation"


@router.get(f"{BASE}/events", response=CatalogueOut, summary="What rules can be built from")
def catalogue(request: HttpRequest) -> dict[str, Any]:
    """Record types with their event types and fields (types, operators), and action types."""
    return {
        "targets": queries.catalogue(),
        "action_types": queries.action_types(),
        "operators": list(domain.OPERATORS),
        "max_depth": domain.MAX_DEPTH,
    }


# --- rules --------------------------------------------------------------------------------


def _rule_out(rule_id: int) -> Rule:
    return queries.rules().get(pk=rule_id)


@router.get(f"{BASE}/rules", response=Page[RuleOut], summary="List rules")
def list_rules(
    request: HttpRequest, filters: Query[RuleFilters], params: Query[ListParams]
) -> dict[str, Any]:
    """The tenant's rules in the order they run."""
    return paginate(
        queries.rules(**filters.dict()),
        params,
        sortable=queries.RULE_SORTS,
        default_sort=("position",),
    )


@router.post(f"{BASE}/rules", response={201: RuleOut}, summary="Create a rule")
def create_rule(request: HttpRequest, data: RuleIn) -> Status[Rule]:
    """Add a rule; the whole definition is checked first."""
    rule = services.create_rule(data.as_data())
    return Status(201, _rule_out(rule.pk))


@router.get(f"{BASE}/rules/{{rule_id}}", response=RuleOut, summary="Get a rule")
def get_rule(request: HttpRequest, rule_id: int) -> Rule:
    """One rule."""
    queries.rule(rule_id)
    return _rule_out(rule_id)


@router.patch(f"{BASE}/rules/{{rule_id}}", response=RuleOut, summary="Change a rule")
def update_rule(request: HttpRequest, rule_id: int, data: RulePatch) -> Rule:
    """Change the given fields (``is_active`` enables or disables the rule)."""
    services.update_rule(rule_id, **data.dict(exclude_unset=True))
    return _rule_out(rule_id)


@router.delete(f"{BASE}/rules/{{rule_id}}", response={204: None}, summary="Delete a rule")
def delete_rule(request: HttpRequest, rule_id: int) -> Status[None]:
    """Remove a rule and its run log."""
    services.delete_rule(rule_id)
    return Status(204, None)


@router.get(f"{BASE}/rules/{{rule_id}}/runs", response=Page[RuleRunOut], summary="A rule's run log")
def list_runs(
    request: HttpRequest, rule_id: int, filters: Query[RunFilters], params: Query[ListParams]
) -> dict[str, Any]:
    """Every event the rule met, newest first, optionally one status."""
    return paginate(
        queries.runs(rule_id, filters.status),
        params,
        sortable=queries.RUN_SORTS,
        default_sort=("-started_at",),
    )


@router.post(
    f"{BASE}/rules/{{rule_id}}/test", response=DryRunOut, summary="Dry-run a rule on a record"
)
def test_rule(request: HttpRequest, rule_id: int, data: DryRunIn) -> dict[str, Any]:
    """Which conditions the record passes and what would happen; nothing is written."""
    return queries.dry_run(rule_id, data.record_id, data.changed)


# --- e-mail templates ---------------------------------------------------------------------


@router.get(f"{BASE}/email-templates", response=Page[TemplateOut], summary="List templates")
def list_templates(request: HttpRequest, params: Query[ListParams]) -> dict[str, Any]:
    """The tenant's e-mail templates."""
    return paginate(
        queries.templates(), params, sortable=queries.TEMPLATE_SORTS, default_sort=("name",)
    )


@router.post(f"{BASE}/email-templates", response={201: TemplateOut}, summary="Create a template")
def create_template(request: HttpRequest, data: TemplateIn) -> Status[EmailTemplate]:
    """Add a template; unknown placeholders are refused."""
    return Status(201, services.create_template(data.dict()))


@router.get(
    f"{BASE}/email-templates/{{template_id}}", response=TemplateOut, summary="Get a template"
)
def get_template(request: HttpRequest, template_id: int) -> EmailTemplate:
    """One template."""
    return queries.template(template_id)


@router.patch(
    f"{BASE}/email-templates/{{template_id}}", response=TemplateOut, summary="Change a template"
)
def update_template(request: HttpRequest, template_id: int, data: TemplatePatch) -> EmailTemplate:
    """Change the given fields of a template."""
    return services.update_template(template_id, **data.dict(exclude_unset=True))


@router.delete(
    f"{BASE}/email-templates/{{template_id}}", response={204: None}, summary="Delete a template"
)
def delete_template(request: HttpRequest, template_id: int) -> Status[None]:
    """Remove a template no rule sends."""
    services.delete_template(template_id)
    return Status(204, None)
