"""Tables of quality: inspection plans with their checks, defect reasons, inspections with
their results, and what became of rejected goods (released, scrapped, returned)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from valuechain.platform.tenancy.models import TenantOwned
from valuechain.scm.quality.domain import (
    CHECK_KINDS,
    DISPOSITION_KINDS,
    INSPECTION_STAGES,
    INSPECTION_STATES,
    PLAN_STAGES,
)

ZERO = Decimal(0)


class InspectionPlan(TenantOwned):
    """What to check on a product (all its variants) or one variant, at receipt or production."""

    product = models.ForeignKey(
        "catalog.Product", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    variant = models.ForeignKey(
        "catalog.Variant", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # set: the plan is for this variant only (it wins over a product's plan)
    name = models.CharField(max_length=200)
    stage = models.CharField(max_length=12, choices=[(s, s) for s in PLAN_STAGES])
    is_active = models.BooleanField(default=True)
    sample_size = models.DecimalField(
        max_digits=18, decimal_places=4, null=True, blank=True
    )  # empty: every unit (100 %)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(product__isnull=False) | Q(variant__isnull=False),
                name="inspection_plan_has_target",
            )
        ]
        indexes = [models.Index(fields=["tenant", "is_active"], name="plan_by_active")]

    def __str__(self) -> str:
        return self.name


class PlanCheck(TenantOwned):
    """One check of a plan: pass/fail, or a measurement against a target and tolerances."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="checks")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=[(k, k) for k in CHECK_KINDS])
    target = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    lower_tolerance = models.DecimalField(max_digits=18, decimal_places=6, default=ZERO)
    upper_tolerance = models.DecimalField(max_digits=18, decimal_places=6, default=ZERO)
    unit = models.CharField(max_length=20, blank=True)
    required = models.BooleanField(default=True)
    sequence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sequence", "pk"]

    def __str__(self) -> str:
        return self.name


class DefectReason(TenantOwned):
    """Why goods were rejected (the tenant's list: DAMAGED, OUT_OF_SPEC …)."""

    code = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="defect_reason_unique_code")
        ]
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Inspection(TenantOwned):
    """Goods waiting in (or judged in) a warehouse's quality location, from one source."""

    number = models.CharField(max_length=30)
    stage = models.CharField(max_length=12, choices=[(s, s) for s in INSPECTION_STAGES])
    plan = models.ForeignKey(
        InspectionPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_type = models.CharField(max_length=60)  # e.g. "receiving.receiptline"
    source_id = models.BigIntegerField()
    reference = models.CharField(max_length=100, blank=True)  # e.g. "GR-00012", "WO-00003"
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(
        "inventory.Lot", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    sample_quantity = models.DecimalField(max_digits=18, decimal_places=4)
    state = models.CharField(
        max_length=10, choices=[(s, s) for s in INSPECTION_STATES], default="pending"
    )
    on_hold = models.BooleanField(default=False)  # a pending inspection nobody may complete
    hold_note = models.CharField(max_length=500, blank=True)
    accepted_quantity = models.DecimalField(max_digits=18, decimal_places=4, default=ZERO)
    rejected_quantity = models.DecimalField(max_digits=18, decimal_places=4, default=ZERO)
    # what became of the rejected quantity so far; the rest is still held in quality
    released_quantity = models.DecimalField(max_digits=18, decimal_places=4, default=ZERO)
    scrapped_quantity = models.DecimalField(max_digits=18, decimal_places=4, default=ZERO)
    returned_quantity = models.DecimalField(max_digits=18, decimal_places=4, default=ZERO)
    with_deviation = models.BooleanField(default=False)  # accepted although a check failed
    defect_reason = models.ForeignKey(
        DefectReason, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)
    inspected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    inspected_at = models.DateTimeField(null=True, blank=True)
    supplier = models.ForeignKey(
        "procurement.Supplier", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    work_centre = models.ForeignKey(
        "manufacturing.WorkCentre",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="inspection_unique_number"),
            models.CheckConstraint(
                condition=Q(accepted_quantity__gte=0) & Q(rejected_quantity__gte=0),
                name="inspection_quantities_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "state"], name="inspection_by_state"),
            models.Index(fields=["tenant", "source_type", "source_id"], name="inspection_by_src"),
            models.Index(fields=["tenant", "supplier", "inspected_at"], name="inspection_by_supp"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def held_quantity(self) -> Decimal:
        """Rejected units still in the quality location (not released, scrapped or returned)."""
        return (
            self.rejected_quantity
            - self.released_quantity
            - self.scrapped_quantity
            - self.returned_quantity
        )


class InspectionResult(TenantOwned):
    """The answer to one check of an inspection: passed, or a measured value judged passed."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="results")
    check_ref = models.ForeignKey(PlanCheck, on_delete=models.PROTECT, related_name="+")
    measured_value = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    passed = models.BooleanField()
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "check_ref"], name="inspection_result_unique_check"
            )
        ]
        ordering = ["pk"]


class Disposition(TenantOwned):
    """A decision on held rejected goods: released to stock, scrapped or returned to vendor."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="dispositions"
    )
    kind = models.CharField(max_length=10, choices=[(k, k) for k in DISPOSITION_KINDS])
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    note = models.CharField(max_length=500, blank=True)
    move = models.ForeignKey(
        "inventory.StockMove", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["decided_at", "pk"]
