"""Use cases of fulfillment: pick lists from reservations, picks (by line or by scan),
packing into packages, shipping a package set, and the tenant's fulfillment settings.

Every function runs in one transaction and raises DomainError with a stable code (nothing
is written then). Rows are locked in one order everywhere, so two users never deadlock:
the settings row (creating pick lists), then pick lists, packages, pick list lines, each
in primary-key order; shipping locks the sales order before inventory locks balance rows.
Picking and packing move no stock; shipping calls ``inventory.services.ship`` per order
line and then ``orders.services.register_shipment``, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone

from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.inputs import clean_text
from valuechain.platform.numbering import next_number
from valuechain.platform.tenancy.context import current, require_tenant_id
from valuechain.platform.tenancy.models import Membership
from valuechain.scm.barcodes import gs1
from valuechain.scm.fulfillment import domain, queries, tracking
from valuechain.scm.fulfillment.models import (
    FulfillmentSettings,
    Package,
    PackageLine,
    PickList,
    PickListLine,
    Shipment,
)
from valuechain.scm.inventory import services as inventory_services
from valuechain.scm.orders import services as orders_services

SOURCE_TYPE = queries.SOURCE_TYPE
SHIPPABLE_ORDER_STATES = ("confirmed", "partially_shipped")
T = TypeVar("T")


def _rule(call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a pure rule; its refusal becomes a DomainError with the same code."""
    try:
        return call(*args, **kwargs)
    except domain.RuleBroken as exc:
        raise DomainError(exc.code, exc.message, field=exc.field, status=exc.status) from exc


def _not_found(label: str, field: str | None = None) -> DomainError:
    return DomainError("not_found", f"No such {label}.", field=field, status=404)


def _locked(model: type[T], pk: Any, label: str) -> T:
    row = model.objects.select_for_update().filter(pk=pk).first()  # type: ignore[attr-defined]
    if row is None:
        raise _not_found(label)
    return row


def _locked_all(model: type[T], pks: Sequence[int], label: str, field: str) -> list[T]:
    wanted = sorted(set(pks))
    rows = list(model.objects.select_for_update().filter(pk__in=wanted).order_by("pk"))  # type: ignore[attr-defined]
    if len(rows) != len(wanted):
        raise _not_found(label, field)
    return rows


# --- settings -------------------------------------------------------------------------------


def _settings(*, lock: bool = False) -> FulfillmentSettings:
    """The tenant's settings row, created with the defaults on first use."""
    rows = FulfillmentSettings.objects.all()
    if lock:
        rows = rows.select_for_update()
    row = rows.first()
    if row is not None:
        return row
    FulfillmentSettings.objects.bulk_create(
        [FulfillmentSettings(tenant_id=require_tenant_id())], ignore_conflicts=True
    )
    return (rows if lock else FulfillmentSettings.objects.all()).get()


def get_settings() -> FulfillmentSettings:
    """The tenant's fulfillment settings (the defaults until changed)."""
    with transaction.atomic():
        return _settings()


@transaction.atomic
def update_settings(
    *,
    gs1_company_prefix: str | None = None,
    sscc_extension_digit: int | None = None,
    default_tare_kg: Any = None,
) -> FulfillmentSettings:
    """Change the GS1 company prefix, the SSCC extension digit or the default tare."""
    row = _settings(lock=True)
    if gs1_company_prefix is not None:
        row.gs1_company_prefix = _rule(domain.check_company_prefix, gs1_company_prefix)
    if sscc_extension_digit is not None:
        if isinstance(sscc_extension_digit, bool) or sscc_extension_digit not in range(10):
            raise DomainError(
                "invalid_extension_digit",
                "The SSCC extension digit is 0 to 9.",
                field="sscc_extension_digit",
            )
        row.sscc_extension_digit = sscc_extension_digit
    if default_tare_kg is not None:
        row.default_tare_kg = _rule(domain.weight, default_tare_kg, "default_tare_kg")
    row.save()
    publish("FulfillmentSettingsChanged", {"gs1_company_prefix": row.gs1_company_prefix})
    return row


# --- pick lists -----------------------------------------------------------------------------


def _assignee(assignee_id: int | None) -> int | None:
    if assignee_id is None:
        return None
    is_member = Membership.objects.filter(
        tenant_id=require_tenant_id(), user_id=assignee_id, is_active=True
    ).exists()
    if not is_member:
        raise DomainError(
            "not_tenant_member",
            "Only active members of this tenant can be assigned a pick list.",
            field="assignee_id",
        )
    return assignee_id


def _pick_list_payload(pick_list: PickList, **extra: Any) -> dict[str, Any]:
    return {
        "pick_list_id": pick_list.pk,
        "number": pick_list.number,
        "warehouse_id": pick_list.warehouse_id,
        "state": pick_list.state,
        **extra,
    }


@transaction.atomic
def create_pick_list(
    *,
    warehouse_id: int,
    order_ids: Sequence[int] | None = None,
    assignee_id: int | None = None,
) -> PickList:
    """A pick list of everything reserved in the warehouse that no list holds yet.

    Lines of several orders are grouped and put in walking order (location pick_order,
    code). ``order_ids`` limits the list to those orders. Raises ``nothing_to_pick`` (409)
    when every reserved quantity is already on a pick list.
    """
    _settings(lock=True)  # one pick list is made at a time per tenant: no line twice
    warehouse = queries.warehouse(warehouse_id)
    if warehouse is None:
        raise _not_found("warehouse", "warehouse_id")
    assignee = _assignee(assignee_id)
    reserved = queries.reserved_for_picking(warehouse.pk)
    if order_ids is not None:
        wanted = {int(pk) for pk in order_ids}
        line_orders = queries.order_of_lines(r.order_line_id for r in reserved)
        reserved = [r for r in reserved if line_orders.get(r.order_line_id) in wanted]
    held = queries.held_by_order_line(r.order_line_id for r in reserved)
    demands = domain.pick_demands(reserved, held)
    if not demands:
        raise DomainError(
            "nothing_to_pick",
            f"Nothing reserved in {warehouse.code} is left to put on a pick list.",
            field="warehouse_id",
            status=409,
        )
    pick_list = PickList.objects.create(
        warehouse=warehouse, number=next_number("pick", prefix="PICK-"), assignee_id=assignee
    )
    PickListLine.objects.bulk_create(
        [
            PickListLine(
                tenant_id=pick_list.tenant_id,
                pick_list=pick_list,
                sequence=position,
                reservation_id=demand.reservation_id,
                order_line_id=demand.order_line_id,
                variant_id=demand.variant_id,
                location_id=demand.location_id,
                lot_id=demand.lot_id,
                quantity=demand.quantity,
            )
            for position, demand in enumerate(demands, start=1)
        ]
    )
    publish("PickListCreated", _pick_list_payload(pick_list, line_count=len(demands)))
    return pick_list


@transaction.atomic
def assign_pick_list(pick_list_id: int, *, assignee_id: int | None) -> PickList:
    """Give the pick list to a picker (or to nobody)."""
    pick_list = _locked(PickList, pick_list_id, "pick list")
    if pick_list.state not in domain.ACTIVE_PICK_LIST_STATES:
        raise _closed(pick_list)
    pick_list.assignee_id = _assignee(assignee_id)
    pick_list.save(update_fields=["assignee", "updated_at"])
    publish("PickListAssigned", _pick_list_payload(pick_list, assignee_id=assignee_id))
    return pick_list


def _closed(pick_list: PickList) -> DomainError:
    return DomainError(
        "pick_list_closed",
        f"{pick_list.number} is {pick_list.get_state_display()}; nothing more is picked on it.",
        status=409,
        details={"state": pick_list.state},
    )


def _record_picks(pick_list: PickList, picks: Sequence[tuple[PickListLine, Decimal]]) -> None:
    """Add picked quantities to locked lines and move the list's state on."""
    now = timezone.now()
    for line, amount in picks:
        _rule(domain.check_pick, line.progress, amount)
        line.quantity_picked += amount
        line.picked_at = now
        line.save(update_fields=["quantity_picked", "picked_at", "updated_at"])
    lines = list(PickListLine.objects.filter(pick_list=pick_list))
    state = domain.state_after_pick([line.progress for line in lines])
    if state != pick_list.state:
        _rule(domain.check_move, "pick_list", pick_list.state, state)
        pick_list.state = state
        pick_list.done_at = now if state == "done" else None
        pick_list.save(update_fields=["state", "done_at", "updated_at"])
    publish(
        "PicksConfirmed",
        _pick_list_payload(pick_list, lines={str(line.pk): str(amount) for line, amount in picks}),
    )


@transaction.atomic
def confirm_pick(pick_list_id: int, line_id: int, quantity: Any) -> PickListLine:
    """Record that ``quantity`` of a line was picked (``over_pick`` past the line's rest)."""
    pick_list = _locked(PickList, pick_list_id, "pick list")
    if pick_list.state not in domain.ACTIVE_PICK_LIST_STATES:
        raise _closed(pick_list)
    amount = _rule(domain.quantity, quantity)
    line = PickListLine.objects.select_for_update().filter(pk=line_id, pick_list=pick_list).first()
    if line is None:
        raise _not_found("pick list line", "line_id")
    _record_picks(pick_list, [(line, amount)])
    return line


def _looks_like_element_string(text: str) -> bool:
    """A GS1 string: marked as one, or a run of digits longer than a GTIN starting (01)."""
    return gs1.is_element_string(text) or (len(text) > 14 and text[:2] == "01")


@dataclass(frozen=True)
class ItemCode:
    """A scanned product code: its GTIN-14 and lot, or else the text (matched as a SKU)."""

    gtin: str = ""
    lot: str = ""
    text: str = ""


def read_item_code(code: str) -> ItemCode:
    """The GTIN-14 and lot of a scanned product code: a GS1 element string or a bare GTIN.

    A code that is neither comes back as its text: the caller may match it as a SKU.
    """
    text = gs1.normalise(code or "")
    if not text:
        raise DomainError("code_required", "Scan or type the item's code.", field="code")
    if _looks_like_element_string(code.strip()) or _looks_like_element_string(text):
        try:
            elements = gs1.parse_element_string(code)
        except gs1.GS1Error as exc:
            raise DomainError("unreadable_code", exc.message, field="code") from exc
        gtin = domain.gtin14(elements.get("01", ""))
        if not gtin:
            raise DomainError(
                "not_an_item", "This code names no product (no GTIN, AI 01).", field="code"
            )
        return ItemCode(gtin=gtin, lot=elements.get("10", ""))
    gtin = domain.gtin14(text)
    return ItemCode(gtin=gtin) if gtin else ItemCode(text=text)


def _matches(line: PickListLine, item: ItemCode) -> bool:
    if item.gtin:
        return domain.gtin14(line.variant.gtin) == item.gtin
    return line.variant.sku.casefold() == item.text.casefold()


def _by_lot(candidates: list[PickListLine], lot: str, *, verb: str) -> list[PickListLine]:
    """Narrow candidates to the scanned lot; without one, only a single lot is unambiguous."""
    if lot:
        chosen = [c for c in candidates if c.lot is not None and c.lot.number == lot]
        if not chosen:
            expected = ", ".join(sorted({c.lot.number for c in candidates if c.lot})) or "none"
            raise DomainError(
                "wrong_lot",
                f"Lot {lot} is not the one to {verb} here (expected: {expected}).",
                field="code",
                status=409,
            )
        return chosen
    lots = {c.lot_id for c in candidates}
    if len(lots) > 1:
        raise DomainError(
            "lot_required",
            f"This item is to {verb} from several lots: scan the code with its lot (AI 10).",
            field="code",
        )
    return candidates


@transaction.atomic
def scan_pick(
    pick_list_id: int, *, location_code: str, code: str, quantity: Any = 1
) -> list[PickListLine]:
    """Pick by scan: the location scanned first, then the item (GTIN, GS1 string or SKU).

    Refuses with ``unknown_location`` / ``wrong_location`` (no line left to pick there),
    ``wrong_item`` (the item is not to be picked at that location), ``wrong_lot`` /
    ``lot_required`` and ``over_pick``. Returns the lines the quantity was booked on.
    """
    pick_list = _locked(PickList, pick_list_id, "pick list")
    if pick_list.state not in domain.ACTIVE_PICK_LIST_STATES:
        raise _closed(pick_list)
    amount = _rule(domain.quantity, quantity)
    location = queries.location_by_code(location_code or "")
    if location is None:
        raise DomainError(
            "unknown_location", f"No location has the code {location_code!r}.", field="location"
        )
    lines = list(queries.pick_lines(pick_list.pk).select_for_update(of=("self",)).order_by("pk"))
    lines.sort(key=lambda line: (line.sequence, line.pk))
    open_lines = [line for line in lines if line.progress.to_pick > 0]
    here = [line for line in open_lines if line.location_id == location.pk]
    if not here:
        upcoming = open_lines[0].location.code if open_lines else None
        hint = f" Next stop: {upcoming}." if upcoming else " Everything is picked."
        raise DomainError(
            "wrong_location",
            f"Nothing is left to pick at {location.code} on {pick_list.number}.{hint}",
            field="location",
            status=409,
            details={"expected_location": upcoming},
        )
    item = read_item_code(code or "")
    candidates = [line for line in here if _matches(line, item)]
    if not candidates:
        raise DomainError(
            "wrong_item",
            f"This item is not to be picked at {location.code}.",
            field="code",
            status=409,
            details={"expected": sorted({line.variant.sku for line in here})},
        )
    candidates = _by_lot(candidates, item.lot, verb="pick")
    left = sum((line.progress.to_pick for line in candidates), domain.ZERO)
    if amount > left:
        raise DomainError(
            "over_pick",
            f"Only {domain.normal(left)} left to pick of this item here; "
            f"{domain.normal(amount)} is too many.",
            field="quantity",
            status=409,
        )
    taken = domain.take_in_order(
        [(index, line.progress.to_pick) for index, line in enumerate(candidates)], amount
    )
    picks = [(candidates[index], part) for index, part in taken]
    _record_picks(pick_list, picks)
    return [line for line, _part in picks]


@transaction.atomic
def close_pick_list(pick_list_id: int) -> PickList:
    """End picking with what was picked; the unpicked rest goes to a later pick list."""
    pick_list = _locked(PickList, pick_list_id, "pick list")
    if pick_list.state not in domain.ACTIVE_PICK_LIST_STATES:
        raise _closed(pick_list)
    lines = list(
        PickListLine.objects.select_for_update().filter(pick_list=pick_list).order_by("pk")
    )
    if not any(line.quantity_picked > 0 for line in lines):
        raise DomainError(
            "nothing_picked",
            "Nothing was picked on this list; cancel it instead.",
            status=409,
        )
    _rule(domain.check_move, "pick_list", pick_list.state, "done")
    pick_list.state = "done"
    pick_list.done_at = timezone.now()
    pick_list.save(update_fields=["state", "done_at", "updated_at"])
    short = {str(line.pk): str(line.progress.to_pick) for line in lines if line.progress.to_pick}
    publish("PickListDone", _pick_list_payload(pick_list, short=short))
    return pick_list


@transaction.atomic
def cancel_pick_list(pick_list_id: int) -> PickList:
    """Drop a pick list: its reserved quantities are free for a new list (stock stays put).

    Refused (``pick_list_packed``, 409) once anything picked on it is in a package.
    """
    pick_list = _locked(PickList, pick_list_id, "pick list")
    _rule(domain.check_move, "pick_list", pick_list.state, "cancelled")
    lines = list(
        PickListLine.objects.select_for_update().filter(pick_list=pick_list).order_by("pk")
    )
    if any(line.quantity_packed > 0 for line in lines):
        raise DomainError(
            "pick_list_packed",
            f"Items of {pick_list.number} are packed already; unpack them first.",
            status=409,
        )
    pick_list.state = "cancelled"
    pick_list.save(update_fields=["state", "updated_at"])
    publish("PickListCancelled", _pick_list_payload(pick_list))
    return pick_list


# --- packages -------------------------------------------------------------------------------


def _new_sscc() -> str:
    row = _settings()
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
        raise _not_found("sales order", "order_id")
    warehouse = queries.warehouse(warehouse_id)
    if warehouse is None:
        raise _not_found("warehouse", "warehouse_id")
    tare = (
        _settings().default_tare_kg if tare_kg is None else _rule(domain.weight, tare_kg, "tare_kg")
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
    package = _locked(Package, package_id, "package")
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
        wanted[int(line_id)] = wanted.get(int(line_id), domain.ZERO) + _rule(domain.quantity, qty)
    if not wanted:
        raise DomainError("no_items", "Name at least one picked line to pack.", field="items")
    lines = _locked_all(PickListLine, list(wanted), "pick list line", "items")
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
    amount = _rule(domain.quantity, quantity)
    item = read_item_code(code or "")
    waiting = queries.open_pick_lines_for_order(package.order_id, package.warehouse_id)
    candidates = [line for line in waiting if _matches(line, item)]
    if not candidates:
        raise DomainError(
            "wrong_item",
            "This item is not picked for the package's order (or all of it is packed).",
            field="code",
            status=409,
            details={"expected": sorted({line.variant.sku for line in waiting})},
        )
    candidates = _by_lot(candidates, item.lot, verb="pack")
    taken = _rule(
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
    package.weight_kg = None if weight_kg is None else _rule(domain.weight, weight_kg, "weight_kg")
    for name, value in (("length_cm", length_cm), ("width_cm", width_cm), ("height_cm", height_cm)):
        setattr(package, name, None if value is None else _rule(domain.dimension, value, name))
    _recompute_weight(package)
    _rule(domain.check_move, "package", package.state, "packed")
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
    package = _locked(Package, package_id, "package")
    _rule(domain.check_move, "package", package.state, "open")
    package.state = "open"
    package.packed_at = None
    package.save(update_fields=["state", "packed_at", "updated_at"])
    publish("PackageReopened", _package_payload(package))
    return package


@transaction.atomic
def cancel_package(package_id: int) -> Package:
    """Unpack and drop a package that is not shipped: its contents wait to be packed again."""
    package = _locked(Package, package_id, "package")
    _rule(domain.check_move, "package", package.state, "cancelled")
    contents = list(PackageLine.objects.filter(package=package))
    quantities = {row.pick_line_id: row.quantity for row in contents}
    for line in _locked_all(PickListLine, list(quantities), "pick list line", "items"):
        line.quantity_packed -= quantities[line.pk]
        line.save(update_fields=["quantity_packed", "updated_at"])
    PackageLine.objects.filter(package=package).delete()
    package.state = "cancelled"
    package.computed_weight_kg = package.tare_kg
    package.save(update_fields=["state", "computed_weight_kg", "updated_at"])
    publish("PackageCancelled", _package_payload(package))
    return package


# --- shipments ------------------------------------------------------------------------------


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

    Calls ``inventory.services.ship`` for every order line in the packages and then
    ``orders.services.register_shipment`` (partially shipped / shipped, the customer's
    timeline) in this one transaction. Refuses ``package_not_packed``, ``mixed_orders``,
    ``mixed_warehouses``, ``order_not_shippable`` and ``exceeds_reserved`` (409).
    """
    if not package_ids:
        raise DomainError("no_packages", "Choose the packages to ship.", field="package_ids")
    carrier = _carrier(carrier_name)
    tracking = clean_text(tracking_number, "tracking_number", 100)
    packages = _locked_all(Package, [int(pk) for pk in package_ids], "package", "package_ids")
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
    pick_lines = _locked_all(
        PickListLine, [row.pick_line_id for row in contents], "pick list line", "package_ids"
    )
    order = queries.lock_sales_order(packages[0].order_id)
    if order is None:
        raise _not_found("sales order")
    if order.state not in SHIPPABLE_ORDER_STATES:
        raise DomainError(
            "order_not_shippable",
            f"{order.number} is {order.get_state_display()}; only confirmed orders ship.",
            status=409,
            details={"state": order.state},
        )
    wanted = domain.shipment_quantities((row.order_line_id, row.quantity) for row in contents)
    reserved = queries.reserved_by_order_line(wanted)
    _rule(
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
        inventory_services.ship(
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
        _rule(domain.check_move, "package", package.state, "shipped")
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
    shipment = _locked(Shipment, shipment_id, "shipment")
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
    shipment = _locked(Shipment, shipment_id, "shipment")
    _rule(domain.check_move, "shipment", shipment.state, "delivered")
    shipment.state = "delivered"
    shipment.delivered_at = delivered_at or timezone.now()
    shipment.save(update_fields=["state", "delivered_at", "updated_at"])
    publish("ShipmentDelivered", _shipment_payload(shipment))
    tracking.close_order_if_delivered(shipment)  # the last delivery closes the order
    return shipment
