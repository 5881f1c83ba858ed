"""Read side of the catalog: look-ups other contexts call, and data for pages and the API."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet

from valuechain.scm.catalog import domain
from valuechain.scm.catalog.models import (
    CustomerGroupMember,
    KitComponent,
    Product,
    RelatedProduct,
    UnitOfMeasure,
    Variant,
    VariantValue,
)


def customer_group_for(*, account_id: int | None = None, person_id: int | None = None) -> str:
    """The customer group code of a person or account ("" when none).

    A person's own assignment wins; a person without one takes the group of their account
    (when ``account_id`` is given too, or the person belongs to an account).
    """
    if person_id is not None:
        own = (
            CustomerGroupMember.objects.filter(person_id=person_id)
            .values_list("group__code", flat=True)
            .first()
        )
        if own:
            return own
        if account_id is None:
            from valuechain.crm.customers.models import Person

            account_id = (
                Person.objects.filter(pk=person_id).values_list("account_id", flat=True).first()
            )
    if account_id is not None:
        code = (
            CustomerGroupMember.objects.filter(account_id=account_id)
            .values_list("group__code", flat=True)
            .first()
        )
        return code or ""
    return ""


def kit_components(variant_id: int) -> list[tuple[int, Decimal]]:
    """(component variant id, quantity per kit) of a kit variant, by component id; [] if none."""
    return [
        (component_id, Decimal(quantity))
        for component_id, quantity in KitComponent.objects.filter(kit_id=variant_id)
        .order_by("component_id")
        .values_list("component_id", "quantity")
    ]


def kit_ids(variant_ids: Iterable[int]) -> set[int]:
    """Which of these variants are kits (have components), in one query."""
    return set(
        KitComponent.objects.filter(kit_id__in=set(variant_ids))
        .values_list("kit_id", flat=True)
        .distinct()
    )


def variant_by_gtin(gtin: str) -> Variant | None:
    """The variant with this GTIN in any spelling (GTIN-13 or its GTIN-14), product loaded."""
    forms = domain.gtin_forms(gtin)
    if not forms:
        return None
    return Variant.objects.select_related("product").filter(gtin__in=forms).first()


# --- products for pages and the API --------------------------------------------------------

PRODUCT_SORTS = ("name", "created_at", "updated_at", "kind", "supply_mode")
VARIANT_SORTS = ("sku", "name", "created_at", "gtin")


@dataclass(frozen=True)
class ProductFilters:
    """Filters of the product list; None filters nothing."""

    q: str | None = None
    kind: str | None = None
    supply_mode: str | None = None
    is_active: bool | None = None
    country_of_origin: str | None = None
    hs_code: str | None = None


def _variants_prefetch() -> Prefetch:
    return Prefetch(
        "variants",
        queryset=Variant.objects.order_by("pk").prefetch_related(
            Prefetch(
                "values",
                queryset=VariantValue.objects.select_related("attribute", "value").order_by(
                    "attribute__name", "pk"
                ),
            )
        ),
    )


def products(filters: ProductFilters | None = None) -> QuerySet[Product]:
    """Products with their variants and units loaded, filtered (q is the full-text search)."""
    f = filters or ProductFilters()
    rows = Product.objects.select_related("base_uom", "sales_uom", "purchase_uom")
    if f.q:
        rows = rows.filter(pk__in=search_product_ids(f.q))
    if f.kind:
        rows = rows.filter(kind=f.kind)
    if f.supply_mode:
        rows = rows.filter(supply_mode=f.supply_mode)
    if f.is_active is not None:
        rows = rows.filter(is_active=f.is_active)
    if f.country_of_origin:
        rows = rows.filter(country_of_origin=f.country_of_origin.upper())
    if f.hs_code:
        rows = rows.filter(hs_code__startswith=f.hs_code.replace(".", ""))
    return rows.prefetch_related(_variants_prefetch())


def product(product_id: int) -> Product:
    """One product with variants, values and units (Product.DoesNotExist when missing)."""
    return products().get(pk=product_id)


def variants(
    *, product_id: int | None = None, q: str | None = None, is_active: bool | None = None
) -> QuerySet[Variant]:
    """Variants with their product and values loaded."""
    rows = Variant.objects.select_related("product").prefetch_related(
        Prefetch(
            "values",
            queryset=VariantValue.objects.select_related("attribute", "value").order_by(
                "attribute__name", "pk"
            ),
        )
    )
    if product_id is not None:
        rows = rows.filter(product_id=product_id)
    if is_active is not None:
        rows = rows.filter(is_active=is_active)
    if q:
        text = q.strip()
        rows = rows.filter(
            Q(sku__icontains=text)
            | Q(name__icontains=text)
            | Q(product__name__icontains=text)
            | Q(gtin__in=domain.gtin_forms(text))
        )
    return rows


def attributes_of(product_obj: Product) -> dict[str, list[str]]:
    """Attribute name -> the values its variants use, in value order (from prefetched rows)."""
    found: dict[str, dict[int, tuple[int, str]]] = {}
    for variant in product_obj.variants.all():
        for row in variant.values.all():
            found.setdefault(row.attribute.name, {})[row.value_id] = (
                row.value.position,
                row.value.value,
            )
    return {name: [v for _, v in sorted(vals.values())] for name, vals in sorted(found.items())}


def related_products(product_id: int) -> dict[str, list[Product]]:
    """The product's accessories (cross-sell) and up-sell alternatives, in their order."""
    out: dict[str, list[Product]] = {kind: [] for kind in domain.RELATION_KINDS}
    for row in (
        RelatedProduct.objects.filter(product_id=product_id)
        .select_related("related")
        .order_by("kind", "position", "pk")
    ):
        out[row.kind].append(row.related)
    return out


def units() -> QuerySet[UnitOfMeasure]:
    """The tenant's units of measure by category and factor."""
    return UnitOfMeasure.objects.order_by("category", "factor", "code")


def convert(variant_id: int, quantity: Decimal, *, from_uom: str, to_uom: str) -> Decimal:
    """A quantity of a variant from one unit to another (codes; "" is the variant's base unit).

    Raises ``unknown_uom`` (422) or ``uom_category_mismatch`` (422).
    """
    from valuechain.platform.errors import DomainError

    variant = Variant.objects.select_related("product__base_uom").get(pk=variant_id)
    base = variant.product.base_uom
    codes = {c for c in (from_uom, to_uom) if c}
    rows = {u.code: u for u in UnitOfMeasure.objects.filter(code__in=codes)}

    def unit(code: str) -> domain.Unit:
        if not code:
            if base is None:
                return domain.Unit("pc", "unit", Decimal(1))
            return domain.Unit(base.code, base.category, base.factor)
        if code not in rows:
            raise DomainError("unknown_uom", f"No unit of measure {code!r}.", field="uom")
        row = rows[code]
        return domain.Unit(row.code, row.category, row.factor)

    try:
        return domain.convert_quantity(quantity, unit(from_uom), unit(to_uom))
    except domain.InvalidInput as exc:
        raise DomainError(exc.code, exc.message, field=exc.field) from exc


# --- search -------------------------------------------------------------------------------


def search_product_ids(text: str) -> list[int]:
    """Products whose name, description, SKU or GTIN match every word of ``text``.

    PostgreSQL: full text (``simple`` configuration, each word as a prefix) over name and
    description, or a SKU containing the word, or the GTIN in any spelling. SQLite: the same
    with LIKE. Ordered by relevance on PostgreSQL, by name on SQLite.
    """
    words = [w for w in text.split() if w][:10]
    if not words:
        return []
    base = Product.objects.all()
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector("name", weight="A", config="simple") + SearchVector(
            "description", weight="B", config="simple"
        )
        condition = Q()
        terms = []
        for word in words:
            token = "".join(c for c in word if c.isalnum())
            by_text = Q()
            if token:
                query = SearchQuery(f"{token}:*", search_type="raw", config="simple")
                terms.append(token)
                by_text = Q(pk__in=Product.objects.annotate(v=vector).filter(v=query).values("pk"))
            condition &= by_text | _code_match(word)
        rank_query = (
            SearchQuery(" | ".join(f"{t}:*" for t in terms), search_type="raw", config="simple")
            if terms
            else None
        )
        rows = base.filter(condition)
        if rank_query is not None:
            rows = rows.annotate(rank=SearchRank(vector, rank_query)).order_by(
                "-rank", "name", "pk"
            )
        else:
            rows = rows.order_by("name", "pk")
        return list(rows.values_list("pk", flat=True)[:1000])
    condition = Q()
    for word in words:
        condition &= Q(name__icontains=word) | Q(description__icontains=word) | _code_match(word)
    return list(base.filter(condition).order_by("name", "pk").values_list("pk", flat=True)[:1000])


def _code_match(word: str) -> Q:
    """A word matching a variant's SKU (contained) or GTIN (any spelling)."""
    hits = Variant.objects.filter(Q(sku__icontains=word) | Q(gtin__in=domain.gtin_forms(word)))
    return Q(pk__in=hits.values("product_id"))


def search(text: str, limit: int = 20) -> list[Product]:
    """Products matching ``text`` (see search_product_ids), most relevant first."""
    ids = search_product_ids(text)[:limit]
    found = {p.pk: p for p in Product.objects.filter(pk__in=ids).prefetch_related("variants")}
    return [found[i] for i in ids if i in found]


def search_products(query: str, limit: int) -> list[Any]:
    """Global-search provider: products by name, description, SKU or GTIN."""
    from django.urls import reverse

    from valuechain.platform.web.registry import SearchHit

    hits = []
    for row in search(query, limit):
        skus = ", ".join(v.sku for v in list(row.variants.all())[:3])
        hits.append(
            SearchHit(
                kind="product",
                title=row.name,
                detail=" · ".join(part for part in (skus, row.kind) if part),
                url=reverse("catalog-product-detail", args=[row.pk]),
            )
        )
    return hits
