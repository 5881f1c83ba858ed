"""Read side of the catalog: look-ups other contexts call, and data for pages and the API."""

from __future__ import annotations

from decimal import Decimal

from valuechain.scm.catalog import domain
from valuechain.scm.catalog.models import CustomerGroupMember, KitComponent, Variant


def customer_group_for(*, account_id: int | None = None, person_id: int | None = None) -> str:
    """The customer group code of a person or account ("" when none).

    A person's own assignment wins; a person without one takes the group of their account
    (when ``account_id`` is given too, or the person belongs to an account).
    """
    if person_id is not None:
        own = (
            CustomerGroupMember.objects.filter(person_id=person_id)
            .values_list("group__code", flat=True)
            .first()
        )
        if own:
            return own
        if account_id is None:
            from valuechain.crm.customers.models import Person

            account_id = (
                Person.objects.filter(pk=person_id).values_list("account_id", flat=True).first()
            )
    if account_id is not None:
        code = (
            CustomerGroupMember.objects.filter(account_id=account_id)
            .values_list("group__code", flat=True)
            .first()
        )
        return code or ""
    return ""


def kit_components(variant_id: int) -> list[tuple[int, Decimal]]:
    """(component variant id, quantity per kit) of a kit variant, by component id; [] if none."""
    return [
        (component_id, Decimal(quantity))
        for component_id, quantity in KitComponent.objects.filter(kit_id=variant_id)
        .order_by("component_id")
        .values_list("component_id", "quantity")
    ]


def variant_by_gtin(gtin: str) -> Variant | None:
    """The variant with this GTIN in any spelling (GTIN-13 or its GTIN-14), product loaded."""
    forms = domain.gtin_forms(gtin)
    if not forms:
        return None
    return Variant.objects.select_related("product").filter(gtin__in=forms).first()
