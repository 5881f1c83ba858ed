"""Use cases of shipping: a set of packed packages of one order leaves as a shipment (stock
out through inventory, the order's state through orders), tracking and delivery.

Same rules as ``services.py``: one transaction; packages, then pick list lines, then the
sales order are locked before inventory locks balance rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.inputs import clean_text
from valuechain.platform.numbering import next_number
from valuechain.platform.tenancy.context import current
from valuechain.scm.fulfillment import domain, queries, tracking
from valuechain.scm.fulfillment.models import (
    Package,
    PackageLine,
    PickListLine,
    Shipment,
)
from valuechain.scm.fulfillment.services import (
    SHIPPABLE_ORDER_STATES,
    SOURCE_TYPE,
    locked,
    locked_all,
    not_found,
    rule,
)
from valuechain.scm.inventory import reservations
from valuechain.scm.orders import services as orders_services


def _carrier(value: Any) -> str:
    text = clean_text(value, "carrier_name", 100)
    if not text:
        raise DomainError("carrier_required", "Enter the carrier's name.", field="carrier_name")
    return text


def _shipment_payload(shipment: Shipment, **extra: Any) -> dict[str, Any]:
    return {
        "shipment_id": shipment.pk,
        "number": shipment.number,
        "order_id": shipment.order_id,
        "carrier_name": shipment.carrier_name,
        "tracking_number": shipment.tracking_number,
        "state": shipment.state,
        **extra,
    }


@transaction.atomic
def ship_packages(
    package_ids: Sequence[int],
    *,
    carrier_name: str,
    tracking_number: str = "",
    shipped_at: datetime | None = None,
) -> Shipment:
    """Ship packed packages of one order: stock out per line, then the order's state.

    Calls ``inventory.reservations.ship`` for every order line in the packages and then
    ``orders.services.register_shipment`` (partially shipped / shipped, the customer's
    timeline) in this one transaction. Refuses ``package_not_packed``, ``mixed_orders``,
    ``mixed_warehouses``, ``order_not_shippable`` and ``exceeds_reserved`` (409).
    """
    if not package_ids:
        raise DomainError("no_packages", "Choose the packages to ship.", field="package_ids")
    carrier = _carrier(carrier_name)
    tracking = clean_text(tracking_number, "tracking_number", 100)
    packages = locked_all(Package, [int(pk) for pk in package_ids], "package", "package_ids")
    for package in packages:
        if package.state != "packed":
            raise DomainError(
                "package_not_packed",
                f"Package {package.sscc} is {package.state}; only packed packages ship.",
                field="package_ids",
                status=409,
                details={"package_id": package.pk, "state": package.state},
            )
    if len({package.order_id for package in packages}) > 1:
        raise DomainError(
            "mixed_orders", "A shipment carries packages of one order.", field="package_ids"
        )
    if len({package.warehouse_id for package in packages}) > 1:
        raise DomainError(
            "mixed_warehouses",
            "A shipment leaves from one warehouse.",
            field="package_ids",
        )
    contents = list(PackageLine.objects.filter(package__in=packages).order_by("pk"))
    pick_lines = locked_all(
        PickListLine, [row.pick_line_id for row in contents], "pick list line", "package_ids"
    )
    order = queries.lock_sales_order(packages[0].order_id)
    if order is None:
        raise not_found("sales order")
    if order.state not in SHIPPABLE_ORDER_STATES:
        raise DomainError(
            "order_not_shippable",
            f"{order.number} is {order.get_state_display()}; only confirmed orders ship.",
            status=409,
            details={"state": order.state},
        )
    wanted = domain.shipment_quantities((row.order_line_id, row.quantity) for row in contents)
    reserved = queries.reserved_by_order_line(wanted)
    rule(
        domain.check_shippable,
        wanted,
        reserved,
        {line_id: f"{order.number} line {line_id}" for line_id in wanted},
    )
    number = next_number("ship", prefix="SHIP-")
    picked: dict[int, list[int]] = {}  # order line -> the reservations its stock was picked from
    for line in pick_lines:
        if line.reservation_id is not None:
            picked.setdefault(line.order_line_id, []).append(line.reservation_id)
    for line_id, qty in wanted.items():
        reservations.ship(
            SOURCE_TYPE, line_id, qty, reference=number, prefer=picked.get(line_id, [])
        )
    orders_services.register_shipment(order.pk, wanted, reference=number)
    shipment = Shipment.objects.create(
        number=number,
        order=order,
        warehouse_id=packages[0].warehouse_id,
        carrier_name=carrier,
        tracking_number=tracking,
        shipped_at=shipped_at or timezone.now(),
        shipped_by_id=current().actor_id,
    )
    shipped_per_line: dict[int, Decimal] = {}
    for row in contents:
        shipped_per_line[row.pick_line_id] = (
            shipped_per_line.get(row.pick_line_id, domain.ZERO) + row.quantity
        )
    for line in pick_lines:
        line.quantity_shipped += shipped_per_line[line.pk]
        line.save(update_fields=["quantity_shipped", "updated_at"])
    for package in packages:
        rule(domain.check_move, "package", package.state, "shipped")
        package.state = "shipped"
        package.shipment = shipment
        package.save(update_fields=["state", "shipment", "updated_at"])
    publish(
        "ShipmentShipped",
        _shipment_payload(
            shipment,
            package_ids=[package.pk for package in packages],
            lines={str(k): str(v) for k, v in wanted.items()},
        ),
    )
    return shipment


@transaction.atomic
def update_tracking(
    shipment_id: int, *, carrier_name: str | None = None, tracking_number: str | None = None
) -> Shipment:
    """Correct the carrier's name or the tracking number of a shipment."""
    shipment = locked(Shipment, shipment_id, "shipment")
    if carrier_name is not None:
        shipment.carrier_name = _carrier(carrier_name)
    if tracking_number is not None:
        shipment.tracking_number = clean_text(tracking_number, "tracking_number", 100)
    shipment.save(update_fields=["carrier_name", "tracking_number", "updated_at"])
    publish("ShipmentTrackingChanged", _shipment_payload(shipment))
    return shipment


@transaction.atomic
def mark_delivered(shipment_id: int, *, delivered_at: datetime | None = None) -> Shipment:
    """Record that the carrier delivered the shipment."""
    shipment = locked(Shipment, shipment_id, "shipment")
    rule(domain.check_move, "shipment", shipment.state, "delivered")
    shipment.state = "delivered"
    shipment.delivered_at = delivered_at or timezone.now()
    shipment.save(update_fields=["state", "delivered_at", "updated_at"])
    publish("ShipmentDelivered", _shipment_payload(shipment))
    tracking.close_order_if_delivered(shipment)  # the last delivery closes the order
    return shipment
