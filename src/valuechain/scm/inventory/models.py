"""Tables of inventory: the distribution network, the append-only stock ledger and balances.

``StockMove`` rows are never updated or deleted; ``StockBalance`` holds, per variant,
internal location and lot, the quantities derived from the ledger and the reservations, and
is the row services lock (in primary-key order) before changing stock.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from valuechain.platform.tenancy.models import TenantOwned
from valuechain.scm.inventory.costing import (
    ALLOCATION_METHODS,
    COSTING_METHODS,
    LANDED_COST_KINDS,
    LANDED_COST_STATES,
)
from valuechain.scm.inventory.domain import (
    COUNT_STATES,
    LOCATION_KINDS,
    MOVE_KINDS,
    RESERVATION_STATES,
    SUPPLY_REASONS,
    SUPPLY_STATES,
    TRANSFER_STATES,
)


class InventorySettings(TenantOwned):
    """The tenant's inventory policy: negative stock, FEFO picking and the costing method."""

    allow_negative_stock = models.BooleanField(default=False)
    fefo = models.BooleanField(default=False)
    costing_method = models.CharField(
        max_length=10, choices=[(m, m) for m in COSTING_METHODS], default="average"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="inventory_settings_one_per_tenant")
        ]


class Warehouse(TenantOwned):
    """A node of the distribution network, with its priority and place for allocation."""

    code = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    priority = models.PositiveIntegerField(default=10)  # lower is tried first
    country = models.CharField(max_length=2, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    is_store = models.BooleanField(default=False)  # a shop selling through POS
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="warehouse_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Location(TenantOwned):
    """A place stock sits (inside a warehouse) or comes from and goes to (virtual)."""

    warehouse = models.ForeignKey(
        Warehouse, null=True, blank=True, on_delete=models.PROTECT, related_name="locations"
    )
    code = models.CharField(max_length=40)  # e.g. "WH1/STOCK/A-01-02", printed as a bar code
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=[(k, k) for k in LOCATION_KINDS])
    pick_order = models.PositiveIntegerField(default=0)  # walking order on pick lists
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="location_unique_code")
        ]
        indexes = [models.Index(fields=["tenant", "warehouse", "kind"], name="location_by_kind")]

    def __str__(self) -> str:
        return self.code


class Lot(TenantOwned):
    """A lot or serial number of a variant, with its expiry date."""

    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    number = models.CharField(max_length=40)
    is_serial = models.BooleanField(default=False)
    expires_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "variant", "number"], name="lot_unique_number"
            )
        ]

    def __str__(self) -> str:
        return self.number


class StockMove(TenantOwned):
    """One append-only ledger entry: a quantity of a variant (and lot) moved between locations."""

    audited = False  # the ledger is itself the record of every change

    kind = models.CharField(max_length=12, choices=[(k, k) for k in MOVE_KINDS])
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(
        max_digits=18, decimal_places=4
    )  # always > 0; direction is from → to
    from_location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    to_location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=100, blank=True)  # e.g. "SO-00042", "count 7"
    source_type = models.CharField(max_length=60, blank=True)  # e.g. "orders.salesorderline"
    source_id = models.BigIntegerField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moved_at = models.DateTimeField()
    # what the move is worth in the tenant's base currency (valuation.py sets both)
    unit_cost = models.DecimalField(max_digits=20, decimal_places=6, default=0)
    value = models.DecimalField(max_digits=18, decimal_places=2, default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="stockmove_positive_quantity")
        ]
        indexes = [
            models.Index(fields=["tenant", "variant", "-moved_at"], name="move_by_variant"),
            models.Index(fields=["tenant", "source_type", "source_id"], name="move_by_source"),
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert only: the ledger is append-only."""
        if not self._state.adding:
            raise RuntimeError("stock moves are append-only; post a correcting move instead")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        """Refused: the ledger is append-only."""
        raise RuntimeError("stock moves are append-only; post a correcting move instead")


class StockBalance(TenantOwned):
    """Quantities of a variant (and lot) at an internal location, derived from the ledger."""

    audited = False  # derived from the ledger and the reservations

    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="balances")
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    on_hand = models.DecimalField(max_digits=18, decimal_places=4, default=0)
    reserved = models.DecimalField(max_digits=18, decimal_places=4, default=0)
    incoming = models.DecimalField(max_digits=18, decimal_places=4, default=0)
    outgoing = models.DecimalField(max_digits=18, decimal_places=4, default=0)

    class Meta:
        constraints = [
            # Two partial constraints instead of one: NULL lots must collide too, on SQLite as
            # well as PostgreSQL (NULLS NOT DISTINCT exists only on PostgreSQL 15+).
            models.UniqueConstraint(
                fields=["tenant", "variant", "location"],
                condition=Q(lot__isnull=True),
                name="balance_unique_without_lot",
            ),
            models.UniqueConstraint(
                fields=["tenant", "variant", "location", "lot"],
                condition=Q(lot__isnull=False),
                name="balance_unique_with_lot",
            ),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="balance_reserved_positive"),
        ]
        indexes = [models.Index(fields=["tenant", "variant"], name="balance_by_variant")]

    @property
    def available(self) -> Any:
        """On hand less reserved."""
        return self.on_hand - self.reserved


class Reservation(TenantOwned):
    """Stock of one balance row held for a demand (an order line) until shipped or released."""

    audited = False  # the order line's history says why; balances carry the totals

    balance = models.ForeignKey(StockBalance, on_delete=models.PROTECT, related_name="+")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(max_digits=18, decimal_places=4)  # as reserved
    shipped = models.DecimalField(max_digits=18, decimal_places=4, default=0)
    source_type = models.CharField(max_length=60)  # e.g. "orders.salesorderline"
    source_id = models.BigIntegerField()
    reference = models.CharField(max_length=100, blank=True)  # e.g. "SO-00042"
    state = models.CharField(
        max_length=10, choices=[(s, s) for s in RESERVATION_STATES], default="active"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="reservation_positive"),
            models.CheckConstraint(
                condition=Q(shipped__gte=0, shipped__lte=models.F("quantity")),
                name="reservation_shipped_within",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "source_type", "source_id"], name="reservation_by_src"),
            models.Index(fields=["tenant", "variant", "state"], name="reservation_by_variant"),
        ]

    @property
    def open_quantity(self) -> Any:
        """What the reservation still holds: reserved less shipped (0 unless active)."""
        return self.quantity - self.shipped if self.state == "active" else 0


class SupplyRequest(TenantOwned):
    """A need for more of a variant at a warehouse: a reorder proposal (MTS) or an MTO request."""

    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    reason = models.CharField(max_length=10, choices=[(r, r) for r in SUPPLY_REASONS])
    origin_type = models.CharField(max_length=60, blank=True)  # e.g. "orders.salesorderline"
    origin_id = models.BigIntegerField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=[(s, s) for s in SUPPLY_STATES], default="open")
    expected_on = models.DateField(null=True, blank=True)  # when it should arrive (ATP)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="supply_positive"),
            # one open reorder proposal per variant and warehouse, even under races
            models.UniqueConstraint(
                fields=["tenant", "variant", "warehouse"],
                condition=Q(reason="reorder", state="open"),
                name="supply_one_open_reorder",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "state", "variant"], name="supply_by_state"),
            models.Index(fields=["tenant", "origin_type", "origin_id"], name="supply_by_origin"),
        ]


class ReorderRule(TenantOwned):
    """Min/max replenishment of a variant at a warehouse (make-to-stock)."""

    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    min_quantity = models.DecimalField(max_digits=18, decimal_places=4)
    max_quantity = models.DecimalField(max_digits=18, decimal_places=4)
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "variant", "warehouse"], name="reorder_rule_unique"
            )
        ]


class Transfer(TenantOwned):
    """Stock of one variant (and lot) sent between warehouses through the in-transit location."""

    number = models.CharField(max_length=30)
    from_warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    to_warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    state = models.CharField(
        max_length=10, choices=[(s, s) for s in TRANSFER_STATES], default="in_transit"
    )
    expected_on = models.DateField(null=True, blank=True)
    shipped_at = models.DateTimeField()
    received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="transfer_positive"),
        ]
        indexes = [models.Index(fields=["tenant", "state"], name="transfer_by_state")]

    def __str__(self) -> str:
        return self.number


class CycleCount(TenantOwned):
    """A stock count of some locations of a warehouse; applying it posts the differences."""

    number = models.CharField(max_length=30)
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=10, choices=[(s, s) for s in COUNT_STATES], default="open")
    note = models.CharField(max_length=200, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.number


class CycleCountLine(TenantOwned):
    """What was counted of a variant (and lot) at a location, against what the books said."""

    count = models.ForeignKey(CycleCount, on_delete=models.CASCADE, related_name="lines")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    counted = models.DecimalField(max_digits=18, decimal_places=4)
    expected = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    difference = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(counted__gte=0), name="count_line_not_negative"),
        ]


# --- valuation ----------------------------------------------------------------------------


class StockValuation(TenantOwned):
    """Quantity and value of a variant in a warehouse's valued locations (all but scrap).

    The row services lock (after the balances) to change the value, so concurrent moves
    of the same variant and warehouse cannot corrupt the moving average or the layers.
    """

    audited = False  # derived from the valued ledger

    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(max_digits=18, decimal_places=4, default=0)
    value = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    unit_cost = models.DecimalField(
        max_digits=20, decimal_places=6, default=0
    )  # value / quantity, or the last known cost when nothing is on hand

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "variant", "warehouse"], name="valuation_unique"
            )
        ]


class CostLayer(TenantOwned):
    """FIFO: what one incoming move brought into a warehouse and what of it remains."""

    audited = False  # derived from the valued ledger

    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    move = models.ForeignKey(StockMove, null=True, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(max_digits=18, decimal_places=4)  # < 0: issued short
    unit_cost = models.DecimalField(max_digits=20, decimal_places=6)
    value = models.DecimalField(max_digits=18, decimal_places=2)
    remaining_quantity = models.DecimalField(max_digits=18, decimal_places=4)
    remaining_value = models.DecimalField(max_digits=18, decimal_places=2)

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "variant", "warehouse", "id"], name="layer_fifo"),
        ]


class LandedCost(TenantOwned):
    """Freight, duty, insurance … spread over receipt moves onto their unit cost."""

    number = models.CharField(max_length=30)
    date = models.DateField()  # FX date of the lines and the valuation date once posted
    state = models.CharField(
        max_length=10, choices=[(s, s) for s in LANDED_COST_STATES], default="draft"
    )
    method = models.CharField(max_length=10, choices=[(m, m) for m in ALLOCATION_METHODS])
    reference = models.CharField(max_length=100, blank=True)  # the receipts' reference
    note = models.CharField(max_length=200, blank=True)
    posted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.number


class LandedCostLine(TenantOwned):
    """One cost of a landed-cost document, in its currency and in the base currency."""

    landed_cost = models.ForeignKey(LandedCost, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=10, choices=[(k, k) for k in LANDED_COST_KINDS])
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    currency = models.CharField(max_length=3)
    rate = models.DecimalField(max_digits=20, decimal_places=10, default=1)  # base per unit
    base_amount = models.DecimalField(max_digits=18, decimal_places=2)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="lc_line_positive")]


class LandedCostAllocation(TenantOwned):
    """The share of a landed cost one receipt move carries: into stock and into COGS."""

    landed_cost = models.ForeignKey(
        LandedCost, on_delete=models.CASCADE, related_name="allocations"
    )
    move = models.ForeignKey(StockMove, on_delete=models.PROTECT, related_name="+")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    basis = models.DecimalField(max_digits=24, decimal_places=6, default=0)  # value, kg or qty
    amount = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    inventory_amount = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    cogs_amount = models.DecimalField(max_digits=18, decimal_places=2, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["landed_cost", "move"], name="lc_allocation_unique")
        ]
