"""Use cases of automation: define rules and e-mail templates (checked whole before saving).

Each function runs in one transaction, raises DomainError with the path of the part at fault
(``conditions.0.value``, ``actions.1.params.user_ids``; nothing is written then) and
publishes a past-tense event. Running rules is ``executor.py``'s job.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.db import IntegrityError, transaction

from valuechain.crm.automation import domain
from valuechain.crm.automation.models import EmailTemplate, Rule
from valuechain.crm.automation.targets import Target, get_target
from valuechain.platform.errors import DomainError
from valuechain.platform.events.models import WebhookEndpoint
from valuechain.platform.events.services import publish
from valuechain.platform.tenancy.context import require_tenant_id
from valuechain.platform.tenancy.models import Membership

T = TypeVar("T")
RULE_FIELDS = frozenset(
    {
        "name",
        "description",
        "is_active",
        "event_type",
        "target_type",
        "match",
        "conditions",
        "actions",
        "position",
    }
)
TEMPLATE_FIELDS = frozenset({"name", "target_type", "subject", "body"})
TASK_SUBJECT_LIMIT = 200


def _domain(call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a pure check, turning InvalidDefinition into a DomainError on the same path."""
    try:
        return call(*args, **kwargs)
    except domain.InvalidDefinition as exc:
        raise DomainError(exc.code, exc.message, field=exc.field) from exc


def activities_available() -> bool:
    """True when the activities context offers ``create_activity`` (create_task needs it)."""
    try:
        from valuechain.crm.activities import services as activities
    except ImportError:
        return False
    return callable(getattr(activities, "create_activity", None))


def _target(key: Any, field: str = "target_type") -> Target:
    target = get_target(str(key or ""))
    if target is None:
        raise DomainError(
            "unknown_target", f"{key!r} is not a record type rules can act on.", field=field
        )
    return target


def _members(user_ids: list[int], path: str) -> list[int]:
    """The ids, all active members of the tenant, or DomainError at ``path``."""
    found = set(
        Membership.objects.filter(
            tenant_id=require_tenant_id(), user_id__in=user_ids, is_active=True
        ).values_list("user_id", flat=True)
    )
    missing = [user_id for user_id in user_ids if user_id not in found]
    if missing:
        raise DomainError(
            "invalid_user",
            f"User {missing[0]} is not an active member of this tenant.",
            field=path,
        )
    return user_ids


# --- actions ------------------------------------------------------------------------------


def _clean_update_field(target: Target, params: dict[str, Any], path: str) -> dict[str, Any]:
    name = str(params.get("field") or "")
    spec = target.writable.get(name)
    if spec is None:
        raise DomainError(
            "unknown_field",
            f"{name or 'The field'!r} is not a field rules may change on a {target.label}; "
            f"use one of {', '.join(sorted(target.writable))}.",
            field=f"{path}.field",
        )
    value = params.get("value")
    if spec.type == "user" and value in (None, ""):
        return {"field": name, "value": None}  # clearing the owner
    cleaned = _domain(domain.clean_value, spec, value, f"{path}.value")
    if spec.type == "user":
        _members([cleaned], f"{path}.value")
    return {"field": name, "value": cleaned}


def _clean_assign_owner(target: Target, params: dict[str, Any], path: str) -> dict[str, Any]:
    if target.owner_field is None:
        raise DomainError(
            "invalid_action_type", f"A {target.label} has no owner.", field=f"{path}.type"
        )
    mode = str(params.get("mode") or "user")
    if mode not in ("user", "round_robin"):
        raise DomainError("invalid_value", "Mode is 'user' or 'round_robin'.", field=f"{path}.mode")
    ids = _domain(domain.id_list, params.get("user_ids"), f"{path}.user_ids", "users")
    if mode == "user" and len(ids) != 1:
        raise DomainError(
            "invalid_value",
            "Choose exactly one user (or use round robin).",
            field=f"{path}.user_ids",
        )
    return {"mode": mode, "user_ids": _members(ids, f"{path}.user_ids")}


def _clean_send_email(target: Target, params: dict[str, Any], path: str) -> dict[str, Any]:
    template_id = _domain(
        domain.positive_id, params.get("template_id"), f"{path}.template_id", "a template"
    )
    template = EmailTemplate.objects.filter(pk=template_id).first()
    if template is None:
        raise DomainError(
            "unknown_template", "No such e-mail template.", field=f"{path}.template_id"
        )
    if template.target_type != target.key:
        raise DomainError(
            "template_target_mismatch",
            f"Template {template.name!r} is written for another record type.",
            field=f"{path}.template_id",
        )
    to = str(params.get("to") or "field")
    if to == "user":
        user_id = _domain(domain.positive_id, params.get("user_id"), f"{path}.user_id", "a user")
        _members([user_id], f"{path}.user_id")
        return {"template_id": template_id, "to": "user", "user_id": user_id}
    if to != "field":
        raise DomainError("invalid_value", "Send to a 'field' or a 'user'.", field=f"{path}.to")
    email_fields = [spec.name for spec in target.fields if spec.type == "email"]
    name = str(params.get("field") or (email_fields[0] if email_fields else ""))
    if name not in email_fields:
        raise DomainError(
            "unknown_field",
            f"{name!r} is not an e-mail field; use one of {', '.join(email_fields)}.",
            field=f"{path}.field",
        )
    return {"template_id": template_id, "to": "field", "field": name}


def _clean_call_webhook(target: Target, params: dict[str, Any], path: str) -> dict[str, Any]:
    endpoint_id = _domain(
        domain.positive_id, params.get("endpoint_id"), f"{path}.endpoint_id", "a webhook endpoint"
    )
    if not WebhookEndpoint.objects.filter(pk=endpoint_id).exists():
        raise DomainError(
            "unknown_endpoint", "No such webhook endpoint.", field=f"{path}.endpoint_id"
        )
    return {"endpoint_id": endpoint_id}


def _clean_create_task(target: Target, params: dict[str, Any], path: str) -> dict[str, Any]:
    if not activities_available():
        raise DomainError(
            "activities_unavailable",
            "Tasks need the activities module, which is not installed.",
            field=f"{path}.type",
        )
    subject = " ".join(str(params.get("subject") or "").split())
    if not subject or len(subject) > TASK_SUBJECT_LIMIT:
        raise DomainError(
            "invalid_value",
            f"Give the task a subject of 1 to {TASK_SUBJECT_LIMIT} characters.",
            field=f"{path}.subject",
        )
    _domain(domain.validate_template, subject, target.readable, f"{path}.subject")
    try:
        due_in_days = int(params.get("due_in_days") or 0)
    except (TypeError, ValueError):
        due_in_days = -1
    if not 0 <= due_in_days <= 365:
        raise DomainError("invalid_value", "Due in 0 to 365 days.", field=f"{path}.due_in_days")
    assign_to = str(params.get("assign_to") or "owner")
    cleaned: dict[str, Any] = {
        "subject": subject,
        "due_in_days": due_in_days,
        "assign_to": assign_to,
    }
    if assign_to == "user":
        user_id = _domain(domain.positive_id, params.get("user_id"), f"{path}.user_id", "a user")
        cleaned["user_id"] = _members([user_id], f"{path}.user_id")[0]
    elif assign_to != "owner":
        raise DomainError(
            "invalid_value",
            "Assign the task to the record's 'owner' or a 'user'.",
            field=f"{path}.assign_to",
        )
    return cleaned


ACTION_CLEANERS: dict[str, Callable[[Target, dict[str, Any], str], dict[str, Any]]] = {
    "create_task": _clean_create_task,
    "assign_owner": _clean_assign_owner,
    "send_email": _clean_send_email,
    "update_field": _clean_update_field,
    "call_webhook": _clean_call_webhook,
}


def clean_actions(target: Target, raw: Any) -> list[dict[str, Any]]:
    """Check every action against the target and the tenant's users, templates and endpoints."""
    shapes = _domain(domain.action_shapes, raw)
    return [
        {"type": kind, "params": ACTION_CLEANERS[kind](target, params, f"actions.{index}.params")}
        for index, (kind, params) in enumerate(shapes)
    ]


# --- rules --------------------------------------------------------------------------------


def _clean_rule(data: Mapping[str, Any]) -> dict[str, Any]:
    """Every field of a rule, checked together (the event must concern the target)."""
    target = _target(data.get("target_type"))
    event_type = str(data.get("event_type") or "")
    binding = target.binding(event_type)
    if binding is None:
        raise DomainError(
            "unknown_event_type",
            f"{event_type or 'No event'!r} does not concern a {target.label}; use one of "
            f"{', '.join(b.event_type for b in target.events)}.",
            field="event_type",
        )
    description = " ".join(str(data.get("description") or "").split())
    if len(description) > 500:
        raise DomainError(
            "invalid_description", "Keep the description under 500 characters.", field="description"
        )
    try:
        position = int(data.get("position", 100))
    except (TypeError, ValueError):
        position = -1
    if not 0 <= position <= 100_000:
        raise DomainError(
            "invalid_position", "Order is a number from 0 to 100000.", field="position"
        )
    is_active = data.get("is_active", True)
    if not isinstance(is_active, bool):
        raise DomainError("invalid_is_active", "Active is true or false.", field="is_active")
    conditions = _domain(
        domain.validate_conditions,
        data.get("conditions"),
        target.readable,
        update_event=binding.is_update,
    )
    return {
        "name": _domain(domain.validate_name, data.get("name")),
        "description": description,
        "is_active": is_active,
        "event_type": event_type,
        "target_type": target.key,
        "match": _domain(domain.validate_match, data.get("match")),
        "conditions": [condition.as_dict() for condition in conditions],
        "actions": clean_actions(target, data.get("actions")),
        "position": position,
    }


def _rule_payload(rule: Rule) -> dict[str, Any]:
    return {
        "rule_id": rule.pk,
        "name": rule.name,
        "event_type": rule.event_type,
        "target_type": rule.target_type,
        "is_active": rule.is_active,
    }


def _locked(model: type[T], pk: Any, label: str) -> T:
    row = model.objects.select_for_update().filter(pk=pk).first()  # type: ignore[attr-defined]
    if row is None:
        raise DomainError("not_found", f"No such {label}.", status=404)
    return row


@transaction.atomic
def create_rule(data: Mapping[str, Any]) -> Rule:
    """Add a rule, checked whole: event and target, conditions, actions."""
    unknown = set(data) - RULE_FIELDS
    if unknown:
        raise DomainError("unknown_field", f"Unknown field {min(unknown)}.", field=min(unknown))
    rule = Rule.objects.create(**_clean_rule(data))
    publish("RuleCreated", _rule_payload(rule))
    return rule


@transaction.atomic
def update_rule(rule_id: int, **changes: Any) -> Rule:
    """Change the given fields of a rule; the whole rule is checked again."""
    rule = _locked(Rule, rule_id, "rule")
    unknown = set(changes) - RULE_FIELDS
    if unknown:
        raise DomainError("unknown_field", f"Unknown field {min(unknown)}.", field=min(unknown))
    current = {name: getattr(rule, name) for name in RULE_FIELDS}
    cleaned = _clean_rule({**current, **changes})
    changed = sorted(name for name, value in cleaned.items() if current[name] != value)
    if not changed:
        return rule
    for name in changed:
        setattr(rule, name, cleaned[name])
    rule.save()
    publish("RuleUpdated", {**_rule_payload(rule), "changed": changed})
    return rule


def set_rule_active(rule_id: int, active: bool) -> Rule:
    """Enable or disable a rule (disabled rules ignore events)."""
    return update_rule(rule_id, is_active=bool(active))


@transaction.atomic
def delete_rule(rule_id: int) -> None:
    """Remove a rule and its run log."""
    rule = _locked(Rule, rule_id, "rule")
    payload = _rule_payload(rule)
    rule.delete()
    publish("RuleDeleted", payload)


# --- e-mail templates ---------------------------------------------------------------------


def _clean_template(data: Mapping[str, Any]) -> dict[str, Any]:
    target = _target(data.get("target_type"))
    subject = " ".join(str(data.get("subject") or "").split())
    if not subject:
        raise DomainError("subject_required", "Enter a subject.", field="subject")
    if len(subject) > 300:
        raise DomainError(
            "invalid_subject", "Keep the subject under 300 characters.", field="subject"
        )
    body = str(data.get("body") or "").strip()
    if not body:
        raise DomainError("body_required", "Enter the message.", field="body")
    if len(body) > 20_000:
        raise DomainError("invalid_body", "Keep the message under 20,000 characters.", field="body")
    _domain(domain.validate_template, subject, target.readable, "subject")
    _domain(domain.validate_template, body, target.readable, "body")
    return {
        "name": _domain(domain.validate_name, data.get("name")),
        "target_type": target.key,
        "subject": subject,
        "body": body,
    }


def rules_using_template(template_id: int) -> list[Rule]:
    """Rules with a send_email action that uses the template."""
    return [
        rule
        for rule in Rule.objects.order_by("pk")
        if any(
            action.get("type") == "send_email"
            and (action.get("params") or {}).get("template_id") == template_id
            for action in rule.actions or []
        )
    ]


def _save_template(template: EmailTemplate) -> None:
    try:
        with transaction.atomic():  # a savepoint: the name clash leaves the caller's work intact
            template.save()
    except IntegrityError as exc:
        raise DomainError(
            "duplicate_name", f"A template named {template.name!r} exists already.", field="name"
        ) from exc


def _template_payload(template: EmailTemplate) -> dict[str, Any]:
    return {"template_id": template.pk, "name": template.name, "target_type": template.target_type}


@transaction.atomic
def create_template(data: Mapping[str, Any]) -> EmailTemplate:
    """Add an e-mail template; every placeholder must name a field of its record type."""
    unknown = set(data) - TEMPLATE_FIELDS
    if unknown:
        raise DomainError("unknown_field", f"Unknown field {min(unknown)}.", field=min(unknown))
    template = EmailTemplate(**_clean_template(data))
    _save_template(template)
    publish("EmailTemplateCreated", _template_payload(template))
    return template


@transaction.atomic
def update_template(template_id: int, **changes: Any) -> EmailTemplate:
    """Change a template; its record type stays while rules use it."""
    template = _locked(EmailTemplate, template_id, "e-mail template")
    unknown = set(changes) - TEMPLATE_FIELDS
    if unknown:
        raise DomainError("unknown_field", f"Unknown field {min(unknown)}.", field=min(unknown))
    current = {name: getattr(template, name) for name in TEMPLATE_FIELDS}
    cleaned = _clean_template({**current, **changes})
    changed = sorted(name for name, value in cleaned.items() if current[name] != value)
    if not changed:
        return template
    if "target_type" in changed and rules_using_template(template.pk):
        raise DomainError(
            "template_in_use",
            "Rules send this template; its record type cannot change.",
            field="target_type",
            status=409,
        )
    for name in changed:
        setattr(template, name, cleaned[name])
    _save_template(template)
    publish("EmailTemplateUpdated", {**_template_payload(template), "changed": changed})
    return template


@transaction.atomic
def delete_template(template_id: int) -> None:
    """Remove a template no rule uses."""
    template = _locked(EmailTemplate, template_id, "e-mail template")
    users = rules_using_template(template.pk)
    if users:
        raise DomainError(
            "template_in_use",
            f"Rule {users[0].name!r} sends this template; change that rule first.",
            status=409,
        )
    payload = _template_payload(template)
    template.delete()
    publish("EmailTemplateDeleted", payload)
