"""Tables of customer returns (RMA): the authorisation (order, customer, warehouse, state,
reason), its lines (order line, quantity, reason code, what was received, the condition
and disposition found on inspection) and the refund or credit record it closes with."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from valuechain.platform.money import Money
from valuechain.platform.tenancy.models import TenantOwned
from valuechain.scm.returns.domain import (
    CONDITIONS,
    DISPOSITIONS,
    REASON_CODES,
    REFUND_METHODS,
    REFUND_STATES,
    STATES,
)


def _choices(values: object) -> list[tuple[str, str]]:
    return [(v, v.replace("_", " ")) for v in values]  # type: ignore[attr-defined]


def _quantity(**kwargs: object) -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(max_digits=18, decimal_places=4, **kwargs)  # type: ignore[arg-type]


def _amount() -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(max_digits=18, decimal_places=4, default=Decimal("0"))


class ReturnAuthorization(TenantOwned):
    """A customer's return of goods of one sales order, from request to refund."""

    number = models.CharField(max_length=30)  # RMA-000001
    order = models.ForeignKey("orders.SalesOrder", on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey(
        "customers.Account", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "customers.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=12, choices=_choices(STATES), default="requested")
    reason = models.CharField(max_length=500, blank=True)  # the customer's words
    decision_note = models.CharField(max_length=300, blank=True)  # why rejected / cancelled
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    authorised_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    inspected_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="rma_unique_number")
        ]
        indexes = [
            models.Index(fields=["tenant", "state", "-created_at"], name="rma_by_state"),
            models.Index(fields=["tenant", "order"], name="rma_by_order"),
            models.Index(fields=["tenant", "account", "-created_at"], name="rma_by_account"),
        ]
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.number


class ReturnLine(TenantOwned):
    """A quantity of one order line coming back, and what inspection found."""

    rma = models.ForeignKey(ReturnAuthorization, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        "orders.SalesOrderLine", on_delete=models.PROTECT, related_name="+"
    )
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    quantity = _quantity()  # requested, then authorised
    quantity_received = _quantity(default=Decimal("0"))
    reason_code = models.CharField(max_length=20, choices=_choices(REASON_CODES))
    condition = models.CharField(max_length=12, blank=True, choices=_choices(CONDITIONS))
    disposition = models.CharField(max_length=20, blank=True, choices=_choices(DISPOSITIONS))
    inspection_note = models.CharField(max_length=300, blank=True)
    # Set by the return to the supplier (purchasing) once the goods left for the vendor.
    vendor_return_reference = models.CharField(max_length=40, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="returnline_positive"),
            models.CheckConstraint(
                condition=Q(quantity_received__gte=0)
                & Q(quantity_received__lte=models.F("quantity")),
                name="returnline_received_within",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "order_line"], name="returnline_by_order_line"),
            models.Index(fields=["tenant", "disposition"], name="returnline_by_disposition"),
        ]
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.rma_id}: {self.quantity} x {self.variant_id}"


class CustomerRefund(TenantOwned):
    """The money an RMA gives back: a refund to pay or a credit note, pending until paid."""

    number = models.CharField(max_length=30)  # RF-000001 (refund) or CN-000001 (credit note)
    rma = models.OneToOneField(ReturnAuthorization, on_delete=models.PROTECT, related_name="refund")
    order = models.ForeignKey("orders.SalesOrder", on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=6, choices=_choices(REFUND_METHODS))
    state = models.CharField(max_length=8, choices=_choices(REFUND_STATES), default="pending")
    currency = models.CharField(max_length=3)
    net_amount = _amount()
    tax_amount = _amount()
    gross_amount = _amount()
    paid_at = models.DateTimeField(null=True, blank=True)
    payment_reference = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="refund_unique_number"),
            models.CheckConstraint(condition=Q(gross_amount__gte=0), name="refund_not_negative"),
        ]
        indexes = [models.Index(fields=["tenant", "state", "-created_at"], name="refund_by_state")]

    def __str__(self) -> str:
        return self.number

    @property
    def gross(self) -> Money:
        """The amount given back, as Money."""
        return Money(self.gross_amount, self.currency)
