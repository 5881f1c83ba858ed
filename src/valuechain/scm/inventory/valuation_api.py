"""API routes of inventory valuation (scm area): the stock valuation report and its CSV,
the reconciliation with the ledger, cost of goods sold and landed costs."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from ninja import Query, Status

from valuechain.platform.api import ListParams, Page, area_router, paginate
from valuechain.platform.dataexchange.exports import check_format, table_response
from valuechain.scm.inventory import landed_cost, valuation_report
from valuechain.scm.inventory.models import LandedCost
from valuechain.scm.inventory.valuation_queries import (
    LANDED_COST_SORTS,
    landed_cost_or_404,
    landed_costs,
)
from valuechain.scm.inventory.valuation_schemas import (
    CogsOut,
    LandedCostIn,
    LandedCostOut,
    ReconciliationOut,
    ValuationOut,
)

router = area_router("scm", tags=["inventory valuation"])


@router.get("/inventory/valuation", response=ValuationOut, summary="Stock valuation report")
def get_valuation(
    request: HttpRequest,
    as_of: date | None = None,
    warehouse_id: int | None = None,
    category: str | None = None,
) -> dict[str, Any]:
    """Quantity, value and unit cost by warehouse and category; ``as_of`` a past day."""
    return valuation_report.report(day=as_of, warehouse_id=warehouse_id, category=category)


@router.get("/inventory/valuation/export", summary="Export the stock valuation as CSV or Excel")
def export_valuation(
    request: HttpRequest,
    as_of: date | None = None,
    warehouse_id: int | None = None,
    category: str | None = None,
    format: str = "csv",
) -> HttpResponseBase:
    """The report's warehouse and category rows as a csv or xlsx download."""
    fmt = check_format(format)
    lines = valuation_report.report_lines(
        valuation_report.report(day=as_of, warehouse_id=warehouse_id, category=category)
    )
    return table_response(lines[0], lines[1:], fmt, "stock-valuation")


@router.get(
    "/inventory/valuation/reconciliation",
    response=ReconciliationOut,
    summary="Valuation against the ledger",
)
def get_reconciliation(request: HttpRequest) -> dict[str, Any]:
    """Every variant and warehouse whose valuation differs from the ledger (none expected)."""
    mismatches = valuation_report.reconcile()
    return {"reconciled": not mismatches, "mismatches": mismatches}


@router.get("/inventory/cogs", response=CogsOut, summary="Cost of goods sold")
def get_cogs(
    request: HttpRequest,
    date_from: date | None = None,
    date_to: date | None = None,
    warehouse_id: int | None = None,
    reference: str | None = None,
    source_type: str | None = None,
    source_id: int | None = None,
) -> dict[str, Any]:
    """Totals and per reference; ``reference`` (e.g. SO-00042) gives one order's COGS."""
    return valuation_report.cogs(
        date_from=date_from,
        date_to=date_to,
        warehouse_id=warehouse_id,
        reference=reference,
        source_type=source_type,
        source_id=source_id,
    )


@router.get("/inventory/landed-costs", response=Page[LandedCostOut], summary="List landed costs")
def list_landed_costs(
    request: HttpRequest, params: Query[ListParams], state: str | None = None, q: str = ""
) -> dict[str, Any]:
    """Landed costs, newest first; ``q`` searches number and reference."""
    return paginate(
        landed_costs(state=state, q=q),
        params,
        sortable=LANDED_COST_SORTS,
        default_sort=("-date", "-number"),
    )


@router.post("/inventory/landed-costs", response={201: LandedCostOut}, summary="Add a landed cost")
def create_landed_cost(request: HttpRequest, data: LandedCostIn) -> Status[LandedCost]:
    """A draft over the receipts; ``post`` posts it at once."""
    values = data.dict()
    post = values.pop("post")
    row = landed_cost.create_landed_cost(**values)
    if post:
        landed_cost.post_landed_cost(row.pk)
    return Status(201, landed_cost_or_404(row.pk))


@router.get(
    "/inventory/landed-costs/{landed_cost_id}", response=LandedCostOut, summary="Get a landed cost"
)
def get_landed_cost(request: HttpRequest, landed_cost_id: int) -> LandedCost:
    """One landed cost with its lines and allocations."""
    return landed_cost_or_404(landed_cost_id)


@router.post(
    "/inventory/landed-costs/{landed_cost_id}/post",
    response=LandedCostOut,
    summary="Post a landed cost",
)
def post_landed_cost(request: HttpRequest, landed_cost_id: int) -> LandedCost:
    """Split it over the receipts and raise the cost of what is on hand."""
    landed_cost.post_landed_cost(landed_cost_id)
    return landed_cost_or_404(landed_cost_id)


@router.delete(
    "/inventory/landed-costs/{landed_cost_id}",
    response={204: None},
    summary="Delete a draft landed cost",
)
def delete_landed_cost(request: HttpRequest, landed_cost_id: int) -> Status[None]:
    """Drop a draft."""
    landed_cost.delete_landed_cost(landed_cost_id)
    return Status(204, None)
