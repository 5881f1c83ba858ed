"""Tables of sales orders: the order (customer, channel, ship-to, state, totals), its lines
(variant, price, discount, tax, reserved / backordered / shipped quantities, make-to-order
supply) and its history of state changes, which feeds the customer's timeline.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from valuechain.platform.money import Money
from valuechain.platform.tenancy.models import TenantOwned
from valuechain.scm.orders.domain import (
    CHANNELS,
    EVENT_KINDS,
    INCOTERMS,
    PRICE_SOURCES,
    STATES,
    SUPPLY_KINDS,
)

STATE_CHOICES = [(s, s.replace("_", " ")) for s in STATES]
EVENT_CHOICES = [(s, s.replace("_", " ")) for s in EVENT_KINDS]


class SalesOrder(TenantOwned):
    """A customer's order from one channel, with its ship-to, currency, state and totals."""

    number = models.CharField(max_length=40)
    channel = models.CharField(max_length=12, choices=[(c, c.replace("_", " ")) for c in CHANNELS])
    state = models.CharField(max_length=20, choices=STATE_CHOICES, default="draft")
    account = models.ForeignKey(
        "customers.Account",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sales_orders",
    )
    person = models.ForeignKey(
        "customers.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sales_orders",
    )
    opportunity = models.ForeignKey(
        "sales.Opportunity",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sales_orders",
    )
    currency = models.CharField(max_length=3)
    order_date = models.DateField()
    customer_group = models.CharField(max_length=60, blank=True)  # as priced
    ship_to_country = models.CharField(max_length=2, blank=True)
    ship_to_region = models.CharField(max_length=100, blank=True)
    ship_to_postal_code = models.CharField(max_length=20, blank=True)
    incoterm = models.CharField(  # Incoterms 2020 code; empty: none agreed
        max_length=3, blank=True, choices=[(code, code) for code in INCOTERMS]
    )
    incoterm_place = models.CharField(max_length=100, blank=True)  # "Hamburg port", "buyer's door"
    allow_split = models.BooleanField(default=True)
    accept_backorder = models.BooleanField(default=False)
    warehouse = models.ForeignKey(
        "inventory.Warehouse", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # the only warehouse to reserve or issue from (a POS store); empty: the whole network
    external_reference = models.CharField(max_length=100, blank=True)  # POS receipt, EDI PO…
    note = models.TextField(blank=True)
    net_total = models.DecimalField(max_digits=18, decimal_places=4, default=0)
    tax_total = models.DecimalField(max_digits=18, decimal_places=4, default=0)
    gross_total = models.DecimalField(max_digits=18, decimal_places=4, default=0)
    payment_method = models.CharField(max_length=30, blank=True)
    paid_amount = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="salesorder_unique_number"),
            models.UniqueConstraint(
                fields=["tenant", "opportunity"],
                condition=Q(opportunity__isnull=False) & ~Q(state="cancelled"),
                name="salesorder_one_per_opportunity",
            ),
            models.UniqueConstraint(
                fields=["tenant", "channel", "external_reference"],
                condition=~Q(external_reference=""),
                name="salesorder_unique_external_ref",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "state", "-created_at"], name="salesorder_by_state"),
            models.Index(fields=["tenant", "channel", "-created_at"], name="salesorder_by_channel"),
            models.Index(fields=["tenant", "account", "-created_at"], name="salesorder_by_account"),
            models.Index(fields=["tenant", "person", "-created_at"], name="salesorder_by_person"),
        ]
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.number

    @property
    def customer(self) -> object | None:
        """The person ordering, or the account."""
        return self.person if self.person_id is not None else self.account

    @property
    def gross(self) -> Money:
        """The order's total with tax, as Money."""
        return Money(self.gross_total, self.currency).rounded()


class SalesOrderLine(TenantOwned):
    """One variant ordered: quantity, price, discount, tax, and how far it is supplied."""

    order = models.ForeignKey(SalesOrder, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    description = models.CharField(max_length=200)  # the variant's name when ordered
    sku = models.CharField(max_length=64)
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    unit_price = models.DecimalField(max_digits=18, decimal_places=4)
    price_source = models.CharField(
        max_length=12, choices=[(p, p) for p in PRICE_SOURCES], default="price_list"
    )
    discount_percent = models.DecimalField(max_digits=7, decimal_places=4, default=0)
    tax_rate = models.DecimalField(
        max_digits=9, decimal_places=6, default=0
    )  # a fraction: 0.19 is 19 %
    net_amount = models.DecimalField(max_digits=18, decimal_places=4, default=0)
    tax_amount = models.DecimalField(max_digits=18, decimal_places=4, default=0)
    gross_amount = models.DecimalField(max_digits=18, decimal_places=4, default=0)
    supply_kind = models.CharField(
        max_length=6, choices=[(k, k) for k in SUPPLY_KINDS], default="stock"
    )
    reserved_quantity = models.DecimalField(max_digits=18, decimal_places=4, default=0)
    backordered_quantity = models.DecimalField(max_digits=18, decimal_places=4, default=0)
    shipped_quantity = models.DecimalField(max_digits=18, decimal_places=4, default=0)
    supply_request_id = models.BigIntegerField(null=True, blank=True)  # inventory.SupplyRequest
    supply_status = models.CharField(max_length=12, blank=True)  # open, ordered, done, cancelled

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="salesorderline_positive"),
            models.CheckConstraint(
                condition=Q(shipped_quantity__lte=models.F("quantity")),
                name="salesorderline_not_overshipped",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "order", "position"], name="salesorderline_by_order"),
            models.Index(fields=["tenant", "variant"], name="salesorderline_by_variant"),
        ]
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.sku}"

    @property
    def open_quantity(self) -> Decimal:
        """Ordered less shipped."""
        return Decimal(self.quantity) - Decimal(self.shipped_quantity)


class SalesOrderEvent(TenantOwned):
    """One step in an order's life (created, confirmed, shipped…), for its customer's timeline."""

    audited = False  # the row is itself history

    order = models.ForeignKey(SalesOrder, on_delete=models.CASCADE, related_name="events")
    state = models.CharField(max_length=20, choices=EVENT_CHOICES)  # a state, or delivered…
    account = models.ForeignKey(
        "customers.Account", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    person = models.ForeignKey(
        "customers.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    occurred_at = models.DateTimeField()
    detail = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "person", "-occurred_at"], name="orderevent_by_person"),
            models.Index(
                fields=["tenant", "account", "-occurred_at"], name="orderevent_by_account"
            ),
            models.Index(fields=["tenant", "order", "occurred_at"], name="orderevent_by_order"),
        ]
        ordering = ["occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.state}"
