"""The activities list exports every row with its filters and sort, as CSV and Excel."""

from __future__ import annotations

import csv
import datetime as dt
import io

from openpyxl import load_workbook

from valuechain.crm.activities import services
from valuechain.platform.tenancy.context import tenant_context

HEADERS = [
    "Id",
    "Kind",
    "Subject",
    "Status",
    "Priority",
    "Scheduled at",
    "Person",
    "Account",
    "Assignee e-mail",
    "Completed at",
    "Outcome",
]
DUE = dt.datetime(2030, 1, 2, 9, 0, tzinfo=dt.UTC)


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


def _add(tenant, admin, ada, count: int, start: int = 0) -> list:
    with tenant_context(tenant, actor=admin.user, channel="ui"):
        return [
            services.create_activity(
                {
                    "kind": "call" if index == 0 else "task",
                    "subject": f"Item {index:02d}",
                    "due_at": DUE + dt.timedelta(days=index),
                    "person_id": ada.pk,
                }
            )
            for index in range(start, start + count)
        ]


def test_activity_list_exports_filtered_rows(
    client_a, tenant_a, admin_a, ada, django_assert_max_num_queries
):
    call, _ = _add(tenant_a, admin_a, ada, 2)
    page = client_a.get("/crm/activities/?kind=call").content.decode()
    assert 'href="/crm/activities/?kind=call&amp;export=csv"' in page
    rows = csv_rows(client_a.get("/crm/activities/?kind=call&export=csv"))
    assert rows == [
        HEADERS,
        [str(call.pk), "call", "Item 00", "open", "normal", "2030-01-02T09:00:00+00:00",
         "Ada Lovelace", "", "admin@alpha.test", "", ""],
    ]  # fmt: skip
    sheet = xlsx_rows(client_a.get("/crm/activities/?kind=call&export=xlsx"))
    assert sheet == [
        HEADERS,
        [call.pk, "call", "Item 00", "open", "normal", dt.datetime(2030, 1, 2, 9, 0),
         "Ada Lovelace", None, "admin@alpha.test", None, None],
    ]  # fmt: skip
    # The bare list shows open activities; its export link keeps that default.
    every = csv_rows(client_a.get("/crm/activities/?export=csv"))
    assert [row[2] for row in every[1:]] == ["Item 00", "Item 01"]

    with django_assert_max_num_queries(20) as captured:
        b"".join(client_a.get("/crm/activities/?export=csv").streaming_content)
    _add(tenant_a, admin_a, ada, 10, start=2)
    with django_assert_max_num_queries(len(captured.captured_queries)):
        b"".join(client_a.get("/crm/activities/?export=xlsx").streaming_content)
