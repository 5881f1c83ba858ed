"""Use cases of packing: packages numbered with SSCC-18, packing picked quantities (by line or
by scan), sealing, reopening and cancelling a package.

Same rules as ``services.py``: one transaction, DomainError with a stable code, rows locked
packages first, then pick list lines, each in primary-key order.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.numbering import next_number
from valuechain.scm.barcodes import gs1
from valuechain.scm.fulfillment import domain, queries
from valuechain.scm.fulfillment.models import (
    Package,
    PackageLine,
    PickList,
    PickListLine,
)
from valuechain.scm.fulfillment.services import (
    by_lot,
    locked,
    locked_all,
    matches_item,
    not_found,
    read_item_code,
    rule,
    settings_row,
)


def _new_sscc() -> str:
    row = settings_row()
    digits = domain.sscc_serial_digits(row.gs1_company_prefix)
    serial = int(next_number("sscc", prefix="", padding=0))
    if serial >= 10**digits:
        raise DomainError(
            "sscc_exhausted",
            f"Every {digits}-digit serial reference of the prefix {row.gs1_company_prefix} is "
            "used; set a new GS1 company prefix.",
            status=409,
        )
    return gs1.make_sscc(row.sscc_extension_digit, row.gs1_company_prefix, serial)


def _package_payload(package: Package, **extra: Any) -> dict[str, Any]:
    return {
        "package_id": package.pk,
        "sscc": package.sscc,
        "order_id": package.order_id,
        "state": package.state,
        **extra,
    }


@transaction.atomic
def create_package(*, order_id: int, warehouse_id: int, tare_kg: Any = None) -> Package:
    """An empty package for an order, numbered with the next SSCC-18 of the tenant."""
    order = queries.sales_order(order_id)
    if order is None:
        raise not_found("sales order", "order_id")
    warehouse = queries.warehouse(warehouse_id)
    if warehouse is None:
        raise not_found("warehouse", "warehouse_id")
    tare = (
        settings_row().default_tare_kg
        if tare_kg is None
        else rule(domain.weight, tare_kg, "tare_kg")
    )
    package = Package.objects.create(
        sscc=_new_sscc(),
        order=order,
        warehouse=warehouse,
        tare_kg=tare,
        computed_weight_kg=tare,
    )
    publish("PackageCreated", _package_payload(package))
    return package


def _open_package(package_id: int) -> Package:
    package = locked(Package, package_id, "package")
    if package.state != "open":
        raise DomainError(
            "package_not_open",
            f"Package {package.sscc} is {package.state}; reopen it to change its contents.",
            status=409,
            details={"state": package.state},
        )
    return package


def _recompute_weight(package: Package) -> None:
    contents = list(
        PackageLine.objects.filter(package=package).values_list("variant_id", "quantity")
    )
    weights = queries.unit_weights(variant for variant, _qty in contents)
    package.computed_weight_kg = domain.contents_weight(
        [(qty, weights.get(variant)) for variant, qty in contents], package.tare_kg
    )


def _pack(package: Package, items: Sequence[tuple[int, Decimal]]) -> list[PackageLine]:
    """Put quantities of pick lines into a locked open package."""
    wanted: dict[int, Decimal] = {}
    for line_id, qty in items:
        wanted[int(line_id)] = wanted.get(int(line_id), domain.ZERO) + rule(domain.quantity, qty)
    if not wanted:
        raise DomainError("no_items", "Name at least one picked line to pack.", field="items")
    lines = locked_all(PickListLine, list(wanted), "pick list line", "items")
    lists = dict(
        PickList.objects.filter(pk__in={line.pick_list_id for line in lines}).values_list(
            "pk", "state"
        )
    )
    orders = queries.order_of_lines(line.order_line_id for line in lines)
    warehouses = dict(
        PickList.objects.filter(pk__in={line.pick_list_id for line in lines}).values_list(
            "pk", "warehouse_id"
        )
    )
    existing = {
        row.pick_line_id: row
        for row in PackageLine.objects.select_for_update().filter(
            package=package, pick_line_id__in=list(wanted)
        )
    }
    packed: list[PackageLine] = []
    for line in lines:
        qty = wanted[line.pk]
        if orders.get(line.order_line_id) != package.order_id:
            raise DomainError(
                "other_order",
                "This item was picked for another order than the package's.",
                field="items",
            )
        if (
            warehouses[line.pick_list_id] != package.warehouse_id
            or lists[line.pick_list_id] == "cancelled"
        ):
            raise DomainError(
                "other_warehouse",
                "This item was not picked in the package's warehouse.",
                field="items",
            )
        if qty > line.progress.to_pack:
            raise DomainError(
                "exceeds_picked",
                f"Only {domain.normal(line.progress.to_pack)} of {line.variant.sku} is picked and "
                f"not packed; {domain.normal(qty)} is too many.",
                field="items",
                status=409,
            )
        line.quantity_packed += qty
        line.save(update_fields=["quantity_packed", "updated_at"])
        row = existing.get(line.pk)
        if row is None:
            row = PackageLine.objects.create(
                package=package,
                pick_line=line,
                order_line_id=line.order_line_id,
                variant_id=line.variant_id,
                lot_id=line.lot_id,
                quantity=qty,
            )
        else:
            row.quantity += qty
            row.save(update_fields=["quantity", "updated_at"])
        packed.append(row)
    _recompute_weight(package)
    package.save(update_fields=["computed_weight_kg", "updated_at"])
    publish(
        "PackageContentsChanged",
        _package_payload(package, added={str(k): str(v) for k, v in sorted(wanted.items())}),
    )
    return packed


@transaction.atomic
def pack_items(package_id: int, items: Sequence[tuple[int, Any]]) -> list[PackageLine]:
    """Put picked quantities (pick list line id, quantity) into an open package."""
    package = _open_package(package_id)
    return _pack(package, [(line_id, qty) for line_id, qty in items])


@transaction.atomic
def scan_pack(package_id: int, *, code: str, quantity: Any = 1) -> list[PackageLine]:
    """Pack by scan: the item's GTIN (or GS1 string with lot, or SKU) into the package.

    Takes the quantity from the order's picked, unpacked lines in the package's warehouse,
    oldest pick list first; ``wrong_item`` when nothing of it waits to be packed.
    """
    package = _open_package(package_id)
    amount = rule(domain.quantity, quantity)
    item = read_item_code(code or "")
    waiting = queries.open_pick_lines_for_order(package.order_id, package.warehouse_id)
    candidates = [line for line in waiting if matches_item(line, item)]
    if not candidates:
        raise DomainError(
            "wrong_item",
            "This item is not picked for the package's order (or all of it is packed).",
            field="code",
            status=409,
            details={"expected": sorted({line.variant.sku for line in waiting})},
        )
    candidates = by_lot(candidates, item.lot, verb="pack")
    taken = rule(
        domain.take_in_order, [(line.pk, line.progress.to_pack) for line in candidates], amount
    )
    return _pack(package, taken)


@transaction.atomic
def close_package(
    package_id: int,
    *,
    weight_kg: Any = None,
    length_cm: Any = None,
    width_cm: Any = None,
    height_cm: Any = None,
) -> Package:
    """Seal a package: measured weight (else the computed one) and dimensions recorded."""
    package = _open_package(package_id)
    if not PackageLine.objects.filter(package=package).exists():
        raise DomainError("empty_package", "Pack something before closing the package.", status=409)
    package.weight_kg = None if weight_kg is None else rule(domain.weight, weight_kg, "weight_kg")
    for name, value in (("length_cm", length_cm), ("width_cm", width_cm), ("height_cm", height_cm)):
        setattr(package, name, None if value is None else rule(domain.dimension, value, name))
    _recompute_weight(package)
    rule(domain.check_move, "package", package.state, "packed")
    package.state = "packed"
    package.packed_at = timezone.now()
    package.save()
    publish(
        "PackagePacked",
        _package_payload(package, weight_kg=str(package.declared_weight_kg or "")),
    )
    return package


@transaction.atomic
def reopen_package(package_id: int) -> Package:
    """Open a packed (not shipped) package again to change its contents."""
    package = locked(Package, package_id, "package")
    rule(domain.check_move, "package", package.state, "open")
    package.state = "open"
    package.packed_at = None
    package.save(update_fields=["state", "packed_at", "updated_at"])
    publish("PackageReopened", _package_payload(package))
    return package


@transaction.atomic
def cancel_package(package_id: int) -> Package:
    """Unpack and drop a package that is not shipped: its contents wait to be packed again."""
    package = locked(Package, package_id, "package")
    rule(domain.check_move, "package", package.state, "cancelled")
    contents = list(PackageLine.objects.filter(package=package))
    quantities = {row.pick_line_id: row.quantity for row in contents}
    for line in locked_all(PickListLine, list(quantities), "pick list line", "items"):
        line.quantity_packed -= quantities[line.pk]
        line.save(update_fields=["quantity_packed", "updated_at"])
    PackageLine.objects.filter(package=package).delete()
    package.state = "cancelled"
    package.computed_weight_kg = package.tare_kg
    package.save(update_fields=["state", "computed_weight_kg", "updated_at"])
    publish("PackageCancelled", _package_payload(package))
    return package
