"""The scan page's engine and bar codes' own modes: receive, move and count.

``run_scan(mode, code, state, data)`` parses the code (GS1 element string or not), calls
the mode's handler and returns its outcome; the page keeps ``state`` in the session, the
API takes and returns it. Handlers call the inventory services for every write.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from valuechain.platform.errors import DomainError
from valuechain.scm.barcodes import gs1, queries, stock
from valuechain.scm.barcodes.scanning import (
    ScanField,
    ScanInput,
    ScanMode,
    ScanOutcome,
    register_scan_mode,
    scan_mode,
    scan_modes,
)

MAX_CODE_LENGTH = 200


def parse_code(code: str) -> tuple[str, dict[str, str]]:
    """The normalised code and its GS1 elements ({} when it is not an element string)."""
    text = str(code or "").replace("<GS>", gs1.GROUP_SEPARATOR)
    if len(text) > MAX_CODE_LENGTH:
        raise DomainError(
            "invalid_code", "A scanned code has at most 200 characters.", field="code"
        )
    if gs1.is_element_string(text):
        try:
            return gs1.normalise(text), gs1.parse_element_string(text)
        except gs1.GS1Error as exc:
            raise DomainError(exc.code, exc.message, field="code") from exc
    cleaned = gs1.normalise(text)
    # A wedge scanner that drops the symbology identifier sends "01…" with no marker.
    if cleaned[:2] in ("00", "01") and len(cleaned) >= 16:
        try:
            return cleaned, gs1.parse_element_string(cleaned)
        except gs1.GS1Error:
            pass  # not an element string after all: a plain code
    if not cleaned:
        raise DomainError("empty_code", "Scan or type a code.", field="code")
    return cleaned, {}


def run_scan(
    mode_key: str, code: str, state: dict[str, Any], data: Mapping[str, Any] | None = None
) -> ScanOutcome:
    """Handle one scan in a mode; ``state`` is updated in place."""
    mode = scan_mode(mode_key)
    if mode is None:
        raise DomainError(
            "unknown_mode",
            f"No scan mode {mode_key!r}; modes: {', '.join(m.key for m in scan_modes())}.",
            field="mode",
        )
    data = dict(data or {})
    if data.get("warehouse_id"):
        warehouse = queries.warehouse(_int(data["warehouse_id"], "warehouse_id"))
        if warehouse is None:
            raise DomainError("not_found", "No such warehouse.", field="warehouse_id", status=404)
        if state.get("warehouse_id") != warehouse.pk:
            state["warehouse_id"] = warehouse.pk
            state.pop("location_id", None)
    if mode.needs_warehouse and queries.warehouse(state.get("warehouse_id")) is None:
        raise DomainError(
            "warehouse_required", "Choose the warehouse you are working in.", field="warehouse_id"
        )
    normalised, elements = parse_code(code)
    return mode.handle(ScanInput(mode_key, normalised, elements, state, data))


def _int(value: Any, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise DomainError("invalid_" + name, f"{name} must be a number.", field=name) from exc


def _quantity(scanned: int | None, data: Mapping[str, Any]) -> Decimal:
    """AI 37 wins; else the quantity field; else 1."""
    if scanned is not None:
        if scanned <= 0:
            raise DomainError("invalid_quantity", "The scanned count must be positive.")
        return Decimal(scanned)
    raw = data.get("quantity")
    if raw in (None, ""):
        return Decimal(1)
    try:
        quantity = Decimal(str(raw))
    except InvalidOperation as exc:
        raise DomainError(
            "invalid_quantity", "The quantity must be a number.", field="quantity"
        ) from exc
    if not quantity.is_finite() or quantity <= 0:
        raise DomainError("invalid_quantity", "The quantity must be positive.", field="quantity")
    return quantity


def _number(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _warehouse_location(resolved: queries.Resolved, state: Mapping[str, Any]) -> Any:
    location = resolved.location
    assert location is not None
    if location.warehouse_id != state.get("warehouse_id"):
        raise DomainError(
            "wrong_warehouse",
            f"Location {location.code} is not in the chosen warehouse.",
            field="code",
        )
    return location


def _unknown(resolved: queries.Resolved, code: str) -> DomainError:
    if resolved.gtin:
        return DomainError(
            "unknown_gtin", f"No product has GTIN {resolved.gtin}.", field="code", status=404
        )
    if resolved.kind == "sscc":
        return DomainError(
            "unexpected_sscc",
            f"SSCC {resolved.sscc} is a package; this mode takes items and locations.",
            field="code",
        )
    return DomainError(
        "unknown_code", f"{code!r} is no known product, location or GTIN.", field="code", status=404
    )


def _item_text(resolved: queries.Resolved) -> str:
    variant = resolved.variant
    assert variant is not None
    text = f"{variant.display_name} ({variant.sku})"
    if resolved.lot or resolved.serial:
        text += f" lot {resolved.lot or resolved.serial}"
    return text


# --- receive ---------------------------------------------------------------------------------


def handle_receive(scan: ScanInput) -> ScanOutcome:
    """A location sets where goods go; an item (GTIN + lot + expiry + count) is received."""
    resolved = queries.resolve(scan.code, scan.elements)
    if resolved.kind == "location":
        location = _warehouse_location(resolved, scan.state)
        scan.state["location_id"] = location.pk
        return ScanOutcome(
            f"Receiving into {location.code}.",
            prompt="Scan the GS1-128 label of the goods",
            details={"location": location.code},
        )
    if resolved.kind != "item":
        raise _unknown(resolved, scan.code)
    assert resolved.variant is not None
    warehouse = queries.warehouse(scan.state["warehouse_id"])
    location = queries.location(scan.state.get("location_id"))
    quantity = _quantity(resolved.count, scan.data)
    lot_number = resolved.lot or resolved.serial
    if resolved.serial and quantity != 1:
        raise DomainError(
            "invalid_quantity", "A serial number identifies one unit.", field="quantity"
        )
    move = stock.receive(
        variant=resolved.variant,
        warehouse=warehouse,
        quantity=quantity,
        lot_number=lot_number,
        expires_on=resolved.expires_on,  # type: ignore[arg-type]
        location=location,
        reference="scan",
    )
    where = move.to_location.code
    text = f"Received {_number(quantity)} x {_item_text(resolved)}"
    if resolved.expires_on:
        text += f", expires {resolved.expires_on}"
    return ScanOutcome(
        f"{text} into {where}.",
        prompt="Scan the next label",
        details={
            "move_id": move.pk,
            "variant_id": resolved.variant.pk,
            "sku": resolved.variant.sku,
            "quantity": _number(quantity),
            "lot": lot_number,
            "expires_on": str(resolved.expires_on) if resolved.expires_on else None,
            "location": where,
        },
    )


# --- move ------------------------------------------------------------------------------------


def handle_move(scan: ScanInput) -> ScanOutcome:
    """Scan the source location, the items, then the target location: the items move."""
    resolved = queries.resolve(scan.code, scan.elements)
    pending: list[dict[str, Any]] = scan.state.setdefault("move_items", [])
    if resolved.kind == "location":
        location = _warehouse_location(resolved, scan.state)
        source = queries.location(scan.state.get("move_from_id"))
        if not pending or source is None:
            scan.state["move_from_id"] = location.pk
            scan.state["move_items"] = []
            return ScanOutcome(
                f"Moving from {location.code}.",
                prompt="Scan the items to move",
                details={"from_location": location.code},
            )
        if location.pk == source.pk:
            raise DomainError(
                "same_location", "The target is the source location; scan another.", field="code"
            )
        moves = stock.move_items(pending, from_location=source, to_location=location)
        scan.state["move_items"] = []
        count = sum((Decimal(item["quantity"]) for item in pending), Decimal(0))
        return ScanOutcome(
            f"Moved {_number(count)} item(s) from {source.code} to {location.code}.",
            prompt=f"Scan more items from {source.code}, or another source location",
            details={
                "from_location": source.code,
                "to_location": location.code,
                "move_ids": [move.pk for move in moves],
            },
        )
    if scan.state.get("move_from_id") is None:
        raise DomainError(
            "location_first", "Scan the location the items come from first.", field="code"
        )
    if resolved.kind != "item":
        raise _unknown(resolved, scan.code)
    assert resolved.variant is not None
    quantity = _quantity(resolved.count, scan.data)
    pending.append(
        {
            "variant_id": resolved.variant.pk,
            "lot": resolved.lot or resolved.serial,
            "quantity": str(quantity),
            "label": _item_text(resolved),
        }
    )
    return ScanOutcome(
        f"To move: {_number(quantity)} x {_item_text(resolved)} ({len(pending)} line(s)).",
        prompt="Scan more items, or the target location",
        details={"pending": pending},
    )


def register_modes() -> None:
    """Called from ``AppConfig.ready()``."""
    quantity = ScanField("quantity", "Quantity (when the label has no count)", kind="number")
    register_scan_mode(
        ScanMode(
            "receive",
            "Receive",
            handle_receive,
            prompt="Scan a location (optional), then the GS1-128 label (GTIN, lot, expiry)",
            fields=(quantity,),
            order=10,
        )
    )
    register_scan_mode(
        ScanMode(
            "move",
            "Move",
            handle_move,
            prompt="Scan the source location, the items, then the target location",
            fields=(quantity,),
            order=20,
        )
    )
