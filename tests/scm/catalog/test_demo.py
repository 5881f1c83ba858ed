"""The demo catalog: products with variants, a kit cheaper than its parts, prices, taxes."""

from __future__ import annotations

import datetime as dt
import random
import time
from decimal import Decimal

from valuechain.crm.customers.models import Account
from valuechain.platform.ops.demo_registry import demo_seeders
from valuechain.scm.catalog import domain, pricing, queries
from valuechain.scm.catalog.demo import seed_catalog
from valuechain.scm.catalog.models import CustomerGroupMember, PriceList, Product, Variant


def test_seed_catalog(in_tenant_a):
    Account.objects.create(name="Acme")
    started = time.monotonic()
    summary = seed_catalog(random.Random(2026))
    elapsed = time.monotonic() - started
    assert summary == "25 products, 38 variants, 4 price lists, 8 tax rates, 1 wholesale accounts"
    assert Product.objects.count() == 25
    assert Variant.objects.count() == 38
    assert elapsed < 60
    for gtin in Variant.objects.exclude(gtin="").values_list("gtin", flat=True):
        assert domain.clean_gtin(gtin) == gtin
    tee = Variant.objects.get(sku="TEE-M-BLACK")
    today = dt.date.today()
    assert pricing.unit_price(tee.pk, quantity=1, currency="USD", on=today) == Decimal("26.99")
    sock = Variant.objects.get(sku="SOCK")
    assert pricing.unit_price(sock.pk, quantity=5, currency="EUR", on=today) == Decimal("12.50")
    assert pricing.unit_price(sock.pk, quantity=6, currency="EUR", on=today) == Decimal("11.50")
    assert pricing.unit_price(sock.pk, quantity=12, currency="EUR", on=today) == Decimal("10.63")
    assert pricing.unit_price(
        sock.pk, quantity=10, currency="EUR", customer_group="wholesale", on=today
    ) == Decimal("9.38")
    kit = Variant.objects.get(sku="KIT-COFFEE")
    assert (
        pricing.kit_price_check(kit.pk, currency="EUR", on=today + dt.timedelta(30))["status"]
        == "ok"
    )
    assert len(queries.kit_components(kit.pk)) == 3
    beans = Variant.objects.get(sku="BEANS")
    assert pricing.tax_rate(beans.pk, country="DE") == Decimal("0.0700")
    assert pricing.tax_rate(tee.pk, country="US", region="CA") == Decimal("0.0725")
    assert PriceList.objects.count() == 4
    assert CustomerGroupMember.objects.count() == 1
    assert queries.customer_group_for(account_id=Account.objects.get().pk) == "wholesale"


def test_catalog_seeder_is_registered_at_30():
    entry = next(s for s in demo_seeders() if s.name == "catalog")
    assert entry.order == 30
