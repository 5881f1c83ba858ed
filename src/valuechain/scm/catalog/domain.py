"""Pure rules of the catalog: product kinds and supply modes."""

from __future__ import annotations

# stockable: tracked in the stock ledger; consumable: issued without balances; service: no stock.
PRODUCT_KINDS = ("stockable", "consumable", "service")
# mts: make-to-stock (replenished ahead of demand); mto: make-to-order (an order triggers supply).
SUPPLY_MODES = {"mts": "make to stock", "mto": "make to order"}
