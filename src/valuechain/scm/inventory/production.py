"""Production moves of the stock ledger: components consumed into the PRODUCTION location
from their reservations, finished goods and by-products produced out of it.

Same rules as ``services.py``: the caller's transaction, balance rows locked in primary-key
order before reservations, every move posted through ``services.post`` so balances keep
equalling the ledger, a past-tense event per use case. Manufacturing calls these; they know
nothing of work orders beyond the source type and id they are given.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from valuechain.platform.events.services import publish
from valuechain.scm.catalog.models import Variant
from valuechain.scm.inventory import valuation
from valuechain.scm.inventory.models import Location, StockMove, Warehouse
from valuechain.scm.inventory.reservations import reserved_moves
from valuechain.scm.inventory.services import (
    MoveSpec,
    clean_quantity,
    internal_location,
    location_of,
    post,
    virtual_location,
)


@transaction.atomic
def consume_reserved(
    source_type: str, source_id: int, quantity: Decimal, *, reference: str = ""
) -> list[StockMove]:
    """Move reserved stock of a source into production (``consume``), oldest reservation first.

    Refused with ``not_reserved`` (409) when the source holds less than the quantity.
    """
    amount = clean_quantity(quantity)
    specs = reserved_moves(
        source_type,
        source_id,
        amount,
        kind="consume",
        to_location=virtual_location("production"),
        reference=reference,
        what="component",
        verb="consume",
    )
    moves = post(specs)
    publish(
        "StockConsumed",
        {
            "source_type": source_type,
            "source_id": source_id,
            "quantity": str(amount),
            "reference": reference,
            "move_ids": [m.pk for m in moves],
        },
    )
    return moves


@transaction.atomic
def produce(
    *,
    variant: Variant,
    warehouse: Warehouse,
    quantity: Decimal,
    reference: str = "",
    source_type: str = "",
    source_id: int | None = None,
    unit_cost: Decimal | None = None,
    location: Location | None = None,
) -> StockMove:
    """Bring produced goods from PRODUCTION into the warehouse's main stock location, or into
    ``location`` (an internal location of that warehouse, e.g. QUALITY for output that waits
    for an inspection; ``invalid_location`` otherwise).

    ``unit_cost`` (base currency) is what the caller computed from the consumed components;
    without it the goods come in at their current cost in the warehouse.
    """
    amount = clean_quantity(quantity)
    cost = valuation.clean_unit_cost(unit_cost)
    target = internal_location(location, warehouse) if location else location_of(warehouse, "stock")
    (move,) = post(
        [
            MoveSpec(
                "produce",
                variant.pk,
                amount,
                virtual_location("production"),
                target,
                reference=reference,
                source_type=source_type,
                source_id=source_id,
                unit_cost=cost,
            )
        ]
    )
    publish(
        "StockProduced",
        {
            "variant_id": variant.pk,
            "warehouse_id": warehouse.pk,
            "location_id": target.pk,
            "quantity": str(amount),
            "reference": reference,
            "source_type": source_type,
            "source_id": source_id,
        },
    )
    return move
