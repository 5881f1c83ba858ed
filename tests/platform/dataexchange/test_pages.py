"""The import pages: upload, mapping, validation report, run, rejects, history, permissions."""

from __future__ import annotations

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from tests.conftest import make_member

from valuechain.crm.customers import services as customers
from valuechain.crm.customers.models import Account
from valuechain.platform.dataexchange import services
from valuechain.platform.dataexchange.models import ImportJob
from valuechain.platform.tenancy.context import tenant_context
from valuechain.platform.web.registry import menu_items

CSV = b"Firm,Size,Note\nAcme,11-50,x\nBad,huge,y\n"


def _upload(client: Client, content: bytes = CSV, importer: str = "customers.accounts"):
    return client.post(
        "/data/import/", {"importer": importer, "file": SimpleUploadedFile("a.csv", content)}
    )


def _job(tenant) -> ImportJob:
    with tenant_context(tenant):
        return ImportJob.objects.get()


def _mapping_post(client: Client, job: ImportJob, action: str, mode: str, **columns: str):
    data = {"action": action, "mode": mode}
    data.update(columns)
    return client.post(f"/data/import/{job.pk}/", data)


def test_full_flow_upload_map_validate_run_download(client_a, tenant_a):
    assert any(i.url_name == "dataexchange-import" for i in menu_items("crm"))
    page = client_a.get("/data/import/")
    assert page.status_code == 200
    assert "No imports yet." in page.content.decode()

    response = _upload(client_a)
    job = _job(tenant_a)
    assert response.status_code == 302
    assert response["Location"] == f"/data/import/{job.pk}/"
    html = client_a.get(response["Location"]).content.decode()
    assert "Check rows (dry run)" in html
    assert '<option value="size_band" selected>' in html  # guessed from the header "Size"
    assert "Firm" in html

    # the user maps Firm -> name and validates
    response = _mapping_post(
        client_a, job, "validate", "valid_rows", col_0="name", col_1="size_band"
    )
    assert response.status_code == 302
    with tenant_context(tenant_a):
        assert Account.objects.count() == 0
    html = client_a.get(f"/data/import/{job.pk}/").content.decode()
    assert "Validation (nothing imported yet)" in html
    assert "invalid_size_band" in html and "<td>Size</td>" in html
    assert "1 new · 0 updated · 0 unchanged · <strong>1 rejected</strong>" in html
    every = client_a.get(f"/data/import/{job.pk}/?show=all").content.decode()
    assert every.count("<td>2</td>") == 1 and "created" in every

    response = _mapping_post(client_a, job, "run", "valid_rows", col_0="name", col_1="size_band")
    assert response.status_code == 302
    html = client_a.get(f"/data/import/{job.pk}/").content.decode()
    assert "Import result" in html
    assert "Check rows (dry run)" not in html  # a finished import cannot run again
    with tenant_context(tenant_a):
        assert list(Account.objects.values_list("name", flat=True)) == ["Acme"]

    download = client_a.get(f"/data/import/{job.pk}/rejects/?format=csv")
    text = b"".join(download.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Firm", "Size", "Note", "error"]
    assert rows[1][:3] == ["Bad", "huge", "y"]
    assert client_a.get(f"/data/import/{job.pk}/rejects/?format=xlsx").status_code == 200
    assert client_a.get(f"/data/import/{job.pk}/rejects/?format=pdf").status_code == 404

    history = client_a.get("/data/import/").content.decode()
    assert "a.csv" in history and "imported" in history


def test_all_or_nothing_failure_is_shown_and_nothing_written(client_a, tenant_a):
    _upload(client_a)
    job = _job(tenant_a)
    _mapping_post(client_a, job, "run", "all_or_nothing", col_0="name", col_1="size_band")
    html = client_a.get(f"/data/import/{job.pk}/").content.decode()
    assert "Import failed: nothing was imported" in html
    with tenant_context(tenant_a):
        assert Account.objects.count() == 0


def test_errors_next_to_the_fields(client_a, tenant_a):
    response = client_a.post("/data/import/", {"importer": "customers.accounts"})
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    response = _upload(client_a, b"")
    assert response.status_code == 422
    assert "The submitted file is empty." in response.content.decode()
    response = _upload(client_a, b"\n,,\n")
    assert response.status_code == 422
    assert "The file is empty: the first row must name the columns." in response.content.decode()
    response = _upload(client_a, importer="nope")
    assert response.status_code == 422
    with tenant_context(tenant_a):
        assert ImportJob.objects.count() == 0

    _upload(client_a)
    job = _job(tenant_a)
    response = _mapping_post(client_a, job, "validate", "valid_rows", col_1="size_band")
    assert response.status_code == 422
    assert "Map a column to the required field(s): name." in response.content.decode()
    response = _mapping_post(client_a, job, "validate", "valid_rows", col_0="name", col_1="name")
    assert response.status_code == 422
    assert "Two columns are mapped to" in response.content.decode()
    response = _mapping_post(client_a, job, "validate", "sometimes", col_0="name")
    assert response.status_code == 422
    assert _job(tenant_a).status == "uploaded"


def test_permissions_and_tenants(client_a, client_b, tenant_a):
    _upload(client_a)
    job = _job(tenant_a)
    assert client_b.get(f"/data/import/{job.pk}/").status_code == 404
    assert client_b.get(f"/data/import/{job.pk}/rejects/").status_code == 404

    planner = make_member(tenant_a, "planner@alpha.test", role="planner")
    client = Client()
    client.force_login(planner.user)
    page = client.get("/data/import/")
    assert page.status_code == 200 and "Upload a file" not in page.content.decode()
    assert client.get(f"/data/import/{job.pk}/").status_code == 200
    assert _upload(client).status_code == 403
    response = _mapping_post(client, job, "run", "valid_rows", col_0="name")
    assert response.status_code == 403

    buyer = make_member(tenant_a, "buyer@alpha.test", role="buyer")
    client.force_login(buyer.user)
    assert client.get("/data/import/").status_code == 403
    assert Client().get("/data/import/").status_code == 302


def test_history_and_report_query_counts(
    client_a, tenant_a, admin_a, django_assert_max_num_queries
):
    with tenant_context(tenant_a, actor=admin_a.user):
        customers.create_account(name="Seed")
        for _ in range(3):
            job = services.upload(
                importer_key="customers.accounts", filename="a.csv", content=CSV * 1
            )
            services.validate(job.pk, mapping={"Firm": "name", "Size": "size_band"})
    with django_assert_max_num_queries(12):
        assert client_a.get("/data/import/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client_a.get(f"/data/import/{job.pk}/?show=all").status_code == 200
