"""Demo data: open, overdue and today's tasks, calls and meetings for every demo member."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from valuechain.crm.activities import domain, services
from valuechain.crm.customers.models import Person
from valuechain.platform.tenancy.context import require_tenant_id
from valuechain.platform.tenancy.models import Membership

SUBJECTS = {
    "task": (
        "Send the price list",
        "Prepare the offer",
        "Check the delivery date",
        "Update the contract",
    ),
    "call": ("Follow up on the offer", "Call about the late payment", "Introduce the new range"),
    "meeting": ("Product demo", "Quarterly review", "Contract negotiation"),
}
PER_MEMBER_PLAN = (  # (kind, days from today, hour, done)
    ("task", -3, 10, False),
    ("call", -1, 15, False),
    ("task", 0, 11, False),
    ("call", 0, 16, False),
    ("meeting", 0, 14, False),
    ("task", 2, 12, False),
    ("meeting", 5, 10, False),
    ("call", -2, 9, True),
)


def _at(days: int, hour: int) -> dt.datetime:
    tz = timezone.get_current_timezone()
    day = timezone.localtime().date() + dt.timedelta(days=days)
    return domain.day_bounds(day, tz)[0] + dt.timedelta(hours=hour)


def seed_activities(rng: random.Random) -> str:
    """A week of work around today for each member, linked to demo customers."""
    members = list(
        Membership.objects.filter(tenant_id=require_tenant_id(), is_active=True)
        .order_by("pk")
        .values_list("user_id", flat=True)[:10]
    )
    people = list(Person.objects.order_by("pk").values_list("pk", flat=True)[:200])
    created = 0
    for user_id in members:
        for kind, days, hour, done in PER_MEMBER_PLAN:
            moment = _at(days, hour)
            data: dict[str, object] = {
                "kind": kind,
                "subject": rng.choice(SUBJECTS[kind]),
                "assignee_id": user_id,
                "priority": rng.choice(domain.PRIORITIES),
                "person_id": rng.choice(people) if people else None,
            }
            if kind == "meeting":
                data.update(starts_at=moment, ends_at=moment + dt.timedelta(hours=1))
            else:
                data["due_at"] = moment
            if days >= 0 and not done:
                data["reminder_at"] = moment - dt.timedelta(minutes=30)
            activity = services.create_activity(data)
            if done:
                services.complete_activity(activity.pk, outcome="Agreed on next steps.")
            created += 1
    return f"{created} activities for {len(members)} members"
