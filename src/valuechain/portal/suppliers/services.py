"""Use cases of the supplier extranet: grant, revoke and restore a supplier's logins; quote
an RFQ as the supplier."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from valuechain.platform.errors import DomainError
from valuechain.platform.identity import services as identity
from valuechain.platform.identity.record_rules import current_role
from valuechain.platform.tenancy.context import current
from valuechain.platform.tenancy.models import Membership
from valuechain.portal.suppliers.models import SupplierPortalUser
from valuechain.scm.procurement.models import Supplier
from valuechain.scm.purchasing import rfq
from valuechain.scm.purchasing.models import Quote

SUPPLIER_ROLE = "supplier"
# Logins are accounts outside the company: only buying and administration hand them out,
# not every member who may write SCM records (warehouse, production, planning).
ACCESS_MANAGER_ROLES = ("admin", "buyer")


def may_manage_access() -> bool:
    """Whether the current actor may hand out and take back supplier logins (yes without one:
    the CLI and jobs)."""
    return current().actor_id is None or current_role() in ACCESS_MANAGER_ROLES


def _check_may_manage_access() -> None:
    """Refuse a member whose role may not hand out or take back supplier logins."""
    if not may_manage_access():
        raise DomainError(
            "buyer_role_required",
            "Only a buyer or an administrator grants or revokes supplier extranet access.",
            status=403,
        )


@transaction.atomic
def grant_access(
    supplier_id: int, email: str, *, password: str | None = None, actor: Any = None
) -> SupplierPortalUser:
    """Give an e-mail (a new account, or an existing one without staff membership) extranet
    access for a supplier, with the "supplier" role."""
    _check_may_manage_access()
    supplier = Supplier.objects.filter(pk=supplier_id).first()
    if supplier is None:
        raise DomainError(
            "not_found", f"No supplier {supplier_id}.", field="supplier_id", status=404
        )
    membership = identity.add_member_by_email(email, SUPPLIER_ROLE, actor, password=password)
    # A revoked login given access again keeps its one link, now to this supplier.
    link, _ = SupplierPortalUser.objects.update_or_create(
        membership=membership, defaults={"supplier": supplier}
    )
    return link


def _link_of(supplier_id: int, link_id: int) -> SupplierPortalUser:
    link = (
        SupplierPortalUser.objects.select_related("membership__user")
        .filter(pk=link_id, supplier_id=supplier_id)
        .first()
    )
    if link is None:
        raise DomainError(
            "not_found",
            f"No extranet login {link_id} for supplier {supplier_id}.",
            field="link_id",
            status=404,
        )
    return link


@transaction.atomic
def set_access(
    supplier_id: int, link_id: int, *, is_active: bool, actor: Any = None
) -> SupplierPortalUser:
    """Revoke a supplier login (its membership is deactivated, its API tokens revoked) or
    restore it. A login an admin has since given a staff role is no longer the supplier's
    to manage here."""
    _check_may_manage_access()
    link = _link_of(supplier_id, link_id)
    if link.membership.role != SUPPLIER_ROLE:
        raise DomainError(
            "not_supplier_role",
            f"{link.membership.user.email} now has the {link.membership.role} role; "
            "manage it on the members page.",
            field="is_active",
            status=409,
        )
    if is_active:
        link.membership = identity.reactivate_member(link.membership_id, actor)
    else:
        link.membership = identity.deactivate_member(link.membership_id, actor)
    return link


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
