"""After-sales steps on an order's history: a shipment delivered (the last one closes the
order), goods returned and refunds recorded by customer returns (RMA).

Fulfillment's tracking and the returns context call these inside their own transaction;
each writes one ``SalesOrderEvent``, which the customer's timeline shows ("Order SO-1
delivered", "… returned", "… refunded"), and publishes an event to the outbox.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.inputs import clean_text
from valuechain.scm.orders.models import SalesOrder
from valuechain.scm.orders.services import _locked, _payload, _record

CUSTOMER_EVENTS = {"returned": "SalesOrderReturned", "refunded": "SalesOrderRefunded"}


def register_delivery(order_id: int, *, reference: str, all_delivered: bool) -> SalesOrder:
    """Record a delivered shipment; when ``all_delivered`` a shipped order closes.

    ``all_delivered`` is the caller's finding that every shipment of the order is delivered;
    an order still partially shipped stays open (something is left to ship).
    """
    with transaction.atomic():
        order = _locked(order_id)
        reference = clean_text(reference, "reference", 100)
        _record(order, "delivered", reference)
        publish("SalesOrderDelivered", _payload(order, reference=reference))
        if all_delivered and order.state == "shipped":
            order.state = "closed"
            order.closed_at = timezone.now()
            order.save(update_fields=["state", "closed_at", "updated_at"])
            _record(order, "closed", "all shipments delivered")
            publish("SalesOrderClosed", _payload(order, reason="delivered"))
    return order


def record_customer_event(order_id: int, kind: str, detail: str) -> SalesOrder:
    """Put a return or refund (``returned`` / ``refunded``) on the order's history."""
    if kind not in CUSTOMER_EVENTS:
        raise DomainError("invalid_kind", f"Unknown order event {kind!r}.", field="kind")
    with transaction.atomic():
        order = _locked(order_id)
        _record(order, kind, detail)
        publish(CUSTOMER_EVENTS[kind], _payload(order, detail=detail[:300]))
    return order
