"""Use cases of fulfillment: pick lists from reservations, picks (by line or by scan),
packing into packages, shipping a package set, and the tenant's fulfillment settings.

Every function runs in one transaction and raises DomainError with a stable code (nothing
is written then). Rows are locked in one order everywhere, so two users never deadlock:
the settings row (creating pick lists), then pick lists, packages, pick list lines, each
in primary-key order; shipping locks the sales order before inventory locks balance rows.
Picking and packing move no stock; shipping calls ``inventory.reservations.ship`` per order
line and then ``orders.services.register_shipment``, in the same transaction.

This module holds the settings, pick lists and picking, and the helpers the other use cases
share; packages are in ``packing.py``, shipments in ``shipping.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone

from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.numbering import next_number
from valuechain.platform.tenancy.context import require_tenant_id
from valuechain.platform.tenancy.models import Membership
from valuechain.scm.barcodes import gs1
from valuechain.scm.fulfillment import domain, queries
from valuechain.scm.fulfillment.models import (
    FulfillmentSettings,
    PickList,
    PickListLine,
)

SOURCE_TYPE = queries.SOURCE_TYPE
SHIPPABLE_ORDER_STATES = ("confirmed", "partially_shipped")
T = TypeVar("T")


def rule(call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a pure rule; its refusal becomes a DomainError with the same code."""
    try:
        return call(*args, **kwargs)
    except domain.RuleBroken as exc:
        raise DomainError(exc.code, exc.message, field=exc.field, status=exc.status) from exc


def not_found(label: str, field: str | None = None) -> DomainError:
    """The 404 for a missing record, optionally named by the field that pointed at it."""
    return DomainError("not_found", f"No such {label}.", field=field, status=404)


def locked(model: type[T], pk: Any, label: str) -> T:
    """The row of that key, locked; 404 when it does not exist."""
    row = model.objects.select_for_update().filter(pk=pk).first()  # type: ignore[attr-defined]
    if row is None:
        raise not_found(label)
    return row


def locked_all(model: type[T], pks: Sequence[int], label: str, field: str) -> list[T]:
    """The rows of those keys, locked in primary-key order; 404 when one is missing."""
    wanted = sorted(set(pks))
    rows = list(model.objects.select_for_update().filter(pk__in=wanted).order_by("pk"))  # type: ignore[attr-defined]
    if len(rows) != len(wanted):
        raise not_found(label, field)
    return rows


# --- settings -------------------------------------------------------------------------------


def settings_row(*, lock: bool = False) -> FulfillmentSettings:
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
        return settings_row()


@transaction.atomic
def update_settings(
    *,
    gs1_company_prefix: str | None = None,
    sscc_extension_digit: int | None = None,
    default_tare_kg: Any = None,
) -> FulfillmentSettings:
    """Change the GS1 company prefix, the SSCC extension digit or the default tare."""
    row = settings_row(lock=True)
    if gs1_company_prefix is not None:
        row.gs1_company_prefix = rule(domain.check_company_prefix, gs1_company_prefix)
    if sscc_extension_digit is not None:
        if isinstance(sscc_extension_digit, bool) or sscc_extension_digit not in range(10):
            raise DomainError(
                "invalid_extension_digit",
                "The SSCC extension digit is 0 to 9.",
                field="sscc_extension_digit",
            )
        row.sscc_extension_digit = sscc_extension_digit
    if default_tare_kg is not None:
        row.default_tare_kg = rule(domain.weight, default_tare_kg, "default_tare_kg")
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
    settings_row(lock=True)  # one pick list is made at a time per tenant: no line twice
    warehouse = queries.warehouse(warehouse_id)
    if warehouse is None:
        raise not_found("warehouse", "warehouse_id")
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
    pick_list = locked(PickList, pick_list_id, "pick list")
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
        rule(domain.check_pick, line.progress, amount)
        line.quantity_picked += amount
        line.picked_at = now
        line.save(update_fields=["quantity_picked", "picked_at", "updated_at"])
    lines = list(PickListLine.objects.filter(pick_list=pick_list))
    state = domain.state_after_pick([line.progress for line in lines])
    if state != pick_list.state:
        rule(domain.check_move, "pick_list", pick_list.state, state)
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
    pick_list = locked(PickList, pick_list_id, "pick list")
    if pick_list.state not in domain.ACTIVE_PICK_LIST_STATES:
        raise _closed(pick_list)
    amount = rule(domain.quantity, quantity)
    line = PickListLine.objects.select_for_update().filter(pk=line_id, pick_list=pick_list).first()
    if line is None:
        raise not_found("pick list line", "line_id")
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


def matches_item(line: PickListLine, item: ItemCode) -> bool:
    if item.gtin:
        return domain.gtin14(line.variant.gtin) == item.gtin
    return line.variant.sku.casefold() == item.text.casefold()


def by_lot(candidates: list[PickListLine], lot: str, *, verb: str) -> list[PickListLine]:
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
    pick_list = locked(PickList, pick_list_id, "pick list")
    if pick_list.state not in domain.ACTIVE_PICK_LIST_STATES:
        raise _closed(pick_list)
    amount = rule(domain.quantity, quantity)
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
    candidates = [line for line in here if matches_item(line, item)]
    if not candidates:
        raise DomainError(
            "wrong_item",
            f"This item is not to be picked at {location.code}.",
            field="code",
            status=409,
            details={"expected": sorted({line.variant.sku for line in here})},
        )
    candidates = by_lot(candidates, item.lot, verb="pick")
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
    pick_list = locked(PickList, pick_list_id, "pick list")
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
    rule(domain.check_move, "pick_list", pick_list.state, "done")
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
    pick_list = locked(PickList, pick_list_id, "pick list")
    rule(domain.check_move, "pick_list", pick_list.state, "cancelled")
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
