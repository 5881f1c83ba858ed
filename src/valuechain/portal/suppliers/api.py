"""/api/v1 of the supplier extranet (staff side): list, grant, revoke and restore a supplier's
logins."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Schema
from ninja.responses import Status

from valuechain.platform.api import ListParams, Page, area_router, paginate
from valuechain.portal.suppliers import queries, services
from valuechain.portal.suppliers.models import SupplierPortalUser
from valuechain.scm.procurement import queries as procurement

router = area_router("scm", tags=["supplier extranet"])
SORTABLE = ("email", "created_at", "is_active")


class PortalUserIn(Schema):
    """The e-mail to give access; a password only when the e-mail has no account yet."""

    email: str
    password: str | None = None


class PortalUserOut(Schema):
    """A login linked to a supplier."""

    id: int
    supplier_id: int
    membership_id: int
    email: str
    role: str
    is_active: bool


class PortalUserPatch(Schema):
    """False revokes the login (and its API tokens); true restores it."""

    is_active: bool


def _out(link: SupplierPortalUser) -> dict[str, object]:
    return {
        "id": link.pk,
        "supplier_id": link.supplier_id,
        "membership_id": link.membership_id,
        "email": link.membership.user.email,
        "role": link.membership.role,
        "is_active": link.membership.is_active,
    }


@router.get(
    "/suppliers/{supplier_id}/portal-users",
    response=Page[PortalUserOut],
    summary="List a supplier's extranet logins",
)
def list_access(
    request: HttpRequest, supplier_id: int, params: Query[ListParams]
) -> dict[str, Any]:
    """The logins that speak for the supplier; sort by ``email``, ``created_at``, ``is_active``."""
    procurement.supplier(supplier_id)  # another tenant's or an unknown supplier is a 404
    page = paginate(
        queries.portal_users(supplier_id),
        params,
        sortable=SORTABLE,
        default_sort=("-is_active", "email"),
    )
    page["items"] = [_out(link) for link in page["items"]]
    return page


@router.post(
    "/suppliers/{supplier_id}/portal-users",
    response={201: PortalUserOut},
    summary="Grant extranet access for a supplier",
)
def grant_access(
    request: HttpRequest, supplier_id: int, data: PortalUserIn
) -> Status[dict[str, object]]:
    """A buyer or admin links an e-mail to the supplier with the "supplier" role."""
    link = services.grant_access(
        supplier_id, data.email, password=data.password, actor=request.user
    )
    return Status(201, _out(link))


@router.patch(
    "/suppliers/{supplier_id}/portal-users/{link_id}",
    response=PortalUserOut,
    summary="Revoke or restore a supplier's extranet login",
)
def set_access(
    request: HttpRequest, supplier_id: int, link_id: int, data: PortalUserPatch
) -> dict[str, object]:
    """``is_active: false`` revokes the login, ``true`` restores it."""
    link = services.set_access(supplier_id, link_id, is_active=data.is_active, actor=request.user)
    return _out(link)
