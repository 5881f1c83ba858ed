"""Read side of the supplier extranet: the logins that speak for a supplier."""

from __future__ import annotations

from django.db.models import F, QuerySet

from valuechain.portal.suppliers.models import SupplierPortalUser


def portal_users(supplier_id: int) -> QuerySet[SupplierPortalUser]:
    """A supplier's extranet logins with their account (``email`` and ``is_active`` annotated
    for sorting), active ones first, by e-mail."""
    return (
        SupplierPortalUser.objects.filter(supplier_id=supplier_id)
        .select_related("membership__user")
        .annotate(email=F("membership__user__email"), is_active=F("membership__is_active"))
        .order_by("-is_active", "email", "pk")
    )
