"""API routes of manufacturing (scm area): work centres and their productivity, bills of
materials and their explosion, work orders through their states, supply requests made."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Status

from valuechain.platform.api import ListParams, Page, area_router, paginate
from valuechain.platform.periods import period
from valuechain.scm.manufacturing import queries, services, workorders
from valuechain.scm.manufacturing.models import Bom, TimeEntry, WorkCentre, WorkOrder
from valuechain.scm.manufacturing.schemas import (
    BomEndIn,
    BomIn,
    BomOut,
    ExplosionLineOut,
    FromSupplyRequestIn,
    ProductionIn,
    ProductivityOut,
    TimeEntryOut,
    WorkCentreIn,
    WorkCentreOut,
    WorkCentrePatch,
    WorkOrderIn,
    WorkOrderOut,
)

router = area_router("scm", tags=["manufacturing"])


# --- work centres ---------------------------------------------------------------------------


@router.get("/work-centres", response=Page[WorkCentreOut], summary="List work centres")
def list_work_centres(
    request: HttpRequest, params: Query[ListParams], q: str = "", is_active: bool | None = None
) -> dict[str, Any]:
    """Work centres by code; ``q`` searches code and name."""
    return paginate(
        queries.work_centres(q=q, is_active=is_active),
        params,
        sortable=queries.WORK_CENTRE_SORTS,
        default_sort=("code",),
    )


@router.post("/work-centres", response={201: WorkCentreOut}, summary="Create a work centre")
def create_work_centre(request: HttpRequest, data: WorkCentreIn) -> Status[WorkCentre]:
    """A machine, line or team with its capacity per hour."""
    return Status(201, services.create_work_centre(**data.dict()))


@router.get("/work-centres/{work_centre_id}", response=WorkCentreOut, summary="Get a work centre")
def get_work_centre(request: HttpRequest, work_centre_id: int) -> WorkCentre:
    """One work centre."""
    return queries.work_centre(work_centre_id)


@router.patch(
    "/work-centres/{work_centre_id}", response=WorkCentreOut, summary="Change a work centre"
)
def update_work_centre(
    request: HttpRequest, work_centre_id: int, data: WorkCentrePatch
) -> WorkCentre:
    """Change code, name, capacity, planned hours or the active flag; null leaves a field."""
    given = {k: v for k, v in data.dict(exclude_unset=True).items() if v is not None}
    services.update_work_centre(work_centre_id, **given)
    return queries.work_centre(work_centre_id)


@router.get(
    "/work-centres/{work_centre_id}/productivity",
    response=ProductivityOut,
    summary="Productivity of a work centre",
)
def work_centre_productivity(
    request: HttpRequest,
    work_centre_id: int,
    start: date | None = None,
    end: date | None = None,
) -> dict[str, Any]:
    """Output per day, units per labour hour, yield and OEE over a period (default: 30 days)."""
    centre = queries.work_centre(work_centre_id)
    window = period(start, end)
    figures = queries.productivity(centre, window)
    return {
        **figures.__dict__,
        "work_centre_id": centre.pk,
        "start": window.start,
        "end": window.end,
        "per_day": [{"day": day, "good": good} for day, good in figures.per_day],
    }


# --- bills of materials ---------------------------------------------------------------------


@router.get("/boms", response=Page[BomOut], summary="List bills of materials")
def list_boms(
    request: HttpRequest,
    params: Query[ListParams],
    variant_id: int | None = None,
    q: str = "",
    valid_on: date | None = None,
) -> dict[str, Any]:
    """Versions of bills with their lines; ``valid_on`` keeps those in use on that day."""
    return paginate(
        queries.boms(variant_id=variant_id, q=q, valid_on=valid_on),
        params,
        sortable=queries.BOM_SORTS,
        default_sort=("sku", "version"),
    )


@router.post("/boms", response={201: BomOut}, summary="Create a bill of materials")
def create_bom(request: HttpRequest, data: BomIn) -> Status[Bom]:
    """The next version of a variant's bill; refused when it overlaps another's dates."""
    values = data.dict()
    bom = services.create_bom(**values)
    return Status(201, queries.bom(bom.pk))


@router.get("/boms/{bom_id}", response=BomOut, summary="Get a bill of materials")
def get_bom(request: HttpRequest, bom_id: int) -> Bom:
    """One version with its lines."""
    return queries.bom(bom_id)


@router.get(
    "/boms/{bom_id}/explosion",
    response=list[ExplosionLineOut],
    summary="Explode a bill of materials",
)
def explode_bom(request: HttpRequest, bom_id: int, quantity: Decimal = Decimal(1)) -> list[Any]:
    """Every level of the bill for a quantity, scrap factors included."""
    bom = queries.bom(bom_id)
    amount = services.clean_number(quantity, "quantity", positive=True)
    return [
        {"level": level, "variant_id": variant.pk, "sku": variant.sku, "quantity": qty}
        for level, variant, qty in queries.explosion(bom, amount)
    ]


@router.post("/boms/{bom_id}/end", response=BomOut, summary="End a bill's validity")
def end_bom(request: HttpRequest, bom_id: int, data: BomEndIn) -> Bom:
    """Set the last day a version is valid, so the next one can start after it."""
    services.end_bom(bom_id, valid_to=data.valid_to)
    return queries.bom(bom_id)


@router.post("/boms/{bom_id}/archive", response=BomOut, summary="Archive a bill")
def archive_bom(request: HttpRequest, bom_id: int) -> Bom:
    """Take a version out of use (work orders made with it keep it)."""
    services.archive_bom(bom_id)
    return queries.bom(bom_id)


# --- work orders ----------------------------------------------------------------------------


@router.get("/work-orders", response=Page[WorkOrderOut], summary="List work orders")
def list_work_orders(
    request: HttpRequest,
    params: Query[ListParams],
    q: str = "",
    state: str = "",
    work_centre_id: int | None = None,
    variant_id: int | None = None,
) -> dict[str, Any]:
    """Newest first; ``q`` searches number and SKU."""
    return paginate(
        queries.work_orders(q=q, state=state, work_centre_id=work_centre_id, variant_id=variant_id),
        params,
        sortable=queries.WORK_ORDER_SORTS,
        default_sort=("-created_at",),
    )


@router.post("/work-orders", response={201: WorkOrderOut}, summary="Plan a work order")
def create_work_order(request: HttpRequest, data: WorkOrderIn) -> Status[WorkOrder]:
    """A planned work order (nothing reserved until it is released)."""
    order = workorders.create_work_order(**data.dict())
    return Status(201, queries.work_order(order.pk))


@router.get("/work-orders/{work_order_id}", response=WorkOrderOut, summary="Get a work order")
def get_work_order(request: HttpRequest, work_order_id: int) -> WorkOrder:
    """One work order with its components."""
    return queries.work_order(work_order_id)


@router.post(
    "/work-orders/{work_order_id}/release", response=WorkOrderOut, summary="Release a work order"
)
def release_work_order(request: HttpRequest, work_order_id: int) -> WorkOrder:
    """Reserve the components; a shortage is 409 ``insufficient_stock``."""
    workorders.release_work_order(work_order_id)
    return queries.work_order(work_order_id)


@router.post(
    "/work-orders/{work_order_id}/start", response={201: TimeEntryOut}, summary="Start the clock"
)
def start_work_order(request: HttpRequest, work_order_id: int) -> Status[TimeEntry]:
    """Start a run; the order becomes in progress."""
    return Status(201, workorders.start_work_order(work_order_id))


@router.post("/work-orders/{work_order_id}/stop", response=TimeEntryOut, summary="Stop the clock")
def stop_work_order(request: HttpRequest, work_order_id: int) -> TimeEntry:
    """Stop the running run."""
    return workorders.stop_work_order(work_order_id)


@router.post(
    "/work-orders/{work_order_id}/production",
    response=WorkOrderOut,
    summary="Record production",
)
def record_production(request: HttpRequest, work_order_id: int, data: ProductionIn) -> WorkOrder:
    """Report good and scrapped units: components are consumed, goods produced."""
    workorders.record_production(work_order_id, good=data.good_quantity, scrap=data.scrap_quantity)
    return queries.work_order(work_order_id)


@router.post(
    "/work-orders/{work_order_id}/complete",
    response=WorkOrderOut,
    summary="Complete a work order",
)
def complete_work_order(request: HttpRequest, work_order_id: int) -> WorkOrder:
    """Close the order; unused reservations are released."""
    workorders.complete_work_order(work_order_id)
    return queries.work_order(work_order_id)


@router.post(
    "/work-orders/{work_order_id}/cancel", response=WorkOrderOut, summary="Cancel a work order"
)
def cancel_work_order(request: HttpRequest, work_order_id: int) -> WorkOrder:
    """Cancel an order that has not started; reservations are released."""
    workorders.cancel_work_order(work_order_id)
    return queries.work_order(work_order_id)


@router.post(
    "/supply-requests/{supply_request_id}/work-order",
    response={201: WorkOrderOut},
    summary="Make a supply request",
)
def work_order_for_supply_request(
    request: HttpRequest, supply_request_id: int, data: FromSupplyRequestIn
) -> Status[WorkOrder]:
    """A planned work order for the requested item and quantity; the request is ordered."""
    order = workorders.work_order_from_supply_request(
        supply_request_id, work_centre_id=data.work_centre_id
    )
    return Status(201, queries.work_order(order.pk))
