"""Fulfillment on the bar codes scan page: the "pick" and "pack" modes, and the "package"
label source (SSCC bar code, ship-to, weight, contents).

Pick: scan the pick list's number, then a location, then each item there (its GTIN, a
GS1 string with the lot, or the SKU); a new location can be scanned at any time.
Pack: scan an order number (opens a new package for it) or a package's SSCC, then each
item. The state keys are ``pick_list_id``, ``pick_location`` and ``pack_package_id``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from valuechain.platform.errors import DomainError
from valuechain.scm.barcodes import gs1
from valuechain.scm.barcodes.labels import LabelData, register_label_source
from valuechain.scm.barcodes.scanning import (
    ScanField,
    ScanInput,
    ScanMode,
    ScanOutcome,
    register_scan_mode,
)
from valuechain.scm.fulfillment import domain, packing, queries, services
from valuechain.scm.fulfillment.models import Package

QUANTITY_FIELD = ScanField("quantity", "Quantity", kind="number")


def _quantity(scan: ScanInput) -> Any:
    value = scan.data.get("quantity")
    return value if value not in (None, "") else 1


def _next_stop(pick_list_id: int) -> str:
    for line in queries.pick_lines(pick_list_id):
        if line.progress.to_pick > 0:
            return (
                f"Go to {line.location.code}: {domain.normal(line.progress.to_pick)} x "
                f"{line.variant.sku}" + (f" lot {line.lot.number}" if line.lot else "")
            )
    return "Everything is picked: take it to packing."


def handle_pick(scan: ScanInput) -> ScanOutcome:
    """A pick list number, a location or an item."""
    code = scan.code.strip()
    pick_list = queries.pick_list_by_number(code) if code else None
    if pick_list is not None:
        scan.state["pick_list_id"] = pick_list.pk
        scan.state.pop("pick_location", None)
        return ScanOutcome(
            f"Picking {pick_list.number}.",
            prompt=_next_stop(pick_list.pk),
            details={"pick_list_id": pick_list.pk},
        )
    pick_list_id = scan.state.get("pick_list_id")
    if not pick_list_id:
        raise DomainError("pick_list_required", "Scan the pick list's number first.", field="code")
    location = queries.location_by_code(code) if code else None
    if location is not None:
        scan.state["pick_location"] = location.code
        return ScanOutcome(
            f"At {location.code}.",
            prompt="Scan the item.",
            details={"location_id": location.pk},
        )
    location_code = scan.state.get("pick_location")
    if not location_code:
        raise DomainError("location_required", "Scan the location first.", field="code")
    quantity = _quantity(scan)
    lines = services.scan_pick(
        int(pick_list_id), location_code=location_code, code=code, quantity=quantity
    )
    sku = lines[0].variant.sku
    return ScanOutcome(
        f"Picked {domain.normal(Decimal(str(quantity)))} x {sku} at {location_code}.",
        prompt=_next_stop(int(pick_list_id)),
        details={"pick_list_id": int(pick_list_id), "line_ids": [line.pk for line in lines]},
    )


def _sscc_of(scan: ScanInput) -> str:
    if scan.elements.get("00"):
        return scan.elements["00"]
    code = scan.code.strip()
    if len(code) == 18 and code.isdigit() and gs1.has_valid_check_digit(code):
        return code
    return ""


def handle_pack(scan: ScanInput) -> ScanOutcome:
    """An order number (a new package), a package's SSCC, or an item."""
    code = scan.code.strip()
    sscc = _sscc_of(scan)
    if sscc:
        package = queries.package_by_sscc(sscc)
        if package is None:
            raise DomainError("unknown_package", f"No package has the SSCC {sscc}.", field="code")
        scan.state["pack_package_id"] = package.pk
        return ScanOutcome(
            f"Packing {package.sscc} ({package.state}).",
            prompt="Scan the items.",
            details={"package_id": package.pk},
        )
    order = queries.sales_order_by_number(code) if code else None
    if order is not None:
        waiting = [
            row for row in queries.packable_orders() if row["order_line__order_id"] == order.pk
        ]
        warehouse_id = (
            waiting[0]["pick_list__warehouse_id"] if waiting else scan.state.get("warehouse_id")
        )
        if not warehouse_id:
            raise DomainError(
                "nothing_to_pack",
                f"Nothing picked for {order.number} waits to be packed.",
                field="code",
                status=409,
            )
        package = packing.create_package(order_id=order.pk, warehouse_id=int(warehouse_id))
        scan.state["pack_package_id"] = package.pk
        return ScanOutcome(
            f"New package {package.sscc} for {order.number}.",
            prompt="Scan the items.",
            details={"package_id": package.pk, "sscc": package.sscc},
        )
    package_id = scan.state.get("pack_package_id")
    if not package_id:
        raise DomainError(
            "package_required",
            "Scan the order's number (new package) or a package's SSCC first.",
            field="code",
        )
    quantity = _quantity(scan)
    rows = packing.scan_pack(int(package_id), code=code, quantity=quantity)
    return ScanOutcome(
        f"Packed {domain.normal(Decimal(str(quantity)))} x {rows[0].variant.sku}.",
        prompt="Scan the next item, or seal the package.",
        details={"package_id": int(package_id)},
    )


def _customer_name(order: Any) -> str:
    account = getattr(order, "account", None)
    if account is not None:
        return str(account.name)
    person = getattr(order, "person", None)
    if person is not None:
        return str(person)
    return ""


def package_label(package_id: int) -> LabelData | None:
    """The package's label: SSCC as GS1-128 (AI 00), ship-to, weight and contents."""
    package = Package.objects.select_related("order").filter(pk=package_id).first()
    if package is None:
        return None
    order = package.order
    place = " ".join(
        part
        for part in (
            getattr(order, "ship_to_postal_code", ""),
            getattr(order, "ship_to_region", ""),
            getattr(order, "ship_to_country", ""),
        )
        if part
    )
    weight = package.declared_weight_kg
    contents = queries.package_lines([package.pk])
    lines = [
        f"Ship to: {_customer_name(order)}".rstrip(),
        place,
        f"Order {order.number}",
        f"Weight: {weight} kg" if weight is not None else "Weight: unknown",
        ", ".join(f"{domain.normal(row.quantity)} x {row.variant.sku}" for row in contents),
    ]
    return LabelData(
        title=f"SSCC {package.sscc}",
        lines=[line for line in lines if line],
        code_value=f"(00){package.sscc}",
        symbology="gs1-128",
    )


def register() -> None:
    """Put pick and pack on the scan page and the package label on the label page."""
    register_scan_mode(
        ScanMode(
            key="pick",
            label="Pick",
            handle=handle_pick,
            prompt="Scan the pick list's number, then a location, then its items.",
            fields=(QUANTITY_FIELD,),
            needs_warehouse=False,
            order=40,
        )
    )
    register_scan_mode(
        ScanMode(
            key="pack",
            label="Pack",
            handle=handle_pack,
            prompt="Scan an order's number (new package) or a package's SSCC, then its items.",
            fields=(QUANTITY_FIELD,),
            needs_warehouse=False,
            order=50,
        )
    )
    register_label_source("package", package_label)
