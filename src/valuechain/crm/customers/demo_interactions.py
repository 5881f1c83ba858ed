"""Sample touch points for the demo company: every channel, a skewed count per customer.

Runs after the customers seeder and goes through the bulk ingest service, so the demo
exercises the same path (matching by e-mail, idempotency by source + external id) as a
real integration. A few rows carry an e-mail nobody owns and land in the unmatched queue.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django.utils import timezone

from valuechain.crm.customers.interactions import ingest_interactions
from valuechain.crm.customers.models import EmailAddress, Person

BATCH = 1000
UNMATCHED_COUNT = 12

# channel -> (kind, direction, subjects)
CHANNEL_STORIES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "web": ("visit", "inbound", ("Viewed product page", "Abandoned basket", "Checkout")),
    "mobile": ("visit", "inbound", ("Opened the app", "Scanned a product", "Wishlist update")),
    "store": ("purchase", "inbound", ("Store purchase", "Click and collect", "Store return")),
    "sales_rep": ("meeting", "outbound", ("Quarterly review", "Product demo", "Price talk")),
    "direct_mail": ("message", "outbound", ("Spring catalogue", "Loyalty voucher")),
    "field_service": ("visit", "outbound", ("Installation", "Maintenance visit")),
    "email": ("email", "outbound", ("Newsletter", "Order confirmation", "Re: delivery date")),
    "service_centre": ("message", "inbound", ("Warranty claim", "Repair status")),
    "call_centre": ("call", "inbound", ("Where is my order?", "Change of address")),
    "social": ("message", "inbound", ("Mentioned us on social", "Asked about stock")),
}
# Most customers touch us a few times, a handful very often (a long tail).
TOUCHES_PER_PERSON = (0, 1, 1, 2, 2, 3, 3, 4, 5, 6, 8, 12, 20)


def _rows(rng: random.Random) -> Iterator[dict[str, Any]]:
    """Interaction rows for every demo person, then a few nobody owns."""
    now = timezone.now()
    channels = list(CHANNEL_STORIES)
    emails = dict(
        EmailAddress.objects.filter(person__isnull=False).values_list("person_id", "email")
    )
    number = 0
    for person_id in Person.objects.order_by("pk").values_list("pk", flat=True):
        favourite = rng.choice(channels)
        for _ in range(rng.choice(TOUCHES_PER_PERSON)):
            channel = favourite if rng.random() < 0.5 else rng.choice(channels)
            kind, direction, subjects = CHANNEL_STORIES[channel]
            number += 1
            row: dict[str, Any] = {
                "channel": channel,
                "kind": kind,
                "direction": direction,
                "occurred_at": now - timedelta(minutes=rng.randint(5, 60 * 24 * 540)),
                "subject": rng.choice(subjects),
                "source": "demo",
                "external_id": f"demo-{number}",
            }
            if channel in ("web", "email") and person_id in emails:
                row.update(identifier_kind="email", identifier_value=emails[person_id])
            else:
                row["person_id"] = person_id
            yield row
    for index in range(UNMATCHED_COUNT):
        number += 1
        yield {
            "channel": rng.choice(("web", "social", "email")),
            "kind": "message",
            "occurred_at": now - timedelta(hours=rng.randint(1, 24 * 30)),
            "subject": "Newsletter sign-up",
            "identifier_kind": "email",
            "identifier_value": f"visitor{index}@unknown.example",
            "source": "demo",
            "external_id": f"demo-{number}",
        }


def seed_interactions(rng: random.Random) -> str:
    """Fill the demo customers' timelines across all channels; the summary line."""
    batch: list[dict[str, Any]] = []
    created = unmatched = 0
    for row in _rows(rng):
        batch.append(row)
        if len(batch) == BATCH:
            result = ingest_interactions(batch)
            created, unmatched = created + result.created, unmatched + result.unmatched
            batch = []
    if batch:
        result = ingest_interactions(batch)
        created, unmatched = created + result.created, unmatched + result.unmatched
    return f"{created} interactions ({unmatched} unmatched)"
