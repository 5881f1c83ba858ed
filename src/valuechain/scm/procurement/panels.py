"""What procurement contributes to other contexts' pages: the product page's suppliers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from valuechain.scm.procurement import queries


def suppliers_panel(variant_ids: list[int]) -> tuple[str, dict[str, Any]] | None:
    """Each variant's active suppliers ranked for one unit, the preferred one first."""
    if not variant_ids:
        return None
    rankings = queries.rankings_by_variant(variant_ids, Decimal(1))
    return "procurement/_product_panel.html", {"rankings": rankings}
