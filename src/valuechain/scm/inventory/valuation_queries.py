"""Reads of landed costs for the API and the pages."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from valuechain.platform.errors import DomainError
from valuechain.scm.inventory.models import LandedCost

LANDED_COST_SORTS = ("date", "number", "state", "created_at")


def landed_costs(*, state: str | None = None, q: str = "") -> QuerySet[LandedCost]:
    """The tenant's landed costs with lines and allocations loaded."""
    rows = LandedCost.objects.prefetch_related("lines", "allocations__variant")
    if state:
        rows = rows.filter(state=state)
    if q:
        rows = rows.filter(Q(number__icontains=q) | Q(reference__icontains=q))
    return rows


def landed_cost_or_404(landed_cost_id: int) -> LandedCost:
    """One landed cost, or the 404 DomainError."""
    row = landed_costs().filter(pk=landed_cost_id).first()
    if row is None:
        raise DomainError("not_found", "No such landed cost.", status=404)
    return row
