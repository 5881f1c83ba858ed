"""Pages of inventory valuation: the stock valuation report with its chart and CSV, the
costing method, landed costs. Thin: forms parse, services decide, reports read."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from valuechain.platform.dataexchange.exports import table_response
from valuechain.platform.errors import DomainError
from valuechain.platform.identity.decorators import requires
from valuechain.scm.inventory import landed_cost, services, valuation_report, warehouses
from valuechain.scm.inventory.valuation_forms import (
    CostingForm,
    LandedCostForm,
    ValuationFilterForm,
)
from valuechain.scm.inventory.valuation_queries import landed_costs

CHART_WIDTH = 600
BAR_HEIGHT = 24
LABEL_WIDTH = 140
LIST_SORTS = {"date": "date", "-date": "-date", "number": "number", "state": "state"}


def chart(rows: list[dict[str, Any]], label: str) -> dict[str, Any]:
    """Horizontal bars of value per group, scaled to the highest (negative values as 0)."""
    top = max((row["value"] for row in rows), default=Decimal(0))
    usable = CHART_WIDTH - LABEL_WIDTH - 90
    bars = []
    for index, row in enumerate(rows):
        value = row["value"]
        width = int(value / top * usable) if top > 0 and value > 0 else 0
        bars.append(
            {
                "y": index * (BAR_HEIGHT + 6),
                "width": width,
                "label": row[label] or "(none)",
                "value": value,
                "text_x": LABEL_WIDTH + width + 6,
            }
        )
    return {
        "width": CHART_WIDTH,
        "height": max(len(bars), 1) * (BAR_HEIGHT + 6),
        "bar_height": BAR_HEIGHT,
        "label_width": LABEL_WIDTH,
        "bars": bars,
    }


@requires("scm", "read")
def valuation(request: HttpRequest) -> HttpResponse:
    """/scm/stock/valuation/: value by warehouse and category, today or as of a day."""
    form = ValuationFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "day": data["as_of"],
            "warehouse_id": int(data["warehouse"]) if data["warehouse"] else None,
            "category": data["category"] if data["category"] else None,
        }
    report = valuation_report.report(**filters)
    if request.GET.get("export") == "csv":
        lines = valuation_report.report_lines(report)
        return cast(HttpResponse, table_response(lines[0], lines[1:], "csv", "stock-valuation"))
    export_query = request.GET.copy()
    export_query["export"] = "csv"
    return render(
        request,
        "inventory/valuation.html",
        {
            "form": form,
            "report": report,
            "warehouse_chart": chart(report["by_warehouse"], "warehouse_code"),
            "category_chart": chart(report["by_category"], "category"),
            "costing_form": CostingForm(initial={"costing_method": report["method"]}),
            "export_query": export_query.urlencode(),
        },
    )


@require_POST
@requires("scm", "write")
def costing_settings(request: HttpRequest) -> HttpResponse:
    """POST /scm/stock/valuation/settings/: change the costing method (refused while valued)."""
    form = CostingForm(request.POST)
    if form.is_valid():
        try:
            row = warehouses.update_settings(costing_method=form.cleaned_data["costing_method"])
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Costing method: {row.costing_method}.")
            return redirect("inventory-valuation")
    report = valuation_report.report()
    return render(
        request,
        "inventory/valuation.html",
        {
            "form": ValuationFilterForm(),
            "report": report,
            "warehouse_chart": chart(report["by_warehouse"], "warehouse_code"),
            "category_chart": chart(report["by_category"], "category"),
            "costing_form": form,
            "export_query": "export=csv",
        },
    )


def _list(request: HttpRequest, form: LandedCostForm) -> HttpResponse:
    """The landed-cost list page (filters, pages) with the add form."""
    state = request.GET.get("state") or None
    q = request.GET.get("q", "").strip()
    sort = LIST_SORTS.get(request.GET.get("sort", ""), "-date")
    rows = landed_costs(state=state, q=q).order_by(sort, "-number", "-pk")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "inventory/landed_cost_list.html",
        {"page": page, "form": form, "state": state or "", "q": q, "states": ("draft", "posted")},
    )


@requires("scm", "read")
def landed_cost_list(request: HttpRequest) -> HttpResponse:
    """/scm/stock/landed-costs/: landed costs and a form to add one."""
    return _list(request, LandedCostForm(initial={"date": services.today()}))


@require_POST
@requires("scm", "write")
def landed_cost_create(request: HttpRequest) -> HttpResponse:
    """POST /scm/stock/landed-costs/new/: a draft over a reference's receipts."""
    form = LandedCostForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            row = landed_cost.create_landed_cost(
                date=data["date"],
                method=data["method"],
                reference=data["reference"],
                lines=form.lines(),
                note=data["note"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Landed cost {row.number} saved as a draft.")
            return redirect("inventory-landed-cost", row.pk)
    return _list(request, form)


@requires("scm", "read")
def landed_cost_detail(request: HttpRequest, landed_cost_id: int) -> HttpResponse:
    """/scm/stock/landed-costs/<id>/: lines, receipts and their shares."""
    row = landed_costs().filter(pk=landed_cost_id).first()
    if row is None:
        raise Http404("No such landed cost.")
    lines = sorted(row.lines.all(), key=lambda line: line.pk)
    return render(
        request,
        "inventory/landed_cost_detail.html",
        {
            "landed": row,
            "lines": lines,
            "total": sum((line.base_amount for line in lines), Decimal(0)),
            "allocations": sorted(row.allocations.all(), key=lambda a: a.move_id),
            "currency": valuation_report.tenant_base_currency(),
        },
    )


@require_POST
@requires("scm", "write")
def landed_cost_action(request: HttpRequest, landed_cost_id: int, action: str) -> HttpResponse:
    """POST …/post or …/delete."""
    try:
        if action == "post":
            row = landed_cost.post_landed_cost(landed_cost_id)
            messages.success(request, f"Landed cost {row.number} posted.")
        elif action == "delete":
            landed_cost.delete_landed_cost(landed_cost_id)
            messages.success(request, "Draft deleted.")
            return redirect("inventory-landed-costs")
        else:
            raise Http404("Unknown action.")
    except DomainError as error:
        if error.status == 404:
            raise Http404(error.message) from error
        messages.error(request, error.message)
    return redirect("inventory-landed-cost", landed_cost_id)
