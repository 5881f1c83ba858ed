"""Tables of the supplier extranet: which login speaks for which supplier."""

from __future__ import annotations

from django.db import models

from valuechain.platform.tenancy.models import Membership, TenantOwned


class SupplierPortalUser(TenantOwned):
    """A membership (role "supplier") that answers RFQs on behalf of one supplier."""

    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="supplier_portal"
    )
    supplier = models.ForeignKey(
        "procurement.Supplier", on_delete=models.PROTECT, related_name="portal_users"
    )

    class Meta:
        indexes = [models.Index(fields=["tenant", "supplier"], name="portaluser_by_supplier")]

    def __str__(self) -> str:
        return f"{self.membership.user} for {self.supplier}"
