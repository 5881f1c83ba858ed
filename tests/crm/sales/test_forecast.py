"""The forecast report on the database: FX conversion at the close date, quotas, territory hook,
and the demo seeder."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.utils import timezone

from valuechain.crm.customers import services as customers
from valuechain.crm.sales import forecast, services
from valuechain.crm.sales.demo import seed_sales
from valuechain.crm.sales.models import Opportunity, Quota, Stage
from valuechain.platform import fx

pytestmark = pytest.mark.usefixtures("in_tenant_a")


def _deal(acme, **data):
    return services.create_opportunity({"name": "Deal", "account_id": acme.pk, **data})


def test_amounts_are_converted_at_the_close_date_and_unconvertible_ones_listed(acme, admin_a):
    fx.record_rate("EUR", "USD", Decimal("1.25"), dt.date(2026, 1, 1))
    fx.record_rate("EUR", "USD", Decimal("1.10"), dt.date(2026, 3, 1))
    _deal(
        acme, amount="1250", currency="USD", expected_close_date="2026-02-15", probability=40
    )  # 1250 / 1.25 = 1000 EUR
    _deal(acme, amount="110", currency="USD", expected_close_date="2026-03-20")  # 100 EUR
    unconvertible = _deal(acme, amount="100", currency="GBP", expected_close_date="2026-03-20")
    _deal(acme, amount="999", expected_close_date="2027-01-10")  # out of range
    _deal(acme, amount="5")  # no close date: left out
    report = forecast.forecast(
        period="quarter", date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 3, 31)
    )
    [row] = report.as_dict()["rows"]
    assert (row["open_amount"], row["weighted"], row["open_count"]) == ("1100.00", "410.00", 2)
    assert report.unconverted == [unconvertible.pk]
    assert forecast.open_opportunities_without_date() == 1


def test_won_deals_count_in_the_period_they_closed(acme, admin_a):
    won = _deal(acme, amount="300", expected_close_date="2026-06-30")
    services.mark_won(won.pk)
    Opportunity.objects.filter(pk=won.pk).update(
        closed_at=timezone.make_aware(dt.datetime(2026, 2, 3, 12, 0))
    )
    forecast.set_quota({"owner_id": admin_a.user_id, "period": "2026-02", "amount": "1200"})
    report = forecast.forecast(date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 6, 30))
    rows = {row["period"]: row for row in report.as_dict()["rows"]}
    assert set(rows) == {"2026-02"}
    february = rows["2026-02"]
    assert (february["closed_won"], february["commit"], february["quota"]) == (
        "300.00",
        "300.00",
        "1200.00",
    )
    assert february["attainment"] == "25.00"
    assert february["group_label"] == "admin@alpha.test"
    assert [t["period"] for t in report.as_dict()["totals"]] == [
        "2026-01",
        "2026-02",
        "2026-03",
        "2026-04",
        "2026-05",
        "2026-06",
    ]


def test_quota_in_another_currency_is_converted(acme, admin_a):
    fx.record_rate("EUR", "USD", Decimal("2"), dt.date(2026, 1, 1))
    forecast.set_quota(
        {"owner_id": admin_a.user_id, "period": "2026-01", "amount": "500", "currency": "USD"}
    )
    report = forecast.forecast(date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 1, 31))
    [row] = report.as_dict()["rows"]
    assert row["quota"] == "250.00"


def test_territory_grouping_uses_the_registered_resolver(acme, admin_a, monkeypatch):
    _deal(acme, amount="100", expected_close_date="2026-01-10")
    report = forecast.forecast(
        group_by="territory", date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 1, 31)
    )
    assert [(r["group"], r["group_label"]) for r in report.as_dict()["rows"]] == [
        ("none", "No territory")
    ]
    monkeypatch.setattr(forecast, "_territory_resolver", [])
    forecast.register_territory_resolver(
        lambda owners: {owner: ("north", "North") for owner in owners}
    )
    report = forecast.forecast(
        group_by="territory", date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 1, 31)
    )
    assert [(r["group"], r["group_label"], r["open_amount"]) for r in report.as_dict()["rows"]] == [
        ("north", "North", "100.00")
    ]


def test_demo_seeder_fills_every_stage(admin_a):
    for index in range(5):
        account = customers.create_account(name=f"Demo {index}")
        customers.create_person(last_name=f"Contact {index}", account_id=account.pk)
    summary = seed_sales(random.Random(7))
    assert summary == "36 opportunities in 6 stages, quotas for 1 reps"
    for stage in Stage.objects.all():
        assert Opportunity.objects.filter(stage=stage).count() == 6, stage.name
    assert Opportunity.objects.filter(status="lost", lost_reason__isnull=True).count() == 0
    assert Opportunity.objects.filter(status="won", closed_at__isnull=True).count() == 0
    assert Quota.objects.count() == 12
    assert Opportunity.objects.filter(person__isnull=False).count() == 36
