"""`valuechain seed`: exact counts, skewed distributions, progress line, tenant creation."""

from __future__ import annotations

import io
import random
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from valuechain.crm.customers import seeding
from valuechain.crm.customers.models import (
    Account,
    EmailAddress,
    Interaction,
    LifecycleChange,
    Person,
)
from valuechain.platform.tenancy.context import tenant_context
from valuechain.platform.tenancy.models import Tenant


def test_interaction_counts_sum_exactly_and_are_heavy_tailed():
    counts = seeding.interaction_counts(2_000, 40_000, random.Random(1))
    assert len(counts) == 2_000
    assert sum(counts) == 40_000
    ordered = sorted(counts, reverse=True)
    top_share = sum(ordered[:200]) / 40_000  # the top 10 % of customers
    assert top_share > 0.3
    assert ordered[0] <= 40_000 * seeding.MAX_SHARE_PER_CUSTOMER
    assert ordered[len(ordered) // 2] < 20  # the median customer is light


def test_interaction_counts_edge_cases():
    assert seeding.interaction_counts(0, 10, random.Random(1)) == []
    assert sum(seeding.interaction_counts(3, 1_000, random.Random(1))) == 1_000  # cap grows
    assert seeding.interaction_counts(5, 0, random.Random(1)) == [0, 0, 0, 0, 0]


def test_employers_give_a_share_of_people_to_accounts_heavy_tailed():
    slots = seeding.employers(10_000, list(range(1, 501)), random.Random(3))
    assert len(slots) == 10_000
    contacts = Counter(slot for slot in slots if slot is not None)
    assert sum(contacts.values()) == 3_000
    assert max(contacts.values()) <= 3_000 * seeding.MAX_SHARE_PER_CUSTOMER
    assert sorted(contacts.values())[len(contacts) // 2] <= 5
    assert seeding.employers(4, [], random.Random(3)) == [None, None, None, None]


def test_progress_line_ends_at_the_total():
    out = io.StringIO()
    bar = seeding.Progress("people", 10, out)
    bar.advance(4)
    bar.advance(6)
    bar.close()
    last = out.getvalue().split("\r")[-1]
    assert "100.0%" in last
    assert "10/10" in last
    assert last.endswith("\n")


@pytest.mark.django_db(transaction=True)
def test_seed_command_writes_exact_counts_into_a_new_tenant():
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "seed",
        "--customers",
        "300",
        "--interactions",
        "3000",
        "--accounts",
        "20",
        "--tenant",
        "load",
        stdout=out,
        stderr=err,
    )
    tenant = Tenant.objects.get(slug="load")
    assert "Seeded tenant load: 20 accounts, 300 people, 3,000 interactions" in out.getvalue()
    assert "interactions" in err.getvalue() and "100.0%" in err.getvalue()
    with tenant_context(tenant):
        assert Account.objects.count() == 20
        assert Person.objects.count() == 300
        assert EmailAddress.objects.count() == 300
        assert Interaction.objects.count() == 3_000
        assert Interaction.objects.filter(person__isnull=True, account__isnull=True).count() == 0
        on_accounts = Interaction.objects.filter(account__isnull=False).count()
        assert on_accounts == int(3_000 * seeding.ACCOUNT_INTERACTION_SHARE)
        channels = Counter(Interaction.objects.values_list("channel", flat=True))
        assert channels.most_common(1)[0][0] == "web"
        assert set(channels) <= set(seeding.CHANNEL_MIX)
        assert Person.objects.filter(account__isnull=False).exists()
        # every non-prospect has the path of stage moves that leads to its stage
        churned = Person.objects.filter(lifecycle_stage="churned").first()
        assert churned is not None
        path = list(
            LifecycleChange.objects.filter(person=churned)
            .order_by("changed_at")
            .values_list("to_stage", flat=True)
        )
        assert path == ["acquired", "active", "at_risk", "churned"]
        first, last = Interaction.objects.order_by("occurred_at").values_list(
            "occurred_at", flat=True
        )[::2_999]
        assert (last - first).days > 365
    # a second run adds to the same tenant
    call_command("seed", "--customers", "10", "--interactions", "0", "--tenant", "load",
                 stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip
    with tenant_context(tenant):
        assert Person.objects.count() == 310


def test_seed_command_refuses_interactions_without_customers(db):
    with pytest.raises(CommandError, match="need customers"):
        call_command("seed", "--customers", "0", "--interactions", "5", stderr=io.StringIO())
    assert not Tenant.objects.filter(slug="seed").exists()
