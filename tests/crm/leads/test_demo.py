"""The demo company's sample leads: exact counts per status, web-form leads, conversions."""

from __future__ import annotations

import random
from collections import Counter

from valuechain.crm.customers.models import Person
from valuechain.crm.leads.demo import seed_leads
from valuechain.crm.leads.models import Lead
from valuechain.crm.sales.models import Opportunity
from valuechain.platform.ops.demo_registry import demo_seeders


def test_seed_leads_covers_every_status(in_tenant_a):
    summary = seed_leads(random.Random(7))
    assert summary.startswith("40 leads (") and summary.endswith(" 4 converted)")
    assert Lead.objects.count() == 40
    assert Counter(Lead.objects.values_list("status", flat=True)) == {
        "new": 14,
        "contacted": 10,
        "qualified": 7,
        "unqualified": 5,
        "converted": 4,
    }
    web = Lead.objects.filter(source="web_form")
    assert web.count() >= 8
    assert all(lead.utm_source == "website" and lead.consent_granted for lead in web)
    assert Person.objects.count() == 4
    assert Opportunity.objects.count() == 4
    assert set(
        Lead.objects.filter(status="converted").values_list("converted_opportunity", flat=True)
    ) == set(Opportunity.objects.values_list("pk", flat=True))
    assert not Lead.objects.filter(status="unqualified", unqualified_reason="").exists()
    assert all(
        lead.score == sum(i["points"] for i in lead.score_breakdown) for lead in Lead.objects.all()
    )


def test_leads_seed_after_customers():
    order = [seeder.name for seeder in demo_seeders()]
    assert order.index("customers") < order.index("leads")
