"""Use cases of lead scoring: the tenant's rules (defaults on demand) and rescoring.

Changing a rule rescores the tenant's open leads in the same transaction, so the score on
every open lead always matches the rules shown on the scoring page.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from valuechain.crm.customers.domain import InvalidInput
from valuechain.crm.leads import domain
from valuechain.crm.leads.models import Lead, ScoringRule, ScoringSetup
from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish

RULE_FIELDS = frozenset({"name", "field", "operator", "value", "points", "is_active"})
RESCORE_BATCH = 500


def ensure_default_rules() -> None:
    """Create the default rule set the first time a tenant scores a lead."""
    if ScoringSetup.objects.exists():
        return
    try:
        with transaction.atomic():  # a savepoint: a concurrent first scorer wins cleanly
            ScoringSetup.objects.create()
            for name, field, operator, value, points in domain.DEFAULT_RULES:
                ScoringRule.objects.create(
                    name=name, field=field, operator=operator, value=value, points=points
                )
    except IntegrityError:
        return


@transaction.atomic
def set_up_default_rules() -> None:
    """Create the default rule set now (the scoring page's button); a no-op once set up."""
    ensure_default_rules()


def is_set_up() -> bool:
    """True once the tenant's scoring rules exist (defaults made, or changed since)."""
    return bool(ScoringSetup.objects.exists())


def active_rules() -> list[domain.Rule]:
    """The tenant's active rules, in the order they are shown."""
    ensure_default_rules()
    return [
        domain.Rule(r.name, r.field, r.operator, r.value, r.points)
        for r in ScoringRule.objects.filter(is_active=True).order_by("pk")
    ]


def score_values(values: dict[str, Any]) -> tuple[int, list[dict[str, Any]]]:
    """Score a lead's field values with the tenant's active rules."""
    return domain.score(values, active_rules())


def lead_values(lead: Lead) -> dict[str, Any]:
    """The lead's values the rules look at."""
    return {field: getattr(lead, field) for field in domain.SCORABLE_FIELDS if hasattr(lead, field)}


def rescore_open_leads() -> int:
    """Score every open lead again with the current rules; the number whose score changed."""
    rules = active_rules()
    changed = 0
    batch: list[Lead] = []
    for lead in Lead.objects.exclude(status="converted").order_by("pk").iterator(RESCORE_BATCH):
        total, breakdown = domain.score(lead_values(lead), rules)
        if (total, breakdown) != (lead.score, lead.score_breakdown):
            lead.score, lead.score_breakdown = total, breakdown
            batch.append(lead)
            changed += 1
        if len(batch) >= RESCORE_BATCH:
            Lead.objects.bulk_update(batch, ["score", "score_breakdown"])
            batch = []
    if batch:
        Lead.objects.bulk_update(batch, ["score", "score_breakdown"])
    return changed


def _rule_values(data: dict[str, Any], rule: ScoringRule | None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "name" in data:
        name = " ".join(str(data["name"] or "").split())
        if not name:
            raise DomainError("name_required", "Enter the rule's name.", field="name")
        if len(name) > 100:
            raise DomainError("invalid_name", "The name is over 100 characters.", field="name")
        clash = ScoringRule.objects.filter(name=name)
        if rule is not None:
            clash = clash.exclude(pk=rule.pk)
        if clash.exists():
            raise DomainError(
                "duplicate_name", f"A rule named {name!r} exists already.", field="name"
            )
        values["name"] = name
    for key in ("field", "operator"):
        if key in data:
            values[key] = str(data[key] or "").strip()
    if "value" in data:
        values["value"] = str(data["value"] or "").strip()
        if len(values["value"]) > 200:
            raise DomainError("invalid_value", "The value is over 200 characters.", field="value")
    if "points" in data:
        points = data["points"]
        if isinstance(points, bool) or not isinstance(points, int) or not -1000 <= points <= 1000:
            raise DomainError(
                "invalid_points", "Points are a whole number from -1000 to 1000.", field="points"
            )
        values["points"] = points
    if "is_active" in data:
        if not isinstance(data["is_active"], bool):
            raise DomainError(
                "invalid_is_active", "Say whether the rule is active.", field="is_active"
            )
        values["is_active"] = data["is_active"]
    merged = {
        key: values.get(key, getattr(rule, key, "")) for key in ("field", "operator", "value")
    }
    try:
        domain.check_rule(merged["field"], merged["operator"], merged["value"])
    except InvalidInput as exc:
        raise DomainError(exc.code, exc.message, field=exc.field) from exc
    return values


def _payload(rule: ScoringRule) -> dict[str, Any]:
    return {"rule_id": rule.pk, "name": rule.name, "points": rule.points}


@transaction.atomic
def create_scoring_rule(
    *, name: str, field: str, operator: str, value: str = "", points: int, is_active: bool = True
) -> ScoringRule:
    """Add a rule; open leads are rescored."""
    ensure_default_rules()
    values = _rule_values(
        {
            "name": name,
            "field": field,
            "operator": operator,
            "value": value,
            "points": points,
            "is_active": is_active,
        },
        None,
    )
    rule = ScoringRule.objects.create(**values)
    publish("ScoringRuleCreated", _payload(rule))
    rescore_open_leads()
    return rule


def _locked_rule(rule_id: Any) -> ScoringRule:
    rule = ScoringRule.objects.select_for_update().filter(pk=rule_id).first()
    if rule is None:
        raise DomainError("not_found", "No such scoring rule.", status=404)
    return rule


@transaction.atomic
def update_scoring_rule(rule_id: int, **changes: Any) -> ScoringRule:
    """Change a rule; open leads are rescored."""
    unknown = set(changes) - RULE_FIELDS
    if unknown:
        raise DomainError(
            "unknown_field", f"Cannot change {', '.join(sorted(unknown))}.", field=min(unknown)
        )
    rule = _locked_rule(rule_id)
    for key, value in _rule_values(changes, rule).items():
        setattr(rule, key, value)
    rule.save()
    publish("ScoringRuleUpdated", {**_payload(rule), "changed": sorted(changes)})
    rescore_open_leads()
    return rule


@transaction.atomic
def delete_scoring_rule(rule_id: int) -> None:
    """Remove a rule; open leads are rescored (converted leads keep their final score)."""
    rule = _locked_rule(rule_id)
    payload = _payload(rule)
    rule.delete()
    publish("ScoringRuleDeleted", payload)
    rescore_open_leads()
