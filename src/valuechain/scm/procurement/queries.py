"""The read side of procurement: supplier lists, supplied products and supplier rankings.

Lists select their joins and prefetch price breaks, so a page costs a fixed number of
queries whatever its length. Rankings convert every price into the tenant's base currency
at today's rate before comparing (one rate lookup per currency, not per supplier).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from valuechain.platform.errors import DomainError
from valuechain.platform.fx import rate_on, tenant_base_currency
from valuechain.platform.inputs import clean_number
from valuechain.scm.catalog.models import Variant
from valuechain.scm.procurement import domain, scorecard
from valuechain.scm.procurement.models import PriceBreak, Supplier, SupplierProduct
from valuechain.scm.procurement.services import (
    QUANTITY_PLACES,
    not_found,
    selection_settings,
    weights_of,
)

# The list APIs sort by these names; ``name``, ``sku`` and ``supplier_code`` are annotated.
SUPPLIER_SORTS = ("code", "name", "currency", "payment_terms_days", "created_at")
SUPPLIER_PRODUCT_SORTS = ("sku", "supplier_code", "lead_time_days", "min_order_quantity")


def suppliers(
    *,
    q: str = "",
    is_active: bool | None = None,
    currency: str = "",
    incoterm: str = "",
) -> QuerySet[Supplier]:
    """The tenant's suppliers with their accounts; ``q`` searches code, name and GLN."""
    rows = Supplier.objects.select_related("account").annotate(name=F("account__name"))
    if q:
        rows = rows.filter(
            Q(code__icontains=q) | Q(account__name__icontains=q) | Q(gln__startswith=q)
        )
    if is_active is not None:
        rows = rows.filter(is_active=is_active)
    if currency:
        rows = rows.filter(currency=currency.upper())
    if incoterm:
        rows = rows.filter(incoterm=incoterm.upper())
    return rows


def supplier(supplier_id: int) -> Supplier:
    """One supplier (with its account) or 404 supplier_not_found."""
    row = Supplier.objects.select_related("account").filter(pk=supplier_id).first()
    if row is None:
        raise not_found("supplier")
    return row


def _with_breaks(rows: QuerySet[SupplierProduct]) -> QuerySet[SupplierProduct]:
    return rows.select_related("supplier__account", "variant__product").prefetch_related(
        Prefetch("price_breaks", queryset=PriceBreak.objects.order_by("min_quantity"))
    )


def supplier_products(
    *,
    supplier_id: int | None = None,
    variant_id: int | None = None,
    q: str = "",
    is_active: bool | None = None,
) -> QuerySet[SupplierProduct]:
    """Supplied products with supplier, variant and price breaks; ``q`` searches the SKUs."""
    rows = _with_breaks(SupplierProduct.objects.all()).annotate(
        sku=F("variant__sku"), supplier_code=F("supplier__code")
    )
    if supplier_id is not None:
        rows = rows.filter(supplier_id=supplier_id)
    if variant_id is not None:
        rows = rows.filter(variant_id=variant_id)
    if q:
        rows = rows.filter(Q(variant__sku__icontains=q) | Q(supplier_sku__icontains=q))
    if is_active is not None:
        rows = rows.filter(is_active=is_active)
    return rows


def supplier_product(supplier_product_id: int) -> SupplierProduct:
    """One supplied product or 404 supplier_product_not_found."""
    row = _with_breaks(SupplierProduct.objects.filter(pk=supplier_product_id)).first()
    if row is None:
        raise not_found("supplier_product")
    return row


def search_suppliers(query: str, limit: int) -> list[Any]:
    """Global-search provider: suppliers by code, name or GLN."""
    from django.urls import reverse

    from valuechain.platform.web.registry import SearchHit

    return [
        SearchHit(
            kind="supplier",
            title=f"{row.code} {row.account.name}",
            detail=" · ".join(p for p in (row.currency, row.incoterm, row.gln) if p),
            url=reverse("procurement-supplier", args=[row.pk]),
        )
        for row in suppliers(q=query).order_by("code")[:limit]
    ]


# --- ranking --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankingRow:
    """One supplier in an item's ranking: the order it would place and how it scored."""

    supplier_product: SupplierProduct
    quote: domain.OrderQuote | None  # None when the supplier has no price for the quantity
    unit_price_base: Decimal | None  # the unit price in the tenant's base currency
    rank: int | None  # None: not ranked (no price or no exchange rate); ``problem`` says why
    score: Decimal | None
    criteria: dict[str, Decimal]
    problem: str = ""

    @property
    def preferred(self) -> bool:
        """The first of the ranking is the supplier to buy from."""
        return self.rank == 1


@dataclass(frozen=True)
class Ranking:
    """The suppliers of one variant for a wanted quantity, best first."""

    variant: Variant
    quantity: Decimal
    base_currency: str
    weights: dict[str, Decimal]
    rows: list[RankingRow]


def clean_wanted(value: object) -> Decimal:
    """The wanted quantity of a ranking: above 0, at most 4 decimals (invalid_quantity)."""
    return clean_number(
        value, "quantity", places=QUANTITY_PLACES, maximum=Decimal("99999999999999"), positive=True
    )


def _breaks(product: SupplierProduct) -> list[domain.PriceBreak]:
    return [domain.PriceBreak(b.min_quantity, b.unit_price) for b in product.price_breaks.all()]


def rank_products(
    products: Sequence[SupplierProduct],
    quantity: Decimal,
    *,
    base_currency: str,
    weights: dict[str, Decimal],
    rates: dict[str, Decimal | None],
    measured: dict[int, tuple[Decimal | None, Decimal | None]] | None = None,
) -> list[RankingRow]:
    """Rank already loaded supplied products (of one variant) for ``quantity``.

    ``rates`` caches today's rate per currency into the base currency (None: no rate) and
    is filled as currencies appear, so several rankings share one lookup per currency.
    ``measured`` gives each supplier's on-time-in-full and quality of the last year from
    its scorecard (read here when not given).
    """
    if measured is None:
        measured = scorecard.measured_rates(p.supplier_id for p in products)
    today = timezone.localdate()
    quotes: dict[int, domain.OrderQuote] = {}
    candidates: list[domain.Candidate] = []
    unranked: list[RankingRow] = []
    base_prices: dict[int, Decimal] = {}
    for product in products:
        try:
            offer = domain.quote(
                quantity,
                min_order_quantity=product.min_order_quantity,
                pack_size=product.pack_size,
                breaks=_breaks(product),
            )
        except domain.NoPrice:
            unranked.append(
                RankingRow(product, None, None, None, None, {}, "no price for this quantity")
            )
            continue
        if product.currency not in rates:
            try:
                rates[product.currency] = rate_on(product.currency, base_currency, today)
            except DomainError:
                rates[product.currency] = None
        rate = rates[product.currency]
        if rate is None:
            unranked.append(
                RankingRow(
                    product,
                    offer,
                    None,
                    None,
                    None,
                    {},
                    f"no {product.currency}/{base_currency} exchange rate",
                )
            )
            continue
        quotes[product.pk] = offer
        base_prices[product.pk] = offer.unit_price * rate
        candidates.append(
            domain.Candidate(
                key=product.pk,
                code=product.supplier.code,
                unit_price=base_prices[product.pk],
                lead_time_days=product.lead_time_days,
                lead_time_std_days=product.lead_time_std_days,
                on_time_in_full=measured.get(product.supplier_id, (None, None))[0],
                quality=measured.get(product.supplier_id, (None, None))[1],
            )
        )
    by_pk = {product.pk: product for product in products}
    ranked = [
        RankingRow(
            by_pk[row.candidate.key],
            quotes[row.candidate.key],
            base_prices[row.candidate.key],
            row.rank,
            row.score,
            row.criteria,
        )
        for row in domain.rank(candidates, weights)
    ]
    unranked.sort(key=lambda row: (row.supplier_product.supplier.code, row.supplier_product.pk))
    return ranked + unranked


def _rankable(variant_ids: Iterable[int]) -> QuerySet[SupplierProduct]:
    """Active supplied products of active suppliers: the only ones a ranking considers."""
    return _with_breaks(
        SupplierProduct.objects.filter(
            variant_id__in=list(variant_ids), is_active=True, supplier__is_active=True
        )
    ).order_by("pk")


def supplier_ranking(variant_id: int, quantity: object) -> Ranking:
    """The active suppliers of a variant ranked for a wanted quantity (404 for no variant)."""
    wanted = clean_wanted(quantity)
    variant = Variant.objects.select_related("product").filter(pk=variant_id).first()
    if variant is None:
        raise not_found("variant")
    base = tenant_base_currency()
    weights = weights_of(selection_settings())
    rows = rank_products(
        list(_rankable([variant.pk])), wanted, base_currency=base, weights=weights, rates={}
    )
    return Ranking(variant, wanted, base, weights, rows)


def rankings_by_variant(variant_ids: list[int], quantity: Decimal) -> list[Ranking]:
    """Rankings of several variants at once (the product page), in a fixed number of queries."""
    variants = Variant.objects.select_related("product").filter(pk__in=variant_ids).order_by("pk")
    grouped: dict[int, list[SupplierProduct]] = {}
    for product in _rankable(variant_ids):
        grouped.setdefault(product.variant_id, []).append(product)
    if not grouped:
        return []
    base = tenant_base_currency()
    weights = weights_of(selection_settings())
    rates: dict[str, Decimal | None] = {}
    measured = scorecard.measured_rates(
        p.supplier_id for products in grouped.values() for p in products
    )
    rankings = []
    for variant in variants:
        if variant.pk in grouped:
            rows = rank_products(
                grouped[variant.pk],
                quantity,
                base_currency=base,
                weights=weights,
                rates=rates,
                measured=measured,
            )
            rankings.append(Ranking(variant, quantity, base, weights, rows))
    return rankings
