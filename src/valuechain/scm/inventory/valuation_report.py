"""Reads of inventory valuation: the value ledger, the stock valuation report, the
reconciliation of the valuation with the ledger, and the cost of goods sold.

The ledger value of a variant in a warehouse is the sum of the values of the moves into its
valued locations from outside it, less those out of them, plus the posted landed costs that
stayed in stock; as of a past day it counts what was posted up to the end of that day (in
the tenant's time zone). The valuation value is what ``StockValuation`` (and, under FIFO,
the layers) hold now; the two must be equal.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, QuerySet, Sum

from valuechain.platform.fx import tenant_base_currency
from valuechain.scm.catalog.models import Variant
from valuechain.scm.inventory import costing, domain
from valuechain.scm.inventory.models import (
    CostLayer,
    LandedCostAllocation,
    StockMove,
    StockValuation,
    Warehouse,
)
from valuechain.scm.inventory.valuation import VALUED_LOCATION_KINDS, costing_method

Key = tuple[int, int]  # variant id, warehouse id
ZERO = costing.ZERO
UNCATEGORISED = ""


@dataclass
class Amount:
    """A quantity and its value."""

    quantity: Decimal = ZERO
    value: Decimal = ZERO


def _moves(day: date | None) -> QuerySet[StockMove]:
    """The ledger, up to the end of a day when given."""
    rows = StockMove.objects.order_by()
    return rows.filter(moved_at__date__lte=day) if day else rows


def ledger(day: date | None = None) -> dict[Key, Amount]:
    """Quantity and value per variant and warehouse from the valued ledger (as of a day)."""
    out: dict[Key, Amount] = defaultdict(Amount)
    inbound = (
        _moves(day)
        .filter(to_location__kind__in=VALUED_LOCATION_KINDS)
        .exclude(
            from_location__kind__in=VALUED_LOCATION_KINDS,
            from_location__warehouse_id=F("to_location__warehouse_id"),
        )
        .values("variant_id", "to_location__warehouse_id")
        .annotate(q=Sum("quantity"), v=Sum("value"))
    )
    for row in inbound:
        amount = out[(row["variant_id"], row["to_location__warehouse_id"])]
        amount.quantity += row["q"]
        amount.value += row["v"]
    outbound = (
        _moves(day)
        .filter(from_location__kind__in=VALUED_LOCATION_KINDS)
        .exclude(
            to_location__kind__in=VALUED_LOCATION_KINDS,
            to_location__warehouse_id=F("from_location__warehouse_id"),
        )
        .values("variant_id", "from_location__warehouse_id")
        .annotate(q=Sum("quantity"), v=Sum("value"))
    )
    for row in outbound:
        amount = out[(row["variant_id"], row["from_location__warehouse_id"])]
        amount.quantity -= row["q"]
        amount.value -= row["v"]
    allocations = LandedCostAllocation.objects.filter(landed_cost__state="posted").order_by()
    if day:
        allocations = allocations.filter(landed_cost__posted_at__date__lte=day)
    for row in allocations.values("variant_id", "warehouse_id").annotate(v=Sum("inventory_amount")):
        out[(row["variant_id"], row["warehouse_id"])].value += row["v"]
    return dict(out)


def book() -> dict[Key, Amount]:
    """Quantity and value per variant and warehouse as the valuation rows hold them now."""
    return {
        (row.variant_id, row.warehouse_id): Amount(row.quantity, row.value)
        for row in StockValuation.objects.all()
    }


def reconcile() -> list[dict[str, Any]]:
    """Variants and warehouses whose valuation differs from the ledger (should be none);
    under FIFO the remaining layers must add up to the valuation too."""
    books = book()
    ledgers = ledger()
    layers: dict[Key, Amount] = defaultdict(Amount)
    for row in (
        CostLayer.objects.order_by()
        .values("variant_id", "warehouse_id")
        .annotate(q=Sum("remaining_quantity"), v=Sum("remaining_value"))
    ):
        layers[(row["variant_id"], row["warehouse_id"])] = Amount(row["q"], row["v"])
    fifo = costing_method() == "fifo"
    problems = []
    for key in sorted(set(books) | set(ledgers)):
        held, posted = books.get(key, Amount()), ledgers.get(key, Amount())
        layered = layers.get(key, Amount())
        bad = held.quantity != posted.quantity or held.value != posted.value
        if fifo and (layered.quantity != held.quantity or layered.value != held.value):
            bad = True
        if bad:
            problems.append(
                {
                    "variant_id": key[0],
                    "warehouse_id": key[1],
                    "valuation_quantity": held.quantity,
                    "valuation_value": held.value,
                    "ledger_quantity": posted.quantity,
                    "ledger_value": posted.value,
                    "layer_value": layered.value,
                }
            )
    return problems


def _group(amounts: dict[Key, Amount], categories: dict[int, str], by: str) -> dict[Any, Amount]:
    """Amounts added up by warehouse or by product category."""
    out: dict[Any, Amount] = defaultdict(Amount)
    for (variant_id, warehouse_id), amount in amounts.items():
        key = warehouse_id if by == "warehouse" else categories.get(variant_id, UNCATEGORISED)
        out[key].quantity += amount.quantity
        out[key].value += amount.value
    return out


def report(
    *, day: date | None = None, warehouse_id: int | None = None, category: str | None = None
) -> dict[str, Any]:
    """The stock valuation by warehouse and by product category, today or as of a day.

    Each group has quantity, value (the valuation's today, the ledger's for a past day),
    unit cost (value / quantity) and the ledger value; the totals show both values, which
    are equal when ``reconciled``.
    """
    past = day is not None
    ledgers = ledger(day)
    values = ledgers if past else book()
    variant_ids = {k[0] for k in set(values) | set(ledgers)}
    categories = dict(
        Variant.objects.filter(pk__in=variant_ids).values_list("pk", "product__category")
    )

    def keep(key: Key) -> bool:
        if warehouse_id is not None and key[1] != warehouse_id:
            return False
        return category is None or categories.get(key[0], UNCATEGORISED) == category

    values = {k: v for k, v in values.items() if keep(k)}
    ledgers = {k: v for k, v in ledgers.items() if keep(k)}
    names = {w.pk: w for w in Warehouse.objects.filter(pk__in={k[1] for k in values})}

    def rows(by: str) -> list[dict[str, Any]]:
        held, posted = _group(values, categories, by), _group(ledgers, categories, by)
        out = []
        for key in sorted(set(held) | set(posted), key=lambda k: str(k)):
            amount = held.get(key, Amount())
            if amount.quantity == 0 and amount.value == 0 and posted.get(key, Amount()).value == 0:
                continue
            row: dict[str, Any] = {
                "quantity": amount.quantity.quantize(domain.QUANTUM),
                "value": costing.money(amount.value),
                "unit_cost": costing.unit_cost(amount.value, amount.quantity),
                "ledger_value": costing.money(posted.get(key, Amount()).value),
            }
            if by == "warehouse":
                warehouse = names.get(key)
                row.update(
                    warehouse_id=key,
                    warehouse_code=warehouse.code if warehouse else "",
                    warehouse_name=warehouse.name if warehouse else "",
                )
            else:
                row["category"] = key
            out.append(row)
        return out

    valuation_value = sum((a.value for a in values.values()), ZERO)
    ledger_value = sum((a.value for a in ledgers.values()), ZERO)
    return {
        "as_of": day,
        "currency": tenant_base_currency(),
        "method": costing_method(),
        "by_warehouse": rows("warehouse"),
        "by_category": rows("category"),
        "quantity": sum((a.quantity for a in values.values()), ZERO).quantize(domain.QUANTUM),
        "valuation_value": costing.money(valuation_value),
        "ledger_value": costing.money(ledger_value),
        "reconciled": valuation_value == ledger_value and (past or not reconcile()),
    }


def _plain(quantity: Decimal) -> str:
    """A quantity without trailing zeros."""
    text = format(quantity.normalize(), "f")
    return "0" if text in ("-0", "") else text


def report_lines(report_data: dict[str, Any]) -> list[list[str]]:
    """The report as CSV rows: one header, then warehouse rows and category rows."""
    lines = [["group", "name", "quantity", "value", "unit_cost", "ledger_value", "currency"]]
    currency = report_data["currency"]
    groups = [("warehouse", r, r["warehouse_code"]) for r in report_data["by_warehouse"]] + [
        ("category", r, r["category"] or "(none)") for r in report_data["by_category"]
    ]
    for group, row, name in groups:
        lines.append(
            [
                group,
                name,
                _plain(row["quantity"]),
                f"{costing.money(row['value']):f}",
                f"{row['unit_cost']:f}",
                f"{costing.money(row['ledger_value']):f}",
                currency,
            ]
        )
    return lines


# --- cost of goods sold -----------------------------------------------------------------


def cogs(
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    warehouse_id: int | None = None,
    reference: str | None = None,
    source_type: str | None = None,
    source_id: int | None = None,
) -> dict[str, Any]:
    """Cost of goods sold in a period: shipment values less customer returns, plus the
    landed costs that arrived after the goods had gone (COGS adjustments); totals and per
    reference (the sales order number on shipments)."""
    moves = StockMove.objects.order_by().filter(
        Q(kind="shipment", to_location__kind="customer")
        | Q(kind="return", from_location__kind="customer")
    )
    allocations = LandedCostAllocation.objects.order_by().filter(landed_cost__state="posted")
    if date_from:
        moves = moves.filter(moved_at__date__gte=date_from)
        allocations = allocations.filter(landed_cost__posted_at__date__gte=date_from)
    if date_to:
        moves = moves.filter(moved_at__date__lte=date_to)
        allocations = allocations.filter(landed_cost__posted_at__date__lte=date_to)
    if warehouse_id is not None:
        moves = moves.filter(
            Q(from_location__warehouse_id=warehouse_id) | Q(to_location__warehouse_id=warehouse_id)
        )
        allocations = allocations.filter(warehouse_id=warehouse_id)
    if reference or source_type or source_id is not None:
        # landed costs belong to receipts, not to one order: left out of an order's figure
        allocations = allocations.none()
    if reference:
        moves = moves.filter(reference=reference)
    if source_type:
        moves = moves.filter(source_type=source_type)
    if source_id is not None:
        moves = moves.filter(source_id=source_id)
    per_reference: dict[str, dict[str, Decimal]] = defaultdict(
        lambda: {
            "shipped_quantity": ZERO,
            "returned_quantity": ZERO,
            "shipped": ZERO,
            "returned": ZERO,
        }
    )
    for row in moves.values("reference", "kind").annotate(q=Sum("quantity"), v=Sum("value")):
        figures = per_reference[row["reference"]]
        if row["kind"] == "shipment":
            figures["shipped_quantity"] += row["q"]
            figures["shipped"] += row["v"]
        else:
            figures["returned_quantity"] += row["q"]
            figures["returned"] += row["v"]
    shipped = sum((f["shipped"] for f in per_reference.values()), ZERO)
    returned = sum((f["returned"] for f in per_reference.values()), ZERO)
    adjustments = allocations.aggregate(v=Sum("cogs_amount"))["v"] or ZERO
    return {
        "currency": tenant_base_currency(),
        "date_from": date_from,
        "date_to": date_to,
        "warehouse_id": warehouse_id,
        "shipments_value": costing.money(shipped),
        "returns_value": costing.money(returned),
        "landed_cost_adjustments": costing.money(adjustments),
        "cogs": costing.money(shipped - returned + adjustments),
        "by_reference": [
            {
                "reference": ref,
                "shipped_quantity": f["shipped_quantity"].quantize(domain.QUANTUM),
                "returned_quantity": f["returned_quantity"].quantize(domain.QUANTUM),
                "shipments_value": costing.money(f["shipped"]),
                "returns_value": costing.money(f["returned"]),
                "cogs": costing.money(f["shipped"] - f["returned"]),
            }
            for ref, f in sorted(per_reference.items())
        ],
    }
