"""Read side of identity: the current tenant's tokens and members, free of N+1."""

from __future__ import annotations

from django.db.models import F, QuerySet

from valuechain.platform.errors import DomainError
from valuechain.platform.identity.models import ApiToken
from valuechain.platform.tenancy.context import require_tenant_id
from valuechain.platform.tenancy.models import Membership

TOKEN_SORTABLE = ("name", "created_at", "expires_at", "last_used_at")
MEMBER_SORTABLE = ("email", "role", "created_at", "is_active")


def tokens() -> QuerySet[ApiToken]:
    """The current tenant's API tokens with their member and user."""
    return ApiToken.objects.select_related("membership__user")


def members() -> QuerySet[Membership]:
    """The current tenant's memberships with the user, annotated with the e-mail for sorting."""
    return (
        Membership.objects.filter(tenant_id=require_tenant_id())
        .select_related("user")
        .annotate(email=F("user__email"))
    )


def active_members() -> QuerySet[Membership]:
    """The current tenant's active memberships, by e-mail (choices for token owners)."""
    return members().filter(is_active=True, user__is_active=True).order_by("email", "pk")


def member(membership_id: int) -> Membership:
    """One membership of the current tenant, or DomainError not_found."""
    found = members().filter(pk=membership_id).first()
    if found is None:
        raise DomainError("not_found", f"No member {membership_id}.", status=404)
    return found
