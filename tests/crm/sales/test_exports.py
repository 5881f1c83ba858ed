"""The opportunities list exports every row with its filters and sort, as CSV and Excel."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook

from valuechain.crm.sales import services
from valuechain.platform.tenancy.context import tenant_context

HEADERS = [
    "Id",
    "Name",
    "Customer",
    "Pipeline",
    "Stage",
    "Status",
    "Amount",
    "Currency",
    "Probability",
    "Forecast category",
    "Expected close",
    "Owner e-mail",
    "Next step",
    "Lost reason",
    "Created at",
]


def csv_rows(response) -> list[list[str]]:
    """The CSV download's rows."""
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def xlsx_rows(response) -> list[list[object]]:
    """The Excel download's rows."""
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def _add(tenant, admin, acme, count: int, start: int = 0) -> list:
    with tenant_context(tenant, actor=admin.user, channel="ui"):
        return [
            services.create_opportunity(
                {
                    "name": f"Deal {index:02d}",
                    "account_id": acme.pk,
                    "amount": "1000.50",
                    "expected_close_date": "2026-03-15",
                    "next_step": "Call Ada" if index == 0 else "",
                }
            )
            for index in range(start, start + count)
        ]


def test_opportunity_list_exports_filtered_rows(
    client_a, tenant_a, admin_a, acme, django_assert_max_num_queries
):
    first, _ = _add(tenant_a, admin_a, acme, 2)
    page = client_a.get("/crm/opportunities/?search=Deal+00").content.decode()
    assert 'href="/crm/opportunities/?search=Deal+00&amp;export=csv"' in page
    rows = csv_rows(client_a.get("/crm/opportunities/?search=Deal+00&export=csv"))
    created = first.created_at.isoformat()
    currency, stage = first.currency, first.stage.name
    assert rows == [
        HEADERS,
        [str(first.pk), "Deal 00", "Acme GmbH", "Sales", stage, "open", "1000.5000", currency,
         str(first.probability), first.forecast_category, "2026-03-15", "admin@alpha.test",
         "Call Ada", "", created],
    ]  # fmt: skip
    sheet = xlsx_rows(client_a.get("/crm/opportunities/?search=Deal+00&export=xlsx"))
    assert sheet[0] == HEADERS
    assert sheet[1][:12] == [
        first.pk, "Deal 00", "Acme GmbH", "Sales", stage, "open", Decimal("1000.5"), currency,
        first.probability, first.forecast_category, dt.datetime(2026, 3, 15), "admin@alpha.test",
    ]  # fmt: skip
    assert len(sheet) == 2
    every = csv_rows(client_a.get("/crm/opportunities/?sort=-name&export=csv"))
    assert [row[1] for row in every[1:]] == ["Deal 01", "Deal 00"]

    with django_assert_max_num_queries(20) as captured:
        b"".join(client_a.get("/crm/opportunities/?export=csv").streaming_content)
    _add(tenant_a, admin_a, acme, 10, start=2)
    with django_assert_max_num_queries(len(captured.captured_queries)):
        b"".join(client_a.get("/crm/opportunities/?export=xlsx").streaming_content)
