"""Pure rules of inventory: location kinds, move kinds and which kinds hold stock."""

from __future__ import annotations

# Locations inside a warehouse; stock at these has balances.
INTERNAL_LOCATION_KINDS = (
    "receiving",
    "stock",
    "quality",
    "packing",
    "shipping",
    "scrap",
    "transit",
)
# Locations outside every warehouse (the other side of receipts, shipments, adjustments and
# production); they have no balances, the ledger alone records what crossed them.
VIRTUAL_LOCATION_KINDS = ("supplier", "customer", "adjustment", "production")
LOCATION_KINDS = INTERNAL_LOCATION_KINDS + VIRTUAL_LOCATION_KINDS
# Only stock in these kinds can be reserved for orders.
SELLABLE_LOCATION_KINDS = ("stock",)

MOVE_KINDS = (
    "receipt",
    "shipment",
    "transfer",
    "adjustment",
    "scrap",
    "return",
    "consume",  # production takes components (the manufacturing issue)
    "produce",  # production yields finished goods and by-products
)

RESERVATION_STATES = ("active", "released", "consumed")
