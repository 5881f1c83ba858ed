"""Columns of the leads list export."""

from __future__ import annotations

from valuechain.platform.dataexchange.registry import column

LEAD_COLUMNS = (
    column("Id", "pk"),
    column("First name", "first_name"),
    column("Last name", "last_name"),
    column("Company", "company"),
    column("Job title", "job_title"),
    column("E-mail", "email"),
    column("Phone", "phone"),
    column("Country", "country"),
    column("Industry", "industry"),
    column("Size band", "size_band"),
    column("Source", "source"),
    column("Campaign", "campaign"),
    column("Status", "status"),
    column("Score", "score"),
    column("Owner e-mail", "owner.email"),
    column("Created at", "created_at"),
)
