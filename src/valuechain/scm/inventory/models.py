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
from valuechain.scm.inventory.domain import LOCATION_KINDS, MOVE_KINDS, RESERVATION_STATES


class InventorySettings(TenantOwned):
    """The tenant's inventory policy: negative stock and FEFO picking."""

    allow_negative_stock = models.BooleanField(default=False)
    fefo = models.BooleanField(default=False)

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
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    source_type = models.CharField(max_length=60)  # e.g. "orders.salesorderline"
    source_id = models.BigIntegerField()
    reference = models.CharField(max_length=100, blank=True)  # e.g. "SO-00042"
    state = models.CharField(
        max_length=10, choices=[(s, s) for s in RESERVATION_STATES], default="active"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="reservation_positive")
        ]
        indexes = [
            models.Index(fields=["tenant", "source_type", "source_id"], name="reservation_by_src"),
            models.Index(fields=["tenant", "variant", "state"], name="reservation_by_variant"),
        ]
