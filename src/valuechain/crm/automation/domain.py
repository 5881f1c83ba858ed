"""Pure rules of automation: field specs, conditions, placeholders and rule definitions.

No Django here. The services turn ``InvalidDefinition`` into a DomainError whose field is
the path of the part at fault (``conditions.0.value``, ``actions.1.params.field``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

FIELD_TYPES = (
    "string",
    "choice",
    "number",
    "date",
    "boolean",
    "user",
    "reference",
    "tags",
    "email",
)
OPERATORS = (
    "equals",
    "not_equals",
    "contains",
    "in",
    "greater_than",
    "less_than",
    "is_set",
    "is_empty",
    "changed_to",
)
MATCH_MODES = ("all", "any")
ACTION_TYPES = ("create_task", "assign_owner", "send_email", "update_field", "call_webhook")
MAX_CONDITIONS = 20
MAX_ACTIONS = 10
VALUELESS = frozenset({"is_set", "is_empty"})
# Which operators make sense for which type of field.
OPERATORS_BY_TYPE: dict[str, tuple[str, ...]] = {
    "string": ("equals", "not_equals", "contains", "in", "is_set", "is_empty", "changed_to"),
    "email": ("equals", "not_equals", "contains", "is_set", "is_empty", "changed_to"),
    "choice": ("equals", "not_equals", "in", "is_set", "is_empty", "changed_to"),
    "number": (
        "equals",
        "not_equals",
        "greater_than",
        "less_than",
        "is_set",
        "is_empty",
        "changed_to",
    ),
    "date": ("equals", "not_equals", "greater_than", "less_than", "is_set", "is_empty"),
    "boolean": ("equals", "not_equals", "changed_to"),
    "user": ("equals", "not_equals", "in", "is_set", "is_empty", "changed_to"),
    "reference": ("equals", "not_equals", "in", "is_set", "is_empty", "changed_to"),
    "tags": ("contains", "is_set", "is_empty"),
}
PLACEHOLDER = re.compile(r"{{\s*record\.([a-z_][a-z0-9_]*)\s*}}")
ANY_BRACES = re.compile(r"{{.*?}}|{%.*?%}", re.DOTALL)


class InvalidDefinition(Exception):
    """A rule, condition, action or template broke a rule: code, message, field path."""

    def __init__(self, code: str, message: str, field: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


@dataclass(frozen=True)
class FieldSpec:
    """One field of a record type: its name, label, type and allowed values."""

    name: str
    label: str
    type: str
    choices: tuple[str, ...] = ()
    writable: bool = False

    @property
    def operators(self) -> tuple[str, ...]:
        """The condition operators this field accepts."""
        return OPERATORS_BY_TYPE[self.type]


# --- values ---------------------------------------------------------------------------------


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _as_id(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _boolean(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    return {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}.get(text)


def clean_value(spec: FieldSpec, value: Any, path: str) -> Any:
    """One comparison value in the field's type (JSON-safe), or InvalidDefinition at ``path``."""
    kind = spec.type
    if kind in ("string", "email", "tags"):
        text = " ".join(str("" if value is None else value).split())
        if not text or len(text) > 200:
            raise InvalidDefinition(
                "invalid_value", f"Give {spec.label} a text of 1 to 200 characters.", path
            )
        return text
    if kind == "choice":
        text = str("" if value is None else value).strip()
        if text not in spec.choices:
            raise InvalidDefinition(
                "invalid_value",
                f"{text!r} is not a value of {spec.label}; use one of {', '.join(spec.choices)}.",
                path,
            )
        return text
    if kind == "number":
        number = _number(value)
        if number is None:
            raise InvalidDefinition("invalid_value", f"{spec.label} needs a number.", path)
        return str(number)
    if kind == "date":
        day = _date(value)
        if day is None:
            raise InvalidDefinition(
                "invalid_value", f"{spec.label} needs a date as YYYY-MM-DD.", path
            )
        return day.isoformat()
    if kind == "boolean":
        flag = _boolean(value)
        if flag is None:
            raise InvalidDefinition("invalid_value", f"{spec.label} needs true or false.", path)
        return flag
    # user and reference: a positive id
    ident = _as_id(value)
    if ident is None:
        raise InvalidDefinition("invalid_value", f"{spec.label} needs an id.", path)
    return ident


def _fold(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def _comparable(spec: FieldSpec, value: Any) -> Any:
    """A record's value (or a cleaned condition value) in a form that compares correctly."""
    if value is None or value == "":
        return None
    if spec.type == "number":
        return _number(value)
    if spec.type == "date":
        return _date(value)
    if spec.type == "boolean":
        return _boolean(value)
    if spec.type in ("user", "reference"):
        return _as_id(value)
    if spec.type == "tags":
        return [_fold(str(item)) for item in value]
    return _fold(str(value))


def is_blank(value: Any) -> bool:
    """None, empty text or an empty list."""
    return value is None or value == "" or (isinstance(value, list | tuple | set) and not value)


# --- conditions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    """``field operator value``: one test a record must pass."""

    field: str
    operator: str
    value: Any = None

    def as_dict(self) -> dict[str, Any]:
        """The stored JSON form."""
        return {"field": self.field, "operator": self.operator, "value": self.value}


@dataclass(frozen=True)
class ConditionResult:
    """How one condition fared against one record."""

    index: int
    condition: Condition
    actual: Any
    passed: bool

    def as_dict(self) -> dict[str, Any]:
        """JSON form for run logs and dry runs."""
        return {**self.condition.as_dict(), "actual": self.actual, "passed": self.passed}


@dataclass(frozen=True)
class Evaluation:
    """The outcome of a rule's conditions for one record."""

    passed: bool
    results: tuple[ConditionResult, ...] = field(default_factory=tuple)


def check_condition(
    condition: Condition,
    spec: FieldSpec,
    actual: Any,
    changed: frozenset[str] | None,
) -> bool:
    """True when the record's ``actual`` value passes the condition.

    ``changed`` is the set of fields the event changed (None: the event does not say, as a
    creation): ``changed_to`` needs the field among them and its new value to match.
    """
    operator = condition.operator
    mine = _comparable(spec, actual)
    if operator == "is_set":
        return not is_blank(mine)
    if operator == "is_empty":
        return is_blank(mine)
    if operator == "changed_to":
        if changed is None or condition.field not in changed:
            return False
        operator = "equals"
    if operator == "in":
        wanted = [_comparable(spec, item) for item in condition.value or []]
        return mine is not None and mine in wanted
    if operator == "contains":
        needle = _fold(str(condition.value))
        if spec.type == "tags":
            return needle in (mine or [])
        return mine is not None and needle in str(mine)
    theirs = _comparable(spec, condition.value)
    if operator == "equals":
        return mine == theirs
    if operator == "not_equals":
        return mine != theirs
    if mine is None or theirs is None:
        return False
    if operator == "greater_than":
        return bool(mine > theirs)
    if operator == "less_than":
        return bool(mine < theirs)
    raise ValueError(f"unknown operator {operator!r}")  # validation prevents this


def evaluate(
    conditions: Sequence[Condition],
    match: str,
    fields: Mapping[str, FieldSpec],
    record: Mapping[str, Any],
    changed: frozenset[str] | None,
) -> Evaluation:
    """Every condition's result and whether the rule fires (no conditions: it always does)."""
    results = tuple(
        ConditionResult(
            index,
            condition,
            record.get(condition.field),
            check_condition(
                condition, fields[condition.field], record.get(condition.field), changed
            ),
        )
        for index, condition in enumerate(conditions)
    )
    if not results:
        return Evaluation(True, results)
    outcomes = [result.passed for result in results]
    return Evaluation(all(outcomes) if match == "all" else any(outcomes), results)


def validate_conditions(
    raw: Any, fields: Mapping[str, FieldSpec], *, update_event: bool
) -> list[Condition]:
    """Clean a list of ``{field, operator, value}`` against the target's readable fields."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise InvalidDefinition("invalid_conditions", "Conditions must be a list.", "conditions")
    if len(raw) > MAX_CONDITIONS:
        raise InvalidDefinition(
            "too_many_conditions", f"Use at most {MAX_CONDITIONS} conditions.", "conditions"
        )
    cleaned: list[Condition] = []
    for index, item in enumerate(raw):
        path = f"conditions.{index}"
        if not isinstance(item, Mapping):
            raise InvalidDefinition(
                "invalid_condition", "A condition is an object with field and operator.", path
            )
        name = str(item.get("field") or "")
        spec = fields.get(name)
        if spec is None:
            raise InvalidDefinition(
                "unknown_field",
                f"{name or 'The field'!r} is not a field conditions can read here; "
                f"use one of {', '.join(sorted(fields))}.",
                f"{path}.field",
            )
        operator = str(item.get("operator") or "")
        if operator not in spec.operators:
            raise InvalidDefinition(
                "invalid_operator",
                f"{operator or 'No operator'!r} does not apply to {spec.label}; "
                f"use one of {', '.join(spec.operators)}.",
                f"{path}.operator",
            )
        if operator == "changed_to" and not update_event:
            raise InvalidDefinition(
                "invalid_operator",
                "'changed_to' needs an event that says what changed (an update event).",
                f"{path}.operator",
            )
        value: Any = None
        if operator == "in":
            values = item.get("value")
            if not isinstance(values, list) or not values or len(values) > 50:
                raise InvalidDefinition(
                    "invalid_value", "'in' needs a list of 1 to 50 values.", f"{path}.value"
                )
            value = [clean_value(spec, entry, f"{path}.value") for entry in values]
        elif operator not in VALUELESS:
            value = clean_value(spec, item.get("value"), f"{path}.value")
        cleaned.append(Condition(name, operator, value))
    return cleaned


def conditions_from_json(raw: Iterable[Mapping[str, Any]]) -> list[Condition]:
    """Stored (already validated) conditions back into Condition objects."""
    return [Condition(str(c["field"]), str(c["operator"]), c.get("value")) for c in raw]


# --- placeholders ---------------------------------------------------------------------------


def placeholders(text: str) -> list[str]:
    """The record fields a template names, in order of first use."""
    seen: dict[str, None] = {}
    for match in PLACEHOLDER.finditer(text or ""):
        seen.setdefault(match.group(1), None)
    return list(seen)


def validate_template(text: str, readable: Iterable[str], path: str) -> None:
    """Refuse placeholders other than ``{{ record.<readable field> }}`` (and any ``{% %}``)."""
    allowed = set(readable)
    for match in ANY_BRACES.finditer(text or ""):
        found = PLACEHOLDER.fullmatch(match.group(0))
        if found is None:
            raise InvalidDefinition(
                "invalid_placeholder",
                f"{match.group(0)!r} is not a placeholder; write {{{{ record.field }}}} "
                "with one of the record's fields.",
                path,
            )
        if found.group(1) not in allowed:
            raise InvalidDefinition(
                "unknown_placeholder",
                f"{{{{ record.{found.group(1)} }}}} is not a field of this record; "
                f"use one of {', '.join(sorted(allowed))}.",
                path,
            )


def render(text: str, record: Mapping[str, Any]) -> str:
    """Replace each placeholder by the record's value as text ("" for empty); nothing else."""

    def value(match: re.Match[str]) -> str:
        raw = record.get(match.group(1))
        if is_blank(raw):
            return ""
        if isinstance(raw, list | tuple):
            return ", ".join(str(item) for item in raw)
        return str(raw)

    return PLACEHOLDER.sub(value, text or "")


# --- rules and actions ----------------------------------------------------------------------


def validate_match(match: Any) -> str:
    """``all`` (every condition) or ``any`` (at least one)."""
    text = str(match or "all")
    if text not in MATCH_MODES:
        raise InvalidDefinition("invalid_match", "Match is 'all' or 'any'.", "match")
    return text


def validate_name(name: Any, limit: int = 200) -> str:
    """A name of 1 to ``limit`` characters, whitespace collapsed."""
    text = " ".join(str(name or "").split())
    if not text:
        raise InvalidDefinition("name_required", "Enter a name.", "name")
    if len(text) > limit:
        raise InvalidDefinition(
            "invalid_name", f"The name is longer than {limit} characters.", "name"
        )
    return text


def action_shapes(raw: Any) -> list[tuple[str, dict[str, Any]]]:
    """Check the outer shape of an action list: ``[{type, params}]`` with known types."""
    if not isinstance(raw, list) or not raw:
        raise InvalidDefinition("no_actions", "Add at least one action.", "actions")
    if len(raw) > MAX_ACTIONS:
        raise InvalidDefinition(
            "too_many_actions", f"Use at most {MAX_ACTIONS} actions.", "actions"
        )
    shapes: list[tuple[str, dict[str, Any]]] = []
    for index, item in enumerate(raw):
        path = f"actions.{index}"
        if not isinstance(item, Mapping):
            raise InvalidDefinition(
                "invalid_action", "An action is an object with type and params.", path
            )
        kind = str(item.get("type") or "")
        if kind not in ACTION_TYPES:
            raise InvalidDefinition(
                "invalid_action_type",
                f"{kind or 'No type'!r} is not an action; use one of {', '.join(ACTION_TYPES)}.",
                f"{path}.type",
            )
        params = item.get("params") or {}
        if not isinstance(params, Mapping):
            raise InvalidDefinition(
                "invalid_action", "An action's params must be an object.", f"{path}.params"
            )
        shapes.append((kind, dict(params)))
    return shapes


def positive_id(value: Any, path: str, label: str) -> int:
    """A positive integer id, or InvalidDefinition naming ``label``."""
    ident = _as_id(value)
    if ident is None:
        raise InvalidDefinition("invalid_value", f"Choose {label}.", path)
    return ident


def id_list(value: Any, path: str, label: str, *, limit: int = 50) -> list[int]:
    """A list of 1 to ``limit`` distinct positive ids, in the given order."""
    if not isinstance(value, list) or not value or len(value) > limit:
        raise InvalidDefinition("invalid_value", f"Choose 1 to {limit} {label}.", path)
    ids = [positive_id(item, path, label) for item in value]
    return list(dict.fromkeys(ids))


def round_robin_pick(candidates: Sequence[int], cursor: int) -> tuple[int, int]:
    """The candidate at ``cursor`` (wrapping) and the next cursor."""
    if not candidates:
        raise ValueError("round robin needs candidates")
    position = cursor % len(candidates)
    return candidates[position], (position + 1) % len(candidates)


# --- loop protection ------------------------------------------------------------------------

MAX_DEPTH = 3


def chain_key(rule_id: int, target_type: str, record_id: Any) -> list[Any]:
    """One link of a causal chain: a rule acting on a record."""
    return [int(rule_id), str(target_type), str(record_id)]


def loop_reason(
    depth: int, chain: Sequence[Sequence[Any]], link: Sequence[Any], max_depth: int = MAX_DEPTH
) -> str | None:
    """Why a run must not go ahead (a message), or None when it may.

    ``depth`` counts the rule actions that led to the event (0: a person or a system did it);
    ``chain`` lists the (rule, record) links behind it. A rule never acts again on a record
    because of its own action, however indirect, and chains stop after ``max_depth`` steps.
    """
    if [list(item) for item in chain].count(list(link)) > 0:
        return (
            f"Rule {link[0]} already acted on {link[1]} {link[2]} earlier in this chain of "
            "events; it does not fire again because of its own action."
        )
    if depth > max_depth:
        return (
            f"This event is {depth} rule actions away from a person's change; "
            f"automation stops after {max_depth}."
        )
    return None
