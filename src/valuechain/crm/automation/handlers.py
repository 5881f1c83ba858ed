"""Subscribers of automation: the event types targets listen to run the tenant's rules."""

from __future__ import annotations

from typing import Any

from valuechain.crm.automation.executor import run_rules_for_event
from valuechain.crm.automation.queries import active_rule_keys
from valuechain.crm.automation.targets import (
    event_types,
    register_builtin_targets,
    targets_for_event,
)
from valuechain.platform.events.models import OutboxEvent
from valuechain.platform.events.registry import subscribe

# The events app imports every handlers module in its ready(), which may come before ours:
# register the targets here so the subscription knows their event types.
register_builtin_targets()


def events_with_rules(events: list[OutboxEvent]) -> set[Any]:
    """Pks of the events an active rule of the tenant listens to (one query).

    The relevance predicate of ``run_rules``: with no active rule for an event's type and
    one of its targets, running the rules would find none and do nothing.
    """
    active = active_rule_keys(event.type for event in events)
    if not active:
        return set()
    return {
        event.pk
        for event in events
        if any((event.type, target.key) in active for target in targets_for_event(event.type))
    }


@subscribe(*event_types(), name="automation.run_rules", relevant=events_with_rules)
def run_rules(event: OutboxEvent) -> None:
    """Run the tenant's active rules for the event (in-process, right after its commit)."""
    run_rules_for_event(event)
