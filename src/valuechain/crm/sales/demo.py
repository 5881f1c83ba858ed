"""Sample opportunities for the demo company, made only through the sales services.

Runs after the customers seeder: the default pipeline with deals in every stage on the demo
accounts (and their first contact), a spread of close dates over this year, a few lines,
won and lost deals, and monthly quotas for the demo company's members.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from valuechain.crm.customers.models import Account, Person
from valuechain.crm.sales import forecast, pipeline_services, services
from valuechain.crm.sales.models import Stage
from valuechain.platform.tenancy.context import require_tenant_id
from valuechain.platform.tenancy.models import Membership

DEALS_PER_STAGE = 6
DEAL_KINDS = (
    "Web shop relaunch",
    "ERP integration",
    "Annual supply",
    "Pilot",
    "Renewal",
    "Marketplace onboarding",
    "Fulfilment contract",
    "POS roll-out",
)
PRODUCTS = (
    ("Platform licence", "LIC-PLAT", "1200.00"),
    ("Onboarding", "SRV-ONB", "850.00"),
    ("Support plan", "SRV-SUP", "300.00"),
    ("Scanner", "HW-SCAN", "249.00"),
)


def seed_sales(rng: random.Random) -> str:
    """Fill the current tenant with opportunities in every stage and quotas; the summary."""
    pipeline = pipeline_services.default_pipeline()
    reasons = pipeline_services.loss_reasons()
    stages = list(Stage.objects.filter(pipeline=pipeline).order_by("position", "pk"))
    accounts = list(Account.objects.order_by("pk")[:40])
    if not accounts:
        return "no accounts: skipped"
    contacts = {
        p.account_id: p.pk for p in Person.objects.filter(account__in=accounts).order_by("-pk")
    }
    owners = list(
        Membership.objects.filter(tenant_id=require_tenant_id(), is_active=True)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    today = timezone.localdate()
    created = 0
    for stage in stages:
        for _ in range(DEALS_PER_STAGE):
            account = accounts[created % len(accounts)]
            close = dt.date(today.year, 1, 1) + dt.timedelta(days=rng.randrange(0, 365))
            data = {
                "name": f"{account.name}: {rng.choice(DEAL_KINDS)}",
                "account_id": account.pk,
                "person_id": contacts.get(account.pk),
                "amount": Decimal(rng.randrange(20, 400) * 250),
                "expected_close_date": close,
                "owner_id": owners[created % len(owners)] if owners else None,
                "next_step": rng.choice(("Send proposal", "Call back", "Demo", "Contract review")),
                "source": rng.choice(("web", "referral", "trade fair", "outbound")),
            }
            if created % 5 == 0:
                data["lines"] = [
                    {
                        "product_name": name,
                        "sku": sku,
                        "quantity": rng.randrange(1, 20),
                        "unit_price": price,
                    }
                    for name, sku, price in rng.sample(PRODUCTS, 2)
                ]
            opportunity = services.create_opportunity(data)
            if stage.is_lost:
                services.mark_lost(opportunity.pk, lost_reason_id=rng.choice(reasons).pk)
            elif stage.pk != opportunity.stage_id:
                services.move_opportunity(opportunity.pk, stage.pk)
            created += 1
    for owner in owners:
        for quarter in range(1, 5):
            forecast.set_quota(
                {"owner_id": owner, "period": f"{today.year}-Q{quarter}", "amount": "150000"}
            )
    return f"{created} opportunities in {len(stages)} stages, quotas for {len(owners)} reps"
