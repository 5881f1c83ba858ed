"""Use cases of the supplier extranet: grant a login access for a supplier, quote an RFQ."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from valuechain.platform.errors import DomainError
from valuechain.platform.identity import services as identity
from valuechain.platform.tenancy.models import Membership
from valuechain.portal.suppliers.models import SupplierPortalUser
from valuechain.scm.procurement.models import Supplier
from valuechain.scm.purchasing import rfq
from valuechain.scm.purchasing.models import Quote

SUPPLIER_ROLE = "supplier"


@transaction.atomic
def grant_access(
    supplier_id: int, email: str, *, password: str | None = None, actor: Any = None
) -> SupplierPortalUser:
    """Give an e-mail (a new account, or an existing one without staff membership) extranet
    access for a supplier, with the "supplier" role."""
    supplier = Supplier.objects.filter(pk=supplier_id).first()
    if supplier is None:
        raise DomainError(
            "not_found", f"No supplier {supplier_id}.", field="supplier_id", status=404
        )
    membership = identity.add_member_by_email(email, SUPPLIER_ROLE, actor, password=password)
    return SupplierPortalUser.objects.create(membership=membership, supplier=supplier)


def supplier_of(membership: Membership | None) -> Supplier | None:
    """The supplier an active "supplier" membership speaks for; None for staff."""
    if membership is None or membership.role != SUPPLIER_ROLE or not membership.is_active:
        return None
    link = (
        SupplierPortalUser.objects.select_related("supplier").filter(membership=membership).first()
    )
    return link.supplier if link is not None else None


def submit_quote(
    supplier: Supplier,
    rfq_id: int,
    *,
    lines: Iterable[Mapping[str, Any]],
    currency: str = "",
    valid_until: Any = None,
) -> Quote:
    """The supplier's own quote on an RFQ it was invited to (channel "portal")."""
    rfq.invited_rfq(rfq_id, supplier.pk)  # 404 for an RFQ not sent to this supplier
    return rfq.record_quote(
        rfq_id,
        supplier_id=supplier.pk,
        lines=lines,
        currency=currency,
        valid_until=valid_until,
        channel="portal",
    )
