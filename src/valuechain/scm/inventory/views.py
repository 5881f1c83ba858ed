"""Pages of inventory: warehouses, stock overview, the ledger, transfers, cycle counts,
reorder rules and supply requests. Thin: forms parse, services decide, queries read."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from valuechain.platform.errors import DomainError
from valuechain.platform.identity.decorators import requires
from valuechain.platform.web.pages import call_service, paginated
from valuechain.scm.inventory import (
    domain,
    movements,
    queries,
    replenishment,
    services,
    supply,
    warehouses,
)
from valuechain.scm.inventory.forms import (
    CountLineForm,
    ReceiptForm,
    RuleForm,
    TransferForm,
    WarehouseForm,
    warehouse_choices,
)
from valuechain.scm.inventory.models import CycleCount, Warehouse

PER_PAGE = 50
COUNT_LINES = 5


def _sorted(request: HttpRequest, rows: Any, sorts: dict[str, str], default: str) -> Any:
    key = request.GET.get("sort", "")
    return rows.order_by(sorts.get(key, default), "pk")


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _warehouse(value: Any) -> Warehouse:
    row = Warehouse.objects.filter(pk=_int(str(value or ""))).first()
    if row is None:
        raise DomainError("not_found", "Choose a warehouse.", field="warehouse", status=404)
    return row


# --- warehouses ---------------------------------------------------------------------------


@requires("scm", "read")
def warehouse_list(request: HttpRequest) -> HttpResponse:
    """/scm/warehouses/: the network, and a form to add a warehouse."""
    form = WarehouseForm()
    q = request.GET.get("q", "").strip()
    rows = _sorted(
        request,
        queries.warehouses(q=q),
        {"code": "code", "name": "name", "priority": "priority"},
        "priority",
    )
    return render(
        request,
        "inventory/warehouse_list.html",
        {"page": paginated(request, rows, PER_PAGE), "q": q, "form": form},
    )


@requires("scm", "write")
def warehouse_create(request: HttpRequest) -> HttpResponse:
    """POST /scm/warehouses/new/: add a warehouse (errors next to the fields)."""
    form = WarehouseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        warehouse = call_service(form, lambda: warehouses.create_warehouse(**form.cleaned_data))
        if warehouse is not None:
            messages.success(request, f"Warehouse {warehouse.code} added with its locations.")
            return redirect("inventory-warehouse", warehouse.pk)
    return render(request, "inventory/warehouse_form.html", {"form": form})


@requires("scm", "read")
def warehouse_detail(request: HttpRequest, warehouse_id: int) -> HttpResponse:
    """/scm/warehouses/<id>/: locations and stock of one warehouse."""
    warehouse = Warehouse.objects.filter(pk=warehouse_id).first()
    if warehouse is None:
        raise Http404("No such warehouse.")
    locations = queries.locations(warehouse_id=warehouse.pk).order_by("pick_order", "code")
    rows = queries.balances(warehouse_id=warehouse.pk).order_by(
        "location__code", "variant__sku", "pk"
    )
    return render(
        request,
        "inventory/warehouse_detail.html",
        {
            "warehouse": warehouse,
            "locations": locations,
            "page": paginated(request, rows, PER_PAGE),
        },
    )


# --- stock ----------------------------------------------------------------------------


OVERVIEW_SORTS = {
    "sku": "variant__sku",
    "-on_hand": "-on_hand",
    "on_hand": "on_hand",
    "-reserved": "-reserved",
    "warehouse": "location__warehouse__code",
}


@requires("scm", "read")
def stock_overview(request: HttpRequest) -> HttpResponse:
    """/scm/stock/: quantities by item and warehouse, with a receipt form."""
    q = request.GET.get("q", "").strip()
    warehouse_id = _int(request.GET.get("warehouse"))
    sort = OVERVIEW_SORTS.get(request.GET.get("sort", ""), "variant__sku")
    rows = queries.overview(q=q, warehouse_id=warehouse_id).order_by(
        sort, "variant__sku", "location__warehouse__code"
    )
    page = paginated(request, rows, PER_PAGE)
    free: dict[tuple[int, int], Any] = {}
    for row in page.object_list:
        key = (row["variant_id"], row["location__warehouse_id"])
        free[key] = None
    available = {
        (r["variant_id"], r["warehouse_id"]): r["available"]
        for r in queries.quantities_by_variant(sorted({k[0] for k in free}))
    }
    for row in page.object_list:
        row["available"] = available.get((row["variant_id"], row["location__warehouse_id"]), 0)
    return render(
        request,
        "inventory/stock_overview.html",
        {
            "page": page,
            "q": q,
            "warehouse_id": warehouse_id,
            "warehouses": warehouse_choices("All warehouses"),
            "receipt_form": ReceiptForm(),
        },
    )


@requires("scm", "write")
def receive(request: HttpRequest) -> HttpResponse:
    """/scm/stock/receive/: receive goods into a warehouse's stock."""
    form = ReceiptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        move = call_service(
            form,
            lambda: services.receive(
                variant=form.variant,
                warehouse=_warehouse(data["warehouse"]),
                quantity=data["quantity"],
                lot_number=data["lot_number"],
                expires_on=data["expires_on"],
                reference=data["reference"],
                unit_cost=data.get("unit_cost"),
            ),
        )
        if move is not None:
            messages.success(
                request, f"Received {move.quantity.normalize():f} of {form.variant.sku}."
            )
            return redirect("inventory-overview")
    return render(request, "inventory/receipt_form.html", {"form": form})


MOVE_SORTS = {
    "-moved_at": "-moved_at",
    "moved_at": "moved_at",
    "-quantity": "-quantity",
    "kind": "kind",
}


@requires("scm", "read")
def move_list(request: HttpRequest) -> HttpResponse:
    """/scm/stock/moves/: the ledger with filters."""
    get = request.GET
    sku = get.get("sku", "").strip()
    filters = queries.MoveFilters(
        warehouse_id=_int(get.get("warehouse")),
        kind=get.get("kind") or None,
        lot=get.get("lot", "").strip() or None,
        reference=get.get("reference", "").strip() or None,
        since=_date(get.get("since")),
        until=_date(get.get("until")),
    )
    rows = queries.moves(filters)
    if sku:
        rows = rows.filter(variant__sku__icontains=sku)
    rows = rows.order_by(MOVE_SORTS.get(get.get("sort", ""), "-moved_at"), "-pk")
    return render(
        request,
        "inventory/move_list.html",
        {
            "page": paginated(request, rows, PER_PAGE),
            "kinds": domain.MOVE_KINDS,
            "warehouses": warehouse_choices("All warehouses"),
            "filters": get,
        },
    )


# --- transfers ------------------------------------------------------------------------


@requires("scm", "read")
def transfer_list(request: HttpRequest) -> HttpResponse:
    """/scm/stock/transfers/: transfers with the ship form."""
    state = request.GET.get("state") or None
    rows = queries.transfers(state=state, warehouse_id=_int(request.GET.get("warehouse")))
    rows = _sorted(request, rows, {"number": "-number", "state": "state"}, "-shipped_at")
    return render(
        request,
        "inventory/transfer_list.html",
        {
            "page": paginated(request, rows, PER_PAGE),
            "state": state,
            "form": TransferForm(),
            "states": domain.TRANSFER_STATES,
        },
    )


@requires("scm", "write")
def transfer_create(request: HttpRequest) -> HttpResponse:
    """/scm/stock/transfers/new/: ship a transfer (errors next to the fields)."""
    form = TransferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        transfer = call_service(
            form,
            lambda: movements.ship_transfer(
                variant=form.variant,
                from_warehouse=_warehouse(data["from_warehouse"]),
                to_warehouse=_warehouse(data["to_warehouse"]),
                quantity=data["quantity"],
                lot_number=data["lot_number"],
                expected_on=data["expected_on"],
                reference=data["reference"],
            ),
        )
        if transfer is not None:
            messages.success(request, f"Transfer {transfer.number} shipped.")
            return redirect("inventory-transfers")
    return render(request, "inventory/transfer_form.html", {"form": form})


@require_POST
@requires("scm", "write")
def transfer_receive(request: HttpRequest, transfer_id: int) -> HttpResponse:
    """Receive a transfer at its destination."""
    try:
        transfer = movements.receive_transfer(transfer_id)
        messages.success(request, f"Transfer {transfer.number} received.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("inventory-transfers")


# --- cycle counts ---------------------------------------------------------------------


@requires("scm", "read")
def count_list(request: HttpRequest) -> HttpResponse:
    """/scm/stock/counts/: counts, and where to start one."""
    rows = _sorted(
        request,
        queries.counts(state=request.GET.get("state") or None),
        {"number": "-number"},
        "-created_at",
    )
    return render(
        request,
        "inventory/count_list.html",
        {"page": paginated(request, rows, PER_PAGE), "warehouses": warehouse_choices()},
    )


@requires("scm", "write")
def count_create(request: HttpRequest) -> HttpResponse:
    """/scm/stock/counts/new/?warehouse=<id>: count up to five lines, then record."""
    warehouse_id = _int(request.GET.get("warehouse") or request.POST.get("warehouse"))
    warehouse = Warehouse.objects.filter(pk=warehouse_id).first()
    if warehouse is None:
        messages.error(request, "Choose the warehouse to count.")
        return redirect("inventory-counts")
    data = request.POST if request.method == "POST" else None
    forms = [
        CountLineForm(
            data,
            prefix=f"l{i}",
            warehouse_id=warehouse.pk,
            empty_permitted=i > 0,
            use_required_attribute=False,
        )
        for i in range(COUNT_LINES)
    ]
    if data is not None and all(f.is_valid() for f in forms):
        lines = [
            {
                "location_id": int(f.cleaned_data["location"]),
                "variant_id": f.variant.pk,
                "lot_number": f.cleaned_data["lot_number"],
                "counted": f.cleaned_data["counted"],
            }
            for f in forms
            if f.has_changed() and f.cleaned_data
        ]
        try:
            count = movements.create_count(
                warehouse=warehouse, lines=lines, note=request.POST.get("note", "")
            )
        except DomainError as error:
            field = error.field or ""
            index = int(field.split(".")[1]) if field.startswith("lines.") else 0
            forms[min(index, COUNT_LINES - 1)].add_error(None, error.message)
        else:
            messages.success(request, f"Count {count.number} recorded; check and apply it.")
            return redirect("inventory-count", count.pk)
    return render(request, "inventory/count_form.html", {"warehouse": warehouse, "forms": forms})


@requires("scm", "read")
def count_detail(request: HttpRequest, count_id: int) -> HttpResponse:
    """/scm/stock/counts/<id>/: lines against the books, apply or cancel."""
    count = CycleCount.objects.select_related("warehouse").filter(pk=count_id).first()
    if count is None:
        raise Http404("No such count.")
    lines = count.lines.select_related("location", "variant", "lot").order_by("pk")
    return render(request, "inventory/count_detail.html", {"count": count, "lines": lines})


@require_POST
@requires("scm", "write")
def count_action(request: HttpRequest, count_id: int, action: str) -> HttpResponse:
    """Apply or cancel a count."""
    if action not in ("apply", "cancel"):
        raise Http404("No such action.")
    call = movements.apply_count if action == "apply" else movements.cancel_count
    try:
        count = call(count_id)
        messages.success(request, f"Count {count.number} {count.state}.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("inventory-count", count_id)


# --- reorder rules and supply requests -----------------------------------------------------


@requires("scm", "read")
def rule_list(request: HttpRequest) -> HttpResponse:
    """/scm/reorder-rules/: min/max rules, add one, run replenishment."""
    rows = _sorted(
        request,
        queries.reorder_rules(warehouse_id=_int(request.GET.get("warehouse"))),
        {"sku": "variant__sku", "min": "min_quantity", "warehouse": "warehouse__code"},
        "variant__sku",
    )
    return render(
        request,
        "inventory/rule_list.html",
        {
            "page": paginated(request, rows, PER_PAGE),
            "form": RuleForm(),
            "warehouses": warehouse_choices("All warehouses"),
        },
    )


@requires("scm", "write")
def rule_create(request: HttpRequest) -> HttpResponse:
    """POST /scm/reorder-rules/new/: add a rule (errors next to the fields)."""
    form = RuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        rule = call_service(
            form,
            lambda: replenishment.create_rule(
                variant_id=form.variant.pk,
                warehouse_id=_int(data["warehouse"]) or 0,
                min_quantity=data["min_quantity"],
                max_quantity=data["max_quantity"],
            ),
        )
        if rule is not None:
            messages.success(request, "Reorder rule added.")
            return redirect("inventory-rules")
    return render(request, "inventory/rule_form.html", {"form": form})


@require_POST
@requires("scm", "write")
def rule_run(request: HttpRequest) -> HttpResponse:
    """Run replenishment now."""
    created = replenishment.replenish()
    messages.success(request, f"{len(created)} reorder proposal(s) created.")
    return redirect("inventory-supply")


@require_POST
@requires("scm", "write")
def rule_delete(request: HttpRequest, rule_id: int) -> HttpResponse:
    """Delete a rule."""
    try:
        replenishment.delete_rule(rule_id)
        messages.success(request, "Reorder rule deleted.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("inventory-rules")


@requires("scm", "read")
def supply_list(request: HttpRequest) -> HttpResponse:
    """/scm/supply-requests/: reorder proposals and MTO requests."""
    get = request.GET
    rows = queries.supply_requests(
        state=get.get("state") or None,
        reason=get.get("reason") or None,
        warehouse_id=_int(get.get("warehouse")),
    )
    rows = _sorted(
        request,
        rows,
        {"quantity": "-quantity", "expected_on": "expected_on", "state": "state"},
        "-created_at",
    )
    return render(
        request,
        "inventory/supply_list.html",
        {
            "page": paginated(request, rows, PER_PAGE),
            "filters": get,
            "states": domain.SUPPLY_STATES,
            "reasons": domain.SUPPLY_REASONS,
            "warehouses": warehouse_choices("All warehouses"),
        },
    )


@require_POST
@requires("scm", "write")
def supply_state(request: HttpRequest, request_id: int) -> HttpResponse:
    """Mark a supply request ordered, done or cancelled."""
    try:
        supply.change_supply_request(request_id, state=request.POST.get("state", ""))
        messages.success(request, "Supply request updated.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("inventory-supply")
