"""API routes of inventory (scm area): warehouses, locations, the ledger, balances, ATP,
transfers, cycle counts, reorder rules, supply requests and the inventory settings."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django.http import HttpRequest
from ninja import Query, Status

from valuechain.platform.api import ListParams, Page, area_router, paginate
from valuechain.platform.errors import DomainError
from valuechain.scm.catalog.models import Variant
from valuechain.scm.inventory import movements, queries, replenishment, services, supply, warehouses
from valuechain.scm.inventory.models import (
    CycleCount,
    Location,
    ReorderRule,
    StockMove,
    SupplyRequest,
    Transfer,
    Warehouse,
)
from valuechain.scm.inventory.schemas import (
    AtpOut,
    BalanceOut,
    CountIn,
    CountOut,
    LocationIn,
    LocationOut,
    MoveFilters,
    MoveIn,
    MoveOut,
    QuantitiesOut,
    ReplenishOut,
    RuleIn,
    RuleOut,
    RulePatch,
    SettingsIn,
    SettingsOut,
    SupplyIn,
    SupplyOut,
    SupplyPatch,
    TransferIn,
    TransferOut,
    WarehouseIn,
    WarehouseOut,
    WarehousePatch,
)

router = area_router("scm", tags=["inventory"])


def _variant(variant_id: int, field: str = "variant_id") -> Variant:
    variant = Variant.objects.filter(pk=variant_id).first()
    if variant is None:
        raise DomainError("not_found", "No such item.", field=field, status=404)
    return variant


def _warehouse(warehouse_id: int | None, field: str = "warehouse_id") -> Warehouse:
    row = Warehouse.objects.filter(pk=warehouse_id).first() if warehouse_id else None
    if row is None:
        raise DomainError("not_found", "No such warehouse.", field=field, status=404)
    return row


def _location(location_id: int | None, field: str) -> Location:
    row = Location.objects.filter(pk=location_id).first() if location_id else None
    if row is None:
        raise DomainError("not_found", "No such location.", field=field, status=404)
    return row


# --- warehouses and locations ---------------------------------------------------------


@router.get("/warehouses", response=Page[WarehouseOut], summary="List warehouses")
def list_warehouses(
    request: HttpRequest,
    params: Query[ListParams],
    q: str = "",
    is_active: bool | None = None,
    is_store: bool | None = None,
) -> dict[str, Any]:
    """The distribution network, by priority unless sorted otherwise."""
    return paginate(
        queries.warehouses(q=q, is_active=is_active, is_store=is_store),
        params,
        sortable=queries.WAREHOUSE_SORTS,
        default_sort=("priority", "code"),
    )


@router.post("/warehouses", response={201: WarehouseOut}, summary="Create a warehouse")
def create_warehouse(request: HttpRequest, data: WarehouseIn) -> Status[Warehouse]:
    """Add a warehouse with a location of every internal kind."""
    return Status(201, warehouses.create_warehouse(**data.dict()))


@router.get("/warehouses/{warehouse_id}", response=WarehouseOut, summary="Get a warehouse")
def get_warehouse(request: HttpRequest, warehouse_id: int) -> Warehouse:
    """One warehouse."""
    return queries.warehouse(warehouse_id)


@router.patch("/warehouses/{warehouse_id}", response=WarehouseOut, summary="Change a warehouse")
def update_warehouse(request: HttpRequest, warehouse_id: int, data: WarehousePatch) -> Warehouse:
    """Change the given fields."""
    return warehouses.update_warehouse(warehouse_id, **data.dict(exclude_unset=True))


@router.get("/locations", response=Page[LocationOut], summary="List locations")
def list_locations(
    request: HttpRequest,
    params: Query[ListParams],
    warehouse_id: int | None = None,
    kind: str | None = None,
    q: str = "",
) -> dict[str, Any]:
    """Locations inside warehouses and the virtual ones."""
    return paginate(
        queries.locations(warehouse_id=warehouse_id, kind=kind, q=q),
        params,
        sortable=queries.LOCATION_SORTS,
        default_sort=("code",),
    )


@router.post("/locations", response={201: LocationOut}, summary="Add a bin")
def create_location(request: HttpRequest, data: LocationIn) -> Status[Location]:
    """A location under a warehouse, e.g. DC1/STOCK/A-01."""
    return Status(201, warehouses.create_location(**data.dict()))


# --- ledger and balances ---------------------------------------------------------------


@router.get("/stock/moves", response=Page[MoveOut], summary="List stock moves (the ledger)")
def list_moves(
    request: HttpRequest, filters: Query[MoveFilters], params: Query[ListParams]
) -> dict[str, Any]:
    """Append-only moves, newest first."""
    return paginate(
        queries.moves(queries.MoveFilters(**filters.dict())),
        params,
        sortable=queries.MOVE_SORTS,
        default_sort=("-moved_at",),
    )


@router.post("/stock/moves", response={201: list[MoveOut]}, summary="Post a stock move")
def post_move(request: HttpRequest, data: MoveIn) -> Status[list[StockMove]]:
    """Receipt, return, scrap, adjustment, shipment (unreserved) or a production move."""
    variant = _variant(data.variant_id)
    kind = data.kind
    common: dict[str, Any] = {"variant": variant, "quantity": data.quantity}
    moves: list[StockMove]
    if kind == "receipt":
        location = _location(data.location_id, "location_id") if data.location_id else None
        moves = [
            services.receive(
                **common,
                warehouse=_warehouse(data.warehouse_id),
                location=location,
                lot_number=data.lot_number,
                expires_on=data.expires_on,
                reference=data.reference,
                unit_cost=cast(Any, data.unit_cost),  # checked by the service
            )
        ]
    elif kind == "return":
        moves = [
            movements.return_goods(
                **common,
                warehouse=_warehouse(data.warehouse_id),
                lot_number=data.lot_number,
                expires_on=data.expires_on,
                to_quality=data.to_quality,
                reference=data.reference,
            )
        ]
    elif kind == "scrap":
        location = _location(data.location_id, "location_id") if data.location_id else None
        moves = [
            movements.scrap(
                **common,
                warehouse=_warehouse(data.warehouse_id),
                lot_number=data.lot_number,
                location=location,
                reference=data.reference,
            )
        ]
    elif kind == "adjustment":
        if data.location_id:
            location = _location(data.location_id, "location_id")
        else:
            location = services.location_of(_warehouse(data.warehouse_id), "stock")
        moves = [
            movements.adjust(
                **common,
                location=location,
                lot_number=data.lot_number,
                expires_on=data.expires_on,
                reference=data.reference,
            )
        ]
    elif kind == "shipment":
        moves = services.issue(
            **common, warehouse=_warehouse(data.warehouse_id), reference=data.reference
        )
    else:
        moves = [
            movements.post_move(
                kind=kind,
                **common,
                from_location=_location(data.from_location_id, "from_location_id"),
                to_location=_location(data.to_location_id, "to_location_id"),
                lot_number=data.lot_number,
                expires_on=data.expires_on,
                reference=data.reference,
            )
        ]
    ids = [m.pk for m in moves]
    return Status(201, list(queries.moves().filter(pk__in=ids).order_by("pk")))


@router.get("/stock/balances", response=Page[BalanceOut], summary="List stock balances")
def list_balances(
    request: HttpRequest,
    params: Query[ListParams],
    variant_id: int | None = None,
    warehouse_id: int | None = None,
    location_id: int | None = None,
    q: str = "",
) -> dict[str, Any]:
    """Non-zero balance rows per variant, location and lot."""
    return paginate(
        queries.balances(
            variant_id=variant_id, warehouse_id=warehouse_id, location_id=location_id, q=q
        ),
        params,
        sortable=queries.BALANCE_SORTS,
        default_sort=("location__code",),
    )


@router.get(
    "/stock/quantities",
    response=list[QuantitiesOut],
    summary="A variant's quantities per warehouse",
)
def get_quantities(request: HttpRequest, variant: int) -> list[dict[str, Any]]:
    """On hand, reserved, available, incoming, outgoing per active warehouse."""
    return queries.quantities(_variant(variant, "variant").pk)


@router.get("/inventory/atp", response=AtpOut, summary="Available to promise on a date")
def get_atp(
    request: HttpRequest, variant: int, date: date, warehouse: int | None = None
) -> dict[str, Any]:
    """Free sellable stock not expired by the date plus incoming due by then."""
    return queries.atp(_variant(variant, "variant").pk, date, warehouse_id=warehouse)


@router.get("/inventory/settings", response=SettingsOut, summary="Inventory settings")
def get_settings(request: HttpRequest) -> Any:
    """Negative stock, FEFO picking and the costing method."""
    return services.policy()


@router.put("/inventory/settings", response=SettingsOut, summary="Change inventory settings")
def put_settings(request: HttpRequest, data: SettingsIn) -> Any:
    """Allow or refuse negative stock; FEFO picking on or off; average or FIFO costing."""
    return warehouses.update_settings(**data.dict())


# --- transfers and counts ---------------------------------------------------------------


@router.get("/stock/transfers", response=Page[TransferOut], summary="List transfers")
def list_transfers(
    request: HttpRequest,
    params: Query[ListParams],
    state: str | None = None,
    warehouse_id: int | None = None,
    variant_id: int | None = None,
) -> dict[str, Any]:
    """Inter-warehouse transfers, newest first."""
    return paginate(
        queries.transfers(state=state, warehouse_id=warehouse_id, variant_id=variant_id),
        params,
        sortable=queries.TRANSFER_SORTS,
        default_sort=("-shipped_at",),
    )


@router.post("/stock/transfers", response={201: TransferOut}, summary="Ship a transfer")
def create_transfer(request: HttpRequest, data: TransferIn) -> Status[Transfer]:
    """Ship leg: free stock leaves for the destination's in-transit location."""
    transfer = movements.ship_transfer(
        variant=_variant(data.variant_id),
        from_warehouse=_warehouse(data.from_warehouse_id, "from_warehouse_id"),
        to_warehouse=_warehouse(data.to_warehouse_id, "to_warehouse_id"),
        quantity=cast(Any, data.quantity),  # checked by the service
        lot_number=data.lot_number,
        expected_on=data.expected_on,
        reference=data.reference,
    )
    return Status(201, queries.transfers().get(pk=transfer.pk))


@router.post(
    "/stock/transfers/{transfer_id}/receive", response=TransferOut, summary="Receive a transfer"
)
def receive_transfer(request: HttpRequest, transfer_id: int) -> Transfer:
    """Receive leg: in-transit stock goes into the destination's stock."""
    movements.receive_transfer(transfer_id)
    return queries.transfers().get(pk=transfer_id)


@router.get("/stock/counts", response=Page[CountOut], summary="List cycle counts")
def list_counts(
    request: HttpRequest,
    params: Query[ListParams],
    state: str | None = None,
    warehouse_id: int | None = None,
) -> dict[str, Any]:
    """Cycle counts, newest first."""
    return paginate(
        queries.counts(state=state, warehouse_id=warehouse_id).prefetch_related("lines__lot"),
        params,
        sortable=queries.COUNT_SORTS,
        default_sort=("-created_at",),
    )


def _count(count_id: int) -> CycleCount:
    row = queries.counts().filter(pk=count_id).first()
    if row is None:
        raise services.not_found("count")
    return row


@router.post("/stock/counts", response={201: CountOut}, summary="Record a cycle count")
def create_count(request: HttpRequest, data: CountIn) -> Status[CycleCount]:
    """Lines of counted quantities; ``apply`` posts the differences at once."""
    count = movements.create_count(
        warehouse=_warehouse(data.warehouse_id),
        lines=[line.dict() for line in data.lines],
        note=data.note,
    )
    if data.apply:
        movements.apply_count(count.pk)
    return Status(201, _count(count.pk))


@router.get("/stock/counts/{count_id}", response=CountOut, summary="Get a cycle count")
def get_count(request: HttpRequest, count_id: int) -> CycleCount:
    """One count with its lines."""
    return _count(count_id)


@router.post("/stock/counts/{count_id}/apply", response=CountOut, summary="Apply a cycle count")
def apply_count(request: HttpRequest, count_id: int) -> CycleCount:
    """Post adjustment moves for the differences."""
    movements.apply_count(count_id)
    return _count(count_id)


@router.post("/stock/counts/{count_id}/cancel", response=CountOut, summary="Cancel a cycle count")
def cancel_count(request: HttpRequest, count_id: int) -> CycleCount:
    """Drop an open count."""
    movements.cancel_count(count_id)
    return _count(count_id)


# --- replenishment ---------------------------------------------------------------------


@router.get("/reorder-rules", response=Page[RuleOut], summary="List reorder rules")
def list_rules(
    request: HttpRequest,
    params: Query[ListParams],
    warehouse_id: int | None = None,
    variant_id: int | None = None,
    is_active: bool | None = None,
) -> dict[str, Any]:
    """Min/max rules."""
    return paginate(
        queries.reorder_rules(
            warehouse_id=warehouse_id, variant_id=variant_id, is_active=is_active
        ),
        params,
        sortable=queries.RULE_SORTS,
        default_sort=("-created_at",),
    )


@router.post("/reorder-rules", response={201: RuleOut}, summary="Add a reorder rule")
def create_rule(request: HttpRequest, data: RuleIn) -> Status[ReorderRule]:
    """Keep available + incoming at least min; propose up to max."""
    rule = replenishment.create_rule(**data.dict())
    return Status(201, queries.reorder_rules().get(pk=rule.pk))


@router.post("/reorder-rules/run", response=ReplenishOut, summary="Run replenishment now")
def run_replenishment(request: HttpRequest) -> dict[str, Any]:
    """Check every active rule now and create the due proposals."""
    created = replenishment.replenish()
    return {"created": len(created), "supply_request_ids": [r.pk for r in created]}


@router.patch("/reorder-rules/{rule_id}", response=RuleOut, summary="Change a reorder rule")
def update_rule(request: HttpRequest, rule_id: int, data: RulePatch) -> ReorderRule:
    """Change min, max or the active flag."""
    replenishment.update_rule(rule_id, **data.dict(exclude_unset=True))
    return queries.reorder_rules().get(pk=rule_id)


@router.delete("/reorder-rules/{rule_id}", response={204: None}, summary="Delete a reorder rule")
def delete_rule(request: HttpRequest, rule_id: int) -> Status[None]:
    """Remove the rule."""
    replenishment.delete_rule(rule_id)
    return Status(204, None)


@router.get("/supply-requests", response=Page[SupplyOut], summary="List supply requests")
def list_supply(
    request: HttpRequest,
    params: Query[ListParams],
    state: str | None = None,
    reason: str | None = None,
    warehouse_id: int | None = None,
    variant_id: int | None = None,
    origin_type: str | None = None,
    origin_id: int | None = None,
) -> dict[str, Any]:
    """Reorder proposals and MTO requests."""
    return paginate(
        queries.supply_requests(
            state=state,
            reason=reason,
            warehouse_id=warehouse_id,
            variant_id=variant_id,
            origin_type=origin_type,
            origin_id=origin_id,
        ),
        params,
        sortable=queries.SUPPLY_SORTS,
        default_sort=("-created_at",),
    )


@router.post("/supply-requests", response={201: SupplyOut}, summary="Request supply")
def create_supply(request: HttpRequest, data: SupplyIn) -> Status[SupplyRequest]:
    """A supply request; its quantity counts as incoming while open or ordered."""
    values = data.dict()
    row = supply.request_supply(
        variant=_variant(values.pop("variant_id")),
        warehouse=_warehouse(values.pop("warehouse_id")),
        **values,
    )
    return Status(201, queries.supply_requests().get(pk=row.pk))


@router.patch(
    "/supply-requests/{request_id}", response=SupplyOut, summary="Change a supply request"
)
def update_supply(request: HttpRequest, request_id: int, data: SupplyPatch) -> SupplyRequest:
    """Mark ordered / done / cancelled, or change quantity and expected date."""
    supply.change_supply_request(request_id, **data.dict(exclude_unset=True))
    return queries.supply_requests().get(pk=request_id)
