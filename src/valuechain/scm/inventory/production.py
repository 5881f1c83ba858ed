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

from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.scm.catalog.models import Variant
from valuechain.scm.inventory import domain
from valuechain.scm.inventory.models import Reservation, StockMove, Warehouse
from valuechain.scm.inventory.services import (
    MoveSpec,
    clean_quantity,
    location_of,
    lock_balances,
    number,
    post,
    virtual_location,
)


def _locked_reservations(source_type: str, source_id: int) -> list[Reservation]:
    """Active reservations of one source, their balance rows locked first (pk order)."""
    active = Reservation.objects.filter(
        source_type=source_type, source_id=source_id, state="active"
    )
    lock_balances(active.values_list("balance_id", flat=True))
    return list(
        active.select_for_update(of=("self",))
        .select_related("balance__location", "balance__lot")
        .order_by("pk")
    )


@transaction.atomic
def consume_reserved(
    source_type: str, source_id: int, quantity: Decimal, *, reference: str = ""
) -> list[StockMove]:
    """Move reserved stock of a source into production (``consume``), oldest reservation first.

    Refused with ``not_reserved`` (409) when the source holds less than the quantity.
    """
    amount = clean_quantity(quantity)
    reservations = _locked_reservations(source_type, source_id)
    held = sum((r.open_quantity for r in reservations), domain.ZERO)
    if held < amount:
        raise DomainError(
            "not_reserved",
            f"Only {number(held)} is reserved for this component, {number(amount)} to consume.",
            status=409,
            details={"source_id": source_id, "requested": number(amount), "reserved": number(held)},
        )
    production = virtual_location("production")
    specs: list[MoveSpec] = []
    remaining = amount
    for reservation in reservations:
        if remaining <= 0:
            break
        take = min(reservation.open_quantity, remaining)
        specs.append(
            MoveSpec(
                "consume",
                reservation.variant_id,
                take,
                reservation.balance.location,
                production,
                lot_id=reservation.balance.lot_id,
                reference=reference or reservation.reference,
                source_type=source_type,
                source_id=source_id,
                reserved=True,
            )
        )
        # ``shipped`` is the reservation's "taken out" counter, whatever took it.
        reservation.shipped += take
        if reservation.open_quantity == 0:
            reservation.state = "consumed"
        reservation.save(update_fields=["shipped", "state", "updated_at"])
        remaining -= take
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
) -> StockMove:
    """Bring produced goods from PRODUCTION into the warehouse's main stock location."""
    amount = clean_quantity(quantity)
    (move,) = post(
        [
            MoveSpec(
                "produce",
                variant.pk,
                amount,
                virtual_location("production"),
                location_of(warehouse, "stock"),
                reference=reference,
                source_type=source_type,
                source_id=source_id,
            )
        ]
    )
    publish(
        "StockProduced",
        {
            "variant_id": variant.pk,
            "warehouse_id": warehouse.pk,
            "quantity": str(amount),
            "reference": reference,
            "source_type": source_type,
            "source_id": source_id,
        },
    )
    return move
