"""Targets of leads and sales, registered only when those contexts provide their services.

Lead events carry ``lead_id`` (LeadCreated, LeadStatusChanged, LeadConverted), opportunity
events ``opportunity_id`` (OpportunityCreated, OpportunityStageChanged, OpportunityWon,
OpportunityLost). Until those contexts exist this module registers nothing.
"""

from __future__ import annotations

from valuechain.crm.automation.targets import Target


def sales_targets() -> list[Target]:
    """The lead and opportunity targets available in this build."""
    return []
