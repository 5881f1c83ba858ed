"""Use cases of territories: territories with their criteria, team members, assignment rules.

Every function runs in one transaction, locks the row it changes, raises DomainError with the
field at fault (nothing is written then) and publishes a past-tense event. Only an
administrator or a sales manager may change territories (code ``forbidden``, 403); code
running without an actor (CLI, jobs, demo seeding) may too. Choosing owners and keeping the
record links lives in ``assignment.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.db import IntegrityError, transaction

from valuechain.crm.territories import domain
from valuechain.crm.territories.models import AssignmentRule, Territory, TerritoryMember
from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.identity.record_rules import current_role
from valuechain.platform.tenancy.context import current, require_tenant_id
from valuechain.platform.tenancy.models import Membership

MANAGING_ROLES = ("admin", "sales_manager")
TERRITORY_FIELDS = {"name", "description", "priority", "is_active", *domain.CRITERIA_FIELDS}
RULE_FIELDS = {"method", "is_active"}
T = TypeVar("T")


def _require_manager() -> None:
    """Territories shape who sees what: only admins and sales managers may change them."""
    if current().actor_id is None:
        return
    if current_role() not in MANAGING_ROLES:
        raise DomainError(
            "forbidden",
            "Only an administrator or a sales manager may change territories.",
            status=403,
        )


def _domain(call: Callable[..., T], *args: Any) -> T:
    try:
        return call(*args)
    except domain.InvalidInput as exc:
        raise DomainError(exc.code, exc.message, field=exc.field) from exc


def _locked(model: type[T], pk: Any, label: str, **where: Any) -> T:
    row = model.objects.select_for_update().filter(pk=pk, **where).first()  # type: ignore[attr-defined]
    if row is None:
        raise DomainError("not_found", f"No such {label}.", status=404)
    return row


def _name(value: Any) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        raise DomainError("name_required", "Enter the territory's name.", field="name")
    if len(text) > 100:
        raise DomainError("invalid_name", "The name is longer than 100 characters.", field="name")
    return text


def _priority(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not -1000 <= value <= 1000:
        raise DomainError(
            "invalid_priority",
            "The priority is a whole number from -1000 to 1000.",
            field="priority",
        )
    return value


def _flag(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise DomainError(f"invalid_{field}", f"Say yes or no for {field}.", field=field)
    return value


def _territory_values(data: Mapping[str, Any], territory: Territory | None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "name" in data:
        values["name"] = _name(data["name"])
        clash = Territory.objects.filter(name__iexact=values["name"])
        if territory is not None:
            clash = clash.exclude(pk=territory.pk)
        if clash.exists():
            raise DomainError(
                "duplicate_name",
                f"There already is a territory called {values['name']}.",
                field="name",
                status=409,
            )
    if "description" in data:
        values["description"] = str(data["description"] or "").strip()[:2000]
    if "priority" in data:
        values["priority"] = _priority(data["priority"])
    if "is_active" in data:
        values["is_active"] = _flag(data["is_active"], "is_active")
    values.update(_domain(domain.clean_criteria, data))
    return values


def _territory_payload(territory: Territory) -> dict[str, Any]:
    return {"territory_id": territory.pk, "name": territory.name}


def _saved(call: Callable[[], T], code: str, message: str, field: str) -> T:
    """Run an insert in a savepoint; a unique clash (a concurrent twin) becomes a 409."""
    try:
        with transaction.atomic():
            return call()
    except IntegrityError as exc:
        raise DomainError(code, message, field=field, status=409) from exc


# --- territories --------------------------------------------------------------------------


@transaction.atomic
def create_territory(
    *,
    name: str,
    description: str = "",
    priority: int = 0,
    is_active: bool = True,
    countries: list[str] | None = None,
    regions: list[str] | None = None,
    postal_prefixes: list[str] | None = None,
    industries: list[str] | None = None,
    size_bands: list[str] | None = None,
) -> Territory:
    """Add a territory; empty criteria accept any value."""
    _require_manager()
    values = _territory_values(
        {
            "name": name,
            "description": description,
            "priority": priority,
            "is_active": is_active,
            "countries": countries or [],
            "regions": regions or [],
            "postal_prefixes": postal_prefixes or [],
            "industries": industries or [],
            "size_bands": size_bands or [],
        },
        None,
    )
    territory = _saved(
        lambda: Territory.objects.create(**values),
        "duplicate_name",
        "There already is a territory of that name.",
        "name",
    )
    publish("TerritoryCreated", _territory_payload(territory))
    return territory


@transaction.atomic
def update_territory(territory_id: int, **changes: Any) -> Territory:
    """Change the given fields of a territory (criteria lists replace the old ones)."""
    _require_manager()
    territory = _locked(Territory, territory_id, "territory")
    unknown = set(changes) - TERRITORY_FIELDS
    if unknown:
        raise DomainError(
            "unknown_field", f"Cannot change {', '.join(sorted(unknown))}.", field=min(unknown)
        )
    values = _territory_values(changes, territory)
    for field, value in values.items():
        setattr(territory, field, value)
    territory.save()
    publish("TerritoryUpdated", {**_territory_payload(territory), "changed": sorted(changes)})
    return territory


@transaction.atomic
def delete_territory(territory_id: int) -> None:
    """Remove a territory with its team, rules and record links (records keep their owner)."""
    _require_manager()
    territory = _locked(Territory, territory_id, "territory")
    payload = _territory_payload(territory)
    territory.delete()
    publish("TerritoryDeleted", payload)


# --- team -----------------------------------------------------------------------------------


def _member_role(value: Any) -> str:
    role = str(value or "").strip()
    if role not in domain.MEMBER_ROLES:
        raise DomainError(
            "invalid_role", f"{role!r} is not a team role; use member or manager.", field="role"
        )
    return role


@transaction.atomic
def add_member(territory_id: int, *, user_id: int, role: str = "member") -> TerritoryMember:
    """Put a member of the tenant on a territory's team, as member or manager."""
    _require_manager()
    territory = _locked(Territory, territory_id, "territory")
    role = _member_role(role)
    is_member = Membership.objects.filter(
        tenant_id=require_tenant_id(), user_id=user_id, is_active=True
    ).exists()
    if not is_member:
        raise DomainError(
            "not_tenant_member",
            "Only active members of this tenant can join a territory's team.",
            field="user_id",
        )
    if TerritoryMember.objects.filter(territory=territory, user_id=user_id).exists():
        raise DomainError(
            "duplicate_member", "That user already is on this team.", field="user_id", status=409
        )
    member = _saved(
        lambda: TerritoryMember.objects.create(territory=territory, user_id=user_id, role=role),
        "duplicate_member",
        "That user already is on this team.",
        "user_id",
    )
    publish(
        "TerritoryMemberAdded",
        {"territory_id": territory.pk, "user_id": user_id, "role": role},
    )
    return member


@transaction.atomic
def change_member_role(territory_id: int, member_id: int, role: str) -> TerritoryMember:
    """Make a team member a manager or a plain member."""
    _require_manager()
    member = _locked(TerritoryMember, member_id, "team member", territory_id=territory_id)
    member.role = _member_role(role)
    member.save(update_fields=["role", "updated_at"])
    publish(
        "TerritoryMemberChanged",
        {"territory_id": territory_id, "user_id": member.user_id, "role": member.role},
    )
    return member


@transaction.atomic
def remove_member(territory_id: int, member_id: int) -> None:
    """Take a user off a territory's team (the records they own stay theirs)."""
    _require_manager()
    member = _locked(TerritoryMember, member_id, "team member", territory_id=territory_id)
    payload = {"territory_id": territory_id, "user_id": member.user_id}
    member.delete()
    publish("TerritoryMemberRemoved", payload)


# --- assignment rules ------------------------------------------------------------------------


def _method(value: Any) -> str:
    method = str(value or "").strip()
    if method not in domain.ASSIGNMENT_METHODS:
        raise DomainError(
            "invalid_method",
            f"{method!r} is not an assignment method; use round_robin or least_loaded.",
            field="method",
        )
    return method


@transaction.atomic
def create_rule(
    territory_id: int, *, applies_to: str, method: str, is_active: bool = True
) -> AssignmentRule:
    """Make a territory hand out new leads or accounts by round robin or least loaded."""
    _require_manager()
    territory = _locked(Territory, territory_id, "territory")
    if applies_to not in domain.RECORD_TYPES:
        raise DomainError(
            "invalid_applies_to",
            f"{applies_to!r} is not assignable; use lead or account.",
            field="applies_to",
        )
    values = {"method": _method(method), "is_active": _flag(is_active, "is_active")}
    if AssignmentRule.objects.filter(territory=territory, applies_to=applies_to).exists():
        raise DomainError(
            "duplicate_rule",
            f"This territory already has a rule for {applies_to}s; change that one.",
            field="applies_to",
            status=409,
        )
    rule = _saved(
        lambda: AssignmentRule.objects.create(territory=territory, applies_to=applies_to, **values),
        "duplicate_rule",
        "This territory already has a rule for that record type.",
        "applies_to",
    )
    publish(
        "AssignmentRuleCreated",
        {"territory_id": territory.pk, "rule_id": rule.pk, "applies_to": applies_to},
    )
    return rule


@transaction.atomic
def update_rule(territory_id: int, rule_id: int, **changes: Any) -> AssignmentRule:
    """Change a rule's method or switch it on or off."""
    _require_manager()
    rule = _locked(AssignmentRule, rule_id, "assignment rule", territory_id=territory_id)
    unknown = set(changes) - RULE_FIELDS
    if unknown:
        raise DomainError(
            "unknown_field", f"Cannot change {', '.join(sorted(unknown))}.", field=min(unknown)
        )
    if "method" in changes:
        rule.method = _method(changes["method"])
    if "is_active" in changes:
        rule.is_active = _flag(changes["is_active"], "is_active")
    rule.save()
    publish(
        "AssignmentRuleUpdated",
        {"territory_id": territory_id, "rule_id": rule.pk, "changed": sorted(changes)},
    )
    return rule


@transaction.atomic
def delete_rule(territory_id: int, rule_id: int) -> None:
    """Stop a territory handing out records of that type."""
    _require_manager()
    rule = _locked(AssignmentRule, rule_id, "assignment rule", territory_id=territory_id)
    payload = {"territory_id": territory_id, "rule_id": rule.pk, "applies_to": rule.applies_to}
    rule.delete()
    publish("AssignmentRuleDeleted", payload)
