"""The demo seeder: a week of activities around today for each member."""

from __future__ import annotations

import random

from valuechain.crm.activities.demo import seed_activities
from valuechain.crm.activities.models import Activity
from valuechain.crm.activities.queries import my_day
from valuechain.crm.customers.demo import seed_customers


def test_seed_activities(in_tenant_a, admin_a, sales_a):
    seed_customers(random.Random(1))
    assert seed_activities(random.Random(2)) == "16 activities for 2 members"
    assert Activity.objects.count() == 16
    assert Activity.objects.filter(status="done", kind="call").count() == 2
    assert Activity.objects.filter(person__isnull=True).count() == 0
    day = my_day(admin_a.user_id)
    assert [a.kind for a in day.overdue] == ["task", "call"]
    assert sorted(a.kind for a in day.due_today) == ["call", "task"]
    assert [a.kind for a in day.meetings] == ["meeting"]
    assert [a.kind for a in day.done_today] == ["call"]
