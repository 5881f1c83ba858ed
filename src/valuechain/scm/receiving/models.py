"""Tables of receiving: receipts against purchase orders, their lines (each booked into stock
or into the quality location), advance ship notices and the tenant's over-receipt tolerance."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from valuechain.platform.tenancy.models import TenantOwned
from valuechain.scm.receiving.domain import ASN_STATES

ZERO = Decimal(0)


class ReceivingSettings(TenantOwned):
    """The tenant's receiving rules: how far beyond the ordered quantity a receipt may go."""

    # 10 lets 110 be received against 100 ordered; 0 (the default) refuses any excess.
    over_receipt_tolerance_percent = models.DecimalField(
        max_digits=6, decimal_places=2, default=ZERO
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="receiving_settings_one_per_tenant")
        ]


class AdvanceShipNotice(TenantOwned):
    """A supplier's notice of goods on the way against one purchase order (X12 856 / DESADV)."""

    supplier = models.ForeignKey("procurement.Supplier", on_delete=models.PROTECT, related_name="+")
    purchase_order = models.ForeignKey(
        "purchasing.PurchaseOrder", on_delete=models.PROTECT, related_name="ship_notices"
    )
    number = models.CharField(max_length=40)  # the supplier's own ASN number
    expected_on = models.DateField()
    state = models.CharField(
        max_length=10, choices=[(s, s) for s in ASN_STATES], default="expected"
    )
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "supplier", "number"], name="asn_unique_number_per_supplier"
            )
        ]
        indexes = [models.Index(fields=["tenant", "state", "expected_on"], name="asn_by_state")]

    def __str__(self) -> str:
        return self.number


class AdvanceShipNoticeLine(TenantOwned):
    """One package line of a ship notice: how much of a PO line, its lot and its SSCC."""

    notice = models.ForeignKey(AdvanceShipNotice, on_delete=models.CASCADE, related_name="lines")
    po_line = models.ForeignKey(
        "purchasing.PurchaseOrderLine", on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    lot_number = models.CharField(max_length=40, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    sscc = models.CharField(max_length=18, blank=True)  # the package's serial shipping code

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="asn_line_positive")
        ]
        indexes = [models.Index(fields=["tenant", "sscc"], name="asn_line_by_sscc")]


class Receipt(TenantOwned):
    """Goods received against one purchase order into its warehouse (a goods receipt note)."""

    number = models.CharField(max_length=30)
    purchase_order = models.ForeignKey(
        "purchasing.PurchaseOrder", on_delete=models.PROTECT, related_name="receipts"
    )
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="+")
    asn = models.ForeignKey(
        AdvanceShipNotice, null=True, blank=True, on_delete=models.PROTECT, related_name="receipts"
    )
    received_at = models.DateTimeField(default=timezone.now)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Whole days from the order's sending (or its date) to this receipt: one lead-time sample.
    lead_time_days = models.IntegerField(default=0)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="receipt_unique_number")
        ]
        indexes = [
            models.Index(fields=["tenant", "purchase_order"], name="receipt_by_order"),
            models.Index(fields=["tenant", "-received_at"], name="receipt_by_date"),
        ]

    def __str__(self) -> str:
        return self.number


class ReceiptLine(TenantOwned):
    """One booked quantity of a receipt: a PO line, its lot, where it went and its inspection."""

    receipt = models.ForeignKey(Receipt, on_delete=models.CASCADE, related_name="lines")
    po_line = models.ForeignKey(
        "purchasing.PurchaseOrderLine", on_delete=models.PROTECT, related_name="receipt_lines"
    )
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    lot = models.ForeignKey(
        "inventory.Lot", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lot_number = models.CharField(max_length=40, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    location = models.ForeignKey("inventory.Location", on_delete=models.PROTECT, related_name="+")
    unit_cost = models.DecimalField(max_digits=18, decimal_places=6, default=ZERO)  # base currency
    stock_move = models.ForeignKey(
        "inventory.StockMove", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    inspection_id = models.BigIntegerField(null=True, blank=True)  # quality.Inspection
    # Filled at once when no inspection is needed, by the inspection's outcome otherwise.
    accepted_quantity = models.DecimalField(max_digits=18, decimal_places=4, default=ZERO)
    rejected_quantity = models.DecimalField(max_digits=18, decimal_places=4, default=ZERO)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="receipt_line_positive")
        ]
        indexes = [models.Index(fields=["tenant", "variant"], name="receipt_line_by_variant")]

    @property
    def inspected(self) -> bool:
        """Whether the line went to the quality location for an inspection."""
        return self.inspection_id is not None
