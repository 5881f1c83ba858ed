"""The leads importer: e-mail matching (no duplicates on re-import), updates, refusals."""

from __future__ import annotations

import pytest

from valuechain.crm.leads import services
from valuechain.crm.leads.models import Lead
from valuechain.platform.dataexchange import services as dataexchange

pytestmark = pytest.mark.usefixtures("in_tenant_a")

CSV = (
    "First name,Last name,Email,Phone,Company,Country,Size,Lead source,Owner,Notes\n"
    "Ada,Lovelace,ADA@Example.com,030 1234567,Engines,DE,11-50,,admin@alpha.test,met at fair\n"
    "Bob,Builder,,,Bricks,,,referral,,\n"
)


def run(text: str, mode: str = "valid_rows"):
    """Upload and import a CSV text; the finished job."""
    job = dataexchange.upload(
        importer_key="leads.leads", filename="leads.csv", content=text.encode(), mode=mode
    )
    return dataexchange.run(job.pk)


def test_leads_import_and_rerun_makes_no_duplicates(admin_a):
    job = run(CSV)
    assert (job.created_count, job.rejected_count) == (2, 0)
    ada = Lead.objects.get(last_name="Lovelace")
    assert (ada.email, ada.phone, ada.company, ada.country) == (
        "ada@example.com",
        "+49301234567",
        "Engines",
        "DE",
    )
    assert (ada.size_band, ada.source, ada.owner_id, ada.notes) == (
        "11-50",
        "import",
        admin_a.user_id,
        "met at fair",
    )
    assert Lead.objects.get(last_name="Builder").source == "referral"
    again = run(CSV)
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 2)
    assert Lead.objects.count() == 2


def test_open_lead_matched_by_email_is_updated_and_converted_one_left_alone():
    open_lead = services.create_lead(last_name="Lovelace", email="ada@example.com")
    done = services.create_lead(last_name="Done", email="done@example.com")
    Lead.objects.filter(pk=done.pk).update(status="converted")
    job = run("Last name,Email,Job title\nLovelace,Ada@example.com,CTO\nDone,done@example.com,X\n")
    assert (job.updated_count, job.unchanged_count, job.created_count) == (1, 1, 0)
    assert Lead.objects.get(pk=open_lead.pk).job_title == "CTO"
    assert Lead.objects.get(pk=done.pk).job_title == ""


def test_refusals_write_nothing_in_all_or_nothing():
    job = run(
        "Last name,Email,Size,Owner,Lead source\n"
        ",a@example.com,,,\n"
        "B,not-an-email,,,\n"
        "C,,huge,,\n"
        "D,,,nobody@x.test,\n"
        "E,,,,carrier pigeon\n",
        mode="all_or_nothing",
    )
    rows = [(r.row_number, r.error_code, r.field) for r in job.rows.order_by("row_number")]
    assert rows == [
        (2, "last_name_required", "last_name"),
        (3, "invalid_email", "email"),
        (4, "invalid_size_band", "size_band"),
        (5, "unknown_owner", "owner_email"),
        (6, "invalid_source", "source"),
    ]
    assert job.status == "failed"
    assert Lead.objects.count() == 0


def test_lead_list_exports_with_its_filters(client_a, tenant_a, admin_a):
    import csv
    import io

    from valuechain.platform.tenancy.context import tenant_context

    with tenant_context(tenant_a, actor=admin_a.user):
        services.create_lead(last_name="Lovelace", email="ada@example.com", source="referral")
        services.create_lead(last_name="Other")
    page = client_a.get("/crm/leads/?source=referral").content.decode()
    assert "export=csv" in page
    response = client_a.get("/crm/leads/?source=referral&export=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Id", "First name", "Last name"]
    assert [row[2] for row in rows[1:]] == ["Lovelace"]
