"""API routes of fulfillment (scm area): pick lists, picks, packages, shipments, settings."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Status

from valuechain.platform.api import ListParams, Page, area_router, paginate
from valuechain.platform.errors import DomainError
from valuechain.scm.fulfillment import (
    commercial_invoice,
    packing,
    queries,
    services,
    shipping,
    tracking,
)
from valuechain.scm.fulfillment.models import FulfillmentSettings, Package, PickList, Shipment
from valuechain.scm.fulfillment.schemas import (
    PackageCloseIn,
    PackageDetailOut,
    PackageIn,
    PackageListFilters,
    PackageOut,
    PackIn,
    PackScanIn,
    PickIn,
    PickListDetailOut,
    PickListIn,
    PickListListFilters,
    PickListOut,
    PickListPatch,
    PickScanIn,
    SettingsOut,
    SettingsPatch,
    ShipmentIn,
    ShipmentListFilters,
    ShipmentOut,
    ShipmentPatch,
    TrackedEventIn,
    TrackingEventIn,
    TrackingEventOut,
    TrackingResultOut,
)

router = area_router("scm", tags=["fulfillment"])


def _pick_list_detail(pick_list_id: int) -> PickList:
    pick_list = queries.pick_list(pick_list_id)
    pick_list.line_rows = list(queries.pick_lines(pick_list.pk))  # type: ignore[attr-defined]
    return pick_list


def _package_detail(package_id: int) -> Package:
    package = queries.package(package_id)
    package.line_rows = list(queries.package_lines([package.pk]))  # type: ignore[attr-defined]
    return package


# --- settings -------------------------------------------------------------------------------


@router.get("/fulfillment/settings", response=SettingsOut, summary="Get fulfillment settings")
def get_settings(request: HttpRequest) -> FulfillmentSettings:
    """The GS1 company prefix and extension digit packages are numbered with, the tare."""
    return queries.settings_row() or FulfillmentSettings()


@router.patch("/fulfillment/settings", response=SettingsOut, summary="Change fulfillment settings")
def update_settings(request: HttpRequest, data: SettingsPatch) -> FulfillmentSettings:
    """Change the given settings."""
    return services.update_settings(**data.dict(exclude_unset=True, exclude_none=True))


# --- pick lists -----------------------------------------------------------------------------


@router.get("/pick-lists", response=Page[PickListOut], summary="List pick lists")
def list_pick_lists(
    request: HttpRequest, filters: Query[PickListListFilters], params: Query[ListParams]
) -> dict[str, Any]:
    """Pick lists, newest first unless sorted otherwise."""
    return paginate(
        queries.pick_lists(filters.as_filters()),
        params,
        sortable=queries.PICK_LIST_SORTS,
        default_sort=("-created_at",),
    )


@router.post("/pick-lists", response={201: PickListDetailOut}, summary="Create a pick list")
def create_pick_list(request: HttpRequest, data: PickListIn) -> Status[PickList]:
    """Everything reserved in the warehouse and on no list yet, in walking order."""
    pick_list = services.create_pick_list(**data.dict())
    return Status(201, _pick_list_detail(pick_list.pk))


@router.get("/pick-lists/{pick_list_id}", response=PickListDetailOut, summary="Get a pick list")
def get_pick_list(request: HttpRequest, pick_list_id: int) -> PickList:
    """One pick list with its lines in walking order."""
    return _pick_list_detail(pick_list_id)


@router.patch(
    "/pick-lists/{pick_list_id}", response=PickListDetailOut, summary="Assign a pick list"
)
def assign_pick_list(request: HttpRequest, pick_list_id: int, data: PickListPatch) -> PickList:
    """Give the pick list to a picker (null: nobody)."""
    services.assign_pick_list(pick_list_id, assignee_id=data.assignee_id)
    return _pick_list_detail(pick_list_id)


@router.post(
    "/pick-lists/{pick_list_id}/picks", response=PickListDetailOut, summary="Confirm a pick"
)
def confirm_pick(request: HttpRequest, pick_list_id: int, data: PickIn) -> PickList:
    """Record a quantity picked on one line."""
    services.confirm_pick(pick_list_id, data.line_id, data.quantity)
    return _pick_list_detail(pick_list_id)


@router.post("/pick-lists/{pick_list_id}/scans", response=PickListDetailOut, summary="Pick by scan")
def scan_pick(request: HttpRequest, pick_list_id: int, data: PickScanIn) -> PickList:
    """The location's code, then the item's: checked against the list, then picked."""
    services.scan_pick(
        pick_list_id, location_code=data.location, code=data.code, quantity=data.quantity
    )
    return _pick_list_detail(pick_list_id)


@router.post(
    "/pick-lists/{pick_list_id}/close", response=PickListDetailOut, summary="Close a pick list"
)
def close_pick_list(request: HttpRequest, pick_list_id: int) -> PickList:
    """End picking with what was picked; the rest goes on a later list."""
    services.close_pick_list(pick_list_id)
    return _pick_list_detail(pick_list_id)


@router.post(
    "/pick-lists/{pick_list_id}/cancel",
    response=PickListDetailOut,
    summary="Cancel a pick list",
)
def cancel_pick_list(request: HttpRequest, pick_list_id: int) -> PickList:
    """Drop the list; its reserved quantities can go on a new one."""
    services.cancel_pick_list(pick_list_id)
    return _pick_list_detail(pick_list_id)


# --- packages -------------------------------------------------------------------------------


@router.get("/packages", response=Page[PackageOut], summary="List packages")
def list_packages(
    request: HttpRequest, filters: Query[PackageListFilters], params: Query[ListParams]
) -> dict[str, Any]:
    """Packages, newest first unless sorted otherwise."""
    return paginate(
        queries.packages(filters.as_filters()),
        params,
        sortable=queries.PACKAGE_SORTS,
        default_sort=("-created_at",),
    )


@router.post("/packages", response={201: PackageDetailOut}, summary="Create a package")
def create_package(request: HttpRequest, data: PackageIn) -> Status[Package]:
    """An empty package for an order, numbered with the next SSCC-18."""
    package = packing.create_package(**data.dict())
    return Status(201, _package_detail(package.pk))


@router.get("/packages/{package_id}", response=PackageDetailOut, summary="Get a package")
def get_package(request: HttpRequest, package_id: int) -> Package:
    """One package with its contents."""
    return _package_detail(package_id)


@router.post("/packages/{package_id}/items", response=PackageDetailOut, summary="Pack picked items")
def pack_items(request: HttpRequest, package_id: int, data: PackIn) -> Package:
    """Put picked quantities (by pick list line) into the open package."""
    packing.pack_items(package_id, [(item.pick_line_id, item.quantity) for item in data.items])
    return _package_detail(package_id)


@router.post("/packages/{package_id}/scans", response=PackageDetailOut, summary="Pack by scan")
def scan_pack(request: HttpRequest, package_id: int, data: PackScanIn) -> Package:
    """The item's code: taken from what is picked for the package's order."""
    packing.scan_pack(package_id, code=data.code, quantity=data.quantity)
    return _package_detail(package_id)


@router.post("/packages/{package_id}/close", response=PackageDetailOut, summary="Seal a package")
def close_package(request: HttpRequest, package_id: int, data: PackageCloseIn) -> Package:
    """Record the measured weight (else the computed one) and the size; ready to ship."""
    packing.close_package(package_id, **data.dict())
    return _package_detail(package_id)


@router.post("/packages/{package_id}/reopen", response=PackageDetailOut, summary="Reopen a package")
def reopen_package(request: HttpRequest, package_id: int) -> Package:
    """Open a packed package again to change its contents."""
    packing.reopen_package(package_id)
    return _package_detail(package_id)


@router.post("/packages/{package_id}/cancel", response=PackageDetailOut, summary="Cancel a package")
def cancel_package(request: HttpRequest, package_id: int) -> Package:
    """Unpack the package and drop it; its contents wait to be packed again."""
    packing.cancel_package(package_id)
    return _package_detail(package_id)


# --- shipments ------------------------------------------------------------------------------


@router.get("/shipments", response=Page[ShipmentOut], summary="List shipments")
def list_shipments(
    request: HttpRequest, filters: Query[ShipmentListFilters], params: Query[ListParams]
) -> dict[str, Any]:
    """Shipments, last shipped first unless sorted otherwise."""
    return paginate(
        queries.shipments(filters.as_filters()),
        params,
        sortable=queries.SHIPMENT_SORTS,
        default_sort=("-shipped_at",),
    )


@router.post("/shipments", response={201: ShipmentOut}, summary="Ship packages")
def create_shipment(request: HttpRequest, data: ShipmentIn) -> Status[Shipment]:
    """Ship packed packages of one order: stock leaves, the order's state moves on."""
    shipment = shipping.ship_packages(**data.dict())
    return Status(201, queries.shipment(shipment.pk))


@router.get("/shipments/{shipment_id}", response=ShipmentOut, summary="Get a shipment")
def get_shipment(request: HttpRequest, shipment_id: int) -> Shipment:
    """One shipment."""
    return queries.shipment(shipment_id)


@router.patch("/shipments/{shipment_id}", response=ShipmentOut, summary="Change a shipment")
def update_shipment(request: HttpRequest, shipment_id: int, data: ShipmentPatch) -> Shipment:
    """Correct the carrier or tracking number; ``state: delivered`` records the delivery."""
    queries.shipment(shipment_id)  # 404 before anything else
    changes = data.dict(exclude_unset=True)
    state = changes.pop("state", None)
    if state not in (None, "delivered"):
        raise DomainError(
            "invalid_state", "A shipment's state can only be set to delivered.", field="state"
        )
    if changes:
        shipping.update_tracking(shipment_id, **changes)
    if state == "delivered":
        shipping.mark_delivered(shipment_id)
    return queries.shipment(shipment_id)


# --- tracking -------------------------------------------------------------------------------


def _result(result: tracking.TrackingResult) -> tracking.TrackingResult:
    result.order_state = queries.sales_order(result.shipment.order_id).state  # type: ignore[attr-defined,union-attr]
    return result


@router.get(
    "/shipments/{shipment_id}/tracking-events",
    response=Page[TrackingEventOut],
    summary="List a shipment's tracking events",
)
def list_tracking_events(
    request: HttpRequest, shipment_id: int, params: Query[ListParams]
) -> dict[str, Any]:
    """The carrier's events of the shipment, oldest first unless sorted otherwise."""
    queries.shipment(shipment_id)  # 404 for another tenant's or a missing shipment
    return paginate(
        queries.tracking_events(shipment_id),
        params,
        sortable=queries.TRACKING_EVENT_SORTS,
        default_sort=("occurred_at", "id"),
    )


@router.post(
    "/shipments/{shipment_id}/tracking-events",
    response={200: TrackingResultOut, 201: TrackingResultOut},
    summary="Record tracking events of a shipment",
)
def record_tracking_events(
    request: HttpRequest, shipment_id: int, data: list[TrackingEventIn] | TrackingEventIn
) -> Status[tracking.TrackingResult]:
    """One event or a list; events recorded already are skipped (201 when any is new)."""
    events = data if isinstance(data, list) else [data]
    result = tracking.record_events(shipment_id, [event.dict() for event in events])
    return Status(201 if result.recorded else 200, _result(result))


@router.post(
    "/tracking-events",
    response={200: list[TrackingResultOut], 201: list[TrackingResultOut]},
    summary="Record tracking events by tracking number",
)
def record_tracked_events(
    request: HttpRequest, data: list[TrackedEventIn] | TrackedEventIn
) -> Status[list[tracking.TrackingResult]]:
    """Events naming their shipment by tracking number (one or a list), e.g. a carrier's push."""
    events = data if isinstance(data, list) else [data]
    results = tracking.record_events_by_tracking_number([event.dict() for event in events])
    created = any(result.recorded for result in results)
    return Status(201 if created else 200, [_result(result) for result in results])


@router.get(
    "/shipments/{shipment_id}/commercial-invoice.pdf",
    response={200: None},
    summary="Commercial invoice of a cross-border shipment (PDF)",
)
def get_commercial_invoice(request: HttpRequest, shipment_id: int) -> HttpResponse:
    """Seller, buyer, ship-to, incoterm and per line HS code, origin, quantity, value, weight.

    409 ``not_cross_border`` / ``country_unknown`` / ``customs_data_missing`` (with the
    products lacking an HS code or country of origin in ``details.missing``).
    """
    invoice = commercial_invoice.build(shipment_id)
    response = HttpResponse(
        commercial_invoice.render_pdf(invoice), content_type=commercial_invoice.CONTENT_TYPE
    )
    name = f"commercial-invoice-{invoice.shipment_number}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
