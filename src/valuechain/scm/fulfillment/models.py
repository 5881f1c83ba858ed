"""Tables of fulfillment: pick lists over reserved order lines, packages, shipments.

A ``PickList`` groups the reserved lines of several orders of one warehouse, in walking
order; each ``PickListLine`` takes one reservation's quantity at one location (and lot)
and counts what was picked, packed and shipped from it. A ``Package`` (numbered with an
SSCC-18) holds picked quantities of one order in ``PackageLine`` rows; a ``Shipment``
sends packed packages of one order with the carrier's name and tracking number; the
carrier's scans of it come back as ``TrackingEvent`` rows.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from valuechain.platform.tenancy.models import TenantOwned
from valuechain.scm.fulfillment.domain import (
    PACKAGE_STATES,
    PICK_LIST_STATES,
    SHIPMENT_STATES,
    TRACKING_STATUSES,
    LineProgress,
    package_weight,
)

# The GS1 General Specifications' example company prefix: packages get valid, well-formed
# SSCCs out of the box; set the tenant's own prefix before labels leave the building.
DEFAULT_COMPANY_PREFIX = "0614141"


def _quantity(**kwargs: object) -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(max_digits=18, decimal_places=4, **kwargs)  # type: ignore[arg-type]


class FulfillmentSettings(TenantOwned):
    """The tenant's GS1 company prefix and SSCC extension digit, and the default tare."""

    gs1_company_prefix = models.CharField(max_length=12, default=DEFAULT_COMPANY_PREFIX)
    sscc_extension_digit = models.PositiveSmallIntegerField(default=0)  # 0-9
    default_tare_kg = models.DecimalField(max_digits=9, decimal_places=3, default=Decimal("0"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="fulfillment_settings_one_per_tenant")
        ]
        verbose_name_plural = "fulfillment settings"

    def __str__(self) -> str:
        return f"GS1 prefix {self.gs1_company_prefix}"


class PickList(TenantOwned):
    """Reserved order lines of one warehouse to pick, grouped and in walking order."""

    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="+")
    number = models.CharField(max_length=30)  # PICK-000001
    state = models.CharField(
        max_length=12, choices=[(s, s.replace("_", " ")) for s in PICK_LIST_STATES], default="open"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="picklist_unique_number")
        ]
        indexes = [
            models.Index(fields=["tenant", "warehouse", "state"], name="picklist_by_state"),
        ]

    def __str__(self) -> str:
        return self.number


class PickListLine(TenantOwned):
    """One stop of a pick list: take a reservation's quantity at a location (and lot)."""

    pick_list = models.ForeignKey(PickList, on_delete=models.CASCADE, related_name="lines")
    sequence = models.PositiveIntegerField()  # position in the walking order, from 1
    reservation = models.ForeignKey(
        "inventory.Reservation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    order_line = models.ForeignKey(
        "orders.SalesOrderLine", on_delete=models.PROTECT, related_name="+"
    )
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey("inventory.Location", on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(
        "inventory.Lot", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quantity = _quantity()  # to pick
    quantity_picked = _quantity(default=Decimal("0"))
    quantity_packed = _quantity(default=Decimal("0"))
    quantity_shipped = _quantity(default=Decimal("0"))
    picked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="picklistline_positive"),
            models.CheckConstraint(
                condition=Q(quantity_picked__gte=0)
                & Q(quantity_packed__gte=0)
                & Q(quantity_shipped__gte=0),
                name="picklistline_counts_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "order_line"], name="picklistline_by_order_line"),
            models.Index(fields=["tenant", "pick_list", "sequence"], name="picklistline_by_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.pick_list_id}#{self.sequence}"

    @property
    def progress(self) -> LineProgress:
        """The line's counts as the pure rules take them."""
        return LineProgress(
            self.quantity, self.quantity_picked, self.quantity_packed, self.quantity_shipped
        )


class Shipment(TenantOwned):
    """Packed packages of one order sent with a carrier, under a tracking number."""

    number = models.CharField(max_length=30)  # SHIP-000001
    order = models.ForeignKey("orders.SalesOrder", on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="+")
    carrier_name = models.CharField(max_length=100)
    tracking_number = models.CharField(max_length=100, blank=True)
    state = models.CharField(
        max_length=10, choices=[(s, s) for s in SHIPMENT_STATES], default="shipped"
    )
    shipped_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    shipped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="shipment_unique_number")
        ]
        indexes = [
            models.Index(fields=["tenant", "-shipped_at"], name="shipment_by_date"),
            models.Index(fields=["tenant", "order"], name="shipment_by_order"),
            models.Index(fields=["tenant", "tracking_number"], name="shipment_by_tracking"),
        ]

    def __str__(self) -> str:
        return self.number


class Package(TenantOwned):
    """A box or pallet of one order, numbered with an SSCC-18, with its weight and size."""

    sscc = models.CharField(max_length=18)
    order = models.ForeignKey("orders.SalesOrder", on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        max_length=10, choices=[(s, s) for s in PACKAGE_STATES], default="open"
    )
    shipment = models.ForeignKey(
        Shipment, null=True, blank=True, on_delete=models.PROTECT, related_name="packages"
    )
    weight_kg = models.DecimalField(  # measured; empty: computed_weight_kg is declared
        max_digits=9, decimal_places=3, null=True, blank=True
    )
    tare_kg = models.DecimalField(max_digits=9, decimal_places=3, default=Decimal("0"))
    computed_weight_kg = models.DecimalField(  # contents x unit weights + tare
        max_digits=9, decimal_places=3, null=True, blank=True
    )
    length_cm = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    width_cm = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    height_cm = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    packed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "sscc"], name="package_unique_sscc")
        ]
        indexes = [
            models.Index(fields=["tenant", "order", "state"], name="package_by_order"),
            models.Index(fields=["tenant", "state", "-created_at"], name="package_by_state"),
        ]

    def __str__(self) -> str:
        return self.sscc

    @property
    def declared_weight_kg(self) -> Decimal | None:
        """The measured weight, else the computed one (None when neither is known)."""
        return package_weight(self.weight_kg, self.computed_weight_kg)


class PackageLine(TenantOwned):
    """A quantity of one picked line inside a package."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="lines")
    pick_line = models.ForeignKey(PickListLine, on_delete=models.PROTECT, related_name="+")
    order_line = models.ForeignKey(
        "orders.SalesOrderLine", on_delete=models.PROTECT, related_name="+"
    )
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(
        "inventory.Lot", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quantity = _quantity()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="packageline_positive"),
            models.UniqueConstraint(
                fields=["tenant", "package", "pick_line"], name="packageline_unique_pick_line"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.package_id}: {self.quantity}"


class TrackingEvent(TenantOwned):
    """One scan or status the carrier reported for a shipment (in transit, delivered…)."""

    audited = False  # the row is itself history, written by carriers

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    occurred_at = models.DateTimeField()  # when the carrier says it happened
    status = models.CharField(
        max_length=20, choices=[(s, s.replace("_", " ")) for s in TRACKING_STATUSES]
    )
    code = models.CharField(max_length=50, blank=True)  # the carrier's own event code
    location = models.CharField(max_length=200, blank=True)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            # A carrier sending the same event again does not record it twice.
            models.UniqueConstraint(
                fields=["tenant", "shipment", "occurred_at", "status", "code"],
                name="trackingevent_unique",
            )
        ]
        indexes = [
            models.Index(
                fields=["tenant", "shipment", "occurred_at"], name="trackingevent_by_shipment"
            )
        ]
        ordering = ["occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.shipment_id} {self.status} {self.occurred_at:%Y-%m-%d %H:%M}"
