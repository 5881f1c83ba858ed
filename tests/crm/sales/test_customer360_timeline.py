"""The sales timeline source on the customer 360° view: a deal's creation, moves and win."""

from __future__ import annotations

from typing import Any

import pytest

from valuechain.crm.sales import services
from valuechain.crm.sales.customer360 import opportunity_entries
from valuechain.crm.sales.models import Stage
from valuechain.platform.tenancy.context import tenant_context

pytestmark = pytest.mark.django_db


def _won_deal(tenant_a: Any, admin_a: Any, ada: Any) -> Any:
    with tenant_context(tenant_a, actor=admin_a.user):
        deal = services.create_opportunity(
            {"name": "Shop relaunch", "person_id": ada.pk, "amount": "1000"}
        )
        stages = {s.name: s for s in Stage.objects.filter(pipeline_id=deal.pipeline_id)}
        services.move_opportunity(deal.pk, stages["Proposal"].pk)
        won = next(s for s in stages.values() if s.is_won)
        services.move_opportunity(deal.pk, won.pk)
    return deal


def test_api_timeline_shows_created_moved_and_won(api, tenant_a, admin_a, ada):
    _won_deal(tenant_a, admin_a, ada)
    body = api.get(f"/customers/person-{ada.pk}/360").json()
    titles = [i["title"] for i in body["timeline"]["items"] if i["source"] == "opportunity"]
    assert titles == [
        "Opportunity Shop relaunch won",
        "Opportunity Shop relaunch moved to Proposal",
        "Opportunity Shop relaunch created",
    ]


def test_source_costs_a_fixed_two_queries_and_skips_channels(
    tenant_a, admin_a, ada, django_assert_num_queries
):
    _won_deal(tenant_a, admin_a, ada)
    with tenant_context(tenant_a, actor=admin_a.user):
        with django_assert_num_queries(2):
            entries = opportunity_entries("person", ada, None, None, 2)
        assert [e.title for e in entries] == [
            "Opportunity Shop relaunch won",
            "Opportunity Shop relaunch moved to Proposal",
        ]
        assert opportunity_entries("person", ada, "email", None, 20) == []
