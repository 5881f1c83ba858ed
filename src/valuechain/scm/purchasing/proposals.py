"""Supply requests become purchase orders: reorder proposals (make-to-stock) and make-to-order
requests of items some supplier delivers, with the best-ranked supplier pre-selected and the
quantity rounded up to its MOQ and pack size.

Ordering locks the requests (pk order) before anything else, so two clicks on the same
proposal order it once: the second finds it ``ordered`` and is refused with
``already_ordered``. Requests are grouped by supplier, warehouse and currency, one order each.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from valuechain.platform.errors import DomainError
from valuechain.platform.fx import tenant_base_currency
from valuechain.scm.inventory import supply
from valuechain.scm.inventory.models import SupplyRequest
from valuechain.scm.procurement.models import PriceBreak, SupplierProduct
from valuechain.scm.procurement.queries import RankingRow, rank_products
from valuechain.scm.procurement.services import selection_settings, weights_of
from valuechain.scm.purchasing import services
from valuechain.scm.purchasing.models import PurchaseOrder, PurchaseOrderLine


@dataclass(frozen=True)
class Proposal:
    """An open supply request and what buying it would mean: supplier, quantity, price."""

    request: SupplyRequest
    rows: list[RankingRow]  # every supplier of the item, best first
    choice: RankingRow | None  # the pre-selected (best ranked) supplier; None: no one can

    @property
    def problem(self) -> str:
        """Why nobody can be pre-selected (no price for the quantity, no exchange rate)."""
        if self.choice is not None:
            return ""
        return self.rows[0].problem if self.rows else "no active supplier"


def open_requests(
    *, reason: str = "", warehouse_id: int | None = None, q: str = ""
) -> QuerySet[SupplyRequest]:
    """Open supply requests of items an active supplier delivers (what can be bought)."""
    buyable = SupplierProduct.objects.filter(is_active=True, supplier__is_active=True).values(
        "variant_id"
    )
    rows = SupplyRequest.objects.filter(state="open", variant_id__in=buyable).select_related(
        "variant", "warehouse"
    )
    if reason:
        rows = rows.filter(reason=reason)
    if warehouse_id is not None:
        rows = rows.filter(warehouse_id=warehouse_id)
    if q:
        rows = rows.filter(Q(variant__sku__icontains=q) | Q(note__icontains=q))
    return rows


def rankable(variant_ids: Iterable[int]) -> QuerySet[SupplierProduct]:
    """Active supplied products of active suppliers, with what ranking reads, loaded."""
    return (
        SupplierProduct.objects.filter(
            variant_id__in=list(variant_ids), is_active=True, supplier__is_active=True
        )
        .select_related("supplier__account", "variant__product")
        .prefetch_related(
            Prefetch("price_breaks", queryset=PriceBreak.objects.order_by("min_quantity"))
        )
        .order_by("pk")
    )


def proposals_for(requests: Sequence[SupplyRequest]) -> list[Proposal]:
    """Rank the suppliers of each request's item for its quantity (a fixed number of queries)."""
    grouped: dict[int, list[SupplierProduct]] = {}
    for product in rankable({r.variant_id for r in requests}):
        grouped.setdefault(product.variant_id, []).append(product)
    base = tenant_base_currency()
    weights = weights_of(selection_settings())
    rates: dict[str, Decimal | None] = {}
    result = []
    for request in requests:
        rows = rank_products(
            grouped.get(request.variant_id, []),
            request.quantity,
            base_currency=base,
            weights=weights,
            rates=rates,
        )
        choice = next((row for row in rows if row.rank == 1), None)
        result.append(Proposal(request, rows, choice))
    return result


def expected_date(order_date: dt.date, lead_time_days: Decimal) -> dt.date:
    """When goods ordered on a day arrive: the lead time rounded up to whole days."""
    days = int(lead_time_days.to_integral_value(rounding=ROUND_CEILING))
    return order_date + dt.timedelta(days=days)


def _locked_requests(ids: Iterable[Any]) -> list[SupplyRequest]:
    wanted = sorted({i for i in ids if isinstance(i, int) and not isinstance(i, bool)})
    if not wanted:
        raise DomainError(
            "supply_requests_required",
            "Choose at least one proposal to order.",
            field="supply_request_ids",
        )
    rows = list(
        SupplyRequest.objects.select_for_update()
        .filter(pk__in=wanted)
        .select_related("variant", "warehouse")
        .order_by("pk")
    )
    if len(rows) != len(wanted):
        raise services.not_found("supply request", "supply_request_ids")
    taken = [row.pk for row in rows if row.state != "open"]
    if taken:
        raise DomainError(
            "already_ordered",
            "These proposals are no longer open (ordered or cancelled meanwhile): "
            + ", ".join(str(pk) for pk in taken)
            + ".",
            field="supply_request_ids",
            status=409,
            details={"supply_request_ids": taken},
        )
    return rows


@transaction.atomic
def order_proposals(
    supply_request_ids: Iterable[Any],
    *,
    supplier_products: Mapping[int, int] | None = None,
    order_date: dt.date | None = None,
) -> list[PurchaseOrder]:
    """Create draft purchase orders for open supply requests, one per supplier + warehouse +
    currency; each request becomes ``ordered`` with the quantity bought and its expected date.

    ``supplier_products`` overrides the pre-selected supplier of a request (request id →
    supplied-product id of the same item).
    """
    requests = _locked_requests(supply_request_ids)
    overrides = dict(supplier_products or {})
    on = order_date or timezone.localdate()
    groups: dict[tuple[int, int, str], list[tuple[SupplyRequest, RankingRow]]] = {}
    for proposal in proposals_for(requests):
        request = proposal.request
        row = proposal.choice
        if request.pk in overrides:
            row = next(
                (r for r in proposal.rows if r.supplier_product.pk == overrides[request.pk]), None
            )
            if row is None:
                raise DomainError(
                    "invalid_supplier_product",
                    f"That supplier does not deliver {request.variant.sku}.",
                    field="supplier_products",
                    details={"supply_request_id": request.pk},
                )
        if row is None or row.quote is None:
            raise DomainError(
                "no_supplier",
                f"{request.variant.sku}: {proposal.problem}; choose a supplier or add a price.",
                field="supply_request_ids",
                status=409,
                details={"supply_request_id": request.pk},
            )
        product = row.supplier_product
        key = (product.supplier_id, request.warehouse_id, product.currency)
        groups.setdefault(key, []).append((request, row))
    created = []
    for (supplier_id, warehouse_id, currency), members in sorted(groups.items()):
        lines = []
        for request, row in members:
            assert row.quote is not None  # checked above
            arrives = expected_date(on, row.supplier_product.lead_time_days)
            lines.append(
                {
                    "variant_id": request.variant_id,
                    "quantity": row.quote.quantity,
                    "supplier_product_id": row.supplier_product.pk,
                    "supply_request_id": request.pk,
                    "requested_on": arrives,
                }
            )
            supply.change_supply_request(
                request.pk, state="ordered", quantity=row.quote.quantity, expected_on=arrives
            )
        created.append(
            services.create_order(
                supplier_id=supplier_id,
                warehouse_id=warehouse_id,
                currency=currency,
                order_date=on,
                lines=lines,
                note="From supply proposals.",
            )
        )
    return created


def release_requests(lines: Iterable[PurchaseOrderLine]) -> None:
    """Put the supply requests of lines that no longer order them back on the Proposals page.

    Inventory lets an ordered request only finish or be cancelled, so the request is cancelled
    and a new open one with the same need replaces it (unless a newer proposal already exists).
    """
    for line in lines:
        if line.supply_request_id is None:
            continue
        request = SupplyRequest.objects.filter(pk=line.supply_request_id, state="ordered").first()
        if request is None:
            continue
        supply.change_supply_request(request.pk, state="cancelled")
        try:
            with transaction.atomic():  # a duplicate reorder proposal rolls back alone
                supply.request_supply(
                    variant=request.variant,
                    warehouse=request.warehouse,
                    quantity=request.quantity,
                    reason=request.reason,
                    origin_type=request.origin_type,
                    origin_id=request.origin_id,
                    note=request.note,
                )
        except DomainError:
            pass
