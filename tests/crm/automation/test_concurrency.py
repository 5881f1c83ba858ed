"""Round robin under concurrent events hands out distinct turns (PostgreSQL, real threads)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from valuechain.crm.automation import executor, services
from valuechain.crm.customers import services as customers
from valuechain.crm.customers.models import Account
from valuechain.platform.events.models import OutboxEvent
from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import tenant_context

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks and real commits"
    ),
]


def test_concurrent_round_robin_gives_each_event_its_own_turn(transactional_db):
    tenant = tenancy.create_tenant("Race Co", "race")
    users = [
        tenancy.add_member(
            tenant, tenancy.create_user(f"rep{n}@race.test", "pw-123456789"), "sales_rep"
        )
        for n in range(4)
    ]
    with tenant_context(tenant):
        services.create_rule(
            {
                "name": "Spread",
                "event_type": "AccountCreated",
                "target_type": "customers.account",
                "is_active": False,  # run by hand below, not by the dispatch after commit
                "actions": [
                    {
                        "type": "assign_owner",
                        "params": {"mode": "round_robin", "user_ids": [u.user_id for u in users]},
                    }
                ],
            }
        )
        accounts = [customers.create_account(name=f"Shop {n}") for n in range(4)]
        events = list(OutboxEvent.objects.filter(type="AccountCreated").order_by("occurred_at"))
        from valuechain.crm.automation.models import Rule

        Rule.objects.update(is_active=True)
    start = threading.Barrier(len(events))
    errors: list[BaseException] = []

    def run(event: OutboxEvent) -> None:
        try:
            with tenant_context(tenant, channel="job"):
                start.wait()
                with transaction.atomic():
                    executor.run_rules_for_event(event)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(event,)) for event in events]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with tenant_context(tenant):
        owners = sorted(
            Account.objects.filter(pk__in=[a.pk for a in accounts]).values_list(
                "owner_id", flat=True
            )
        )
    assert owners == sorted(u.user_id for u in users)  # four events, four different turns
