"""Tables of payables: the tenant's matching tolerances, supplier bills and their lines,
payments, returns to vendor and the credit notes they lead to.

Amounts are in the document's currency (the purchase order's) with the rate to the tenant's
base currency on the document date and the base amounts next to them, so reports add up
without converting again.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from valuechain.platform.tenancy.models import TenantOwned
from valuechain.scm.payables.domain import (
    BILL_STATES,
    CREDIT_NOTE_STATES,
    PAYMENT_METHODS,
    RETURN_SOURCES,
    RETURN_STATES,
)

ZERO = Decimal(0)


def _money() -> models.DecimalField:
    """A money column: 18 digits, 2 decimals, zero by default."""
    return models.DecimalField(max_digits=18, decimal_places=2, default=ZERO)


def _quantity() -> models.DecimalField:
    """A quantity column: 18 digits, 4 decimals, zero by default."""
    return models.DecimalField(max_digits=18, decimal_places=4, default=ZERO)


def _rate() -> models.DecimalField:
    """An FX rate column: 20 digits, 10 decimals, 1 by default."""
    # Units of the base currency per unit of the document's, as platform/fx.py stores them.
    return models.DecimalField(max_digits=20, decimal_places=10, default=Decimal(1))


class PayablesSettings(TenantOwned):
    """The tenant's three-way-match tolerances and the role that approves mismatched bills."""

    price_tolerance_percent = models.DecimalField(
        max_digits=6, decimal_places=2, default=Decimal(2)
    )
    # Per unit, in the bill's currency; null: only the percentage limits the price.
    price_tolerance_amount = models.DecimalField(
        max_digits=18, decimal_places=6, null=True, blank=True
    )
    quantity_tolerance_percent = models.DecimalField(max_digits=6, decimal_places=2, default=ZERO)
    approver_role = models.CharField(max_length=32, default="admin")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="payables_settings_one_per_tenant")
        ]


class SupplierBill(TenantOwned):
    """A supplier's invoice, matched against its purchase order and what was accepted."""

    number = models.CharField(max_length=30)
    supplier = models.ForeignKey(
        "procurement.Supplier", on_delete=models.PROTECT, related_name="bills"
    )
    purchase_order = models.ForeignKey(
        "purchasing.PurchaseOrder",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bills",
    )
    supplier_invoice_number = models.CharField(max_length=60)
    bill_date = models.DateField()
    due_date = models.DateField()
    payment_terms_days = models.PositiveIntegerField(default=30)
    currency = models.CharField(max_length=3)
    fx_rate = _rate()
    state = models.CharField(max_length=20, choices=[(s, s) for s in BILL_STATES], default="draft")
    net_total = _money()
    tax_amount = _money()
    total = _money()
    base_net_total = _money()
    base_tax_amount = _money()
    base_total = _money()
    paid_amount = _money()
    credited_amount = _money()
    posted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    refused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    refused_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="bill_unique_number"),
            # A supplier's invoice is booked once; a cancelled bill frees its number.
            models.UniqueConstraint(
                fields=["tenant", "supplier", "supplier_invoice_number"],
                condition=~Q(state="cancelled"),
                name="bill_unique_supplier_invoice",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "state", "due_date"], name="bill_by_state_due"),
            models.Index(fields=["tenant", "supplier", "-bill_date"], name="bill_by_supplier"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def open_amount(self) -> Decimal:
        """What is still owed: total less payments and applied credit notes."""
        return self.total - self.paid_amount - self.credited_amount


class BillLine(TenantOwned):
    """One billed item: the purchase-order line it bills, quantity, unit price, amount."""

    bill = models.ForeignKey(SupplierBill, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    po_line = models.ForeignKey(
        "purchasing.PurchaseOrderLine",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bill_lines",
    )
    description = models.CharField(max_length=200)
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    unit_price = models.DecimalField(max_digits=18, decimal_places=6)
    amount = _money()
    # The three-way match when the bill was posted (ok, qty_over, price_over, …).
    match_status = models.CharField(max_length=20, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "bill", "position"], name="bill_line_position"
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="bill_line_positive"),
        ]


class SupplierPayment(TenantOwned):
    """Money paid to a supplier against one bill, in the bill's currency."""

    number = models.CharField(max_length=30)
    bill = models.ForeignKey(SupplierBill, on_delete=models.PROTECT, related_name="payments")
    supplier = models.ForeignKey(
        "procurement.Supplier", on_delete=models.PROTECT, related_name="payments"
    )
    paid_on = models.DateField()
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    currency = models.CharField(max_length=3)
    fx_rate = _rate()
    base_amount = _money()
    method = models.CharField(
        max_length=20, choices=[(m, m) for m in PAYMENT_METHODS], default="transfer"
    )
    reference = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="supplier_payment_number"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="supplier_payment_positive"),
        ]
        indexes = [models.Index(fields=["tenant", "bill"], name="supplier_payment_by_bill")]

    def __str__(self) -> str:
        return self.number


class ReturnToVendor(TenantOwned):
    """Goods sent back to the supplier of a purchase order, with the reason."""

    number = models.CharField(max_length=30)
    supplier = models.ForeignKey(
        "procurement.Supplier", on_delete=models.PROTECT, related_name="vendor_returns"
    )
    purchase_order = models.ForeignKey(
        "purchasing.PurchaseOrder", on_delete=models.PROTECT, related_name="vendor_returns"
    )
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=200)
    state = models.CharField(
        max_length=20, choices=[(s, s) for s in RETURN_STATES], default="draft"
    )
    shipped_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="rtv_unique_number")
        ]
        indexes = [models.Index(fields=["tenant", "state"], name="rtv_by_state")]

    def __str__(self) -> str:
        return self.number


class ReturnToVendorLine(TenantOwned):
    """One returned item: which order line, variant and lot, how many, from where, and why."""

    vendor_return = models.ForeignKey(
        ReturnToVendor, on_delete=models.CASCADE, related_name="lines"
    )
    po_line = models.ForeignKey(
        "purchasing.PurchaseOrderLine", on_delete=models.PROTECT, related_name="+"
    )
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(
        "inventory.Lot", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # "quality": rejected goods on hold; "stock": accepted goods found faulty later.
    source = models.CharField(
        max_length=10, choices=[(s, s) for s in RETURN_SOURCES], default="quality"
    )
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    unit_price = models.DecimalField(max_digits=18, decimal_places=6)  # the PO's
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="rtv_line_positive")
        ]


class SupplierCreditNote(TenantOwned):
    """The credit a return to vendor earns: expected at shipping, received with its number."""

    number = models.CharField(max_length=30)
    supplier = models.ForeignKey(
        "procurement.Supplier", on_delete=models.PROTECT, related_name="credit_notes"
    )
    vendor_return = models.OneToOneField(
        ReturnToVendor,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_note",
    )
    currency = models.CharField(max_length=3)
    expected_amount = _money()
    state = models.CharField(
        max_length=20, choices=[(s, s) for s in CREDIT_NOTE_STATES], default="expected"
    )
    supplier_credit_number = models.CharField(max_length=60, blank=True)
    amount = _money()  # as the supplier's credit note says, once received
    received_on = models.DateField(null=True, blank=True)
    # Applied to one open bill of the supplier: it lowers what that bill still owes.
    applied_bill = models.ForeignKey(
        SupplierBill,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_notes",
    )
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="credit_note_number")
        ]
        indexes = [models.Index(fields=["tenant", "state"], name="credit_note_by_state")]

    def __str__(self) -> str:
        return self.number

    @property
    def difference(self) -> Decimal:
        """Received less expected (negative: the supplier credited less than expected)."""
        return self.amount - self.expected_amount if self.state != "expected" else ZERO
