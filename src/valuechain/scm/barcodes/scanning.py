"""Where other contexts plug into the scan page: one scan mode per task.

The scan page (``/scm/scan/``) and ``POST /api/v1/scans`` belong to bar codes; each mode
(receive, move, count here; pick and pack from fulfillment) is a handler registered in the
context's ``AppConfig.ready()``::

    from valuechain.scm.barcodes.scanning import ScanField, ScanMode, register_scan_mode

    def handle_pick(scan: ScanInput) -> ScanOutcome:
        if scan.elements.get("00"): ...             # a GS1 element string was scanned
        location = scan.state.get("location_id")    # kept between scans (session / API body)
        scan.state["pick_list_id"] = 7              # handlers may change the state
        return ScanOutcome("Picked 1 x SKU-1 from A-01", prompt="Scan the next item")

    register_scan_mode(ScanMode(key="pick", label="Pick", handle=handle_pick, order=40,
                                prompt="Scan the pick list, then each item"))

A handler gets a :class:`ScanInput` and returns a :class:`ScanOutcome`, or raises
``DomainError`` (shown next to the input; a 4xx from the API). It runs inside the request's
tenant context and calls services for every write. ``state`` is one dict shared by all
modes (bar codes keeps ``warehouse_id`` and ``location_id`` in it; prefix your own keys
with the mode, e.g. ``pick_list_id``); the page keeps it in the session, the API takes it in
the request body and returns it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass
class ScanInput:
    """One scan: the code as typed by the scanner, and what is known around it."""

    mode: str
    code: str  # normalised: symbology identifier and surrounding whitespace removed
    elements: dict[str, str]  # GS1 AIs when the code is an element string, else {}
    state: dict[str, Any]  # kept between scans; the handler may change it
    data: Mapping[str, Any] = field(default_factory=dict)  # extra inputs (quantity, …)


@dataclass(frozen=True)
class ScanOutcome:
    """What a scan did, for the person holding the scanner."""

    message: str
    prompt: str = ""  # what to scan next
    details: dict[str, Any] = field(default_factory=dict)  # JSON-able, returned by the API


@dataclass(frozen=True)
class ScanField:
    """An extra input a mode shows next to the code field (e.g. quantity)."""

    name: str
    label: str
    kind: str = "text"  # "text", "number" or "warehouse" (a select of the tenant's warehouses)
    required: bool = False


ScanHandler = Callable[[ScanInput], ScanOutcome]


@dataclass(frozen=True)
class ScanMode:
    """A task on the scan page."""

    key: str
    label: str
    handle: ScanHandler
    prompt: str = ""  # shown when the mode is chosen
    fields: tuple[ScanField, ...] = ()
    needs_warehouse: bool = True
    order: int = 100


_modes: dict[str, ScanMode] = {}


def register_scan_mode(mode: ScanMode) -> None:
    """Add (or replace) a scan mode; idempotent so reloading an app is harmless."""
    if not mode.key or not mode.key.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"Scan mode key {mode.key!r} must be letters, digits, '-' or '_'.")
    _modes[mode.key] = mode


def scan_mode(key: str) -> ScanMode | None:
    """The registered mode ``key``, or None."""
    return _modes.get(key)


def scan_modes() -> list[ScanMode]:
    """Every registered mode, in display order."""
    return sorted(_modes.values(), key=lambda mode: (mode.order, mode.key))
