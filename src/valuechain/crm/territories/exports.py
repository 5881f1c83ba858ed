"""Columns of the territories list export."""

from __future__ import annotations

from valuechain.platform.dataexchange.registry import column

TERRITORY_COLUMNS = (
    column("Id", "pk"),
    column("Name", "name"),
    column("Priority", "priority"),
    column("Active", "is_active"),
    column("Countries", "countries"),
    column("Regions", "regions"),
    column("Postal prefixes", "postal_prefixes"),
    column("Industries", "industries"),
    column("Size bands", "size_bands"),
    column("Team", "member_count"),
    column("Accounts", "account_count"),
    column("Leads", "lead_count"),
)
