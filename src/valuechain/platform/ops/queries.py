"""Read side of operations: the rows `valuechain tenant list` and `user list` print."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from valuechain.platform.identity.domain import ROLES
from valuechain.platform.tenancy.models import Membership, Tenant


@dataclass(frozen=True)
class TenantRow:
    """One tenant as listed on the command line."""

    slug: str
    name: str
    base_currency: str
    members: int
    is_active: bool


@dataclass(frozen=True)
class MemberRow:
    """One member of a tenant as listed on the command line."""

    email: str
    full_name: str
    role: str
    role_label: str
    is_active: bool
    last_login: str


def tenant_rows() -> list[TenantRow]:
    """Every tenant by slug, with its number of active members."""
    tenants = Tenant.objects.annotate(
        active_members=Count("memberships", filter=Q(memberships__is_active=True))
    ).order_by("slug")
    return [
        TenantRow(t.slug, t.name, t.base_currency, t.active_members, t.is_active) for t in tenants
    ]


def member_rows(tenant: Tenant) -> list[MemberRow]:
    """The tenant's members by e-mail address."""
    memberships = (
        Membership.objects.filter(tenant=tenant).select_related("user").order_by("user__username")
    )
    return [
        MemberRow(
            email=m.user.username,
            full_name=m.user.get_full_name(),
            role=m.role,
            role_label=ROLES.get(m.role, m.role),
            is_active=m.is_active and m.user.is_active,
            last_login=f"{m.user.last_login:%Y-%m-%d %H:%M}" if m.user.last_login else "never",
        )
        for m in memberships
    ]
