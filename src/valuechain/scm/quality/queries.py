"""Read side of quality: lists for pages and the API, the goods held after rejection, the
acceptance of a supplier (for its scorecard) and defect rates per product, supplier and
work centre over a period."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Case, F, IntegerField, Prefetch, Q, QuerySet, Sum, Value, When

from valuechain.platform.errors import DomainError
from valuechain.platform.periods import Period, period
from valuechain.scm.quality import domain
from valuechain.scm.quality.models import (
    DefectReason,
    Disposition,
    Inspection,
    InspectionPlan,
    InspectionResult,
    PlanCheck,
)

ZERO = Decimal(0)
QUANTUM = Decimal("0.0001")


def q4(value: Decimal | None) -> Decimal:
    """A summed quantity with the 4 places of the columns (SQLite sums drop them)."""
    return (value or ZERO).quantize(QUANTUM)


PLAN_SORTS = ("name", "stage", "created_at")
REASON_SORTS = ("code", "name")
INSPECTION_SORTS = ("number", "state", "created_at", "inspected_at", "quantity")
RATE_GROUPS = ("product", "supplier", "work_centre")
RECEIPT_LINE_SOURCE = "receiving.receiptline"


def _missing(label: str) -> DomainError:
    return DomainError(f"{label.replace(' ', '_')}_not_found", f"No such {label}.", status=404)


# --- plans and reasons ----------------------------------------------------------------------


def plans(
    *, q: str = "", stage: str = "", is_active: bool | None = None
) -> QuerySet[InspectionPlan]:
    """Inspection plans with their checks; ``q`` searches the name, product and SKU."""
    rows = InspectionPlan.objects.select_related("product", "variant__product").prefetch_related(
        Prefetch("checks", queryset=PlanCheck.objects.order_by("sequence", "pk"))
    )
    if q:
        rows = rows.filter(
            Q(name__icontains=q)
            | Q(product__name__icontains=q)
            | Q(variant__sku__icontains=q)
            | Q(variant__product__name__icontains=q)
        )
    if stage:
        rows = rows.filter(stage=stage)
    if is_active is not None:
        rows = rows.filter(is_active=is_active)
    return rows


def plan(plan_id: int) -> InspectionPlan:
    """One plan with its checks, 404 when missing."""
    row = plans().filter(pk=plan_id).first()
    if row is None:
        raise _missing("plan")
    return row


def defect_reasons(*, q: str = "", is_active: bool | None = None) -> QuerySet[DefectReason]:
    """The tenant's defect reasons; ``q`` searches code and name."""
    rows = DefectReason.objects.all()
    if q:
        rows = rows.filter(Q(code__icontains=q) | Q(name__icontains=q))
    if is_active is not None:
        rows = rows.filter(is_active=is_active)
    return rows


def defect_reason(reason_id: int) -> DefectReason:
    """One defect reason, 404 when missing."""
    row = DefectReason.objects.filter(pk=reason_id).first()
    if row is None:
        raise _missing("defect reason")
    return row


# --- inspections ----------------------------------------------------------------------------


def pending_first() -> Case:
    """0 for pending inspections, 1 for the others: the default order of lists."""
    return Case(When(state="pending", then=Value(0)), default=Value(1), output_field=IntegerField())


def inspections(
    *,
    q: str = "",
    stage: str = "",
    state: str = "",
    warehouse_id: int | None = None,
    supplier_id: int | None = None,
    work_centre_id: int | None = None,
    on_hold: bool | None = None,
) -> QuerySet[Inspection]:
    """Inspections; ``q`` searches number, reference and SKU. Annotated ``pending_first``."""
    rows = Inspection.objects.select_related(
        "variant__product", "warehouse", "lot", "supplier__account", "work_centre", "defect_reason"
    ).annotate(pending_first=pending_first())
    if q:
        rows = rows.filter(
            Q(number__icontains=q) | Q(reference__icontains=q) | Q(variant__sku__icontains=q)
        )
    if stage:
        rows = rows.filter(stage=stage)
    if state:
        rows = rows.filter(state=state)
    if warehouse_id is not None:
        rows = rows.filter(warehouse_id=warehouse_id)
    if supplier_id is not None:
        rows = rows.filter(supplier_id=supplier_id)
    if work_centre_id is not None:
        rows = rows.filter(work_centre_id=work_centre_id)
    if on_hold is not None:
        rows = rows.filter(on_hold=on_hold)
    return rows


def inspection(inspection_id: int) -> Inspection:
    """One inspection with its plan's checks, results and dispositions; 404 when missing."""
    row = (
        inspections()
        .select_related("plan", "inspected_by")
        .prefetch_related(
            Prefetch("results", queryset=InspectionResult.objects.select_related("check_ref")),
            Prefetch("dispositions", queryset=Disposition.objects.select_related("actor")),
        )
        .filter(pk=inspection_id)
        .first()
    )
    if row is None:
        raise _missing("inspection")
    return row


def plan_checks(row: Inspection) -> list[PlanCheck]:
    """The checks the inspector answers, in order (none without a plan)."""
    if row.plan_id is None:
        return []
    return list(PlanCheck.objects.filter(plan_id=row.plan_id).order_by("sequence", "pk"))


def _held() -> Any:
    return (
        F("rejected_quantity")
        - F("released_quantity")
        - F("scrapped_quantity")
        - F("returned_quantity")
    )


def _po_lines(rows: list[Inspection]) -> dict[int, int]:
    """Receipt line id → PO line id for inspections of receipts (receiving owns the table)."""
    ids = [r.source_id for r in rows if r.source_type == RECEIPT_LINE_SOURCE]
    if not ids:
        return {}
    try:
        model = apps.get_model("receiving", "ReceiptLine")
    except LookupError:
        return {}
    return dict(model.objects.filter(pk__in=ids).values_list("pk", "po_line_id"))


def rejected_on_hold(supplier_id: int | None = None) -> list[dict[str, Any]]:
    """Rejected goods still held in QUALITY, oldest first: what a return to vendor can take.

    Each row: inspection id and number, variant (id, SKU), lot (id, number), warehouse id,
    the held quantity, the source and, for receipts, the PO line id.
    """
    rows = (
        Inspection.objects.exclude(state="pending")
        .annotate(held=_held())
        .filter(held__gt=0)
        .select_related("variant", "lot")
        .order_by("inspected_at", "pk")
    )
    if supplier_id is not None:
        rows = rows.filter(supplier_id=supplier_id)
    found = list(rows)
    po_lines = _po_lines(found)
    return [
        {
            "inspection_id": r.pk,
            "number": r.number,
            "variant_id": r.variant_id,
            "sku": r.variant.sku,
            "lot_id": r.lot_id,
            "lot_number": r.lot.number if r.lot else "",
            "warehouse_id": r.warehouse_id,
            "supplier_id": r.supplier_id,
            "quantity": q4(r.held),
            "source_type": r.source_type,
            "source_id": r.source_id,
            "po_line_id": po_lines.get(r.source_id)
            if r.source_type == RECEIPT_LINE_SOURCE
            else None,
        }
        for r in found
    ]


# --- periods and rates ----------------------------------------------------------------------


def _completed(window: Period) -> QuerySet[Inspection]:
    return Inspection.objects.exclude(state="pending").filter(
        inspected_at__gte=window.since, inspected_at__lt=window.until
    )


def acceptance_by_supplier(
    supplier_id: int, date_from: date | None, date_to: date | None
) -> dict[str, Decimal | int]:
    """What a supplier's completed inspections judged over the period: inspections count,
    inspected, accepted and rejected quantities, and the acceptance rate in %.

    Counted as judged at inspection: a rejected quantity later released is still rejected.
    """
    totals = (
        _completed(period(date_from, date_to))
        .filter(supplier_id=supplier_id)
        .aggregate(
            inspected=Sum("quantity"),
            accepted=Sum("accepted_quantity"),
            rejected=Sum("rejected_quantity"),
        )
    )
    count = _completed(period(date_from, date_to)).filter(supplier_id=supplier_id).count()
    inspected = q4(totals["inspected"])
    accepted = q4(totals["accepted"])
    return {
        "inspections": count,
        "inspected": inspected,
        "accepted": accepted,
        "rejected": q4(totals["rejected"]),
        "acceptance_percent": domain.rate_percent(accepted, inspected),
    }


@dataclass(frozen=True)
class DefectRate:
    """One product, supplier or work centre: what was inspected and rejected, and why."""

    group_id: int
    label: str
    inspections: int
    inspected: Decimal
    rejected: Decimal
    rate_percent: Decimal
    top_reasons: list[domain.ReasonCount]


_GROUP_FIELDS = {
    "product": ("variant__product_id", "variant__product__name"),
    "supplier": ("supplier_id", "supplier__code"),
    "work_centre": ("work_centre_id", "work_centre__code"),
}


def defect_rates(
    by: str, window: Period, *, stage: str = "", limit_reasons: int = 3
) -> list[DefectRate]:
    """Defect rates grouped by product, supplier or work centre over the period, highest
    rate first; inspections without a supplier (work centre) are left out of that grouping."""
    if by not in RATE_GROUPS:
        raise DomainError("invalid_group", f"Group by one of {', '.join(RATE_GROUPS)}.", field="by")
    key, label = _GROUP_FIELDS[by]
    rows = _completed(window).filter(**{f"{key}__isnull": False})
    if stage:
        rows = rows.filter(stage=stage)
    totals = (
        rows.order_by()
        .values(key, label)
        .annotate(
            inspected=Sum("quantity"),
            rejected=Sum("rejected_quantity"),
            count=Sum(Value(1), output_field=IntegerField()),
        )
    )
    reasons: dict[int, list[domain.ReasonCount]] = defaultdict(list)
    for row in (
        rows.filter(rejected_quantity__gt=0, defect_reason__isnull=False)
        .order_by()
        .values(key, "defect_reason__code", "defect_reason__name")
        .annotate(quantity=Sum("rejected_quantity"))
    ):
        reasons[row[key]].append(
            domain.ReasonCount(
                row["defect_reason__code"], row["defect_reason__name"], q4(row["quantity"])
            )
        )
    result = [
        DefectRate(
            group_id=row[key],
            label=row[label],
            inspections=row["count"],
            inspected=q4(row["inspected"]),
            rejected=q4(row["rejected"]),
            rate_percent=domain.rate_percent(row["rejected"], row["inspected"]),
            top_reasons=domain.top_reasons(reasons[row[key]], limit_reasons),
        )
        for row in totals
    ]
    return sorted(result, key=lambda r: (-r.rate_percent, r.label))


def search_inspections(query: str, limit: int) -> list[Any]:
    """Global-search provider: inspections by number, reference or SKU."""
    from django.urls import reverse

    from valuechain.platform.web.registry import SearchHit

    return [
        SearchHit(
            kind="inspection",
            title=f"{row.number} {row.variant.sku}",
            detail=f"{row.state} · {row.reference}",
            url=reverse("quality-inspection", args=[row.pk]),
        )
        for row in inspections(q=query).order_by("-pk")[:limit]
    ]
