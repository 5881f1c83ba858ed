"""Tables of manufacturing: work centres, bills of materials with their lines, work orders
with their components, time entries and production records."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from valuechain.platform.tenancy.models import TenantOwned
from valuechain.scm.manufacturing.domain import BOM_KINDS, WORK_ORDER_STATES


class WorkCentre(TenantOwned):
    """A machine, line or team where work orders run, with its capacity per hour."""

    code = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    capacity_per_hour = models.DecimalField(max_digits=12, decimal_places=4)
    hours_per_day = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal(8))
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="work_centre_unique_code")
        ]

    def __str__(self) -> str:
        return self.code


class Bom(TenantOwned):
    """One version of a variant's bill of materials, valid over a date range."""

    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    kind = models.CharField(max_length=12, choices=[(k, k) for k in BOM_KINDS])
    output_quantity = models.DecimalField(max_digits=18, decimal_places=4, default=Decimal(1))
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)  # empty: open-ended
    is_active = models.BooleanField(default=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "variant", "version"], name="bom_unique_version"
            )
        ]
        indexes = [models.Index(fields=["tenant", "variant", "valid_from"], name="bom_by_variant")]

    def __str__(self) -> str:
        return f"{self.variant_id} v{self.version}"


class BomLine(TenantOwned):
    """A component a bill consumes, or a by-product it yields, per output batch."""

    bom = models.ForeignKey(Bom, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    unit = models.ForeignKey(
        "catalog.UnitOfMeasure", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # empty: the component's base unit
    scrap_percent = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal(0))
    is_byproduct = models.BooleanField(default=False)
    sequence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sequence", "pk"]


class WorkOrder(TenantOwned):
    """An order to make a quantity of a variant from a bill at a work centre and warehouse."""

    number = models.CharField(max_length=30)
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    bom = models.ForeignKey(Bom, on_delete=models.PROTECT, related_name="work_orders")
    work_centre = models.ForeignKey(WorkCentre, on_delete=models.PROTECT, related_name="orders")
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        max_length=12, choices=[(s, s) for s in WORK_ORDER_STATES], default="planned"
    )
    good_quantity = models.DecimalField(max_digits=18, decimal_places=4, default=Decimal(0))
    scrap_quantity = models.DecimalField(max_digits=18, decimal_places=4, default=Decimal(0))
    planned_start = models.DateField(null=True, blank=True)
    supply_request = models.ForeignKey(
        "inventory.SupplyRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    released_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="work_order_unique_number")
        ]
        indexes = [models.Index(fields=["tenant", "state"], name="work_order_by_state")]

    def __str__(self) -> str:
        return self.number

    @property
    def state_label(self) -> str:
        """The state in words: "in progress"."""
        return self.state.replace("_", " ")

    @property
    def produced(self) -> Decimal:
        """Good and scrapped units made so far."""
        return self.good_quantity + self.scrap_quantity

    @property
    def remaining(self) -> Decimal:
        """Units still to make."""
        return max(self.quantity - self.produced, Decimal(0))


class WorkOrderComponent(TenantOwned):
    """What a released work order needs of one component (reserved), and has consumed."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="components")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    required_quantity = models.DecimalField(max_digits=18, decimal_places=4)
    consumed_quantity = models.DecimalField(max_digits=18, decimal_places=4, default=Decimal(0))

    class Meta:
        ordering = ["pk"]


class TimeEntry(TenantOwned):
    """A recorded run of a work order at its work centre, from start to stop."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="time_entries")
    work_centre = models.ForeignKey(WorkCentre, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    stopped_at = models.DateTimeField(null=True, blank=True)  # empty: running
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["started_at", "pk"]
        indexes = [
            models.Index(
                fields=["tenant", "work_centre", "started_at"], name="time_entry_by_centre"
            )
        ]


class ProductionRecord(TenantOwned):
    """Good and scrapped units of a work order reported at a moment."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="records")
    work_centre = models.ForeignKey(WorkCentre, on_delete=models.PROTECT, related_name="+")
    good_quantity = models.DecimalField(max_digits=18, decimal_places=4)
    scrap_quantity = models.DecimalField(max_digits=18, decimal_places=4)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "pk"]
        indexes = [
            models.Index(
                fields=["tenant", "work_centre", "recorded_at"], name="production_by_centre"
            )
        ]
