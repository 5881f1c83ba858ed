"""The read side of fulfillment: pick lists, packages and shipments for pages and the API,
and the plain data the services need from inventory, catalog and orders (read only).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from valuechain.platform.web.registry import SearchHit
from valuechain.scm.catalog.models import Variant
from valuechain.scm.fulfillment import domain
from valuechain.scm.fulfillment.models import (
    FulfillmentSettings,
    Package,
    PackageLine,
    PickList,
    PickListLine,
    Shipment,
    TrackingEvent,
)
from valuechain.scm.inventory import queries as inventory_queries
from valuechain.scm.inventory.models import Location, Reservation, Warehouse
from valuechain.scm.orders.models import SalesOrder, SalesOrderLine

SOURCE_TYPE = "orders.salesorderline"
PICK_LIST_SORTS = ("number", "state", "created_at", "updated_at")
PACKAGE_SORTS = ("sscc", "state", "created_at", "packed_at")
SHIPMENT_SORTS = ("number", "shipped_at", "carrier_name", "state", "created_at")
# Where catalog keeps a variant's unit weight in kilograms, first match wins.
WEIGHT_FIELDS = ("weight_kg", "weight")


@dataclass(frozen=True)
class PickListFilters:
    """What the pick list list can be narrowed by; None filters nothing."""

    state: str | None = None
    warehouse_id: int | None = None
    assignee_id: int | None = None


@dataclass(frozen=True)
class PackageFilters:
    """What the package list can be narrowed by."""

    state: str | None = None
    order_id: int | None = None
    shipment_id: int | None = None
    warehouse_id: int | None = None


@dataclass(frozen=True)
class ShipmentFilters:
    """What the shipment list can be narrowed by."""

    state: str | None = None
    order_id: int | None = None
    warehouse_id: int | None = None
    carrier: str | None = None
    q: str | None = None  # shipment number, tracking number or order number


def settings_row() -> FulfillmentSettings | None:
    """The tenant's fulfillment settings, None before they are first saved."""
    return FulfillmentSettings.objects.first()


# --- pick lists -----------------------------------------------------------------------------


def _count(rows: QuerySet[Any], field: str) -> Any:
    counted = (
        rows.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def pick_lists(filters: PickListFilters | None = None) -> QuerySet[PickList]:
    """Pick lists with their warehouse, assignee and line counts (to pick and done)."""
    filters = filters or PickListFilters()
    rows = PickList.objects.select_related("warehouse", "assignee").annotate(
        line_count=_count(PickListLine.objects.all(), "pick_list"),
        order_count=Coalesce(
            Subquery(
                PickListLine.objects.filter(pick_list=OuterRef("pk"))
                .order_by()
                .values("pick_list")
                .annotate(n=Count("order_line__order", distinct=True))
                .values("n"),
                output_field=IntegerField(),
            ),
            Value(0),
        ),
    )
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.warehouse_id is not None:
        rows = rows.filter(warehouse_id=filters.warehouse_id)
    if filters.assignee_id is not None:
        rows = rows.filter(assignee_id=filters.assignee_id)
    return rows.order_by("-created_at", "-pk")


def pick_list(pick_list_id: int) -> PickList:
    """One pick list; DoesNotExist otherwise."""
    return pick_lists().get(pk=pick_list_id)


def pick_list_by_number(number: str) -> PickList | None:
    """The pick list numbered so (case-insensitive), or None."""
    return PickList.objects.filter(number__iexact=number.strip()).first()


def pick_lines(pick_list_id: int) -> QuerySet[PickListLine]:
    """A pick list's lines in walking order, with what a picker needs to see loaded."""
    return (
        PickListLine.objects.filter(pick_list_id=pick_list_id)
        .select_related("variant", "variant__product", "location", "lot", "order_line__order")
        .order_by("sequence", "pk")
    )


def open_pick_lines_for_order(order_id: int, warehouse_id: int) -> list[PickListLine]:
    """Lines of the order in the warehouse with picked quantities not yet packed."""
    return list(
        PickListLine.objects.filter(
            order_line__order_id=order_id,
            pick_list__warehouse_id=warehouse_id,
            pick_list__state__in=("open", "in_progress", "done"),
            quantity_picked__gt=F("quantity_packed"),
        )
        .select_related("variant", "variant__product", "lot", "location", "order_line__order")
        .order_by("pick_list_id", "sequence", "pk")
    )


def held_by_order_line(order_line_ids: Iterable[int]) -> dict[int, Decimal]:
    """Per order line, what its pick lists (not cancelled) still hold of its reservation."""
    held: dict[int, Decimal] = defaultdict(lambda: domain.ZERO)
    rows = PickListLine.objects.filter(
        order_line_id__in=sorted(set(order_line_ids)),
        pick_list__state__in=("open", "in_progress", "done"),
    ).values_list(
        "order_line_id",
        "pick_list__state",
        "quantity",
        "quantity_picked",
        "quantity_packed",
        "quantity_shipped",
    )
    for line_id, state, qty, picked, packed, shipped in rows:
        progress = domain.LineProgress(qty, picked, packed, shipped)
        held[line_id] += domain.held_by_line(progress, state)
    return dict(held)


def reserved_for_picking(warehouse_id: int) -> list[domain.Reserved]:
    """The warehouse's open order-line reservations, with where they sit, as plain data."""
    rows = []
    for reservation in inventory_queries.active_reservations(
        warehouse_id=warehouse_id, source_type=SOURCE_TYPE
    ):
        open_quantity = reservation.open_quantity
        if open_quantity <= 0:
            continue
        balance = reservation.balance
        rows.append(
            domain.Reserved(
                reservation_id=reservation.pk,
                order_line_id=int(reservation.source_id),
                variant_id=reservation.variant_id,
                location_id=balance.location_id,
                lot_id=balance.lot_id,
                quantity=open_quantity,
                stop=domain.Stop(
                    balance.location.pick_order,
                    balance.location.code,
                    reservation.variant.sku,
                    balance.lot.number if balance.lot is not None else "",
                    int(reservation.source_id),
                ),
            )
        )
    return rows


def order_of_lines(order_line_ids: Iterable[int]) -> dict[int, int]:
    """Order id per order line id."""
    return dict(
        SalesOrderLine.objects.filter(pk__in=sorted(set(order_line_ids))).values_list(
            "pk", "order_id"
        )
    )


def reserved_by_order_line(order_line_ids: Iterable[int]) -> dict[int, Decimal]:
    """Reserved, not yet shipped quantity per order line id (every warehouse)."""
    rows = (
        Reservation.objects.filter(
            source_type=SOURCE_TYPE, source_id__in=sorted(set(order_line_ids)), state="active"
        )
        .values("source_id")
        .annotate(total=Sum(F("quantity") - F("shipped")))
    )
    return {int(row["source_id"]): row["total"] for row in rows}


def warehouse(warehouse_id: int) -> Warehouse | None:
    """The tenant's warehouse, or None."""
    return Warehouse.objects.filter(pk=warehouse_id).first()


def location_by_code(code: str) -> Location | None:
    """The location of that code (case-insensitive), or None."""
    return Location.objects.filter(code__iexact=code.strip()).first()


def sales_order(order_id: int) -> SalesOrder | None:
    """The tenant's sales order, or None."""
    return SalesOrder.objects.filter(pk=order_id).first()


def sales_order_by_number(number: str) -> SalesOrder | None:
    """The sales order numbered so (case-insensitive), or None."""
    return SalesOrder.objects.filter(number__iexact=number.strip()).first()


def lock_sales_order(order_id: int) -> SalesOrder | None:
    """The order row locked for the transaction: shipping locks it before any balance row,
    the order in which the orders context locks them too (order, then stock)."""
    return SalesOrder.objects.select_for_update().filter(pk=order_id).first()


def unit_weights(variant_ids: Iterable[int]) -> dict[int, Decimal | None]:
    """Unit weight in kilograms per variant (None when catalog has none for it)."""
    ids = sorted(set(variant_ids))
    names = {f.name for f in Variant._meta.concrete_fields}
    field = next((name for name in WEIGHT_FIELDS if name in names), None)
    if field is None:
        return dict.fromkeys(ids)
    return dict(Variant.objects.filter(pk__in=ids).values_list("pk", field))


# --- packages -------------------------------------------------------------------------------


def packages(filters: PackageFilters | None = None) -> QuerySet[Package]:
    """Packages with their order, warehouse and shipment loaded and a content count."""
    filters = filters or PackageFilters()
    rows = Package.objects.select_related("order", "warehouse", "shipment").annotate(
        line_count=_count(PackageLine.objects.all(), "package"),
        item_count=Coalesce(
            Subquery(
                PackageLine.objects.filter(package=OuterRef("pk"))
                .order_by()
                .values("package")
                .annotate(n=Sum("quantity"))
                .values("n")
            ),
            Value(Decimal("0")),
        ),
    )
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.order_id is not None:
        rows = rows.filter(order_id=filters.order_id)
    if filters.shipment_id is not None:
        rows = rows.filter(shipment_id=filters.shipment_id)
    if filters.warehouse_id is not None:
        rows = rows.filter(warehouse_id=filters.warehouse_id)
    return rows.order_by("-created_at", "-pk")


def package(package_id: int) -> Package:
    """One package; DoesNotExist otherwise."""
    return packages().get(pk=package_id)


def package_by_sscc(sscc: str) -> Package | None:
    """The package of that SSCC, or None."""
    return Package.objects.filter(sscc=sscc.strip()).first()


def package_lines(package_ids: Iterable[int]) -> QuerySet[PackageLine]:
    """Contents of packages with the variant, lot and order line loaded."""
    return (
        PackageLine.objects.filter(package_id__in=sorted(set(package_ids)))
        .select_related("variant", "variant__product", "lot", "order_line")
        .order_by("package_id", "pk")
    )


def contents_by_package(package_ids: Iterable[int]) -> dict[int, list[PackageLine]]:
    """Package id → its content lines (one query for a page of packages)."""
    grouped: dict[int, list[PackageLine]] = defaultdict(list)
    for line in package_lines(package_ids):
        grouped[line.package_id].append(line)
    return dict(grouped)


# --- shipments ------------------------------------------------------------------------------


def shipments(filters: ShipmentFilters | None = None) -> QuerySet[Shipment]:
    """Shipments with their order (and customer) and warehouse, and a package count."""
    filters = filters or ShipmentFilters()
    rows = Shipment.objects.select_related(
        "order", "order__account", "order__person", "warehouse"
    ).annotate(package_count=_count(Package.objects.all(), "shipment"))
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.order_id is not None:
        rows = rows.filter(order_id=filters.order_id)
    if filters.warehouse_id is not None:
        rows = rows.filter(warehouse_id=filters.warehouse_id)
    if filters.carrier:
        rows = rows.filter(carrier_name__icontains=filters.carrier.strip())
    if filters.q:
        text = filters.q.strip()
        rows = rows.filter(
            Q(number__icontains=text)
            | Q(tracking_number__icontains=text)
            | Q(order__number__icontains=text)
        )
    return rows.order_by("-shipped_at", "-pk")


def shipment(shipment_id: int) -> Shipment:
    """One shipment; DoesNotExist otherwise."""
    return shipments().get(pk=shipment_id)


TRACKING_EVENT_SORTS = ("occurred_at", "status", "id")


def tracking_events(shipment_id: int) -> QuerySet[TrackingEvent]:
    """The carrier's events of one shipment."""
    return TrackingEvent.objects.filter(shipment_id=shipment_id)


def packable_orders(warehouse_id: int | None = None) -> list[dict[str, Any]]:
    """Orders with picked quantities not yet packed: order id, number, warehouse, quantity."""
    rows = PickListLine.objects.filter(
        pick_list__state__in=("open", "in_progress", "done"),
        quantity_picked__gt=F("quantity_packed"),
    )
    if warehouse_id is not None:
        rows = rows.filter(pick_list__warehouse_id=warehouse_id)
    return list(
        rows.values(
            "order_line__order_id",
            "order_line__order__number",
            "pick_list__warehouse_id",
            "pick_list__warehouse__code",
        )
        .annotate(to_pack=Sum(F("quantity_picked") - F("quantity_packed")))
        .order_by("order_line__order__number", "pick_list__warehouse_id")
    )


def search_fulfillment(query: str, limit: int) -> list[SearchHit]:
    """Global-search provider: shipments by number or tracking number, packages by SSCC,
    pick lists by number."""
    text = query.strip()
    if len(text) < 2:
        return []
    hits = [
        SearchHit(
            "shipment",
            row.number,
            f"{row.carrier_name} {row.tracking_number}".strip(),
            reverse("fulfillment-shipment", args=[row.pk]),
        )
        for row in Shipment.objects.filter(
            Q(number__icontains=text) | Q(tracking_number__icontains=text)
        ).order_by("-shipped_at", "-pk")[:limit]
    ]
    if text.isdigit():
        hits += [
            SearchHit("package", row.sscc, row.state, reverse("fulfillment-package", args=[row.pk]))
            for row in Package.objects.filter(sscc__contains=text).order_by("-pk")[:limit]
        ]
    hits += [
        SearchHit(
            "pick list", row.number, row.state, reverse("fulfillment-pick-list", args=[row.pk])
        )
        for row in PickList.objects.filter(number__icontains=text).order_by("-pk")[:limit]
    ]
    return hits[:limit]
