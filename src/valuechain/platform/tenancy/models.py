"""Tenants, memberships and the base class every business model derives from."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models

from valuechain.platform.identity.domain import ROLE_CHOICES
from valuechain.platform.tenancy.context import current, require_tenant_id


class Tenant(models.Model):
    """A company using valuechain; every business row belongs to exactly one."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    base_currency = models.CharField(max_length=3, default="EUR")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's place in a tenant, with the role that grants their permissions."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=32, choices=ROLE_CHOICES)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user"], name="membership_unique_user")
        ]
        ordering = ["tenant__name"]

    def __str__(self) -> str:
        return f"{self.user} in {self.tenant} as {self.role}"


class CrossTenantWrite(RuntimeError):
    """A row of one tenant was saved while another tenant is current."""


class TenantScopedManager(models.Manager[Any]):
    """Default manager of tenant-owned models: scoped to the current tenant, never unscoped."""

    def get_queryset(self) -> models.QuerySet[Any]:
        """Return rows of the current tenant; raise TenantNotSet when there is none."""
        queryset = super().get_queryset()
        ctx = current()
        if ctx.bypass:
            return queryset
        return queryset.filter(tenant_id=require_tenant_id())


class TenantOwned(models.Model):
    """Abstract base of every business model: a tenant, timestamps and scoped queries.

    ``objects`` only ever sees the current tenant's rows. ``unscoped`` is for platform code
    that runs under ``system_context()``; PostgreSQL RLS still applies to it.
    """

    tenant = models.ForeignKey(
        Tenant, on_delete=models.PROTECT, editable=False, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantScopedManager()
    unscoped = models.Manager()  # noqa: DJ012 - the scoped manager must stay the default

    audit_exclude: ClassVar[frozenset[str]] = frozenset({"created_at", "updated_at"})

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Stamp the current tenant on new rows and refuse writes across tenants."""
        ctx = current()
        if self.tenant_id is None:
            self.tenant_id = require_tenant_id()
        elif not ctx.bypass and self.tenant_id != require_tenant_id():
            raise CrossTenantWrite(
                f"{type(self).__name__} of tenant {self.tenant_id} saved in tenant {ctx.tenant_id}"
            )
        super().save(*args, **kwargs)


def tenant_owned_models() -> list[type[TenantOwned]]:
    """Every concrete model deriving from TenantOwned (RLS, isolation tests, admin)."""
    from django.apps import apps

    return [
        model
        for model in apps.get_models()
        if issubclass(model, TenantOwned) and model._meta.managed and not model._meta.proxy
    ]
