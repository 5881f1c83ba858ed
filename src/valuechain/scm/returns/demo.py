"""Demo customer returns: of the demo company's shipped orders, one return waiting for a
decision and one worked through to a refund (received, restocked, closed)."""

from __future__ import annotations

import random

from django.db import transaction

from valuechain.platform.errors import DomainError
from valuechain.scm.orders.models import SalesOrder, SalesOrderLine
from valuechain.scm.returns import queries, services


def _first_line(order: SalesOrder) -> SalesOrderLine | None:
    return SalesOrderLine.objects.filter(order=order, shipped_quantity__gt=0).order_by("pk").first()


@transaction.atomic
def _returned(order: SalesOrder, *, work: bool, rng: random.Random) -> bool:
    line = _first_line(order)
    if line is None:
        return False
    reason = rng.choice(("damaged", "wrong_item", "no_longer_needed"))
    rma = services.request_return(
        order_id=order.pk,
        lines=[{"order_line_id": line.pk, "quantity": "1", "reason_code": reason}],
        reason="Demo: the customer called the service desk.",
    )
    if work:
        services.authorise(rma.pk)
        services.receive(rma.pk)
        (rma_line,) = queries.lines(rma.pk)
        services.inspect(
            rma.pk, [{"line_id": rma_line.pk, "condition": "as_new", "disposition": "restock"}]
        )
        services.close(rma.pk, method="refund")
    return True


def seed_returns(rng: random.Random) -> str:
    """One return waiting for authorisation and one closed with a refund."""
    made = 0
    orders = SalesOrder.objects.filter(state__in=("shipped", "closed")).order_by("pk")[:2]
    for index, order in enumerate(orders):
        try:
            made += _returned(order, work=index == 1, rng=rng)
        except DomainError:
            continue
    return f"{made} customer returns"
