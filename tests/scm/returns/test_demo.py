"""The demo seeder of returns: one request waiting, one worked through to a refund."""

from __future__ import annotations

import random
from decimal import Decimal

from valuechain.platform.ops.demo_registry import demo_seeders
from valuechain.scm.returns.demo import seed_returns
from valuechain.scm.returns.models import CustomerRefund, ReturnAuthorization

from .conftest import on_hand, shipped_order

D = Decimal


def test_seed_makes_a_waiting_and_a_refunded_return(world):
    first = shipped_order(world, "2")
    second = shipped_order(world, "3")
    assert seed_returns(random.Random(3)) == "2 customer returns"
    rows = list(ReturnAuthorization.objects.order_by("pk").values_list("order_id", "state"))
    assert rows == [(first.pk, "requested"), (second.pk, "closed")]
    refund = CustomerRefund.objects.get()
    # 1 x 9.99 less 15 % = 8.49 net, 1.61 tax.
    assert (refund.net_amount, refund.tax_amount, refund.gross_amount) == (
        D("8.49"),
        D("1.61"),
        D("10.10"),
    )
    assert on_hand(world, "stock") == D("16")  # 20 - 5 shipped + 1 restocked
    names = [s.name for s in demo_seeders()]
    assert names.index("returns") > names.index("fulfillment")


def test_seed_without_shipped_orders_does_nothing(in_tenant_a):
    assert seed_returns(random.Random(3)) == "0 customer returns"
