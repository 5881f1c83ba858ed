"""Use cases of tenancy: create tenants, add members, pick the tenant of a request."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.text import slugify

from valuechain.platform.errors import DomainError
from valuechain.platform.identity.domain import ROLES
from valuechain.platform.tenancy.models import Membership, Tenant


def create_tenant(name: str, slug: str | None = None, base_currency: str = "EUR") -> Tenant:
    """Create a tenant; the slug is derived from the name when not given."""
    name = name.strip()
    if not name:
        raise DomainError("invalid_name", "A tenant needs a name.", field="name")
    slug = slugify(slug or name)[:60]
    if not slug:
        raise DomainError("invalid_slug", "The tenant's slug would be empty.", field="slug")
    if Tenant.objects.filter(slug=slug).exists():
        raise DomainError("tenant_exists", f"A tenant with slug {slug!r} exists.", field="slug")
    currency = base_currency.upper()
    if len(currency) != 3 or not currency.isalpha():
        raise DomainError(
            "invalid_currency", "Use a 3-letter ISO 4217 code.", field="base_currency"
        )
    return Tenant.objects.create(name=name, slug=slug, base_currency=currency)


@transaction.atomic
def add_member(tenant: Tenant, user: Any, role: str) -> Membership:
    """Give a user a role in a tenant, or change the role of an existing member."""
    if role not in ROLES:
        raise DomainError(
            "invalid_role", f"Unknown role {role!r}; one of {', '.join(ROLES)}.", field="role"
        )
    membership, _ = Membership.objects.update_or_create(
        tenant=tenant, user=user, defaults={"role": role, "is_active": True}
    )
    return membership


def create_user(
    email: str, password: str | None, *, first_name: str = "", last_name: str = ""
) -> Any:
    """Create a user who signs in with their e-mail address as the username."""
    user_model = get_user_model()
    email = user_model.objects.normalize_email(email.strip()).lower()
    if "@" not in email:
        raise DomainError("invalid_email", "Enter a valid e-mail address.", field="email")
    if user_model.objects.filter(username=email).exists():
        raise DomainError("user_exists", f"A user {email} exists.", field="email")
    return user_model.objects.create_user(
        username=email, email=email, password=password, first_name=first_name, last_name=last_name
    )


def active_memberships(user: Any) -> list[Membership]:
    """The user's active memberships in active tenants, by tenant name."""
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.filter(user=user, is_active=True, tenant__is_active=True)
        .select_related("tenant")
        .order_by("tenant__name")
    )


def resolve_membership(user: Any, wanted_tenant_id: int | None) -> Membership | None:
    """The membership a request runs under: the chosen tenant if still valid, else the first."""
    queryset = Membership.objects.filter(
        user=user, is_active=True, tenant__is_active=True
    ).select_related("tenant")
    if wanted_tenant_id is not None:
        chosen = queryset.filter(tenant_id=wanted_tenant_id).first()
        if chosen is not None:
            return chosen
    return queryset.order_by("tenant__name", "pk").first()
