"""Subscribers of automation: the event types targets listen to run the tenant's rules."""

from __future__ import annotations

from valuechain.crm.automation.executor import run_rules_for_event
from valuechain.crm.automation.targets import event_types, register_builtin_targets
from valuechain.platform.events.models import OutboxEvent
from valuechain.platform.events.registry import subscribe

# The events app imports every handlers module in its ready(), which may come before ours:
# register the targets here so the subscription knows their event types.
register_builtin_targets()


@subscribe(*event_types(), name="automation.run_rules")
def run_rules(event: OutboxEvent) -> None:
    """Run the tenant's active rules for the event (in-process, right after its commit)."""
    run_rules_for_event(event)
