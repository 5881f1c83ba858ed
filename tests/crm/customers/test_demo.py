"""The demo company's sample customers: counts, clean contact data, a sound hierarchy."""

from __future__ import annotations

import random
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from valuechain.crm.customers import domain
from valuechain.crm.customers.demo import seed_customers
from valuechain.crm.customers.models import (
    Account,
    Address,
    ConsentRecord,
    EmailAddress,
    LifecycleChange,
    Person,
    PhoneNumber,
)
from valuechain.platform.tenancy.context import tenant_context
from valuechain.platform.tenancy.models import Tenant


def test_seed_customers_makes_exact_counts_clean_e_mails_and_a_sound_hierarchy(in_tenant_a):
    summary = seed_customers(random.Random(7))

    assert summary == "60 accounts, 350 people"
    assert Account.objects.count() == 60
    assert Account.objects.filter(parent__isnull=False).count() == 24
    assert Person.objects.count() == 350
    assert Person.objects.filter(account__isnull=False).count() == 180
    assert Address.objects.filter(account__isnull=False).count() == 120
    assert Address.objects.filter(person__isnull=False).count() == 170
    assert EmailAddress.objects.count() == 410
    assert PhoneNumber.objects.filter(account__isnull=False).count() == 60
    assert PhoneNumber.objects.filter(person__isnull=False).count() == 175
    assert ConsentRecord.objects.count() == 525
    assert set(Address.objects.values_list("country", flat=True)) == {
        "DE", "FR", "GB", "US", "NL", "ES", "IT",
    }  # fmt: skip
    stages = Counter(Person.objects.values_list("lifecycle_stage", flat=True))
    assert set(stages) == set(domain.LIFECYCLE_STAGES)

    for person in Person.objects.all():
        emails = list(EmailAddress.objects.filter(person=person).values_list("email", flat=True))
        assert len(emails) == 1
        assert domain.normalise_email(emails[0]) == emails[0]
    for number in PhoneNumber.objects.values_list("number", flat=True):
        assert domain.normalise_phone(number) == number

    parents = dict(Account.objects.values_list("pk", "parent_id"))
    for start in parents:
        seen, node = set(), start
        while node is not None:
            assert node not in seen
            seen.add(node)
            node = parents[node]

    for change in LifecycleChange.objects.filter(person__isnull=False).order_by("pk")[:50]:
        assert domain.LIFECYCLE_STAGES.index(change.to_stage) > 0


def test_seed_customers_is_deterministic_for_a_seed(in_tenant_a, tenant_b, admin_b):
    seed_customers(random.Random(7))
    first = list(Person.objects.order_by("pk").values_list("last_name", "lifecycle_stage"))
    with tenant_context(tenant_b, actor=admin_b.user, channel="cli"):
        seed_customers(random.Random(7))
        second = list(Person.objects.order_by("pk").values_list("last_name", "lifecycle_stage"))
    assert first == second


@pytest.mark.django_db
def test_demo_if_empty_twice_seeds_the_customers_once(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    call_command("demo", "--if-empty", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines.count("Seeding customers… 60 accounts, 350 people") == 1
    assert "Existing data found: nothing created." in lines
    with tenant_context(Tenant.objects.get(slug="demo"), channel="cli"):
        # The procurement demo adds its suppliers as accounts of their own.
        customers = Account.objects.filter(supplier_roles__isnull=True)
        assert customers.count() == 60
        assert Person.objects.count() == 350


def test_seed_interactions_fills_every_channel_and_parks_unknown_senders(in_tenant_a):
    from valuechain.crm.customers.demo_interactions import CHANNEL_STORIES, seed_interactions
    from valuechain.crm.customers.models import Interaction

    seed_customers(random.Random(7))
    summary = seed_interactions(random.Random(7))

    total = Interaction.objects.count()
    unmatched = Interaction.objects.filter(status="unmatched")
    assert summary == f"{total} interactions (12 unmatched)"
    assert unmatched.count() == 12
    assert set(unmatched.values_list("identifier_value", flat=True)) == {
        f"visitor{index}@unknown.example" for index in range(12)
    }
    matched = Interaction.objects.filter(status="matched")
    assert matched.filter(person__isnull=True).count() == 0
    assert set(matched.values_list("channel", flat=True)) == set(CHANNEL_STORIES)
    assert seed_interactions(random.Random(7)) == "0 interactions (0 unmatched)"
