"""The territories list exports every row with its filter and sort, as CSV and Excel."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from valuechain.crm.territories import services
from valuechain.platform.tenancy.context import tenant_context

HEADERS = [
    "Id",
    "Name",
    "Priority",
    "Active",
    "Countries",
    "Regions",
    "Postal prefixes",
    "Industries",
    "Size bands",
    "Team",
    "Accounts",
    "Leads",
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


def _add(tenant, admin, names: list[str]) -> list:
    with tenant_context(tenant, actor=admin.user):
        made = []
        for index, name in enumerate(names):
            territory = services.create_territory(
                name=name, priority=index, countries=["DE", "AT"], industries=["Energy"]
            )
            services.add_member(territory.pk, user_id=admin.user_id, role="manager")
            made.append(territory)
        return made


def test_territory_list_exports_filtered_rows(
    client_a, tenant_a, admin_a, django_assert_max_num_queries
):
    dach, _ = _add(tenant_a, admin_a, ["DACH", "France"])
    page = client_a.get("/crm/territories/?name=dac").content.decode()
    assert 'href="/crm/territories/?name=dac&amp;export=csv"' in page
    rows = csv_rows(client_a.get("/crm/territories/?name=dac&export=csv"))
    assert rows == [
        HEADERS,
        [str(dach.pk), "DACH", "0", "yes", "DE, AT", "", "", "Energy", "", "1", "0", "0"],
    ]
    sheet = xlsx_rows(client_a.get("/crm/territories/?name=dac&export=xlsx"))
    assert sheet == [
        HEADERS,
        [dach.pk, "DACH", 0, True, "DE, AT", None, None, "Energy", None, 1, 0, 0],
    ]
    every = csv_rows(client_a.get("/crm/territories/?sort=name&export=csv"))
    assert [row[1] for row in every[1:]] == ["DACH", "France"]

    with django_assert_max_num_queries(20) as captured:
        b"".join(client_a.get("/crm/territories/?export=csv").streaming_content)
    _add(tenant_a, admin_a, [f"Zone {index:02d}" for index in range(10)])
    with django_assert_max_num_queries(len(captured.captured_queries)):
        b"".join(client_a.get("/crm/territories/?export=xlsx").streaming_content)
