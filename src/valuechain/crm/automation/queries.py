"""Read side of automation: rule and template lists, run logs, the event catalogue, dry runs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, QuerySet

from valuechain.crm.automation import domain
from valuechain.crm.automation.models import RUN_STATUSES, EmailTemplate, Rule, RuleRun
from valuechain.crm.automation.services import activities_available
from valuechain.crm.automation.targets import Target, all_targets, get_target
from valuechain.platform.errors import DomainError

RULE_SORTS = ("name", "position", "event_type", "target_type", "created_at", "updated_at")
TEMPLATE_SORTS = ("name", "target_type", "created_at", "updated_at")
RUN_SORTS = ("started_at", "status", "depth")


def rules(
    *,
    event_type: str | None = None,
    target_type: str | None = None,
    is_active: bool | None = None,
    name: str | None = None,
) -> QuerySet[Rule]:
    """The tenant's rules with their run counts (one query)."""
    rows = Rule.objects.annotate(
        run_count=Count("runs"),
        failed_count=Count("runs", filter=Q(runs__status="failed")),
    )
    if event_type:
        rows = rows.filter(event_type=event_type)
    if target_type:
        rows = rows.filter(target_type=target_type)
    if is_active is not None:
        rows = rows.filter(is_active=is_active)
    if name:
        rows = rows.filter(name__icontains=name)
    return rows.order_by("position", "pk")


def active_rule_keys(event_types: Iterable[str]) -> set[tuple[str, str]]:
    """(event type, target type) pairs the tenant has an active rule for (one query)."""
    rows = Rule.objects.filter(is_active=True, event_type__in=sorted(set(event_types)))
    return set(rows.values_list("event_type", "target_type").distinct())


def rule(rule_id: int) -> Rule:
    """One rule; DomainError not_found (404) when it is not the tenant's."""
    row = Rule.objects.filter(pk=rule_id).first()
    if row is None:
        raise DomainError("not_found", "No such rule.", status=404)
    return row


def runs(rule_id: int, status: str | None = None) -> QuerySet[RuleRun]:
    """A rule's run log, newest first, optionally one status."""
    rule(rule_id)
    rows = RuleRun.objects.filter(rule_id=rule_id)
    if status:
        if status not in RUN_STATUSES:
            raise DomainError(
                "invalid_status",
                f"{status!r} is not a run status; use one of {', '.join(RUN_STATUSES)}.",
                field="status",
            )
        rows = rows.filter(status=status)
    return rows.order_by("-started_at", "-pk")


def templates(target_type: str | None = None) -> QuerySet[EmailTemplate]:
    """The tenant's e-mail templates."""
    rows = EmailTemplate.objects.all()
    if target_type:
        rows = rows.filter(target_type=target_type)
    return rows.order_by("name", "pk")


def template(template_id: int) -> EmailTemplate:
    """One e-mail template; 404 when it is not the tenant's."""
    row = EmailTemplate.objects.filter(pk=template_id).first()
    if row is None:
        raise DomainError("not_found", "No such e-mail template.", status=404)
    return row


def action_types() -> list[str]:
    """The action types this build offers (create_task needs the activities module)."""
    return [kind for kind in domain.ACTION_TYPES if kind != "create_task" or activities_available()]


def catalogue() -> list[dict[str, Any]]:
    """Per record type: its events, readable and writable fields with operators."""
    return [
        {
            "target_type": target.key,
            "label": target.label,
            "events": [
                {"event_type": b.event_type, "is_update": b.is_update} for b in target.events
            ],
            "fields": [
                {
                    "name": spec.name,
                    "label": spec.label,
                    "type": spec.type,
                    "choices": list(spec.choices),
                    "operators": list(spec.operators),
                    "writable": spec.writable,
                }
                for spec in target.fields
            ],
            "email_fields": [spec.name for spec in target.fields if spec.type == "email"],
            "has_owner": target.owner_field is not None,
        }
        for target in all_targets()
    ]


# --- dry run ------------------------------------------------------------------------------


def _describe(action: dict[str, Any], values: dict[str, Any]) -> str:
    kind, params = action["type"], action.get("params") or {}
    if kind == "update_field":
        return f"Set {params['field']} to {params['value']!r}."
    if kind == "assign_owner":
        if params.get("mode") == "round_robin":
            return (
                f"Assign the owner in turn among users {', '.join(map(str, params['user_ids']))}."
            )
        return f"Assign the owner to user {params['user_ids'][0]}."
    if kind == "send_email":
        template_row = EmailTemplate.objects.filter(pk=params.get("template_id")).first()
        if template_row is None:
            return "Send an e-mail from a template that no longer exists (would fail)."
        to = (
            f"user {params.get('user_id')}"
            if params.get("to") == "user"
            else values.get(params.get("field") or "") or f"(no {params.get('field')})"
        )
        return f"E-mail {to}: {domain.render(template_row.subject, values)!r}."
    if kind == "call_webhook":
        return f"POST the record to webhook endpoint {params['endpoint_id']}."
    if kind == "create_task":
        return (
            f"Create the task {domain.render(params['subject'], values)!r} "
            f"due in {params.get('due_in_days', 0)} days."
        )
    return kind


def dry_run(rule_id: int, record_id: Any, changed: Iterable[str] | None = None) -> dict[str, Any]:
    """Which conditions a record passes and what the rule would do to it; writes nothing.

    ``changed`` plays the event's changed fields for ``changed_to``; None assumes every
    condition's field changed.
    """
    row = rule(rule_id)
    target: Target | None = get_target(row.target_type)
    if target is None:
        raise DomainError("unknown_target", "This rule's record type is not installed.", status=409)
    record = target.load(record_id, True)
    if record is None:
        raise DomainError(
            "unknown_record", f"No {target.label.lower()} {record_id}.", field="record_id"
        )
    values = target.read(record)
    conditions = domain.conditions_from_json(row.conditions)
    assumed = (
        frozenset(condition.field for condition in conditions)
        if changed is None
        else frozenset(changed)
    )
    evaluation = domain.evaluate(conditions, row.match, target.readable, values, assumed)
    return {
        "rule_id": row.pk,
        "record_id": str(record_id),
        "record_label": target.label_of(record),
        "record": values,
        "is_active": row.is_active,
        "would_fire": evaluation.passed and row.is_active,
        "conditions_pass": evaluation.passed,
        "assumed_changed": sorted(assumed),
        "conditions": [result.as_dict() for result in evaluation.results],
        "actions": [
            {"type": action["type"], "description": _describe(action, values)}
            for action in row.actions
        ],
    }
