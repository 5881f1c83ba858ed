"""Tables of purchasing: purchase orders and their lines.

A purchase order carries what an X12 850 / EDIFACT ORDERS message needs: the parties with
their identifiers (the supplier's GLN on ``procurement.Supplier``, the ship-to warehouse),
per line the GTIN and both SKUs, quantity, unit, price and requested date, the incoterm and
the currency with its rate to the tenant's base currency on the order date. Lines keep the
running quantities receiving, quality, returns and bills write, so every check reads one row
and concurrent documents lock that row.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from valuechain.platform.tenancy.models import TenantOwned
from valuechain.scm.procurement.domain import INCOTERMS
from valuechain.scm.purchasing.domain import PO_STATES

ZERO = Decimal(0)


class PurchaseOrder(TenantOwned):
    """An order to one supplier for goods delivered to one warehouse, in the supplier's currency."""

    number = models.CharField(max_length=30)
    supplier = models.ForeignKey(
        "procurement.Supplier", on_delete=models.PROTECT, related_name="purchase_orders"
    )
    warehouse = models.ForeignKey(
        "inventory.Warehouse", on_delete=models.PROTECT, related_name="+"
    )  # ship-to
    state = models.CharField(max_length=20, choices=[(s, s) for s in PO_STATES], default="draft")
    currency = models.CharField(max_length=3)
    # Units of the tenant's base currency per unit of ``currency`` on ``order_date``.
    fx_rate = models.DecimalField(max_digits=18, decimal_places=8, default=Decimal(1))
    order_date = models.DateField()
    requested_on = models.DateField(null=True, blank=True)  # default for the lines
    incoterm = models.CharField(max_length=3, blank=True, choices=[(t, t) for t in INCOTERMS])
    incoterm_place = models.CharField(max_length=100, blank=True)
    payment_terms_days = models.PositiveIntegerField(default=30)
    net_total = models.DecimalField(max_digits=18, decimal_places=2, default=ZERO)
    base_net_total = models.DecimalField(max_digits=18, decimal_places=2, default=ZERO)
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="po_unique_number")
        ]
        indexes = [
            models.Index(fields=["tenant", "state", "-order_date"], name="po_by_state"),
            models.Index(fields=["tenant", "supplier", "-order_date"], name="po_by_supplier"),
        ]

    def __str__(self) -> str:
        return self.number


class PurchaseOrderLine(TenantOwned):
    """One item of a purchase order, with the quantities received, accepted, returned and billed."""

    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()  # 1, 2, … as printed and sent by EDI
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    supplier_product = models.ForeignKey(
        "procurement.SupplierProduct",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Snapshots taken when the line is written: the document must not change if the
    # catalog does (EDI PO1 segment: buyer's SKU, supplier's SKU, GTIN).
    sku = models.CharField(max_length=64)
    supplier_sku = models.CharField(max_length=64, blank=True)
    gtin = models.CharField(max_length=14, blank=True)
    description = models.CharField(max_length=200)
    uom = models.CharField(max_length=10, default="EA")  # X12 unit code of the quantity
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    unit_price = models.DecimalField(max_digits=18, decimal_places=6)
    net_amount = models.DecimalField(max_digits=18, decimal_places=2, default=ZERO)
    requested_on = models.DateField(null=True, blank=True)
    supply_request = models.ForeignKey(
        "inventory.SupplyRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Running totals kept by receiving, quality, returns to vendor and supplier bills.
    received_quantity = models.DecimalField(max_digits=18, decimal_places=4, default=ZERO)
    accepted_quantity = models.DecimalField(max_digits=18, decimal_places=4, default=ZERO)
    rejected_quantity = models.DecimalField(max_digits=18, decimal_places=4, default=ZERO)
    returned_quantity = models.DecimalField(max_digits=18, decimal_places=4, default=ZERO)
    billed_quantity = models.DecimalField(max_digits=18, decimal_places=4, default=ZERO)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "order", "position"], name="po_line_position"
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="po_line_positive"),
            models.CheckConstraint(
                condition=Q(received_quantity__gte=0, billed_quantity__gte=0),
                name="po_line_totals_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["tenant", "variant"], name="po_line_by_variant")]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.position}"

    @property
    def open_quantity(self) -> Decimal:
        """What is still expected from the supplier (never below zero)."""
        return max(self.quantity - self.received_quantity, ZERO)
