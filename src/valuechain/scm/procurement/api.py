"""API routes of procurement (scm area): suppliers, supplied products with price breaks,
supplier rankings of a variant and the selection weights."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Schema, Status

from valuechain.platform.api import ListParams, Page, area_router, paginate
from valuechain.platform.money import Money
from valuechain.scm.procurement import queries, scorecard, services
from valuechain.scm.procurement.models import ProcurementSettings, Supplier, SupplierProduct
from valuechain.scm.procurement.schemas import (
    RankingOut,
    ScorecardOut,
    SelectionSettingsIn,
    SelectionSettingsOut,
    SupplierIn,
    SupplierOut,
    SupplierPatch,
    SupplierProductIn,
    SupplierProductOut,
    SupplierProductPatch,
)

router = area_router("scm", tags=["procurement"])
QUANTITY = Decimal("0.0001")  # as quantities are stored
PRICE = Decimal("0.000001")  # as unit prices are stored


def _given(data: Schema) -> dict[str, Any]:
    """The fields a PATCH sent; null means "leave as it is" (never "switch off" or "clear")."""
    return {
        name: value for name, value in data.dict(exclude_unset=True).items() if value is not None
    }


# --- suppliers ------------------------------------------------------------------------------


@router.get("/suppliers", response=Page[SupplierOut], summary="List suppliers")
def list_suppliers(
    request: HttpRequest,
    params: Query[ListParams],
    q: str = "",
    is_active: bool | None = None,
    currency: str = "",
    incoterm: str = "",
) -> dict[str, Any]:
    """Suppliers by code unless sorted otherwise; ``q`` searches code, name and GLN."""
    return paginate(
        queries.suppliers(q=q, is_active=is_active, currency=currency, incoterm=incoterm),
        params,
        sortable=queries.SUPPLIER_SORTS,
        default_sort=("code",),
    )


@router.post("/suppliers", response={201: SupplierOut}, summary="Create a supplier")
def create_supplier(request: HttpRequest, data: SupplierIn) -> Status[Supplier]:
    """Make an existing CRM account a supplier, or create the account by name."""
    supplier = services.create_supplier(**data.dict())
    return Status(201, queries.supplier(supplier.pk))


@router.get("/suppliers/{supplier_id}", response=SupplierOut, summary="Get a supplier")
def get_supplier(request: HttpRequest, supplier_id: int) -> Supplier:
    """One supplier."""
    return queries.supplier(supplier_id)


@router.patch("/suppliers/{supplier_id}", response=SupplierOut, summary="Change a supplier")
def update_supplier(request: HttpRequest, supplier_id: int, data: SupplierPatch) -> Supplier:
    """Change code, terms, GLN, the active flag, or the account's name."""
    services.update_supplier(supplier_id, **_given(data))
    return queries.supplier(supplier_id)


@router.post(
    "/suppliers/{supplier_id}/deactivate", response=SupplierOut, summary="Deactivate a supplier"
)
def deactivate_supplier(request: HttpRequest, supplier_id: int) -> Supplier:
    """Take a supplier out of every ranking (PATCH ``is_active`` brings it back)."""
    services.deactivate_supplier(supplier_id)
    return queries.supplier(supplier_id)


# --- supplied products ----------------------------------------------------------------------


@router.get(
    "/supplier-products", response=Page[SupplierProductOut], summary="List supplied products"
)
def list_supplier_products(
    request: HttpRequest,
    params: Query[ListParams],
    supplier_id: int | None = None,
    variant_id: int | None = None,
    q: str = "",
    is_active: bool | None = None,
) -> dict[str, Any]:
    """Who supplies what, with price breaks; ``q`` searches our SKU and the supplier's."""
    return paginate(
        queries.supplier_products(
            supplier_id=supplier_id, variant_id=variant_id, q=q, is_active=is_active
        ),
        params,
        sortable=queries.SUPPLIER_PRODUCT_SORTS,
        default_sort=("sku", "supplier_code"),
    )


@router.post(
    "/supplier-products", response={201: SupplierProductOut}, summary="Add a supplied product"
)
def create_supplier_product(
    request: HttpRequest, data: SupplierProductIn
) -> Status[SupplierProduct]:
    """Record that a supplier delivers a variant, with its order rules and prices."""
    product = services.create_supplier_product(**data.dict())
    return Status(201, queries.supplier_product(product.pk))


@router.get(
    "/supplier-products/{supplier_product_id}",
    response=SupplierProductOut,
    summary="Get a supplied product",
)
def get_supplier_product(request: HttpRequest, supplier_product_id: int) -> SupplierProduct:
    """One supplied product with its price breaks."""
    return queries.supplier_product(supplier_product_id)


@router.patch(
    "/supplier-products/{supplier_product_id}",
    response=SupplierProductOut,
    summary="Change a supplied product",
)
def update_supplier_product(
    request: HttpRequest, supplier_product_id: int, data: SupplierProductPatch
) -> SupplierProduct:
    """Change order rules, lead time or the active flag; ``price_breaks`` replaces the prices."""
    services.update_supplier_product(supplier_product_id, **_given(data))
    return queries.supplier_product(supplier_product_id)


# --- selection ------------------------------------------------------------------------------


@router.get(
    "/variants/{variant_id}/supplier-ranking",
    response=RankingOut,
    summary="Rank the suppliers of a variant",
)
def supplier_ranking(request: HttpRequest, variant_id: int, quantity: str = "1") -> Any:
    """The active suppliers of a variant for ``quantity`` units, best first (rank 1 preferred).

    Suppliers without a price for the quantity or without an exchange rate into the base
    currency are listed last with ``rank`` null and the reason in ``problem``.
    """
    ranking = queries.supplier_ranking(variant_id, quantity)
    return {
        "variant_id": ranking.variant.pk,
        "sku": ranking.variant.sku,
        "quantity": ranking.quantity.quantize(QUANTITY),
        "base_currency": ranking.base_currency,
        "weights": ranking.weights,
        "suppliers": [_ranked(row) for row in ranking.rows],
    }


def _ranked(row: queries.RankingRow) -> dict[str, Any]:
    product = row.supplier_product
    offer = row.quote
    return {
        "rank": row.rank,
        "preferred": row.preferred,
        "score": row.score,
        "criteria": row.criteria,
        "supplier_id": product.supplier_id,
        "supplier_code": product.supplier.code,
        "supplier_name": product.supplier.account.name,
        "supplier_product_id": product.pk,
        "supplier_sku": product.supplier_sku,
        "currency": product.currency,
        "order_quantity": offer.quantity.quantize(QUANTITY) if offer else None,
        "unit_price": offer.unit_price.quantize(PRICE) if offer else None,
        "total": Money(offer.total, product.currency).rounded().amount if offer else None,
        # A converted price has the rate's decimals; answer it as prices are stored.
        "unit_price_base": None
        if row.unit_price_base is None
        else row.unit_price_base.quantize(PRICE),
        "lead_time_days": product.lead_time_days,
        "lead_time_std_days": product.lead_time_std_days,
        "problem": row.problem,
    }


@router.get(
    "/procurement/settings", response=SelectionSettingsOut, summary="Supplier selection weights"
)
def get_selection_settings(request: HttpRequest) -> ProcurementSettings:
    """The weights ranking suppliers (defaults until changed)."""
    return services.selection_settings()


@router.patch(
    "/procurement/settings",
    response=SelectionSettingsOut,
    summary="Change supplier selection weights",
)
def update_selection_settings(
    request: HttpRequest, data: SelectionSettingsIn
) -> ProcurementSettings:
    """Change some weights; at least one must stay above zero."""
    return services.update_selection_settings(**_given(data))


@router.get(
    "/suppliers/{supplier_id}/scorecard",
    response=ScorecardOut,
    summary="A supplier's scorecard",
)
def supplier_scorecard(
    request: HttpRequest,
    supplier_id: int,
    date_from: date | None = None,
    date_to: date | None = None,
) -> Any:
    """On-time-in-full, quality acceptance, price variance and lead-time reliability of a
    supplier over a period (the last twelve months by default), with the trend per month.

    Measured from purchase orders, receipts, inspections and supplier bills
    (docs/procurement.md, "Scorecards")."""
    card = scorecard.supplier_scorecard(queries.supplier(supplier_id), date_from, date_to)
    return {
        "supplier_id": card.supplier.pk,
        "supplier_code": card.supplier.code,
        "date_from": card.date_from,
        "date_to": card.date_to,
        "measures": scorecard.as_dict(card.card),
        "trend": [
            {"month": month.month, "measures": scorecard.as_dict(month.card)}
            for month in card.trend
        ],
    }
