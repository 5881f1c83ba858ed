"""What inventory contributes to other contexts' pages: the product page's stock panel."""

from __future__ import annotations

from typing import Any

from valuechain.scm.inventory import queries


def stock_panel(variant_ids: list[int]) -> tuple[str, dict[str, Any]] | None:
    """On hand, reserved, available, incoming and outgoing per warehouse and variant."""
    if not variant_ids:
        return None
    rows = queries.quantities_by_variant(variant_ids)
    return "inventory/_product_panel.html", {"stock_rows": rows}
