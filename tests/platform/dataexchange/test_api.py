"""The imports API: every endpoint, permissions, the error shape, nothing written on error."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook
from tests.conftest import make_member

from valuechain.crm.customers.models import Account
from valuechain.platform.dataexchange.models import ImportJob
from valuechain.platform.tenancy.context import tenant_context

CSV = b"Company,Size\nAcme,11-50\nBad,huge\n"


def _upload(client: Client, content: bytes = CSV, **fields):
    data = {"importer": "customers.accounts", "file": SimpleUploadedFile("a.csv", content)}
    data.update(fields)
    return client.post("/api/v1/imports", data)


def _error(response, status: int, code: str, field: str | None = None):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert body["message"]
    if field is not None:
        assert body["details"]["field"] == field
    return body


def _jobs(tenant) -> int:
    with tenant_context(tenant):
        return ImportJob.objects.count()


def _accounts(tenant) -> int:
    with tenant_context(tenant):
        return Account.objects.count()


def test_importers_lists_keys_and_fields(client_a):
    response = client_a.get("/api/v1/importers")
    assert response.status_code == 200
    by_key = {item["key"]: item for item in response.json()}
    assert {"customers.accounts", "customers.contacts"} <= set(by_key)
    accounts = by_key["customers.accounts"]
    assert accounts["permission"] == "crm:write"
    name = next(f for f in accounts["fields"] if f["name"] == "name")
    assert name["required"] is True
    assert "company" in name["aliases"]


def test_upload_validates_then_run_imports_and_reports(client_a, tenant_a):
    response = _upload(client_a, mode="valid_rows")
    assert response.status_code == 201, response.content
    job = response.json()
    assert job["status"] == "validated"
    assert job["mapping"] == {"Company": "name", "Size": "size_band"}
    assert (job["total_rows"], job["created_count"], job["rejected_count"]) == (2, 1, 1)
    assert _accounts(tenant_a) == 0

    rows = client_a.get(f"/api/v1/imports/{job['id']}/rows?status=rejected").json()
    assert rows["count"] == 1
    assert rows["items"][0]["row_number"] == 3
    assert rows["items"][0]["error_code"] == "invalid_size_band"
    assert rows["items"][0]["field"] == "size_band"

    run = client_a.post(f"/api/v1/imports/{job['id']}/run", "{}", content_type="application/json")
    assert run.status_code == 200, run.content
    assert (run.json()["status"], run.json()["created_count"]) == ("imported", 1)
    assert _accounts(tenant_a) == 1
    assert client_a.get(f"/api/v1/imports/{job['id']}").json()["status"] == "imported"
    listed = client_a.get("/api/v1/imports").json()
    assert [item["id"] for item in listed["items"]] == [job["id"]]

    rejects = client_a.get(f"/api/v1/imports/{job['id']}/rejects?format=csv")
    assert rejects.status_code == 200
    text = b"".join(rejects.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == ["Company", "Size", "error"]
    assert lines[1][:2] == ["Bad", "huge"]
    assert lines[1][2].startswith("invalid_size_band [Size]:")

    xlsx = client_a.get(f"/api/v1/imports/{job['id']}/rejects?format=xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert [cell.value for cell in sheet[1]] == ["Company", "Size", "error"]
    assert sheet.max_row == 2


def test_explicit_mapping_and_all_or_nothing_failure(client_a, tenant_a):
    mapping = json.dumps({"Company": "name", "Size": "size_band"})
    job = _upload(client_a, mapping=mapping).json()
    assert job["mode"] == "all_or_nothing"
    run = client_a.post(f"/api/v1/imports/{job['id']}/run", "{}", content_type="application/json")
    assert run.json()["status"] == "failed"
    assert _accounts(tenant_a) == 0
    again = client_a.post(
        f"/api/v1/imports/{job['id']}/run",
        json.dumps({"mode": "valid_rows"}),
        content_type="application/json",
    )
    assert (again.json()["status"], again.json()["mode"]) == ("imported", "valid_rows")
    _error(
        client_a.post(f"/api/v1/imports/{job['id']}/run", "{}", content_type="application/json"),
        409,
        "import_already_run",
    )


def test_revalidate_with_another_mapping(client_a):
    job = _upload(client_a, b"A,B\nAcme,Retail\n", mapping=json.dumps({"A": "name"})).json()
    response = client_a.post(
        f"/api/v1/imports/{job['id']}/validate",
        json.dumps({"mapping": {"A": "name", "B": "industry"}}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["mapping"] == {"A": "name", "B": "industry"}


@pytest.mark.parametrize(
    ("fields", "content", "status", "code", "field"),
    [
        ({"importer": "nope"}, CSV, 422, "unknown_importer", "importer"),
        ({"mode": "maybe"}, CSV, 422, "invalid_mode", "mode"),
        ({"mapping": "not json"}, CSV, 422, "invalid_mapping", "mapping"),
        ({"mapping": "[1]"}, CSV, 422, "invalid_mapping", "mapping"),
        ({"mapping": '{"Company": "colour"}'}, CSV, 422, "unknown_import_field", "mapping"),
        ({"mapping": '{"Nope": "name"}'}, CSV, 422, "unknown_column", "mapping"),
        ({}, b"A\nx\n", 422, "required_field_unmapped", "mapping"),
        ({}, b"", 422, "no_header", "file"),
        ({}, b"PK\x03\x04garbage", 422, "unreadable_file", "file"),
    ],
)
def test_upload_refusals(client_a, tenant_a, fields, content, status, code, field):
    _error(_upload(client_a, content, **fields), status, code, field)
    assert _jobs(tenant_a) == 0


def test_upload_without_file_is_a_validation_error(client_a, tenant_a):
    response = client_a.post("/api/v1/imports", {"importer": "customers.accounts"})
    body = _error(response, 422, "validation_error")
    assert any(e["field"] == "file" for e in body["details"]["errors"])
    assert _jobs(tenant_a) == 0


def test_file_and_row_limits(client_a, tenant_a, settings):
    settings.VALUECHAIN_IMPORT_MAX_ROWS = 1
    _error(_upload(client_a), 422, "too_many_rows", "file")
    settings.VALUECHAIN_IMPORT_MAX_BYTES = 5
    _error(_upload(client_a), 422, "file_too_large", "file")
    assert _jobs(tenant_a) == 0


def test_bad_ids_formats_and_statuses(client_a):
    _error(client_a.get("/api/v1/imports/999999"), 404, "import_not_found")
    _error(
        client_a.post("/api/v1/imports/999999/run", "{}", content_type="application/json"),
        404,
        "import_not_found",
    )
    job = _upload(client_a).json()
    _error(
        client_a.get(f"/api/v1/imports/{job['id']}/rejects?format=pdf"),
        422,
        "invalid_format",
        "format",
    )
    _error(
        client_a.get(f"/api/v1/imports/{job['id']}/rows?status=odd"),
        422,
        "invalid_status",
        "status",
    )
    _error(client_a.get("/api/v1/imports?sort=size"), 422, "invalid_sort", "sort")
    response = client_a.post(
        f"/api/v1/imports/{job['id']}/run",
        json.dumps({"mode": "sometimes"}),
        content_type="application/json",
    )
    _error(response, 422, "invalid_mode", "mode")


def test_permissions(tenant_a, client_a):
    reader = make_member(tenant_a, "reader@alpha.test", role="planner")
    client = Client()
    client.force_login(reader.user)
    job = _upload(client_a).json()
    assert client.get("/api/v1/importers").json() == []  # planners read crm, do not write it
    body = _error(_upload(client), 403, "permission_denied")
    assert body["details"]["needed"] == "crm:write"
    _error(
        client.post(f"/api/v1/imports/{job['id']}/run", "{}", content_type="application/json"),
        403,
        "permission_denied",
    )
    assert client.get(f"/api/v1/imports/{job['id']}").status_code == 200
    _error(Client().get("/api/v1/imports"), 401, "not_authenticated")
    outsider = make_member(tenant_a, "buyer@alpha.test", role="buyer")  # no crm access at all
    client.force_login(outsider.user)
    _error(client.get(f"/api/v1/imports/{job['id']}"), 404, "import_not_found")
    assert client.get("/api/v1/imports").json()["count"] == 0


def test_other_tenants_jobs_do_not_exist(client_a, client_b):
    job = _upload(client_a).json()
    _error(client_b.get(f"/api/v1/imports/{job['id']}"), 404, "import_not_found")
    _error(client_b.get(f"/api/v1/imports/{job['id']}/rows"), 404, "import_not_found")
    assert client_b.get("/api/v1/imports").json()["count"] == 0


def test_list_query_counts_do_not_grow(client_a, django_assert_max_num_queries):
    for _ in range(2):
        _upload(client_a)
    with django_assert_max_num_queries(8):
        assert client_a.get("/api/v1/imports").status_code == 200
    for _ in range(4):
        _upload(client_a)
    with django_assert_max_num_queries(8):
        assert client_a.get("/api/v1/imports").json()["count"] == 6
    job = client_a.get("/api/v1/imports").json()["items"][0]["id"]
    with django_assert_max_num_queries(10):
        assert client_a.get(f"/api/v1/imports/{job}/rows").json()["count"] == 2
