"""Pure rules of fulfillment: pick paths, what is left to pick, package weights, state machines.

Picking, packing and shipping in one warehouse, the way Odoo's one-step delivery with
pick/pack records works:

- A **pick list** groups the reserved lines of several orders of one warehouse. Its lines
  are walked in location order: the location's ``pick_order`` first, then its code, then
  the SKU, lot and order line, so two lists over the same stock always read the same way.
- A line is **fully picked** when its picked quantity reaches the quantity to pick; a pick
  list is done when every line is (or when it is closed short, leaving the rest to a new
  list). Picking records what was taken; stock leaves the ledger only when shipped.
- What a new pick list takes for an order line is what the line has reserved less what
  earlier lists still hold for it: the quantity to pick of an open list, the picked
  quantity of a done one, less what was shipped from them in both cases.
- A **package** holds picked quantities of one order. Its weight is the measured weight
  when entered, otherwise the sum of the contents' unit weights plus the tare (unknown when
  one content has no weight). Everything picked is **fully packed** when every picked
  quantity sits in a package.
- A **shipment** sends packed packages of one order; it is shipped when created (stock
  moves out then), and may later be marked delivered.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

ZERO = Decimal("0")
QUANTUM = Decimal("0.0001")  # quantities are stored with four decimals
WEIGHT_QUANTUM = Decimal("0.001")  # kilograms, to the gram
MAX_QUANTITY = Decimal("100000000000000")  # fits max_digits=18, decimal_places=4

PICK_LIST_STATES = ("open", "in_progress", "done", "cancelled")
PACKAGE_STATES = ("open", "packed", "shipped", "cancelled")
SHIPMENT_STATES = ("shipped", "delivered")
# What carriers report of a shipment, in their usual order; "delivered" delivers it.
TRACKING_STATUSES = (
    "info_received",
    "in_transit",
    "out_for_delivery",
    "delivered",
    "exception",
    "returned",
)

# Allowed moves of each state machine: {state: states it may move to}.
PICK_LIST_TRANSITIONS: dict[str, frozenset[str]] = {
    "open": frozenset({"in_progress", "done", "cancelled"}),
    "in_progress": frozenset({"done", "cancelled"}),
    "done": frozenset(),
    "cancelled": frozenset(),
}
PACKAGE_TRANSITIONS: dict[str, frozenset[str]] = {
    "open": frozenset({"packed", "cancelled"}),
    "packed": frozenset({"open", "shipped", "cancelled"}),
    "shipped": frozenset(),
    "cancelled": frozenset(),
}
SHIPMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    "shipped": frozenset({"delivered"}),
    "delivered": frozenset(),
}
MACHINES = {
    "pick_list": PICK_LIST_TRANSITIONS,
    "package": PACKAGE_TRANSITIONS,
    "shipment": SHIPMENT_TRANSITIONS,
}
# States in which a record is still being worked on (and holds what it lists).
ACTIVE_PICK_LIST_STATES = ("open", "in_progress")
ACTIVE_PACKAGE_STATES = ("open", "packed")


class RuleBroken(Exception):
    """A fulfillment rule refused the input; ``code`` is stable, ``field`` the input at fault."""

    def __init__(
        self, code: str, message: str, field: str | None = None, status: int = 422
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.status = status


# --- state machines -------------------------------------------------------------------------


def can_move(machine: str, current: str, target: str) -> bool:
    """Whether a record of the machine ('pick_list', 'package', 'shipment') may change state."""
    return target in MACHINES[machine].get(current, frozenset())


def check_move(machine: str, current: str, target: str) -> None:
    """Raise ``invalid_state`` (409) unless the move is allowed."""
    if not can_move(machine, current, target):
        label = machine.replace("_", " ")
        raise RuleBroken(
            "invalid_state",
            f"A {current.replace('_', ' ')} {label} cannot become {target.replace('_', ' ')}.",
            field="state",
            status=409,
        )


# --- quantities -----------------------------------------------------------------------------


def quantity(value: object, field: str = "quantity", *, allow_zero: bool = False) -> Decimal:
    """A positive quantity with at most four decimals (zero too when ``allow_zero``)."""
    try:
        number = Decimal(str(value))
    except (ArithmeticError, ValueError):
        raise RuleBroken("invalid_quantity", "Enter a number.", field=field) from None
    if not number.is_finite() or number < 0 or (number == 0 and not allow_zero):
        raise RuleBroken(
            "invalid_quantity",
            "Enter a quantity above zero." if not allow_zero else "Enter zero or more.",
            field=field,
        )
    if number != number.quantize(QUANTUM) or number >= MAX_QUANTITY:
        raise RuleBroken("invalid_quantity", "Quantities have at most four decimals.", field=field)
    return number.quantize(QUANTUM)


@dataclass(frozen=True)
class LineProgress:
    """How far one pick list line is: to pick, picked, packed, shipped."""

    quantity: Decimal
    picked: Decimal = ZERO
    packed: Decimal = ZERO
    shipped: Decimal = ZERO

    @property
    def to_pick(self) -> Decimal:
        """What is still to be picked (never below zero)."""
        return max(self.quantity - self.picked, ZERO)

    @property
    def to_pack(self) -> Decimal:
        """Picked but not yet in a package."""
        return self.picked - self.packed

    @property
    def fully_picked(self) -> bool:
        """The picked quantity reached the quantity to pick."""
        return self.picked >= self.quantity


def fully_picked(lines: Iterable[LineProgress]) -> bool:
    """Every line of the list is fully picked."""
    return all(line.fully_picked for line in lines)


def fully_packed(lines: Iterable[LineProgress]) -> bool:
    """Everything picked sits in a package (lines picked nothing count as packed)."""
    return all(line.packed >= line.picked for line in lines)


def state_after_pick(lines: Sequence[LineProgress]) -> str:
    """The pick list's state once these picks are recorded: open, in_progress or done."""
    if lines and fully_picked(lines):
        return "done"
    if any(line.picked > 0 for line in lines):
        return "in_progress"
    return "open"


def check_pick(line: LineProgress, amount: Decimal) -> None:
    """Refuse picking more than is left to pick on the line (``over_pick``, 409)."""
    if amount > line.to_pick:
        raise RuleBroken(
            "over_pick",
            f"Only {normal(line.to_pick)} left to pick on this line; {normal(amount)} is too many.",
            field="quantity",
            status=409,
        )


def held_by_line(line: LineProgress, list_state: str) -> Decimal:
    """What a pick list line still holds of its order line's reservation.

    Open and in-progress lists hold their quantity to pick; a done list holds what was
    picked; a cancelled one holds nothing. What was shipped no longer counts, because
    shipping consumed that much of the reservation.
    """
    if list_state in ACTIVE_PICK_LIST_STATES:
        target = line.quantity
    elif list_state == "done":
        target = line.picked
    else:
        return ZERO
    return max(target - line.shipped, ZERO)


def normal(value: Decimal) -> str:
    """A quantity without trailing zeros: Decimal('2.5000') -> '2.5'."""
    text = format(value.normalize(), "f")
    return text


# --- pick paths -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Stop:
    """Where a pick happens and what is taken there, the keys the walking order sorts by."""

    pick_order: int
    location_code: str
    sku: str = ""
    lot_number: str = ""
    order_line_id: int = 0


def walk_key(stop: Stop) -> tuple[int, str, str, str, int]:
    """The walking order: location pick_order, location code, SKU, lot, order line."""
    return (stop.pick_order, stop.location_code, stop.sku, stop.lot_number, stop.order_line_id)


def pick_path(stops: Iterable[Stop]) -> list[Stop]:
    """The stops in walking order."""
    return sorted(stops, key=walk_key)


@dataclass(frozen=True)
class Reserved:
    """An active reservation of an order line, at the place it sits."""

    reservation_id: int
    order_line_id: int
    variant_id: int
    location_id: int
    lot_id: int | None
    quantity: Decimal
    stop: Stop


@dataclass(frozen=True)
class PickDemand:
    """A line a new pick list gets: take this quantity for the order line at the stop."""

    reservation_id: int
    order_line_id: int
    variant_id: int
    location_id: int
    lot_id: int | None
    quantity: Decimal
    stop: Stop


def pick_demands(reservations: Iterable[Reserved], held: Mapping[int, Decimal]) -> list[PickDemand]:
    """What a new pick list takes: each order line's reservations less what lists hold.

    ``held`` is, per order line id, what existing pick lists still hold of it. It is taken
    off the line's reservations in walking order (the same order the lists took them), so
    only the part no list covers is left; the demands come back in walking order.
    """
    by_line: dict[int, list[Reserved]] = defaultdict(list)
    for reserved in reservations:
        by_line[reserved.order_line_id].append(reserved)
    demands: list[PickDemand] = []
    for line_id, rows in by_line.items():
        covered = held.get(line_id, ZERO)
        for row in sorted(rows, key=lambda r: (walk_key(r.stop), r.reservation_id)):
            taken = min(covered, row.quantity)
            covered -= taken
            rest = row.quantity - taken
            if rest > 0:
                demands.append(
                    PickDemand(
                        row.reservation_id,
                        row.order_line_id,
                        row.variant_id,
                        row.location_id,
                        row.lot_id,
                        rest,
                        row.stop,
                    )
                )
    return sorted(demands, key=lambda d: (walk_key(d.stop), d.reservation_id))


def take_in_order(
    available: Sequence[tuple[int, Decimal]], amount: Decimal
) -> list[tuple[int, Decimal]]:
    """Split ``amount`` over (key, quantity available) pairs in the given order.

    Used to pack a scanned quantity from the pick lines that have it. Raises
    ``nothing_to_pack`` (409) when the pairs together have less than ``amount``.
    """
    total = sum((qty for _key, qty in available), ZERO)
    if amount > total:
        raise RuleBroken(
            "nothing_to_pack",
            f"Only {normal(total)} of this item is picked and not packed; "
            f"{normal(amount)} is too many.",
            field="quantity",
            status=409,
        )
    taken: list[tuple[int, Decimal]] = []
    rest = amount
    for key, qty in available:
        if rest <= 0:
            break
        part = min(qty, rest)
        if part > 0:
            taken.append((key, part))
            rest -= part
    return taken


# --- packages -------------------------------------------------------------------------------


def weight(value: object, field: str = "weight") -> Decimal:
    """A weight in kilograms: zero or more, to the gram."""
    try:
        number = Decimal(str(value))
    except (ArithmeticError, ValueError):
        raise RuleBroken("invalid_weight", "Enter the weight in kilograms.", field=field) from None
    if not number.is_finite() or number < 0 or number >= Decimal("100000"):
        raise RuleBroken(
            "invalid_weight", "A weight is zero or more kilograms, below 100 t.", field=field
        )
    return number.quantize(WEIGHT_QUANTUM)


def dimension(value: object, field: str) -> Decimal:
    """A package dimension in centimetres: above zero, to the millimetre."""
    try:
        number = Decimal(str(value))
    except (ArithmeticError, ValueError):
        raise RuleBroken(
            "invalid_dimension", "Enter the size in centimetres.", field=field
        ) from None
    if not number.is_finite() or number <= 0 or number >= Decimal("10000"):
        raise RuleBroken(
            "invalid_dimension", "A dimension is above zero and below 100 m.", field=field
        )
    return number.quantize(Decimal("0.1"))


def contents_weight(
    contents: Iterable[tuple[Decimal, Decimal | None]], tare: Decimal
) -> Decimal | None:
    """Sum of quantity x unit weight over the contents, plus the tare (kilograms).

    None when a content's unit weight is unknown: a partial sum would understate the weight
    the carrier is told. An empty package weighs its tare.
    """
    total = tare
    for qty, unit_weight in contents:
        if unit_weight is None:
            return None
        total += qty * unit_weight
    return total.quantize(WEIGHT_QUANTUM)


def package_weight(measured: Decimal | None, computed: Decimal | None) -> Decimal | None:
    """The weight a package is declared with: measured when entered, else computed."""
    return measured if measured is not None else computed


def shipment_quantities(contents: Iterable[tuple[int, Decimal]]) -> dict[int, Decimal]:
    """(order line id, quantity) pairs of the packages, summed per order line."""
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for line_id, qty in contents:
        totals[line_id] += qty
    return dict(sorted(totals.items()))


def check_shippable(
    wanted: Mapping[int, Decimal], reserved: Mapping[int, Decimal], label: Mapping[int, str]
) -> None:
    """Refuse shipping more of an order line than it has reserved (``exceeds_reserved``, 409)."""
    for line_id, qty in sorted(wanted.items()):
        have = reserved.get(line_id, ZERO)
        if qty > have:
            raise RuleBroken(
                "exceeds_reserved",
                f"{label.get(line_id, f'Line {line_id}')}: {normal(qty)} to ship but only "
                f"{normal(have)} reserved.",
                field="package_ids",
                status=409,
            )


# --- codes ----------------------------------------------------------------------------------


def gtin14(code: str) -> str:
    """A GTIN-8/12/13/14 as 14 digits (left-padded with zeros), '' when it is not digits."""
    digits = (code or "").strip()
    if not digits.isdigit() or len(digits) not in (8, 12, 13, 14):
        return ""
    return digits.zfill(14)


def sscc_serial_digits(company_prefix: str) -> int:
    """How many digits of an SSCC-18 are left for the serial reference after the prefix."""
    return 16 - len(company_prefix)


def check_company_prefix(prefix: str) -> str:
    """A GS1 company prefix: 6 to 12 digits (``invalid_company_prefix``)."""
    text = (prefix or "").strip()
    if not text.isdigit() or not 6 <= len(text) <= 12:
        raise RuleBroken(
            "invalid_company_prefix",
            "A GS1 company prefix is 6 to 12 digits.",
            field="gs1_company_prefix",
        )
    return text


# --- tracking -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrackingReport:
    """One carrier event as received, checked: what it says happened, when and where."""

    occurred_at: datetime
    status: str
    code: str = ""
    location: str = ""
    description: str = ""

    @property
    def key(self) -> tuple[datetime, str, str]:
        """What makes a carrier's event the same one sent again (with the shipment)."""
        return (self.occurred_at, self.status, self.code)


def tracking_report(
    *,
    occurred_at: object,
    status: object,
    code: object = "",
    location: object = "",
    description: object = "",
    field: str = "events",
) -> TrackingReport:
    """A carrier event checked: a known status, a time with its zone, texts within limits."""
    text = str(status or "").strip().lower()
    if text not in TRACKING_STATUSES:
        raise RuleBroken(
            "invalid_tracking_status",
            f"Unknown tracking status {text!r}; use one of {', '.join(TRACKING_STATUSES)}.",
            field=f"{field}.status",
        )
    if not isinstance(occurred_at, datetime) or occurred_at.utcoffset() is None:
        raise RuleBroken(
            "invalid_occurred_at",
            "Give the event's time with its time zone (ISO 8601, e.g. 2026-03-02T14:05:00Z).",
            field=f"{field}.occurred_at",
        )
    limits = (("code", code, 50), ("location", location, 200), ("description", description, 300))
    texts: dict[str, str] = {}
    for name, value, limit in limits:
        texts[name] = str(value or "").strip()
        if len(texts[name]) > limit:
            raise RuleBroken(
                "too_long", f"The {name} is at most {limit} characters.", field=f"{field}.{name}"
            )
    return TrackingReport(occurred_at.astimezone(UTC), text, **texts)  # stored in UTC


def new_reports(
    reports: Iterable[TrackingReport], known: Iterable[tuple[datetime, str, str]]
) -> list[TrackingReport]:
    """The reports not recorded yet (nor twice in the same batch), oldest first."""
    seen = set(known)
    fresh: list[TrackingReport] = []
    for report in sorted(reports, key=lambda r: (r.occurred_at, TRACKING_STATUSES.index(r.status))):
        if report.key not in seen:
            seen.add(report.key)
            fresh.append(report)
    return fresh


def delivered_at(reports: Iterable[TrackingReport]) -> datetime | None:
    """When the first ``delivered`` event says the shipment arrived (None: not yet)."""
    times = [r.occurred_at for r in reports if r.status == "delivered"]
    return min(times) if times else None
