"""Columns of the opportunities list export."""

from __future__ import annotations

from typing import Any

from valuechain.platform.dataexchange.registry import ExportColumn, column


def _customer(row: Any) -> str:
    if row.account is not None:
        return str(row.account.name)
    return str(row.person.full_name) if row.person is not None else ""


OPPORTUNITY_COLUMNS = (
    column("Id", "pk"),
    column("Name", "name"),
    ExportColumn("Customer", _customer),
    column("Pipeline", "pipeline.name"),
    column("Stage", "stage.name"),
    column("Status", "status"),
    column("Amount", "amount"),
    column("Currency", "currency"),
    column("Probability", "probability"),
    column("Forecast category", "forecast_category"),
    column("Expected close", "expected_close_date"),
    column("Owner e-mail", "owner.email"),
    column("Next step", "next_step"),
    column("Lost reason", "lost_reason.name"),
    column("Created at", "created_at"),
)
