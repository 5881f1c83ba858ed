"""The rule builder page's data: submitted rows to a rule definition, and back to rows.

The builder posts flat fields: ``trigger`` (``target|event``), ``cond-<key>-field`` /
``-operator`` / ``-value`` per condition row and ``act-<key>-type`` plus ``act-<key>-<param>``
per action row, where ``<key>`` is any token unique in the page (rows added by htmx get a
fresh one). Rows keep the order they have on the page. A service error's path
(``conditions.1.value``) is mapped back to the row and input it belongs to.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict

from valuechain.crm.automation.models import EmailTemplate, Rule
from valuechain.crm.automation.queries import action_types
from valuechain.crm.automation.targets import Target, all_targets, get_target
from valuechain.platform.events.models import WebhookEndpoint
from valuechain.platform.tenancy.context import require_tenant_id
from valuechain.platform.tenancy.models import Membership

ROW_FIELD = re.compile(r"^(cond|act)-([A-Za-z0-9]{1,16})-([a-z_]+)$")
ACTION_LABELS = {
    "update_field": "Update a field",
    "assign_owner": "Assign the owner",
    "send_email": "Send an e-mail",
    "call_webhook": "Call a webhook",
    "create_task": "Create a task",
}
OPERATOR_LABELS = {
    "equals": "equals",
    "not_equals": "does not equal",
    "contains": "contains",
    "in": "is one of (comma-separated)",
    "greater_than": "is greater than",
    "less_than": "is less than",
    "is_set": "is set",
    "is_empty": "is empty",
    "changed_to": "changed to",
}


def new_key() -> str:
    """A fresh row key."""
    return secrets.token_hex(4)


@dataclass
class Row:
    """One condition or action row of the builder, with its values and errors."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def selected(self) -> list[str]:
        """The user ids the row has chosen, as text (for ``selected`` in the template)."""
        chosen = self.values.get("user_ids") or []
        return [str(value) for value in chosen] + [str(self.values.get("user_id", ""))]


def trigger_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped ``target|event`` options: one group per record type."""
    return [
        (target.label, [(f"{target.key}|{b.event_type}", b.event_type) for b in target.events])
        for target in all_targets()
    ]


def split_trigger(value: str) -> tuple[Target | None, str]:
    """The target and event type of a ``target|event`` value."""
    target_key, _, event_type = (value or "").partition("|")
    return get_target(target_key), event_type


def _rows(data: QueryDict, prefix: str) -> list[Row]:
    rows: dict[str, Row] = {}
    for name in data:
        match = ROW_FIELD.match(name)
        if match is None or match.group(1) != prefix:
            continue
        row = rows.setdefault(match.group(2), Row(match.group(2)))
        values = data.getlist(name)
        row.values[match.group(3)] = values if match.group(3) == "user_ids" else values[-1]
    return list(rows.values())


def _condition(row: Row) -> dict[str, Any]:
    value: Any = str(row.values.get("value", "")).strip()
    if row.values.get("operator") == "in":
        value = [part.strip() for part in value.split(",") if part.strip()]
    return {
        "field": row.values.get("field", ""),
        "operator": row.values.get("operator", ""),
        "value": value,
    }


def _action(row: Row) -> dict[str, Any]:
    params = {name: value for name, value in row.values.items() if name != "type"}
    if "user_ids" in params:
        params["user_ids"] = [value for value in params["user_ids"] if value]
    return {"type": row.values.get("type", ""), "params": params}


def parse(data: QueryDict) -> tuple[dict[str, Any], list[Row], list[Row]]:
    """The rule definition a builder form submitted, and its rows for re-display."""
    target, event_type = split_trigger(data.get("trigger", ""))
    conditions, actions = _rows(data, "cond"), _rows(data, "act")
    definition = {
        "name": data.get("name", ""),
        "description": data.get("description", ""),
        "is_active": data.get("is_active") == "on",
        "event_type": event_type,
        "target_type": target.key if target else data.get("trigger", ""),
        "match": data.get("match", "all"),
        "position": data.get("position", "100") or "100",
        "conditions": [_condition(row) for row in conditions],
        "actions": [_action(row) for row in actions],
    }
    return definition, conditions, actions


def rows_of(rule: Rule) -> tuple[list[Row], list[Row]]:
    """Rows showing a saved rule."""
    conditions = []
    for condition in rule.conditions:
        value = condition.get("value")
        shown = ", ".join(map(str, value)) if isinstance(value, list) else value
        conditions.append(Row(new_key(), {**condition, "value": "" if shown is None else shown}))
    actions = [
        Row(new_key(), {"type": action["type"], **action.get("params", {})})
        for action in rule.actions
    ]
    return conditions, actions


def place_error(path: str, message: str, conditions: list[Row], actions: list[Row]) -> str | None:
    """Put a service error on its row; the top-level field name when it is not a row's."""
    parts = path.split(".")
    rows = {"conditions": conditions, "actions": actions}.get(parts[0])
    if rows is None or len(parts) < 2 or not parts[1].isdigit():
        return (
            parts[0]
            if parts[0] in ("name", "description", "match", "position")
            else ("trigger" if parts[0] in ("event_type", "target_type") else None)
        )
    index = int(parts[1])
    if index >= len(rows):
        return None
    leaf = parts[-1] if len(parts) > 2 else "type"
    rows[index].errors[leaf] = message
    return ""


def options(target: Target | None) -> dict[str, Any]:
    """Choices the rows offer for a target: fields, operators, users, templates, endpoints."""
    members = (
        Membership.objects.filter(tenant_id=require_tenant_id(), is_active=True)
        .select_related("user")
        .order_by("user__email")
    )
    readable = list(target.fields) if target else []
    return {
        "fields": readable,
        "writable": [spec for spec in readable if spec.writable],
        "email_fields": [spec for spec in readable if spec.type == "email"],
        "operators": list(OPERATOR_LABELS.items()),
        "users": [(m.user_id, m.user.email) for m in members],
        "templates": list(
            EmailTemplate.objects.filter(target_type=target.key).order_by("name", "pk")
            if target
            else []
        ),
        "endpoints": list(WebhookEndpoint.objects.order_by("url", "pk")),
        "action_types": [(kind, ACTION_LABELS[kind]) for kind in action_types()],
        "has_owner": bool(target and target.owner_field),
    }
