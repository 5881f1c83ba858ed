"""The demo seeder: three carriers rated for the demo company's destinations."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from valuechain.platform.ops.demo_registry import demo_seeders
from valuechain.scm.carriers import services
from valuechain.scm.carriers.demo import seed_carriers
from valuechain.scm.carriers.models import Carrier, CarrierService, RateCard


def test_seed_rates_every_demo_destination(in_tenant_a):
    assert seed_carriers(random.Random(1)) == "3 carriers, 5 services, 36 rate zones"
    assert list(Carrier.objects.order_by("code").values_list("code", flat=True)) == [
        "dhl",
        "dpd",
        "gls",
    ]
    assert CarrierService.objects.count() == RateCard.objects.count() == 5
    berlin = services.quote(
        country="DE",
        postal_code="12529",
        weight_kg="4",
        ship_date=dt.date(2026, 3, 2),
        promised_date=dt.date(2026, 3, 3),
    )
    # Berlin's own zone is a day quicker: DPD Classic arrives Tuesday for
    # 7.90 x 0.95 x 0.9 = 6.75 (rounded per break) + 9.5 % (0.64) = 7.39, the cheapest in time.
    assert (berlin.chosen.carrier_code, berlin.chosen.service_code) == ("dpd", "classic")
    assert berlin.chosen.total == Decimal("7.39")
    express = next(q for q in berlin.quotes if q.service_code == "express")
    assert (express.total, express.estimated_delivery) == (Decimal("16.80"), dt.date(2026, 3, 2))
    us = services.quote(country="US", weight_kg="1", cost_cap="1000")
    assert [q.service_code for q in us.quotes if q.total is not None] == ["express"]
    names = [s.name for s in demo_seeders()]
    assert names.index("carriers") < names.index("fulfillment")
