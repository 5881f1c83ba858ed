"""The duplicates list exports every candidate with its filters and sort, as CSV and Excel."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from valuechain.crm.customers import duplicates, services
from valuechain.crm.customers.merge_models import DuplicateCandidate
from valuechain.platform.tenancy.context import tenant_context

HEADERS = [
    "Id",
    "Kind",
    "Score",
    "First id",
    "First",
    "Second id",
    "Second",
    "Reasons",
    "Status",
    "Scanned at",
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


def _account_pairs(tenant, start: int, count: int) -> None:
    with tenant_context(tenant):
        for index in range(start, start + count):
            account = services.create_account(name=f"Firm {index:02d}")
            twin = services.create_account(name=f"Firm {index:02d} GmbH")
            DuplicateCandidate.objects.create(
                kind="account",
                first_id=account.pk,
                second_id=twin.pk,
                score=50 + index,
                reasons=["similar_name"],
            )


def test_duplicate_list_exports_filtered_rows(
    client_a, tenant_a, admin_a, django_assert_max_num_queries
):
    with tenant_context(tenant_a, actor=admin_a.user):
        ada = services.create_person(first_name="Ada", last_name="Lovelace")
        twin = services.create_person(first_name="Ada", last_name="Lovelace")
        duplicates.scan("person")
        pair = DuplicateCandidate.objects.get()
    _account_pairs(tenant_a, 0, 2)
    page = client_a.get("/crm/duplicates/?kind=person").content.decode()
    assert 'href="/crm/duplicates/?kind=person&amp;export=csv"' in page
    rows = csv_rows(client_a.get("/crm/duplicates/?kind=person&export=csv"))
    assert rows == [
        HEADERS,
        [str(pair.pk), "person", str(pair.score), str(ada.pk), "Ada Lovelace", str(twin.pk),
         "Ada Lovelace", "same name", "open", pair.scanned_at.isoformat()],
    ]  # fmt: skip
    sheet = xlsx_rows(client_a.get("/crm/duplicates/?kind=person&export=xlsx"))
    assert sheet[0] == HEADERS
    assert sheet[1][:9] == [
        pair.pk, "person", pair.score, ada.pk, "Ada Lovelace", twin.pk, "Ada Lovelace",
        "same name", "open",
    ]  # fmt: skip
    assert len(sheet) == 2
    accounts = csv_rows(client_a.get("/crm/duplicates/?kind=account&sort=score&export=csv"))
    assert [row[4] for row in accounts[1:]] == ["Firm 00", "Firm 01"]

    with django_assert_max_num_queries(20) as captured:
        b"".join(client_a.get("/crm/duplicates/?export=csv").streaming_content)
    _account_pairs(tenant_a, 2, 10)
    with django_assert_max_num_queries(len(captured.captured_queries)):
        b"".join(client_a.get("/crm/duplicates/?export=xlsx").streaming_content)
