"""List exports: CSV and Excel with the list's filters and sort, all rows, safe cells, queries."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from openpyxl import load_workbook
from tests.conftest import make_member

from valuechain.crm.customers import interactions, services
from valuechain.platform.dataexchange.exports import export_response
from valuechain.platform.dataexchange.registry import column
from valuechain.platform.tenancy.context import tenant_context


def csv_rows(response) -> list[list[str]]:
    """The CSV download's rows (BOM checked and removed)."""
    assert response.status_code == 200, getattr(response, "content", b"")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def xlsx_rows(response) -> list[list[object]]:
    """The Excel download's rows."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.fixture
def accounts(tenant_a, admin_a):
    with tenant_context(tenant_a, actor=admin_a.user):
        for index in range(60):  # more than one page of the list (50)
            services.create_account(name=f"Acme {index:02d}", tags=["vip"] if index % 2 else [])
        services.create_account(name="=HYPERLINK(evil)", industry="-2+3")
        services.create_account(name="Globex", industry="Energy")


def test_account_list_exports_every_filtered_row_in_the_list_sort(client_a, accounts):
    rows = csv_rows(client_a.get("/crm/accounts/?name=acme&sort=-name&page=2&export=csv"))
    assert rows[0][:3] == ["Id", "Name", "Legal name"]
    names = [row[1] for row in rows[1:]]
    assert len(names) == 60
    assert names[0] == "Acme 59" and names[-1] == "Acme 00"
    tagged = csv_rows(client_a.get("/crm/accounts/?tag=vip&export=csv"))
    assert len(tagged) == 31
    assert {row[9] for row in tagged[1:]} == {"vip"}


def test_formula_cells_are_defused(client_a, accounts):
    rows = csv_rows(client_a.get("/crm/accounts/?name=HYPERLINK&export=csv"))
    assert rows[1][1] == "'=HYPERLINK(evil)"
    assert rows[1][4] == "'-2+3"
    sheet = xlsx_rows(client_a.get("/crm/accounts/?name=HYPERLINK&export=xlsx"))
    assert sheet[1][1] == "'=HYPERLINK(evil)"


def test_account_list_excel(client_a, accounts):
    response = client_a.get("/crm/accounts/?name=globex&export=xlsx")
    assert 'filename="accounts-' in response["Content-Disposition"]
    sheet = xlsx_rows(response)
    assert sheet[0][1] == "Name"
    assert [row[1] for row in sheet[1:]] == ["Globex"]
    assert sheet[1][4] == "Energy"


def test_people_and_unmatched_exports(client_a, tenant_a, admin_a):
    with tenant_context(tenant_a, actor=admin_a.user):
        acme = services.create_account(name="Acme")
        ada = services.create_person(first_name="Ada", last_name="Lovelace", account_id=acme.pk)
        services.add_email("person", ada.pk, email="ada@example.com")
        services.create_person(last_name="Other")
        interactions.record_interaction(
            {
                "channel": "web",
                "subject": "Hello",
                "identifier_kind": "email",
                "identifier_value": "stranger@example.com",
            }
        )
    rows = csv_rows(client_a.get("/crm/people/?name=ada&export=csv"))
    assert rows[1][1:6] == ["Ada", "Lovelace", "", "Acme", "ada@example.com"]
    assert len(rows) == 2
    unmatched = csv_rows(client_a.get("/crm/interactions/unmatched/?export=csv"))
    assert unmatched[0][:3] == ["Id", "Occurred at", "Channel"]
    assert unmatched[1][6] == "stranger@example.com"


def test_list_pages_show_export_links_with_the_filters(client_a, accounts):
    page = client_a.get("/crm/accounts/?name=acme&page=2").content.decode()
    assert 'href="/crm/accounts/?name=acme&amp;export=csv"' in page
    assert 'href="/crm/accounts/?name=acme&amp;export=xlsx"' in page
    assert "export=csv" in client_a.get("/crm/people/").content.decode()
    assert "export=xlsx" in client_a.get("/crm/interactions/unmatched/").content.decode()


def test_api_exports_with_filters_and_bad_input(client_a, accounts):
    rows = csv_rows(client_a.get("/api/v1/accounts/export?format=csv&name=acme&sort=-name"))
    assert len(rows) == 61
    assert rows[1][1] == "Acme 59"
    sheet = xlsx_rows(client_a.get("/api/v1/people/export?format=xlsx"))
    assert sheet == [sheet[0]]  # headers only: no people
    bad = client_a.get("/api/v1/accounts/export?format=pdf")
    assert (bad.status_code, bad.json()["code"], bad.json()["details"]["field"]) == (
        422,
        "invalid_format",
        "format",
    )
    bad = client_a.get("/api/v1/accounts/export?sort=colour")
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_sort")
    bad = client_a.get("/api/v1/people/export?lifecycle_stage=zombie")
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_lifecycle_stage")


def test_exports_need_crm_read(tenant_a):
    outsider = make_member(tenant_a, "buyer@alpha.test", role="buyer")
    client = Client()
    client.force_login(outsider.user)
    assert client.get("/crm/accounts/?export=csv").status_code == 403
    response = client.get("/api/v1/accounts/export?format=csv")
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")


def test_other_tenants_rows_never_exported(client_b, accounts):
    assert len(csv_rows(client_b.get("/crm/accounts/?export=csv"))) == 1
    assert len(csv_rows(client_b.get("/api/v1/accounts/export?format=csv"))) == 1


def test_export_query_count_does_not_grow_with_rows(
    client_a, tenant_a, admin_a, django_assert_max_num_queries
):
    def add(count: int, start: int) -> None:
        with tenant_context(tenant_a, actor=admin_a.user):
            for index in range(start, start + count):
                account = services.create_account(name=f"A{index}", tags=["x", "y"])
                person = services.create_person(last_name=f"P{index}", account_id=account.pk)
                services.add_email("person", person.pk, email=f"p{index}@example.com")

    add(3, 0)
    counts = {}
    for url in ("/crm/accounts/?export=csv", "/crm/people/?export=xlsx"):
        with django_assert_max_num_queries(16) as captured:
            response = client_a.get(url)
            b"".join(response.streaming_content)
        counts[url] = len(captured.captured_queries)
    add(20, 3)
    for url, count in counts.items():
        with django_assert_max_num_queries(count):
            response = client_a.get(url)
            b"".join(response.streaming_content)


def test_export_response_rejects_unknown_formats():
    from valuechain.platform.errors import DomainError

    with pytest.raises(DomainError) as caught:
        export_response([], [column("A", "a")], "pdf", "x")
    assert caught.value.code == "invalid_format"
