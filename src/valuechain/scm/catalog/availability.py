"""Availability of variants as the catalog shows it: stock from inventory, kits from parts.

A kit holds no stock of its own: its availability is the number of whole kits its components'
sellable stock makes, ``min(floor(available(component) / quantity per kit))``. Stock comes
from ``inventory.queries.available(variant_ids, *, warehouse_id=None)``; while that is not
installed (or for a service, which has no stock) a variant has no figure (None).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from valuechain.scm.catalog import domain
from valuechain.scm.catalog.models import KitComponent, Variant

StockReader = Callable[..., dict[int, Decimal]]


def stock_reader() -> StockReader | None:
    """``inventory.queries.available`` when the inventory context provides it."""
    try:
        inventory_queries = importlib.import_module("valuechain.scm.inventory.queries")
    except ImportError:
        return None
    reader: Any = getattr(inventory_queries, "available", None)
    return reader if callable(reader) else None


def available(
    variant_ids: Iterable[int],
    *,
    warehouse_id: int | None = None,
    reader: StockReader | None = None,
) -> dict[int, Decimal | None]:
    """Sellable quantity per variant id; kits derived from components; None when unknown.

    Costs three queries plus the stock reader's, whatever the number of variants.
    """
    ids = list(dict.fromkeys(variant_ids))
    if not ids:
        return {}
    read = reader or stock_reader()
    kinds = dict(Variant.objects.filter(pk__in=ids).values_list("pk", "product__kind"))
    lines: dict[int, list[tuple[int, Decimal]]] = {}
    for kit_id, component_id, quantity in KitComponent.objects.filter(kit_id__in=ids).values_list(
        "kit_id", "component_id", "quantity"
    ):
        lines.setdefault(kit_id, []).append((component_id, Decimal(quantity)))
    wanted = {i for i in ids if i not in lines and kinds.get(i) != "service"}
    wanted |= {c for parts in lines.values() for c, _ in parts}
    stock: dict[int, Decimal] = {}
    if read is not None and wanted:
        stock = {
            int(k): Decimal(v) for k, v in read(sorted(wanted), warehouse_id=warehouse_id).items()
        }
    out: dict[int, Decimal | None] = {}
    for variant_id in ids:
        if variant_id not in kinds:
            continue
        if read is None:
            out[variant_id] = None
        elif variant_id in lines:
            out[variant_id] = domain.kit_availability(lines[variant_id], stock)
        elif kinds[variant_id] == "service":
            out[variant_id] = None
        else:
            out[variant_id] = stock.get(variant_id, Decimal(0))
    return out
