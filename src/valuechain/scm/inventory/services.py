"""Use cases of inventory: the stock ledger, balances and reservations.

CONTRACT (skeleton): the signatures below are what orders, fulfillment, bar codes and POS
call. The inventory context implements them; callers rely on the names, arguments,
return values and error codes written here.

Every function runs in one transaction, locks the balance rows it changes in primary-key
order (``select_for_update``), keeps each balance equal to the sum of the ledger, raises
DomainError with a stable code (``insufficient_stock`` is a 409 with the available
quantity in ``details``) and publishes a past-tense event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from valuechain.scm.catalog.models import Variant
from valuechain.scm.inventory.models import Location, StockMove, Warehouse


@dataclass(frozen=True)
class Demand:
    """One line that needs stock: who asks (source) for how much of which variant."""

    source_type: str  # e.g. "orders.salesorderline"
    source_id: int
    variant_id: int
    quantity: Decimal


@dataclass(frozen=True)
class Allocation:
    """Part of a demand reserved in one warehouse."""

    source_id: int
    warehouse_id: int
    quantity: Decimal


@dataclass(frozen=True)
class ReservationOutcome:
    """What reserve() did: the allocations made and what was left on backorder per source."""

    allocations: list[Allocation] = field(default_factory=list)
    backordered: dict[int, Decimal] = field(default_factory=dict)


def create_warehouse(
    *,
    code: str,
    name: str,
    priority: int = 10,
    country: str = "",
    postal_code: str = "",
    is_store: bool = False,
) -> Warehouse:
    """Create a warehouse with one location of every internal kind (CODE/STOCK, …)."""
    raise NotImplementedError


def receive(
    *,
    variant: Variant,
    warehouse: Warehouse,
    quantity: Decimal,
    lot_number: str = "",
    expires_on: date | None = None,
    location: Location | None = None,
    reference: str = "",
    source_type: str = "",
    source_id: int | None = None,
) -> StockMove:
    """Receive goods from the supplier side into the warehouse's stock (or given) location."""
    raise NotImplementedError


def reserve(
    demands: Sequence[Demand],
    *,
    reference: str = "",
    allow_split: bool = True,
    allow_backorder: bool = False,
    warehouse_ids: Sequence[int] | None = None,
    ship_to_country: str = "",
    ship_to_postal_code: str = "",
) -> ReservationOutcome:
    """Allocate demands across the network (priority or nearest first) and hold the stock.

    All or nothing per call: without backorder, any shortage raises ``insufficient_stock``
    (409, details: variant_id, requested, available) and nothing is reserved.
    """
    raise NotImplementedError


def release(source_type: str, source_ids: Sequence[int]) -> Decimal:
    """Release every active reservation of these sources; return the quantity released."""
    raise NotImplementedError


def ship(
    source_type: str, source_id: int, quantity: Decimal, *, reference: str = ""
) -> list[StockMove]:
    """Ship reserved stock of a source to the customer, consuming its reservations."""
    raise NotImplementedError


def issue(
    *,
    variant: Variant,
    warehouse: Warehouse,
    quantity: Decimal,
    reference: str = "",
    source_type: str = "",
    source_id: int | None = None,
) -> list[StockMove]:
    """Take unreserved stock out to the customer at once (a store sale), refusing shortages."""
    raise NotImplementedError
