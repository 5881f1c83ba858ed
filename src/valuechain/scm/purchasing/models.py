"""Tables of purchasing: purchase orders and their lines.

A purchase order carries what an X12 850 / EDIFACT ORDERS message needs: the parties with
their identifiers (the supplier's GLN on ``procurement.Supplier``, the ship-to warehouse),
per line the GTIN and both SKUs, quantity, unit, price and requested date, the incoterm and
the currency with its rate to the tenant's base currency on the order date. Lines keep the
running quantities of receipts, inspections, returns and bills, so every check reads one row
and concurrent documents lock that row; receiving changes the received, accepted and
rejected quantities (also for quality's outcomes) through ``purchasing.receipts``.
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
    # The role whose approval the order waits for (set on submit, from the rule that applied).
    approval_role = models.CharField(max_length=32, blank=True)
    refusal_reason = models.CharField(max_length=200, blank=True)
    sent_to = models.CharField(max_length=254, blank=True)  # the last e-mail address sent to
    rfq = models.ForeignKey(
        "Rfq", null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )

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
    # Running totals of receipts and inspections (written through receipts.py), returns to
    # vendor and supplier bills (payables).
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


class ApprovalRule(TenantOwned):
    """Orders worth at least ``min_amount`` (base currency, net) need approval by ``role``."""

    min_amount = models.DecimalField(max_digits=18, decimal_places=2)
    role = models.CharField(max_length=32)  # a role of platform.identity (e.g. "admin")
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "min_amount"],
                condition=Q(is_active=True),
                name="approval_rule_one_per_amount",
            ),
            models.CheckConstraint(condition=Q(min_amount__gte=0), name="approval_rule_amount"),
        ]

    def __str__(self) -> str:
        return f">= {self.min_amount}: {self.role}"


class PurchasingSettings(TenantOwned):
    """The tenant's purchasing identifiers: its own GLN as the buying party (EDI N1*BY)."""

    buyer_gln = models.CharField(max_length=13, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="purchasing_settings_one_per_tenant")
        ]


class DeliveryLocation(TenantOwned):
    """The GS1 location number of a warehouse as a ship-to party (EDI N1*ST)."""

    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.CASCADE, related_name="+")
    gln = models.CharField(max_length=13)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "warehouse"], name="delivery_location_one")
        ]


RFQ_STATES = ("draft", "sent", "closed", "cancelled")


class Rfq(TenantOwned):
    """A request for quotation: items and quantities asked of several suppliers."""

    number = models.CharField(max_length=30)
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=10, choices=[(s, s) for s in RFQ_STATES], default="draft")
    requested_on = models.DateField(null=True, blank=True)
    reply_by = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="rfq_unique_number")
        ]
        indexes = [models.Index(fields=["tenant", "state"], name="rfq_by_state")]

    def __str__(self) -> str:
        return self.number


class RfqLine(TenantOwned):
    """One item of an RFQ (the quote line that won it is marked ``awarded``)."""

    rfq = models.ForeignKey(Rfq, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    # The reorder proposal or make-to-order request the line asks prices for: the award
    # orders it (the order line keeps it), so receiving settles it as for any proposal.
    supply_request = models.ForeignKey(
        "inventory.SupplyRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "rfq", "position"], name="rfq_line_position"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="rfq_line_positive"),
        ]


class RfqSupplier(TenantOwned):
    """A supplier invited to quote on an RFQ."""

    rfq = models.ForeignKey(Rfq, on_delete=models.CASCADE, related_name="invitations")
    supplier = models.ForeignKey("procurement.Supplier", on_delete=models.PROTECT, related_name="+")
    emailed_to = models.CharField(max_length=254, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "rfq", "supplier"], name="rfq_supplier_once")
        ]


class Quote(TenantOwned):
    """One supplier's answer to an RFQ, in its currency, valid until a day."""

    rfq = models.ForeignKey(Rfq, on_delete=models.CASCADE, related_name="quotes")
    supplier = models.ForeignKey("procurement.Supplier", on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(max_length=3)
    valid_until = models.DateField(null=True, blank=True)
    received_on = models.DateField()
    channel = models.CharField(max_length=10, default="buyer")  # buyer | api | portal (extranet)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "rfq", "supplier"], name="quote_one_per_rfq")
        ]


class QuoteLine(TenantOwned):
    """A quoted price, lead time and MOQ for one RFQ line."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    rfq_line = models.ForeignKey(RfqLine, on_delete=models.CASCADE, related_name="quote_lines")
    unit_price = models.DecimalField(max_digits=18, decimal_places=6)
    lead_time_days = models.DecimalField(max_digits=8, decimal_places=2, default=ZERO)
    min_order_quantity = models.DecimalField(max_digits=18, decimal_places=4, default=ZERO)
    awarded = models.BooleanField(default=False)  # this offer won its RFQ line

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "quote", "rfq_line"], name="quote_line_once"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="quote_line_price"),
        ]
