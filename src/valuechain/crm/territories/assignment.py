"""Use cases of assignment: which territory a record falls in, who gets it, the record links.

``choose_owner`` locks the territory's assignment rule row (``select_for_update``) before it
reads the cursor, so concurrent assignments queue on that row and spread exactly evenly.
Owners are written through the owning context's service: ``customers.services.update_account``
for accounts and ``leads.services.assign_owner`` for leads (when the leads app provides it).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import Count, Model

from valuechain.crm.customers import services as customers
from valuechain.crm.customers.models import Account, Address
from valuechain.crm.territories import domain
from valuechain.crm.territories.models import (
    AssignmentRule,
    Territory,
    TerritoryMember,
    TerritoryRecord,
)
from valuechain.platform.errors import DomainError
from valuechain.platform.tenancy.context import require_tenant_id
from valuechain.platform.tenancy.models import Membership

ADDRESS_PREFERENCE = ("billing", "shipping", "other")  # an account is placed by its billing address
CLOSED_LEAD_STATUSES = ("converted", "unqualified", "disqualified", "lost")  # not open work
ACCOUNT_INACTIVE_STAGES = ("churned",)


@dataclass(frozen=True)
class Choice:
    """The territory a record falls in and the member it would go to (None when nobody)."""

    territory_id: int | None
    owner_id: int | None


def lead_model() -> type[Model] | None:
    """The leads app's Lead model once that app has one; None before."""
    try:
        return apps.get_model("leads", "Lead")
    except LookupError:
        return None


def _check_type(record_type: str) -> None:
    if record_type not in domain.RECORD_TYPES:
        raise DomainError(
            "invalid_record_type",
            f"{record_type!r} is not a record type; use lead or account.",
            field="record_type",
        )


def active_criteria() -> list[domain.Criteria]:
    """Every active territory's criteria, in one query."""
    rows = Territory.objects.filter(is_active=True).values_list(
        "pk", "priority", *domain.CRITERIA_FIELDS
    )
    return [
        domain.Criteria(pk, priority, *(tuple(values or ()) for values in lists))
        for pk, priority, *lists in rows
    ]


def match_territory(attributes: domain.RecordAttributes) -> int | None:
    """The territory a record with these attributes falls in, or None."""
    return domain.best_match(active_criteria(), attributes)


def _candidates(territory_id: int) -> list[int]:
    """Who may get records: the team's members, else its managers; active tenant members only."""
    active = Membership.objects.filter(tenant_id=require_tenant_id(), is_active=True).values(
        "user_id"
    )
    rows = TerritoryMember.objects.filter(territory_id=territory_id, user_id__in=active)
    by_role: dict[str, list[int]] = {"member": [], "manager": []}
    for user_id, role in rows.values_list("user_id", "role"):
        by_role[role].append(user_id)
    return sorted(by_role["member"] or by_role["manager"])


def open_loads(record_type: str, user_ids: Iterable[int]) -> dict[int, int]:
    """How many open records of the type each user owns across the tenant (0 for none)."""
    ids = list(user_ids)
    loads = dict.fromkeys(ids, 0)
    if record_type == "account":
        rows: Any = Account.objects.exclude(lifecycle_stage__in=ACCOUNT_INACTIVE_STAGES)
    else:
        model = lead_model()
        if model is None:
            return loads
        rows = model._default_manager.all()
        if any(f.name == "status" for f in model._meta.get_fields()):
            rows = rows.exclude(status__in=CLOSED_LEAD_STATUSES)
    counted = rows.filter(owner_id__in=ids).values("owner_id").annotate(n=Count("pk"))
    for row in counted:
        loads[row["owner_id"]] = row["n"]
    return loads


def _pick(rule: AssignmentRule) -> int | None:
    candidates = _candidates(rule.territory_id)
    if rule.method == "least_loaded":
        return domain.least_loaded_pick(open_loads(rule.applies_to, candidates), rule.last_user_id)
    return domain.round_robin_pick(candidates, rule.last_user_id)


def _rule(territory_id: int, record_type: str, *, lock: bool) -> AssignmentRule | None:
    rows = AssignmentRule.objects.filter(
        territory_id=territory_id, applies_to=record_type, is_active=True
    )
    if lock:
        rows = rows.select_for_update()
    return rows.first()


def assign_in_territory(territory_id: int, record_type: str) -> int | None:
    """The next owner by the territory's rule for the type, moving its cursor; None without."""
    rule = _rule(territory_id, record_type, lock=True)
    if rule is None:
        return None
    owner_id = _pick(rule)
    if owner_id is not None:
        rule.last_user_id = owner_id
        rule.save(update_fields=["last_user", "updated_at"])
    return owner_id


@transaction.atomic
def choose_owner(record_type: str, attributes: domain.RecordAttributes) -> Choice:
    """The territory and owner for a new record; round robin moves on (the rule row is locked)."""
    _check_type(record_type)
    territory_id = match_territory(attributes)
    if territory_id is None:
        return Choice(None, None)
    return Choice(territory_id, assign_in_territory(territory_id, record_type))


def preview(record_type: str, attributes: domain.RecordAttributes) -> Choice:
    """What ``choose_owner`` would answer now, without moving any cursor."""
    _check_type(record_type)
    territory_id = match_territory(attributes)
    if territory_id is None:
        return Choice(None, None)
    rule = _rule(territory_id, record_type, lock=False)
    return Choice(territory_id, None if rule is None else _pick(rule))


# --- record links ---------------------------------------------------------------------------


def link_record(record_type: str, record_id: int, territory_id: int | None) -> None:
    """Point a record at its territory (or at none), writing only when that changes."""
    existing = TerritoryRecord.objects.filter(record_type=record_type, record_id=record_id)
    if territory_id is None:
        existing.delete()
        return
    updated = existing.exclude(territory_id=territory_id).update(territory_id=territory_id)
    if not updated and not existing.exists():
        TerritoryRecord.objects.create(
            territory_id=territory_id, record_type=record_type, record_id=record_id
        )


def _address_attributes(addresses: Iterable[Address]) -> tuple[str, str, str]:
    ranked = sorted(
        addresses,
        key=lambda a: (not a.is_default, ADDRESS_PREFERENCE.index(a.kind), a.pk),
    )
    if not ranked:
        return "", "", ""
    return ranked[0].country, ranked[0].region, ranked[0].postal_code


def account_attributes(account: Account, addresses: Iterable[Address]) -> domain.RecordAttributes:
    """An account's matching attributes: its default billing (else other) address and segment."""
    country, region, postal_code = _address_attributes(addresses)
    return domain.RecordAttributes(
        country, region, postal_code, account.industry, account.size_band
    )


@transaction.atomic
def place_account(account_id: int) -> Choice:
    """(Re)link an account to its territory; give it an owner by the rule only when it has none."""
    account = Account.objects.select_for_update().filter(pk=account_id).first()
    if account is None:
        link_record("account", account_id, None)
        return Choice(None, None)
    attributes = account_attributes(account, Address.objects.filter(account=account))
    territory_id = match_territory(attributes)
    link_record("account", account.pk, territory_id)
    owner_id = account.owner_id
    if owner_id is None and territory_id is not None:
        owner_id = assign_in_territory(territory_id, "account")
        if owner_id is not None:
            customers.update_account(account.pk, owner_id=owner_id)
    return Choice(territory_id, owner_id)


def _lead_owner_service() -> Any:
    """leads.services.assign_owner(lead_id, owner_id), or None while feat/leads is not merged."""
    try:
        module = importlib.import_module("valuechain.crm.leads.services")
    except ImportError:
        return None
    return getattr(module, "assign_owner", None)


def lead_attributes(values: Mapping[str, Any]) -> domain.RecordAttributes:
    """A lead's matching attributes from its event payload or row."""

    def text(name: str) -> str:
        return str(values.get(name) or "")

    return domain.RecordAttributes(
        text("country"), text("region"), text("postal_code"), text("industry"), text("size_band")
    )


def _lead_values(lead_id: int, fallback: Mapping[str, Any]) -> Mapping[str, Any]:
    """The lead's attributes from its row when the leads app has one (the event lacks region)."""
    rows = _lead_rows(lead_id)
    return rows[0][1] if rows else fallback


@transaction.atomic
def place_lead(
    lead_id: int, values: Mapping[str, Any], owner_id: int | None, *, assign: bool = True
) -> Choice:
    """Link a lead to its territory; assign it by the rule when it came without an owner."""
    territory_id = match_territory(lead_attributes(_lead_values(lead_id, values)))
    link_record("lead", lead_id, territory_id)
    if assign and owner_id is None and territory_id is not None:
        assign_owner = _lead_owner_service()
        if assign_owner is not None:
            owner_id = assign_in_territory(territory_id, "lead")
            if owner_id is not None:
                assign_owner(lead_id, owner_id)
    return Choice(territory_id, owner_id)


LEAD_FIELDS = ("country", "region", "postal_code", "industry", "size_band")


def _lead_rows(lead_id: int | None = None) -> list[tuple[int, dict[str, Any]]]:
    """(id, attributes) of every lead, or of one; empty while the leads app has no model."""
    model = lead_model()
    if model is None:
        return []
    names = [f for f in LEAD_FIELDS if any(x.name == f for x in model._meta.get_fields())]
    rows = model._default_manager.all()
    if lead_id is not None:
        rows = rows.filter(pk=lead_id)
    return [(row["pk"], row) for row in rows.values("pk", *names).order_by("pk")]


@transaction.atomic
def rebuild_links() -> dict[str, int]:
    """Recompute every account's and lead's territory link; counts of what changed."""
    criteria = active_criteria()
    wanted: dict[tuple[str, int], int] = {}
    addresses: dict[int, list[Address]] = {}
    for address in Address.objects.filter(account__isnull=False).order_by("pk"):
        addresses.setdefault(address.account_id, []).append(address)
    for account in Account.objects.order_by("pk").only("pk", "industry", "size_band"):
        found = domain.best_match(
            criteria, account_attributes(account, addresses.get(account.pk, []))
        )
        if found is not None:
            wanted[("account", account.pk)] = found
    for lead_id, values in _lead_rows():
        found = domain.best_match(criteria, lead_attributes(values))
        if found is not None:
            wanted[("lead", lead_id)] = found
    return _apply_links(wanted)


def _apply_links(wanted: Mapping[tuple[str, int], int]) -> dict[str, int]:
    existing = {
        (row.record_type, row.record_id): row
        for row in TerritoryRecord.objects.select_for_update().order_by("pk")
    }
    stale = [row.pk for key, row in existing.items() if key not in wanted]
    moved = []
    for key, territory_id in wanted.items():
        row = existing.get(key)
        if row is not None and row.territory_id != territory_id:
            row.territory_id = territory_id
            moved.append(row)
    new = [
        TerritoryRecord(territory_id=territory_id, record_type=key[0], record_id=key[1])
        for key, territory_id in wanted.items()
        if key not in existing
    ]
    TerritoryRecord.objects.filter(pk__in=stale).delete()
    TerritoryRecord.objects.bulk_update(moved, ["territory"], batch_size=500)
    tenant_id = require_tenant_id()
    for row in new:
        row.tenant_id = tenant_id
    TerritoryRecord.objects.bulk_create(new, batch_size=500)
    return {"linked": len(new), "moved": len(moved), "unlinked": len(stale), "total": len(wanted)}


@transaction.atomic
def assign_unowned_accounts() -> int:
    """Give every linked account without an owner one by its territory's rule; how many."""
    linked = TerritoryRecord.objects.filter(record_type="account").values("record_id")
    rows = Account.objects.filter(owner__isnull=True, pk__in=linked).order_by("pk")
    territory_of = dict(
        TerritoryRecord.objects.filter(record_type="account").values_list(
            "record_id", "territory_id"
        )
    )
    assigned = 0
    for account_id in rows.values_list("pk", flat=True):
        owner_id = assign_in_territory(territory_of[account_id], "account")
        if owner_id is not None:
            customers.update_account(account_id, owner_id=owner_id)
            assigned += 1
    return assigned
