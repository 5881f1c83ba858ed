"""Subscribers of territories: place new and changed accounts and leads in their territory.

An account's country arrives with its first address, after ``AccountCreated``; so every
account event that can change its attributes re-places it, and an owner is assigned only
while it has none. Territory changes re-link every record in a background job.
"""

from __future__ import annotations

from valuechain.crm.territories import assignment
from valuechain.platform.events.models import OutboxEvent
from valuechain.platform.events.registry import subscribe


@subscribe("AccountCreated", "AccountUpdated")
def place_account(event: OutboxEvent) -> None:
    """Link the account to its territory; give it an owner by the rule when it has none."""
    assignment.place_account(int(event.payload["account_id"]))


@subscribe("AddressAdded", "AddressRemoved")
def place_account_by_address(event: OutboxEvent) -> None:
    """An account's address decides its territory: place it again."""
    payload = event.payload
    if payload.get("party_kind") == "account":
        assignment.place_account(int(payload["party_id"]))
    elif payload.get("account_id"):
        assignment.place_account(int(payload["account_id"]))


@subscribe("LeadCreated")
def place_lead(event: OutboxEvent) -> None:
    """Link a new lead to its territory; assign it by the rule when it came without an owner."""
    payload = event.payload
    owner_id = payload.get("owner_id")
    assignment.place_lead(
        int(payload["lead_id"]), payload, None if owner_id in (None, "") else int(owner_id)
    )


@subscribe("LeadUpdated")
def relink_lead(event: OutboxEvent) -> None:
    """A lead's attributes may have changed: link it again (its owner is left alone)."""
    assignment.place_lead(int(event.payload["lead_id"]), event.payload, None, assign=False)


@subscribe("TerritoryCreated", "TerritoryUpdated", "TerritoryDeleted", background=True)
def relink_records(event: OutboxEvent) -> None:
    """Criteria changed: recompute every record's territory link."""
    assignment.rebuild_links()
