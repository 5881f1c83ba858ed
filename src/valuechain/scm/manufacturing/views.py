"""Pages of manufacturing: work orders (list, new, the execution page), bills of materials,
work centres with their productivity chart. Thin: forms parse, services decide, queries read."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from valuechain.platform.errors import DomainError
from valuechain.platform.identity.decorators import requires
from valuechain.platform.periods import period
from valuechain.platform.web.pages import call_service, found_or_404, paginated
from valuechain.scm.manufacturing import domain, queries, services, workorders
from valuechain.scm.manufacturing.forms import (
    BomForm,
    PeriodForm,
    ProductionForm,
    WorkCentreForm,
    WorkOrderForm,
)
from valuechain.scm.manufacturing.models import WorkCentre

PER_PAGE = 50
CHART_WIDTH, CHART_HEIGHT, CHART_BASE = 640, 220, 30
ACTIONS: dict[str, tuple[Callable[[int], Any], str]] = {
    "release": (workorders.release_work_order, "released: components reserved"),
    "start": (workorders.start_work_order, "started"),
    "stop": (workorders.stop_work_order, "stopped"),
    "complete": (workorders.complete_work_order, "completed"),
    "cancel": (workorders.cancel_work_order, "cancelled"),
}


# --- work orders ----------------------------------------------------------------------------


@requires("scm", "read")
def work_order_list(request: HttpRequest) -> HttpResponse:
    """/scm/work-orders/: search and filter by state; supply requests waiting to be made."""
    q = request.GET.get("q", "").strip()
    state = request.GET.get("state", "")
    if state not in domain.WORK_ORDER_STATES:
        state = ""
    rows = queries.work_orders(q=q, state=state).order_by("-created_at", "-pk")
    return render(
        request,
        "manufacturing/work_order_list.html",
        {
            "page": paginated(request, rows, PER_PAGE),
            "q": q,
            "state": state,
            "states": domain.WORK_ORDER_STATES,
            "requests": queries.buildable_supply_requests()[:PER_PAGE],
            "centres": queries.work_centres(is_active=True).order_by("code"),
        },
    )


@requires("scm", "write")
def work_order_create(request: HttpRequest) -> HttpResponse:
    """/scm/work-orders/new/: plan a work order."""
    form = WorkOrderForm(request.POST or None, initial={"sku": request.GET.get("sku", "")})
    if request.method == "POST" and form.is_valid():
        order = call_service(form, lambda: workorders.create_work_order(**form.service_arguments()))
        if order is not None:
            messages.success(request, f"{order.number} planned.")
            return redirect("manufacturing-work-order", order.pk)
    return render(request, "manufacturing/work_order_form.html", {"form": form})


def _execution(request: HttpRequest, order_id: int, form: ProductionForm | None = None) -> Any:
    order = found_or_404(queries.work_order, order_id)
    return render(
        request,
        "manufacturing/work_order_detail.html",
        {
            "order": order,
            "running": queries.running_entry(order),
            "entries": queries.time_entries(order),
            "records": queries.production_records(order),
            "form": form or ProductionForm(),
        },
    )


@requires("scm", "read")
def work_order_detail(request: HttpRequest, work_order_id: int) -> HttpResponse:
    """/scm/work-orders/<id>/: the execution page (start/stop, good and scrap, complete)."""
    return _execution(request, work_order_id)


@require_POST
@requires("scm", "write")
def work_order_action(request: HttpRequest, work_order_id: int, action: str) -> HttpResponse:
    """Release, start, stop, complete or cancel; a refusal is shown as a message."""
    if action not in ACTIONS:
        raise Http404("No such action.")
    call, done = ACTIONS[action]
    order = found_or_404(queries.work_order, work_order_id)
    try:
        call(order.pk)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{order.number} {done}.")
    return redirect("manufacturing-work-order", order.pk)


@require_POST
@requires("scm", "write")
def work_order_production(request: HttpRequest, work_order_id: int) -> HttpResponse:
    """Record good and scrapped units from the execution page."""
    order = found_or_404(queries.work_order, work_order_id)
    form = ProductionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        record = call_service(
            form,
            lambda: workorders.record_production(
                order.pk, good=data["good_quantity"], scrap=data["scrap_quantity"]
            ),
        )
        if record is not None:
            messages.success(request, f"Recorded {record.good_quantity.normalize():f} good.")
            return redirect("manufacturing-work-order", order.pk)
    return _execution(request, order.pk, form)


@require_POST
@requires("scm", "write")
def supply_request_work_order(request: HttpRequest, supply_request_id: int) -> HttpResponse:
    """The Create work order button of a supply request."""
    try:
        centre = int(request.POST.get("work_centre_id", ""))
        order = workorders.work_order_from_supply_request(supply_request_id, work_centre_id=centre)
    except ValueError:
        messages.error(request, "Choose a work centre.")
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{order.number} planned for the supply request.")
        return redirect("manufacturing-work-order", order.pk)
    return redirect("manufacturing-work-orders")


# --- bills of materials ---------------------------------------------------------------------


@requires("scm", "read")
def bom_list(request: HttpRequest) -> HttpResponse:
    """/scm/boms/: every version, searchable by the item made."""
    q = request.GET.get("q", "").strip()
    rows = queries.boms(q=q).order_by("sku", "-version", "pk")
    return render(
        request, "manufacturing/bom_list.html", {"page": paginated(request, rows, PER_PAGE), "q": q}
    )


@requires("scm", "write")
def bom_create(request: HttpRequest) -> HttpResponse:
    """/scm/boms/new/: a new version of an item's bill."""
    form = BomForm(request.POST or None, initial={"sku": request.GET.get("sku", "")})
    if request.method == "POST" and form.is_valid():
        bom = call_service(form, lambda: services.create_bom(**form.service_arguments()))
        if bom is not None:
            messages.success(request, f"Version {bom.version} saved.")
            return redirect("manufacturing-bom", bom.pk)
    return render(request, "manufacturing/bom_form.html", {"form": form})


@requires("scm", "read")
def bom_detail(request: HttpRequest, bom_id: int) -> HttpResponse:
    """/scm/boms/<id>/: lines and the multi-level explosion for a quantity."""
    bom = found_or_404(queries.bom, bom_id)
    try:
        quantity = Decimal(request.GET.get("quantity") or bom.output_quantity)
        quantity = services.clean_number(quantity, "quantity", positive=True)
    except (ArithmeticError, DomainError):
        quantity = bom.output_quantity
    return render(
        request,
        "manufacturing/bom_detail.html",
        {"bom": bom, "quantity": quantity, "explosion": queries.explosion(bom, quantity)},
    )


# --- work centres ---------------------------------------------------------------------------


def _centres(request: HttpRequest, form: WorkCentreForm) -> HttpResponse:
    rows = queries.work_centres().order_by("code", "pk")
    return render(
        request,
        "manufacturing/work_centre_list.html",
        {"page": paginated(request, rows, PER_PAGE), "form": form},
    )


@requires("scm", "read")
def work_centre_list(request: HttpRequest) -> HttpResponse:
    """/scm/work-centres/: the centres and a form to add one."""
    return _centres(request, WorkCentreForm())


@require_POST
@requires("scm", "write")
def work_centre_create(request: HttpRequest) -> HttpResponse:
    """Add a work centre from the list page's form."""
    form = WorkCentreForm(request.POST)
    if form.is_valid():
        centre = call_service(form, lambda: services.create_work_centre(**form.cleaned_data))
        if centre is not None:
            messages.success(request, f"Work centre {centre.code} added.")
            return redirect("manufacturing-work-centre", centre.pk)
    return _centres(request, form)


def chart(per_day: list[tuple[Any, Decimal]]) -> dict[str, Any]:
    """Bars of good units per day, scaled to the highest day."""
    top = max((good for _, good in per_day), default=Decimal(0))
    slot = Decimal(CHART_WIDTH) / max(len(per_day), 1)
    usable = CHART_HEIGHT - CHART_BASE - 10
    bars = []
    for index, (day, good) in enumerate(per_day):
        height = int(good / top * usable) if top else 0
        bars.append(
            {
                "x": int(slot * index + slot / 6),
                "y": CHART_HEIGHT - CHART_BASE - height,
                "width": max(int(slot * 2 / 3), 1),
                "height": height,
                "label": day.strftime("%d %b"),
                "value": good,
            }
        )
    step = max(len(per_day) // 8, 1)  # at most about 8 labels fit under the bars
    labels = [(b["x"] + b["width"] // 2, b["label"]) for b in bars[::step]]
    return {"width": CHART_WIDTH, "height": CHART_HEIGHT, "bars": bars, "labels": labels}


@requires("scm", "read")
def work_centre_detail(request: HttpRequest, work_centre_id: int) -> HttpResponse:
    """/scm/work-centres/<id>/: output per day (chart), units per labour hour, yield, OEE."""
    centre: WorkCentre = found_or_404(queries.work_centre, work_centre_id)
    form = PeriodForm(request.GET or None)
    start = end = None
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    try:
        window = period(start, end)
    except DomainError as error:
        form.add_error("start", error.message)
        window = period(None, None)
    figures = queries.productivity(centre, window)
    orders = queries.work_orders(work_centre_id=centre.pk).order_by("-created_at", "-pk")[:20]
    return render(
        request,
        "manufacturing/work_centre_detail.html",
        {
            "centre": centre,
            "form": form,
            "window": window,
            "figures": figures,
            "chart": chart(figures.per_day),
            "orders": orders,
        },
    )
