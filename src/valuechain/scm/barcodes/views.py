"""Pages of barcodes: printable labels, the scan page (htmx) and the RFID antenna map."""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from valuechain.platform.errors import DomainError
from valuechain.platform.identity.decorators import requires
from valuechain.platform.identity.middleware import PERMISSIONS_POLICY
from valuechain.scm.barcodes import queries, scan, services
from valuechain.scm.barcodes.printing import label_response
from valuechain.scm.barcodes.scanning import ScanMode, scan_mode, scan_modes

SESSION_KEY = "barcodes_scan"
HISTORY = 8  # results kept on the page
LABEL_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"
# The scan page may use the camera (BarcodeDetector); every other page keeps camera=().
SCAN_PERMISSIONS_POLICY = PERMISSIONS_POLICY.replace("camera=()", "camera=(self)")


@requires("scm", "read")
def label(request: HttpRequest, kind: str, record_id: int, fmt: str) -> HttpResponse:
    """/scm/labels/<kind>/<id>.svg|.pdf: a printable label of a variant, product, location or
    package (any registered kind)."""
    try:
        response = label_response(kind, record_id, fmt)
    except DomainError as error:
        if error.status == 404 or error.code == "unsupported_format":
            raise Http404(error.message) from error
        return HttpResponse(error.message, status=error.status, content_type="text/plain")
    # The SVG carries style="…" attributes (fonts, fills) and no script: opened on its own
    # it needs inline styles, which the site-wide style-src 'self' refuses.
    response["Content-Security-Policy"] = LABEL_CSP
    return response


# --- the scan page -------------------------------------------------------------------------


def _session(request: HttpRequest) -> dict[str, Any]:
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict):
        data = {}
    data.setdefault("mode", "")
    data.setdefault("state", {})
    data.setdefault("history", [])
    return data


def _current_mode(data: dict[str, Any]) -> ScanMode | None:
    mode = scan_mode(data.get("mode") or "")
    if mode is None:
        modes = scan_modes()
        mode = modes[0] if modes else None
    return mode


def _summary(state: dict[str, Any]) -> dict[str, Any]:
    """What the page shows of the state: warehouse, location, what is pending."""
    warehouse = queries.warehouse(state.get("warehouse_id"))
    location = queries.location(state.get("location_id"))
    move_from = queries.location(state.get("move_from_id"))
    return {
        "warehouse": warehouse,
        "location": location,
        "move_from": move_from,
        "move_items": state.get("move_items") or [],
        "keys": sorted(k for k in state if k not in ("warehouse_id", "location_id")),
    }


def _context(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    mode = _current_mode(data)
    return {
        "modes": scan_modes(),
        "mode": mode,
        "warehouses": list(queries.warehouses()),
        "summary": _summary(data["state"]),
        "history": data["history"],
        "entry": data["history"][0] if data["history"] else None,
    }


def _page(request: HttpRequest, data: dict[str, Any]) -> HttpResponse:
    response = render(request, "barcodes/scan.html", _context(request, data))
    response["Permissions-Policy"] = SCAN_PERMISSIONS_POLICY
    return response


@requires("scm", "read")
def scan_page(request: HttpRequest) -> HttpResponse:
    """/scm/scan/: the scan page (big input for keyboard-wedge scanners, optional camera)."""
    data = _session(request)
    wanted = request.GET.get("mode")
    if wanted and scan_mode(wanted) is not None and wanted != data["mode"]:
        data["mode"] = wanted
        request.session[SESSION_KEY] = data
    return _page(request, data)


@require_POST
@requires("scm", "write")
def scan_submit(request: HttpRequest) -> HttpResponse:
    """One scan (htmx: answers the result fragment and the refreshed state)."""
    data = _session(request)
    mode = _current_mode(data)
    code = request.POST.get("code", "")
    extra = {
        name: request.POST[name]
        for name in ("quantity", "warehouse_id")
        if request.POST.get(name, "") != ""
    }
    state = copy.deepcopy(data["state"])
    entry: dict[str, Any] = {"code": code.replace("\x1d", "<GS>")[:200]}
    try:
        if mode is None:
            raise DomainError("unknown_mode", "No scan modes are available.")
        outcome = scan.run_scan(mode.key, code, state, extra)
    except DomainError as error:
        entry.update(ok=False, message=error.message, code_name=error.code)
        if extra.get("warehouse_id") and error.code != "not_found":
            # A warehouse chosen together with a failing scan is still the one chosen.
            chosen = queries.warehouse(_as_int(extra["warehouse_id"]))
            if chosen is not None:
                data["state"]["warehouse_id"] = chosen.pk
    else:
        entry.update(ok=True, message=outcome.message, prompt=outcome.prompt)
        data["state"] = state
    data["history"] = [entry, *data["history"]][:HISTORY]
    request.session[SESSION_KEY] = data
    if request.htmx:  # type: ignore[attr-defined]
        context = _context(request, data)
        status = 200 if entry["ok"] else 422
        # htmx swaps 2xx only: refusals come back as 200 with the error (and a header).
        response = render(request, "barcodes/_scan_live.html", context)
        response["X-Scan-Status"] = str(status)
        return response
    return redirect("barcodes-scan")


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_POST
@requires("scm", "read")
def scan_set_mode(request: HttpRequest) -> HttpResponse:
    """Choose the mode (and warehouse); the state of the other mode's steps is kept."""
    data = _session(request)
    mode = request.POST.get("mode", "")
    if scan_mode(mode) is not None:
        data["mode"] = mode
    warehouse = queries.warehouse(_as_int(request.POST.get("warehouse_id")))
    if warehouse is not None and data["state"].get("warehouse_id") != warehouse.pk:
        data["state"] = {"warehouse_id": warehouse.pk}
    request.session[SESSION_KEY] = data
    return redirect("barcodes-scan")


@require_POST
@requires("scm", "read")
def scan_reset(request: HttpRequest) -> HttpResponse:
    """Forget the steps in progress (location, pending items) but keep mode and warehouse."""
    data = _session(request)
    warehouse_id = data["state"].get("warehouse_id")
    data["state"] = {"warehouse_id": warehouse_id} if warehouse_id else {}
    data["history"] = []
    request.session[SESSION_KEY] = data
    messages.info(request, "Scan steps cleared.")
    return redirect("barcodes-scan")


# --- RFID ----------------------------------------------------------------------------------


@requires("scm", "read")
def rfid_page(request: HttpRequest) -> HttpResponse:
    """/scm/rfid/: reader antennas and the locations they watch, and the latest reads."""
    context = {
        "antennas": list(queries.antennas()),
        "reads": list(queries.recent_reads()),
        "locations": list(queries.warehouse_locations()),
    }
    return render(request, "barcodes/rfid.html", context)


@require_POST
@requires("scm", "write")
def antenna_save(request: HttpRequest) -> HttpResponse:
    """Create or replace an antenna mapping from the RFID page's form."""
    try:
        services.save_antenna(
            reader=request.POST.get("reader", ""),
            antenna=request.POST.get("antenna") or 1,  # type: ignore[arg-type]
            location_id=_as_int(request.POST.get("location_id")) or 0,
            name=request.POST.get("name", ""),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Antenna mapped.")
    return redirect("barcodes-rfid")


@require_POST
@requires("scm", "write")
def antenna_delete(request: HttpRequest, antenna_id: int) -> HttpResponse:
    """Remove an antenna mapping."""
    try:
        services.delete_antenna(antenna_id)
    except DomainError as error:
        if error.status == 404:
            raise Http404(error.message) from error
        raise
    messages.success(request, "Antenna mapping removed.")
    return redirect("barcodes-rfid")
