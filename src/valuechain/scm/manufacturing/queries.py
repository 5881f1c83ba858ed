"""Read side of manufacturing: lists and records for pages and the API (no N+1), the
productivity of a work centre over a period, and the supply requests a work order can make."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from valuechain.platform.errors import DomainError
from valuechain.platform.periods import Period
from valuechain.scm.catalog.models import Variant
from valuechain.scm.inventory.models import SupplyRequest
from valuechain.scm.manufacturing import domain
from valuechain.scm.manufacturing.models import (
    Bom,
    BomLine,
    ProductionRecord,
    TimeEntry,
    WorkCentre,
    WorkOrder,
    WorkOrderComponent,
)

WORK_CENTRE_SORTS = ("code", "name", "capacity_per_hour")
BOM_SORTS = ("sku", "version", "valid_from")
WORK_ORDER_SORTS = ("number", "state", "planned_start", "created_at")


def _missing(label: str) -> DomainError:
    code = label.replace(" ", "_")
    return DomainError(f"{code}_not_found", f"No such {label}.", status=404)


# --- bills of materials -------------------------------------------------------------------


def bom_valid_on(day: date) -> Q:
    """Active bills whose validity covers the day."""
    return Q(is_active=True, valid_from__lte=day) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def base_quantity(line: BomLine) -> Decimal:
    """The line's quantity in the component's base unit (3 dozen → 36)."""
    if line.unit is None:
        return line.quantity
    base = line.variant.product.base_uom
    base_factor = base.factor if base is not None else Decimal(1)
    return domain.q(line.quantity * line.unit.factor / base_factor)


def bills_below(variant_ids: Iterable[int], day: date) -> dict[int, domain.Bill]:
    """The bills valid on ``day`` of these variants and, level by level, of their components."""
    bills: dict[int, domain.Bill] = {}
    wanted = set(variant_ids)
    while wanted:
        rows = (
            Bom.objects.filter(bom_valid_on(day), variant_id__in=sorted(wanted))
            .prefetch_related("lines__unit", "lines__variant__product__base_uom")
            .order_by("variant_id", "-valid_from", "-version")
        )
        found: dict[int, Bom] = {}
        for row in rows:
            found.setdefault(row.variant_id, row)
        wanted = set()
        for variant_id, bom in found.items():
            components = tuple(
                domain.Component(line.variant_id, base_quantity(line), line.scrap_percent)
                for line in bom.lines.all()
                if not line.is_byproduct
            )
            bills[variant_id] = domain.Bill(bom.output_quantity, components, bom.kind)
            wanted |= {c.variant_id for c in components if c.variant_id not in bills}
    return bills


def work_centres(*, q: str = "", is_active: bool | None = None) -> QuerySet[WorkCentre]:
    """Work centres; ``q`` searches code and name."""
    rows = WorkCentre.objects.all()
    if q:
        rows = rows.filter(Q(code__icontains=q) | Q(name__icontains=q))
    if is_active is not None:
        rows = rows.filter(is_active=is_active)
    return rows


def work_centre(work_centre_id: int) -> WorkCentre:
    """One work centre, 404 when missing."""
    row = WorkCentre.objects.filter(pk=work_centre_id).first()
    if row is None:
        raise _missing("work centre")
    return row


def _bom_rows() -> QuerySet[Bom]:
    lines = BomLine.objects.select_related("variant__product__base_uom", "unit").order_by(
        "sequence", "pk"
    )
    return (
        Bom.objects.select_related("variant__product")
        .prefetch_related(Prefetch("lines", queryset=lines))
        .annotate(sku=F("variant__sku"))  # sortable as ?sort=sku
    )


def boms(
    *, variant_id: int | None = None, q: str = "", valid_on: date | None = None
) -> QuerySet[Bom]:
    """Bills of materials with their lines; ``q`` searches the output's SKU and name."""
    rows = _bom_rows()
    if variant_id is not None:
        rows = rows.filter(variant_id=variant_id)
    if q:
        rows = rows.filter(Q(variant__sku__icontains=q) | Q(variant__product__name__icontains=q))
    if valid_on is not None:
        rows = rows.filter(bom_valid_on(valid_on))
    return rows


def bom(bom_id: int) -> Bom:
    """One bill with its lines, 404 when missing."""
    row = _bom_rows().filter(pk=bom_id).first()
    if row is None:
        raise _missing("bom")
    return row


def explosion(bom_row: Bom, quantity: Decimal) -> list[tuple[int, Any, Decimal]]:
    """Every level of a bill for a quantity: (level, variant, quantity), for the bill page."""
    bills = bills_below([bom_row.variant_id], bom_row.valid_from)
    bills[bom_row.variant_id] = domain.Bill(
        bom_row.output_quantity,
        tuple(
            domain.Component(line.variant_id, base_quantity(line), line.scrap_percent)
            for line in bom_row.lines.all()
            if not line.is_byproduct
        ),
        bom_row.kind,
    )
    result = domain.explode(bom_row.variant_id, quantity, bills)
    variants = Variant.objects.in_bulk({v for _, v, _ in result.lines})
    return [(level, variants[v], amount) for level, v, amount in result.lines]


def _order_rows() -> QuerySet[WorkOrder]:
    components = WorkOrderComponent.objects.select_related("variant").order_by("pk")
    return WorkOrder.objects.select_related(
        "variant", "bom", "work_centre", "warehouse"
    ).prefetch_related(Prefetch("components", queryset=components))


def work_orders(
    *,
    q: str = "",
    state: str = "",
    work_centre_id: int | None = None,
    variant_id: int | None = None,
) -> QuerySet[WorkOrder]:
    """Work orders; ``q`` searches number and SKU."""
    rows = _order_rows()
    if q:
        rows = rows.filter(Q(number__icontains=q) | Q(variant__sku__icontains=q))
    if state:
        rows = rows.filter(state=state)
    if work_centre_id is not None:
        rows = rows.filter(work_centre_id=work_centre_id)
    if variant_id is not None:
        rows = rows.filter(variant_id=variant_id)
    return rows


def work_order(work_order_id: int) -> WorkOrder:
    """One work order with its components, 404 when missing."""
    row = _order_rows().filter(pk=work_order_id).first()
    if row is None:
        raise _missing("work order")
    return row


def running_entry(order: WorkOrder) -> TimeEntry | None:
    """The order's open time entry, if the clock runs."""
    return TimeEntry.objects.filter(work_order=order, stopped_at__isnull=True).first()


def time_entries(order: WorkOrder) -> QuerySet[TimeEntry]:
    """The order's runs, oldest first."""
    return TimeEntry.objects.filter(work_order=order).order_by("started_at", "pk")


def production_records(order: WorkOrder) -> QuerySet[ProductionRecord]:
    """What the order reported, oldest first."""
    return ProductionRecord.objects.filter(work_order=order).order_by("recorded_at", "pk")


def search_work_orders(query: str, limit: int) -> list[Any]:
    """Global-search provider: work orders by number or SKU."""
    from django.urls import reverse

    from valuechain.platform.web.registry import SearchHit

    return [
        SearchHit(
            kind="work order",
            title=f"{row.number} {row.variant.sku}",
            detail=f"{row.state.replace('_', ' ')} · {row.quantity.normalize():f}",
            url=reverse("manufacturing-work-order", args=[row.pk]),
        )
        for row in work_orders(q=query).order_by("-pk")[:limit]
    ]


def buildable_supply_requests() -> list[SupplyRequest]:
    """Open supply requests (and ordered ones whose work orders were all cancelled) of
    variants with a bill valid today: those a work order can make."""
    today = date.today()
    made = Bom.objects.filter(bom_valid_on(today)).values("variant_id")
    live = WorkOrder.objects.filter(
        supply_request__isnull=False, state__in=("planned", "released", "in_progress", "done")
    ).values("supply_request_id")
    return list(
        SupplyRequest.objects.filter(variant_id__in=made, state__in=("open", "ordered"))
        .exclude(pk__in=live)
        .select_related("variant", "warehouse")
        .order_by("expected_on", "pk")
    )


# --- productivity ---------------------------------------------------------------------------


def productivity(centre: WorkCentre, window: Period) -> domain.Productivity:
    """The centre's output per day, units per labour hour, yield and OEE over the period.

    Planned time is the centre's hours per day on every working day (Monday to Friday) of
    the period; runs are clipped to the period, and a running entry counts until now.
    """
    now = timezone.now()
    records = ProductionRecord.objects.filter(
        work_centre=centre, recorded_at__gte=window.since, recorded_at__lt=window.until
    )
    outputs = [
        domain.Output(timezone.localtime(r.recorded_at), r.good_quantity, r.scrap_quantity)
        for r in records
    ]
    entries = TimeEntry.objects.filter(work_centre=centre, started_at__lt=window.until).filter(
        Q(stopped_at__isnull=True) | Q(stopped_at__gt=window.since)
    )
    intervals = [
        domain.Interval(max(e.started_at, window.since), min(e.stopped_at or now, window.until))
        for e in entries
    ]
    planned = centre.hours_per_day * domain.working_days(window.start, window.end)
    return domain.productivity(
        outputs=outputs,
        intervals=intervals,
        planned_hours=planned,
        capacity_per_hour=centre.capacity_per_hour,
    )
