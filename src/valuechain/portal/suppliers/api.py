"""/api/v1 of the supplier extranet (staff side): grant a login access for a supplier."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Schema
from ninja.responses import Status

from valuechain.platform.api import area_router
from valuechain.portal.suppliers import services
from valuechain.portal.suppliers.models import SupplierPortalUser

router = area_router("scm", tags=["supplier extranet"])


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


def _out(link: SupplierPortalUser) -> dict[str, object]:
    return {
        "id": link.pk,
        "supplier_id": link.supplier_id,
        "membership_id": link.membership_id,
        "email": link.membership.user.email,
        "role": link.membership.role,
    }


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
