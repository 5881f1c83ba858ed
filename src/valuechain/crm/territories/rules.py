"""Record rules of the CRM: which accounts, people, leads and opportunities a member sees.

- ``sales_rep``: records they own, records linked to a territory whose team they are on,
  and the unassigned pool (no owner, no territory: Odoo's habit, so nobody's new record
  vanishes and someone can pick it up).
- ``sales_manager``: the same, plus records owned by any member of the teams they manage.
- every other role (admin, marketer, service agent, …) sees everything.

People follow their account (a contact of a visible account is visible) or their owner;
opportunities follow their account or their owner. Every rule is one WHERE clause of
subqueries: no per-row queries, whatever the page size.

Rules are registered by model label, so they apply as soon as the leads and sales apps have
models, and do nothing before.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from valuechain.crm.customers.models import Account
from valuechain.crm.territories.models import TerritoryMember, TerritoryRecord
from valuechain.platform.identity.record_rules import register_record_rule

NARROWED_ROLES = ("sales_rep", "sales_manager")


def _teams(actor_id: int) -> QuerySet[Any]:
    """Territories whose team the actor is on, in any role."""
    return TerritoryMember.objects.filter(user_id=actor_id).values("territory_id")


def _owners(actor_id: int, role: str) -> Q:
    """Records the actor owns, and for a manager those of everyone on the teams they manage."""
    owned = Q(owner_id=actor_id)
    if role == "sales_manager":
        managed = TerritoryMember.objects.filter(user_id=actor_id, role="manager").values(
            "territory_id"
        )
        team = TerritoryMember.objects.filter(territory_id__in=managed).values("user_id")
        owned |= Q(owner_id__in=team)
    return owned


def _linked(record_type: str, actor_id: int) -> Q:
    """Records linked to one of the actor's territories."""
    rows = TerritoryRecord.objects.filter(
        record_type=record_type, territory_id__in=_teams(actor_id)
    ).values("record_id")
    return Q(pk__in=rows)


def _pool(record_type: str) -> Q:
    """Unassigned records: no owner and no territory."""
    linked = TerritoryRecord.objects.filter(record_type=record_type).values("record_id")
    return Q(owner__isnull=True) & ~Q(pk__in=linked)


def account_rule(queryset: QuerySet[Any], actor_id: int, role: str) -> QuerySet[Any]:
    """Accounts: own (or team's), own territories', the unassigned pool."""
    if role not in NARROWED_ROLES:
        return queryset
    return queryset.filter(
        _owners(actor_id, role) | _linked("account", actor_id) | _pool("account")
    )


def _visible_accounts(actor_id: int, role: str) -> QuerySet[Any]:
    return account_rule(Account.objects.all(), actor_id, role).values("pk")


def person_rule(queryset: QuerySet[Any], actor_id: int, role: str) -> QuerySet[Any]:
    """People: own (or team's), contacts of visible accounts, unowned people of no account."""
    if role not in NARROWED_ROLES:
        return queryset
    return queryset.filter(
        _owners(actor_id, role)
        | Q(account_id__in=_visible_accounts(actor_id, role))
        | Q(owner__isnull=True, account__isnull=True)
    )


def lead_rule(queryset: QuerySet[Any], actor_id: int, role: str) -> QuerySet[Any]:
    """Leads: own (or team's), own territories', the unassigned pool."""
    if role not in NARROWED_ROLES:
        return queryset
    return queryset.filter(_owners(actor_id, role) | _linked("lead", actor_id) | _pool("lead"))


def opportunity_rule(queryset: QuerySet[Any], actor_id: int, role: str) -> QuerySet[Any]:
    """Opportunities: own (or team's), those of visible accounts, unowned ones of no account."""
    if role not in NARROWED_ROLES:
        return queryset
    return queryset.filter(
        _owners(actor_id, role)
        | Q(account_id__in=_visible_accounts(actor_id, role))
        | Q(owner__isnull=True, account__isnull=True)
    )


RULES = {
    "customers.account": account_rule,
    "customers.person": person_rule,
    "leads.lead": lead_rule,
    "sales.opportunity": opportunity_rule,
}


def register_rules() -> None:
    """Register every CRM record rule with the platform (by label: models may come later)."""
    for label, rule in RULES.items():
        register_record_rule(label, rule)
