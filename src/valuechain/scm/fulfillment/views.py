"""Pages of fulfillment: pick lists (ordered by location, pick by line or scan), the pack
screen and packages, the shipment form and the shipments list."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_POST

from valuechain.platform.errors import DomainError
from valuechain.platform.identity.decorators import requires
from valuechain.platform.identity.domain import allows
from valuechain.platform.web.pages import paginated
from valuechain.scm.fulfillment import (
    commercial_invoice,
    domain,
    packing,
    queries,
    services,
    shipping,
    tracking,
)
from valuechain.scm.fulfillment.models import Package, PickList, Shipment
from valuechain.scm.inventory.models import Warehouse

PER_PAGE = 50
SHIPMENT_SORTS = {
    "-shipped_at": ("-shipped_at",),
    "shipped_at": ("shipped_at",),
    "number": ("number",),
    "-number": ("-number",),
    "carrier": ("carrier_name", "-shipped_at"),
}
PICK_LIST_SORTS = {"-created_at": ("-created_at",), "number": ("number",), "state": ("state",)}


def _can_write(request: HttpRequest) -> bool:
    return allows(getattr(request, "permissions", frozenset()), "scm", "write")


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _run(request: HttpRequest, call: Callable[[], Any], success: str) -> Any:
    """Run a service; show its refusal as an error message (a 404 for missing records)."""
    try:
        result = call()
    except DomainError as error:
        if error.status == 404 and error.field is None:
            raise Http404(error.message) from error
        messages.error(request, error.message)
        return None
    if success:
        messages.success(request, success)
    return result


def _warehouses() -> list[Warehouse]:
    return list(Warehouse.objects.filter(is_active=True).order_by("code"))


# --- pick lists -----------------------------------------------------------------------------


@requires("scm", "read")
def pick_list_list(request: HttpRequest) -> HttpResponse:
    """/scm/fulfillment/pick-lists/: pick lists with filters and a form for a new one."""
    state = request.GET.get("state", "")
    warehouse_id = _int(request.GET.get("warehouse"))
    sort = request.GET.get("sort", "-created_at")
    rows = queries.pick_lists(
        queries.PickListFilters(
            state=state if state in domain.PICK_LIST_STATES else None, warehouse_id=warehouse_id
        )
    ).order_by(*PICK_LIST_SORTS.get(sort, ("-created_at",)), "-pk")
    page = paginated(request, rows, PER_PAGE)
    context = {
        "page": page,
        "state": state,
        "warehouse_id": warehouse_id,
        "sort": sort,
        "states": domain.PICK_LIST_STATES,
        "warehouses": _warehouses(),
        "can_write": _can_write(request),
    }
    return render(request, "fulfillment/pick_list_list.html", context)


@requires("scm", "write")
@require_POST
def pick_list_create(request: HttpRequest) -> HttpResponse:
    """Make a pick list of the warehouse's reserved lines (POST from the list page)."""
    warehouse_id = _int(request.POST.get("warehouse_id"))
    if warehouse_id is None:
        messages.error(request, "Choose the warehouse to pick in.")
        return redirect("fulfillment-pick-lists")
    pick_list = _run(request, lambda: services.create_pick_list(warehouse_id=warehouse_id), "")
    if pick_list is None:
        return redirect("fulfillment-pick-lists")
    messages.success(request, f"Pick list {pick_list.number} made.")
    return redirect("fulfillment-pick-list", pick_list.pk)


def _pick_list_or_404(pick_list_id: int) -> PickList:
    try:
        return queries.pick_list(pick_list_id)
    except PickList.DoesNotExist as exc:
        raise Http404("No such pick list.") from exc


def _pick_context(request: HttpRequest, pick_list: PickList) -> dict[str, Any]:
    lines = list(queries.pick_lines(pick_list.pk))
    upcoming = next((line for line in lines if line.progress.to_pick > 0), None)
    return {
        "pick_list": pick_list,
        "lines": lines,
        "next_line": upcoming,
        "active": pick_list.state in domain.ACTIVE_PICK_LIST_STATES,
        "can_write": _can_write(request),
        "last_location": request.session.get(f"pick-location-{pick_list.pk}", ""),
    }


@requires("scm", "read")
def pick_list_detail(request: HttpRequest, pick_list_id: int) -> HttpResponse:
    """/scm/fulfillment/pick-lists/<id>/: the lines in walking order, pick and scan forms."""
    pick_list = _pick_list_or_404(pick_list_id)
    return render(request, "fulfillment/pick_list_detail.html", _pick_context(request, pick_list))


def _pick_answer(request: HttpRequest, pick_list_id: int) -> HttpResponse:
    """The lines fragment for htmx, else back to the page."""
    if getattr(request, "htmx", False):
        context = _pick_context(request, _pick_list_or_404(pick_list_id))
        return render(request, "fulfillment/_pick_lines.html", context)
    return redirect("fulfillment-pick-list", pick_list_id)


@requires("scm", "write")
@require_POST
def pick_confirm(request: HttpRequest, pick_list_id: int, line_id: int) -> HttpResponse:
    """Record a picked quantity on one line."""
    quantity = request.POST.get("quantity", "1")
    _run(request, lambda: services.confirm_pick(pick_list_id, line_id, quantity), "Pick recorded.")
    return _pick_answer(request, pick_list_id)


@requires("scm", "write")
@require_POST
def pick_scan(request: HttpRequest, pick_list_id: int) -> HttpResponse:
    """Pick by scan: a location's code sets where the picker stands, an item's code picks."""
    location = request.POST.get("location", "").strip()
    code = request.POST.get("code", "").strip()
    quantity = request.POST.get("quantity", "1") or "1"
    key = f"pick-location-{pick_list_id}"
    if location:
        request.session[key] = location
    location = request.session.get(key, "")
    if code and queries.location_by_code(code) is not None:  # the location was scanned
        request.session[key] = code
        messages.info(request, f"At {code}: scan the item.")
    elif not location:
        messages.error(request, "Scan the location first.")
    elif code:
        _run(
            request,
            lambda: services.scan_pick(
                pick_list_id, location_code=location, code=code, quantity=quantity
            ),
            f"Picked {quantity} at {location}.",
        )
    return _pick_answer(request, pick_list_id)


@requires("scm", "write")
@require_POST
def pick_list_close(request: HttpRequest, pick_list_id: int) -> HttpResponse:
    """End picking with what was picked."""
    _run(request, lambda: services.close_pick_list(pick_list_id), "Pick list done.")
    return redirect("fulfillment-pick-list", pick_list_id)


@requires("scm", "write")
@require_POST
def pick_list_cancel(request: HttpRequest, pick_list_id: int) -> HttpResponse:
    """Drop the pick list."""
    _run(request, lambda: services.cancel_pick_list(pick_list_id), "Pick list cancelled.")
    return redirect("fulfillment-pick-list", pick_list_id)


# --- packing --------------------------------------------------------------------------------


@requires("scm", "read")
def pack_screen(request: HttpRequest) -> HttpResponse:
    """/scm/fulfillment/pack/: orders with picked items to pack, and the open packages."""
    waiting = queries.packable_orders()
    open_packages = list(
        queries.packages(queries.PackageFilters(state="open")).order_by("order__number", "pk")[:200]
    )
    packed = list(
        queries.packages(queries.PackageFilters(state="packed")).order_by("order__number", "pk")[
            :200
        ]
    )
    context = {
        "waiting": waiting,
        "open_packages": open_packages,
        "packed_packages": packed,
        "can_write": _can_write(request),
    }
    return render(request, "fulfillment/pack.html", context)


@requires("scm", "write")
@require_POST
def package_create(request: HttpRequest) -> HttpResponse:
    """A new package for an order (POST from the pack screen)."""
    order_id = _int(request.POST.get("order_id"))
    warehouse_id = _int(request.POST.get("warehouse_id"))
    if order_id is None or warehouse_id is None:
        messages.error(request, "Choose the order and warehouse to pack for.")
        return redirect("fulfillment-pack")
    package = _run(
        request,
        lambda: packing.create_package(order_id=order_id, warehouse_id=warehouse_id),
        "",
    )
    if package is None:
        return redirect("fulfillment-pack")
    messages.success(request, f"Package {package.sscc} opened.")
    return redirect("fulfillment-package", package.pk)


def _package_or_404(package_id: int) -> Package:
    try:
        return queries.package(package_id)
    except Package.DoesNotExist as exc:
        raise Http404("No such package.") from exc


@requires("scm", "read")
def package_detail(request: HttpRequest, package_id: int) -> HttpResponse:
    """/scm/fulfillment/packages/<id>/: contents, items waiting to be packed, seal form."""
    package = _package_or_404(package_id)
    context = {
        "package": package,
        "contents": list(queries.package_lines([package.pk])),
        "waiting": queries.open_pick_lines_for_order(package.order_id, package.warehouse_id),
        "can_write": _can_write(request),
    }
    return render(request, "fulfillment/package_detail.html", context)


@requires("scm", "write")
@require_POST
def package_pack(request: HttpRequest, package_id: int) -> HttpResponse:
    """Pack one picked line's quantity, or a scanned item's."""
    code = request.POST.get("code", "").strip()
    quantity = request.POST.get("quantity", "1") or "1"
    line_id = _int(request.POST.get("pick_line_id"))
    if code:
        _run(
            request,
            lambda: packing.scan_pack(package_id, code=code, quantity=quantity),
            f"Packed {quantity}.",
        )
    elif line_id is not None:
        _run(
            request,
            lambda: packing.pack_items(package_id, [(line_id, quantity)]),
            f"Packed {quantity}.",
        )
    else:
        messages.error(request, "Scan an item or choose a line to pack.")
    return redirect("fulfillment-package", package_id)


def _optional(request: HttpRequest, name: str) -> str | None:
    value = request.POST.get(name, "").strip()
    return value or None


@requires("scm", "write")
@require_POST
def package_close(request: HttpRequest, package_id: int) -> HttpResponse:
    """Seal the package with its measured weight and size."""
    values = {
        name: _optional(request, name)
        for name in ("weight_kg", "length_cm", "width_cm", "height_cm")
    }
    _run(request, lambda: packing.close_package(package_id, **values), "Package sealed.")
    return redirect("fulfillment-package", package_id)


@requires("scm", "write")
@require_POST
def package_reopen(request: HttpRequest, package_id: int) -> HttpResponse:
    """Open a packed package again."""
    _run(request, lambda: packing.reopen_package(package_id), "Package reopened.")
    return redirect("fulfillment-package", package_id)


@requires("scm", "write")
@require_POST
def package_cancel(request: HttpRequest, package_id: int) -> HttpResponse:
    """Unpack and drop the package."""
    _run(request, lambda: packing.cancel_package(package_id), "Package cancelled.")
    return redirect("fulfillment-package", package_id)


# --- shipments ------------------------------------------------------------------------------


@requires("scm", "read")
def shipment_list(request: HttpRequest) -> HttpResponse:
    """/scm/fulfillment/shipments/: shipments with search, carrier and state filters."""
    q = request.GET.get("q", "").strip()
    carrier = request.GET.get("carrier", "").strip()
    state = request.GET.get("state", "")
    sort = request.GET.get("sort", "-shipped_at")
    rows = queries.shipments(
        queries.ShipmentFilters(
            q=q or None,
            carrier=carrier or None,
            state=state if state in domain.SHIPMENT_STATES else None,
        )
    ).order_by(*SHIPMENT_SORTS.get(sort, ("-shipped_at",)), "-pk")
    page = paginated(request, rows, PER_PAGE)
    context = {
        "page": page,
        "q": q,
        "carrier": carrier,
        "state": state,
        "sort": sort,
        "states": domain.SHIPMENT_STATES,
        "can_write": _can_write(request),
    }
    return render(request, "fulfillment/shipment_list.html", context)


@requires("scm", "write")
def shipment_create(request: HttpRequest) -> HttpResponse:
    """/scm/fulfillment/shipments/new/?order=<id>: ship packed packages with a carrier."""
    order_id = _int(request.GET.get("order") or request.POST.get("order"))
    order = queries.sales_order(order_id) if order_id is not None else None
    if order is None:
        raise Http404("No such sales order.")
    packages = list(
        queries.packages(queries.PackageFilters(state="packed", order_id=order.pk)).order_by("pk")
    )
    # ?carrier= comes from "Ship with this" on the carrier comparison.
    carrier_name = request.POST.get("carrier_name", request.GET.get("carrier", ""))
    tracking_number = request.POST.get("tracking_number", "")
    chosen = [pk for pk in (_int(v) for v in request.POST.getlist("package_ids")) if pk]
    if request.method == "POST":
        shipment = _run(
            request,
            lambda: shipping.ship_packages(
                chosen, carrier_name=carrier_name, tracking_number=tracking_number
            ),
            "",
        )
        if shipment is not None:
            messages.success(request, f"{shipment.number} shipped with {shipment.carrier_name}.")
            return redirect("fulfillment-shipment", shipment.pk)
    else:
        chosen = [package.pk for package in packages]
    form = {
        "carrier_name": carrier_name,
        "tracking_number": tracking_number,
        "package_ids": chosen,
    }
    context = {"order": order, "packages": packages, "form": form}
    return render(request, "fulfillment/shipment_form.html", context)


def _shipment_or_404(shipment_id: int) -> Shipment:
    try:
        return queries.shipment(shipment_id)
    except Shipment.DoesNotExist as exc:
        raise Http404("No such shipment.") from exc


@requires("scm", "read")
def shipment_detail(request: HttpRequest, shipment_id: int) -> HttpResponse:
    """/scm/fulfillment/shipments/<id>/: carrier, tracking, packages and their contents."""
    shipment = _shipment_or_404(shipment_id)
    packages = list(queries.packages(queries.PackageFilters(shipment_id=shipment.pk)))
    contents = queries.contents_by_package(package.pk for package in packages)
    for package in packages:
        package.contents = contents.get(package.pk, [])  # type: ignore[attr-defined]
    total = sum((package.declared_weight_kg or Decimal("0") for package in packages), Decimal("0"))
    context = {
        "shipment": shipment,
        "packages": packages,
        "total_weight": total,
        "tracking_events": tracking.events_of(shipment.pk),
        "tracking_statuses": domain.TRACKING_STATUSES,
        "cross_border": bool(
            shipment.warehouse.country
            and shipment.order.ship_to_country
            and shipment.warehouse.country.upper() != shipment.order.ship_to_country.upper()
        ),
        "can_write": _can_write(request),
    }
    return render(request, "fulfillment/shipment_detail.html", context)


@requires("scm", "read")
def shipment_commercial_invoice(request: HttpRequest, shipment_id: int) -> HttpResponse:
    """/scm/fulfillment/shipments/<id>/commercial-invoice.pdf: the PDF, or back with why not."""
    invoice = _run(request, lambda: commercial_invoice.build(shipment_id), "")
    if invoice is None:
        return redirect("fulfillment-shipment", shipment_id)
    response = HttpResponse(
        commercial_invoice.render_pdf(invoice), content_type=commercial_invoice.CONTENT_TYPE
    )
    name = f"commercial-invoice-{invoice.shipment_number}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@requires("scm", "write")
@require_POST
def shipment_tracking_event(request: HttpRequest, shipment_id: int) -> HttpResponse:
    """Record a carrier event typed in by hand (a phone call, a scan on the carrier's site)."""
    event = {
        "occurred_at": _aware(request.POST.get("occurred_at", "")),
        "status": request.POST.get("status", ""),
        "code": request.POST.get("code", ""),
        "location": request.POST.get("location", ""),
        "description": request.POST.get("description", ""),
    }
    _run(request, lambda: tracking.record_events(shipment_id, [event]), "Tracking event recorded.")
    return redirect("fulfillment-shipment", shipment_id)


def _aware(text: str) -> Any:
    """A datetime-local input read in the current time zone (None when unreadable)."""
    parsed = parse_datetime(text.strip()) if text.strip() else None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


@requires("scm", "write")
@require_POST
def shipment_update(request: HttpRequest, shipment_id: int) -> HttpResponse:
    """Correct the carrier and tracking number, or record the delivery."""
    if request.POST.get("action") == "delivered":
        _run(request, lambda: shipping.mark_delivered(shipment_id), "Delivery recorded.")
    else:
        _run(
            request,
            lambda: shipping.update_tracking(
                shipment_id,
                carrier_name=request.POST.get("carrier_name", ""),
                tracking_number=request.POST.get("tracking_number", ""),
            ),
            "Shipment saved.",
        )
    return redirect("fulfillment-shipment", shipment_id)
