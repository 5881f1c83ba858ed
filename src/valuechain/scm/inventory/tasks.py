"""Background jobs of inventory: the replenishment run, every hour."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from valuechain.scm.inventory.replenishment import replenish_all_tenants


@db_periodic_task(crontab(minute="7"), name="inventory_replenish")
def replenish_periodically() -> int:
    """Every hour: reorder proposals for rules whose position fell below min."""
    return replenish_all_tenants()
