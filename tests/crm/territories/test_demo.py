"""The demo company's territories: three teams, rules, every DE/AT/CH/FR/GB account placed."""

from __future__ import annotations

import random

from valuechain.crm.customers.demo import seed_customers
from valuechain.crm.customers.models import Account
from valuechain.crm.territories.demo import seed_territories
from valuechain.crm.territories.models import (
    AssignmentRule,
    Territory,
    TerritoryMember,
    TerritoryRecord,
)
from valuechain.platform.ops.demo_registry import demo_seeders


def test_seed_territories_after_customers(in_tenant_a):
    seed_customers(random.Random(7))
    in_scope = Account.objects.filter(
        address__country__in=["DE", "FR", "GB"], address__is_default=True
    ).distinct()
    expected_links = in_scope.count()
    summary = seed_territories(random.Random(7))
    assert summary == (
        f"3 territories, 6 team members, {expected_links} records linked, "
        f"{expected_links} accounts assigned"
    )
    assert list(Territory.objects.values_list("name", flat=True).order_by("name")) == [
        "DACH",
        "France",
        "UK",
    ]
    assert TerritoryMember.objects.count() == 7  # the west manager manages France and the UK
    assert AssignmentRule.objects.count() == 6
    assert TerritoryRecord.objects.filter(record_type="account").count() == expected_links
    assert not in_scope.filter(owner__isnull=True).exists()
    assert [s.name for s in demo_seeders()].index("territories") > [
        s.name for s in demo_seeders()
    ].index("customers")
