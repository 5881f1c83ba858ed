"""Use cases of work orders: plan, release (reserve components), start and stop the clock,
record good and scrapped output (consume components, produce goods), complete, cancel, and
turn a supply request into a work order.

One transaction each. Lock order: the work order row first, then whatever inventory locks
(balance rows in primary-key order, then reservations, then a supply request). Inventory
never locks a work order, so no two paths wait on each other in opposite orders.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.numbering import next_number
from valuechain.platform.tenancy.context import current
from valuechain.scm.inventory import production, reservations, supply
from valuechain.scm.inventory import services as inventory
from valuechain.scm.inventory.models import SupplyRequest, Warehouse
from valuechain.scm.manufacturing import domain
from valuechain.scm.manufacturing.models import (
    Bom,
    ProductionRecord,
    TimeEntry,
    WorkCentre,
    WorkOrder,
    WorkOrderComponent,
)
from valuechain.scm.manufacturing.queries import base_quantity, bills_below, bom_valid_on
from valuechain.scm.manufacturing.services import (
    clean_number,
    not_found,
    variant_of,
)
from valuechain.scm.quality import services as quality

COMPONENT_SOURCE = "manufacturing.workordercomponent"
ORDER_SOURCE = "manufacturing.workorder"
RECORD_SOURCE = "manufacturing.productionrecord"
LIVE_STATES = ("planned", "released", "in_progress")


def _locked(work_order_id: int) -> WorkOrder:
    order = (
        WorkOrder.objects.select_for_update(of=("self",))
        .select_related("variant", "bom", "warehouse", "work_centre")
        .filter(pk=work_order_id)
        .first()
    )
    if order is None:
        raise not_found("work order")
    return order


def _refuse_state(order: WorkOrder, action: str) -> DomainError:
    return DomainError(
        "invalid_transition",
        f"{order.number} is {order.state.replace('_', ' ')}; it cannot be {action}.",
        field="state",
        status=409,
    )


def _event(name: str, order: WorkOrder, **extra: Any) -> None:
    publish(
        name,
        {
            "work_order_id": order.pk,
            "number": order.number,
            "variant_id": order.variant_id,
            "state": order.state,
            **extra,
        },
    )


def active_bom(variant_id: int, day: date) -> Bom | None:
    """The variant's bill valid on the day (the latest start wins), or None."""
    return (
        Bom.objects.filter(bom_valid_on(day), variant_id=variant_id)
        .order_by("-valid_from", "-version")
        .first()
    )


@transaction.atomic
def create_work_order(
    *,
    variant_id: int,
    quantity: Any,
    warehouse_id: int,
    work_centre_id: int,
    bom_id: int | None = None,
    planned_start: date | None = None,
    supply_request_id: int | None = None,
) -> WorkOrder:
    """Plan a work order; without a bill given, the one valid on the planned start is used.

    Refused: ``no_active_bom`` when the variant has none, ``bom_mismatch`` when the bill
    given is another variant's, ``work_centre_inactive``.
    """
    variant = variant_of(variant_id)
    amount = clean_number(quantity, "quantity", positive=True)
    warehouse = Warehouse.objects.filter(pk=warehouse_id, is_active=True).first()
    if warehouse is None:
        raise not_found("warehouse", "warehouse_id")
    centre = WorkCentre.objects.filter(pk=work_centre_id).first()
    if centre is None:
        raise not_found("work centre", "work_centre_id")
    if not centre.is_active:
        raise DomainError(
            "work_centre_inactive", f"{centre.code} is inactive.", field="work_centre_id"
        )
    day = planned_start or date.today()
    if bom_id is None:
        bom = active_bom(variant.pk, day)
        if bom is None:
            raise DomainError(
                "no_active_bom",
                f"{variant.sku} has no bill of materials valid on {day}.",
                field="bom_id",
            )
    else:
        bom = Bom.objects.filter(pk=bom_id).first()
        if bom is None:
            raise not_found("bom", "bom_id")
        if bom.variant_id != variant.pk:
            raise DomainError(
                "bom_mismatch", f"That bill does not make {variant.sku}.", field="bom_id"
            )
    order = WorkOrder.objects.create(
        number=next_number("wo", prefix="WO-"),
        variant=variant,
        quantity=amount,
        bom=bom,
        work_centre=centre,
        warehouse=warehouse,
        planned_start=planned_start,
        supply_request_id=supply_request_id,
    )
    _event("WorkOrderPlanned", order, quantity=str(amount))
    return order


def requirements(order: WorkOrder) -> dict[int, Decimal]:
    """What the order consumes per component variant: its bill's lines scaled to the
    quantity (scrap factors added); kit sub-bills are exploded into their own components
    (phantoms), manufactured sub-assemblies are taken from stock as they are."""
    bills = bills_below([order.variant_id], order.bom.valid_from)
    lines = tuple(
        domain.Component(line.variant_id, base_quantity(line), line.scrap_percent)
        for line in order.bom.lines.select_related("unit", "variant__product__base_uom")
        if not line.is_byproduct
    )
    # The order's own version, even when another one is valid today.
    bills[order.variant_id] = domain.Bill(order.bom.output_quantity, lines, order.bom.kind)
    try:
        result = domain.explode(
            order.variant_id,
            order.quantity,
            bills,
            expand=lambda variant_id, bill: variant_id == order.variant_id or bill.kind == "kit",
        )
    except domain.BomCycle as cycle:
        raise DomainError(
            "bom_cycle", "The bill contains itself.", details={"path": cycle.path}
        ) from cycle
    return result.leaves


@transaction.atomic
def release_work_order(work_order_id: int) -> WorkOrder:
    """Reserve every component at the order's warehouse; all or nothing.

    A shortage is inventory's ``insufficient_stock`` (409, with the quantities) and
    nothing is reserved.
    """
    order = _locked(work_order_id)
    if order.state != "planned":
        raise _refuse_state(order, "released")
    components = []
    for variant_id, amount in sorted(requirements(order).items()):
        components.append(
            WorkOrderComponent.objects.create(
                work_order=order, variant_id=variant_id, required_quantity=amount
            )
        )
    reservations.reserve(
        [
            reservations.Demand(COMPONENT_SOURCE, c.pk, c.variant_id, c.required_quantity)
            for c in components
            if c.required_quantity > 0
        ],
        reference=order.number,
        warehouse_ids=[order.warehouse_id],
    )
    order.state = "released"
    order.released_at = timezone.now()
    order.save(update_fields=["state", "released_at", "updated_at"])
    _event("WorkOrderReleased", order, components=len(components))
    return order


def _running(order: WorkOrder) -> TimeEntry | None:
    return (
        TimeEntry.objects.select_for_update()
        .filter(work_order=order, stopped_at__isnull=True)
        .first()
    )


@transaction.atomic
def start_work_order(work_order_id: int) -> TimeEntry:
    """Start the clock on a released or running order (it becomes in progress)."""
    order = _locked(work_order_id)
    if order.state not in ("released", "in_progress"):
        raise _refuse_state(order, "started")
    if _running(order) is not None:
        raise DomainError(
            "already_running", f"{order.number} is running already.", field="state", status=409
        )
    entry = TimeEntry.objects.create(
        work_order=order,
        work_centre=order.work_centre,
        started_at=timezone.now(),
        actor_id=current().actor_id,
    )
    if order.state == "released":
        order.state = "in_progress"
        order.save(update_fields=["state", "updated_at"])
    _event("WorkOrderStarted", order, time_entry_id=entry.pk)
    return entry


@transaction.atomic
def stop_work_order(work_order_id: int) -> TimeEntry:
    """Stop the clock of a running order."""
    order = _locked(work_order_id)
    entry = _running(order)
    if entry is None:
        raise DomainError(
            "not_running", f"{order.number} is not running.", field="state", status=409
        )
    entry.stopped_at = timezone.now()
    entry.save(update_fields=["stopped_at", "updated_at"])
    _event("WorkOrderStopped", order, time_entry_id=entry.pk)
    return entry


@transaction.atomic
def record_production(work_order_id: int, *, good: Any, scrap: Any = 0) -> ProductionRecord:
    """Report good and scrapped units of an order in progress.

    Components are consumed in proportion to the units made (good + scrap), good units go
    into the warehouse's stock (into QUALITY, with an inspection opened, when the variant
    has an active production inspection plan), by-products follow the units made.
    Refused: ``not_started``, ``nothing_produced`` (0 and 0), ``over_production`` (more
    than the quantity left).
    """
    order = _locked(work_order_id)
    if order.state != "in_progress":
        if order.state == "released":
            raise DomainError(
                "not_started", f"Start {order.number} first.", field="state", status=409
            )
        raise _refuse_state(order, "reported")
    good_amount = clean_number(good, "good_quantity", positive=False)
    scrap_amount = clean_number(scrap or 0, "scrap_quantity", positive=False)
    made = good_amount + scrap_amount
    if made == 0:
        raise DomainError(
            "nothing_produced", "Enter the good or the scrapped quantity.", field="good_quantity"
        )
    if made > order.remaining:
        raise DomainError(
            "over_production",
            f"Only {inventory.number(order.remaining)} left to make on {order.number}.",
            field="good_quantity",
            status=409,
            details={"remaining": inventory.number(order.remaining)},
        )
    before = order.produced
    after = before + made
    consumed_value = Decimal(0)
    for component in order.components.select_for_update().order_by("pk"):
        due = domain.consumption_due(
            component.required_quantity, order.quantity, after, component.consumed_quantity
        )
        if due > 0:
            moves = production.consume_reserved(
                COMPONENT_SOURCE, component.pk, due, reference=order.number
            )
            consumed_value += sum((move.value for move in moves), Decimal(0))
            component.consumed_quantity += due
            component.save(update_fields=["consumed_quantity", "updated_at"])
    # Output of a variant with a production inspection plan waits in QUALITY, not sellable.
    inspect = good_amount > 0 and quality.plan_for(order.variant_id, "production") is not None
    if good_amount > 0:
        # The good units carry what this report consumed (scrapped units' material included),
        # so the components' value moves into the finished goods (docs/valuation.md).
        production.produce(
            variant=order.variant,
            warehouse=order.warehouse,
            quantity=good_amount,
            reference=order.number,
            source_type=ORDER_SOURCE,
            source_id=order.pk,
            unit_cost=consumed_value / good_amount,
            location=inventory.location_of(order.warehouse, "quality") if inspect else None,
        )
    for line in order.bom.lines.filter(is_byproduct=True).select_related("variant"):
        per_unit = line.quantity / order.bom.output_quantity
        due = domain.q(per_unit * after) - domain.q(per_unit * before)
        if due > 0:
            production.produce(
                variant=line.variant,
                warehouse=order.warehouse,
                quantity=due,
                reference=order.number,
                source_type=ORDER_SOURCE,
                source_id=order.pk,
            )
    order.good_quantity += good_amount
    order.scrap_quantity += scrap_amount
    order.save(update_fields=["good_quantity", "scrap_quantity", "updated_at"])
    record = ProductionRecord.objects.create(
        work_order=order,
        work_centre=order.work_centre,
        good_quantity=good_amount,
        scrap_quantity=scrap_amount,
        recorded_at=timezone.now(),
    )
    if inspect:
        quality.open_inspection(
            stage="production",
            source_type=RECORD_SOURCE,
            source_id=record.pk,
            variant_id=order.variant_id,
            warehouse_id=order.warehouse_id,
            quantity=good_amount,
            work_centre_id=order.work_centre_id,
            reference=order.number,
        )
    _event("ProductionRecorded", order, good=str(good_amount), scrap=str(scrap_amount))
    return record


@transaction.atomic
def complete_work_order(work_order_id: int) -> WorkOrder:
    """Close an order that made something: the clock stops, unused reservations are
    released, a linked supply request is done."""
    order = _locked(work_order_id)
    if order.state not in ("released", "in_progress"):
        raise _refuse_state(order, "completed")
    if order.produced == 0:
        raise DomainError(
            "nothing_produced",
            f"Record what {order.number} made first, or cancel it.",
            field="good_quantity",
            status=409,
        )
    entry = _running(order)
    if entry is not None:
        entry.stopped_at = timezone.now()
        entry.save(update_fields=["stopped_at", "updated_at"])
    ids = list(order.components.values_list("pk", flat=True))
    released = reservations.release(COMPONENT_SOURCE, ids) if ids else domain.ZERO
    if order.supply_request_id is not None:
        request = SupplyRequest.objects.filter(pk=order.supply_request_id).first()
        if request is not None and request.state in ("open", "ordered"):
            supply.change_supply_request(request.pk, state="done")
    order.state = "done"
    order.done_at = timezone.now()
    order.save(update_fields=["state", "done_at", "updated_at"])
    _event(
        "WorkOrderCompleted",
        order,
        good=str(order.good_quantity),
        scrap=str(order.scrap_quantity),
        released=str(released),
    )
    return order


@transaction.atomic
def cancel_work_order(work_order_id: int) -> WorkOrder:
    """Cancel an order that has not started; its reservations are released. A linked supply
    request stays ordered and can be turned into a new work order."""
    order = _locked(work_order_id)
    if order.state not in ("planned", "released"):
        raise _refuse_state(order, "cancelled")
    ids = list(order.components.values_list("pk", flat=True))
    if ids:
        reservations.release(COMPONENT_SOURCE, ids)
    order.state = "cancelled"
    order.save(update_fields=["state", "updated_at"])
    _event("WorkOrderCancelled", order)
    return order


@transaction.atomic
def work_order_from_supply_request(request_id: int, *, work_centre_id: int) -> WorkOrder:
    """Make the variant a supply request asks for: a planned work order at the request's
    warehouse, linked to it; an open request becomes ordered.

    Refused: ``invalid_transition`` for a done or cancelled request, ``already_ordered``
    when a live work order exists for it, ``no_active_bom`` when the item is not made here.
    """
    request = SupplyRequest.objects.filter(pk=request_id).first()
    if request is None:
        raise not_found("supply request")
    if request.state not in ("open", "ordered"):
        raise DomainError(
            "invalid_transition",
            f"The request is {request.state} already.",
            field="state",
            status=409,
        )
    live = WorkOrder.objects.filter(supply_request=request, state__in=LIVE_STATES).first()
    if live is not None:
        raise DomainError(
            "already_ordered",
            f"{live.number} already makes this request.",
            status=409,
            details={"work_order_id": live.pk},
        )
    order = create_work_order(
        variant_id=request.variant_id,
        quantity=request.quantity,
        warehouse_id=request.warehouse_id,
        work_centre_id=work_centre_id,
        planned_start=request.expected_on,
        supply_request_id=request.pk,
    )
    if request.state == "open":
        supply.change_supply_request(request.pk, state="ordered")
    return order
