"""Import jobs: upload, dry-run validation, both modes, rejects, re-runs, refusals."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from valuechain.crm.customers.models import Account
from valuechain.platform.audit.models import AuditEntry
from valuechain.platform.dataexchange import services
from valuechain.platform.dataexchange.models import ImportFile, ImportJob, ImportRow
from valuechain.platform.errors import DomainError
from valuechain.platform.events.models import OutboxEvent

pytestmark = pytest.mark.usefixtures("in_tenant_a")

CSV = b"Company,Size\nAcme,11-50\nBad,huge\nGlobex,\nacme,\n"


def upload(content: bytes = CSV, **kwargs):
    """A new job for the accounts importer."""
    return services.upload(
        importer_key="customers.accounts", filename="accounts.csv", content=content, **kwargs
    )


def statuses(job) -> list[tuple[int, str, str]]:
    """(row, status, error code) of every report line."""
    return list(job.rows.order_by("row_number").values_list("row_number", "status", "error_code"))


def test_upload_keeps_the_file_and_guesses_the_mapping():
    job = upload()
    assert (job.status, job.file_format, job.total_rows) == ("uploaded", "csv", 4)
    assert job.headers == ["Company", "Size"]
    assert job.mapping == {"Company": "name", "Size": "size_band"}
    assert bytes(ImportFile.objects.get(job=job).content) == CSV
    assert ImportRow.objects.count() == 0


def test_validate_is_a_dry_run_whose_report_equals_the_import():
    job = services.validate(upload().pk)
    expected = [(2, "created", ""), (3, "rejected", "invalid_size_band"), (4, "created", "")]
    expected.append((5, "unchanged", ""))  # row 5 finds row 2's account, as the import will
    assert statuses(job) == expected
    assert (job.status, job.created_count, job.unchanged_count, job.rejected_count) == (
        "validated",
        2,
        1,
        1,
    )
    assert Account.objects.count() == 0
    assert not OutboxEvent.objects.filter(type="AccountCreated").exists()

    done = services.run(job.pk, mode="valid_rows")
    assert statuses(done) == expected
    assert done.status == "imported"
    assert sorted(Account.objects.values_list("name", flat=True)) == ["Acme", "Globex"]


def test_all_or_nothing_writes_nothing_when_a_row_fails():
    job = services.run(upload().pk)
    assert (job.mode, job.status, job.rejected_count) == ("all_or_nothing", "failed", 1)
    assert Account.objects.count() == 0
    assert ImportRow.objects.filter(job=job).count() == 4
    # fixed file, same job: run again in the other mode
    job = services.run(job.pk, mode="valid_rows")
    assert job.status == "imported"
    assert Account.objects.count() == 2


def test_all_or_nothing_imports_a_clean_file_in_one_go_audited_as_import():
    job = services.run(upload(b"Company\nAcme\nGlobex\n").pk)
    assert (job.status, job.created_count) == ("imported", 2)
    account_type = ContentType.objects.get_for_model(Account)
    entry = AuditEntry.objects.filter(content_type=account_type, action="create").first()
    assert entry is not None and entry.channel == "import"
    assert OutboxEvent.objects.filter(type="ImportCompleted").count() == 1


def test_a_finished_import_cannot_run_twice_but_the_same_file_again_makes_no_duplicates():
    job = services.run(upload(b"Company\nAcme\n").pk)
    with pytest.raises(DomainError) as caught:
        services.run(job.pk)
    assert (caught.value.code, caught.value.status) == ("import_already_run", 409)
    again = services.run(upload(b"Company\nAcme\n").pk)
    assert (again.created_count, again.unchanged_count) == (0, 1)
    assert Account.objects.count() == 1


def test_remapping_at_validation():
    job = upload(b"Col A,Col B\nAcme,Retail\n")
    assert job.mapping == {}
    with pytest.raises(DomainError) as caught:
        services.validate(job.pk)
    assert caught.value.code == "required_field_unmapped"
    job = services.validate(job.pk, mapping={"Col A": "name", "Col B": "industry"})
    assert job.mapping == {"Col A": "name", "Col B": "industry"}
    services.run(job.pk)
    assert Account.objects.get().industry == "Retail"


def test_rejects_table_keeps_the_original_columns_and_adds_the_error():
    job = services.run(upload(b"Company,Size,Note\nAcme,11-50,x\nBad,huge\n").pk, mode="valid_rows")
    headers, rows = services.rejects_table(job)
    assert headers == ["Company", "Size", "Note", "error"]
    assert len(rows) == 1
    assert rows[0][:3] == ["Bad", "huge", ""]
    assert rows[0][3].startswith("invalid_size_band [Size]: ")


def test_rejects_need_a_validated_job():
    with pytest.raises(DomainError) as caught:
        services.rejects_table(upload())
    assert (caught.value.code, caught.value.status) == ("not_validated", 409)


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"importer_key": "nope"}, "unknown_importer", "importer"),
        ({"mode": "some"}, "invalid_mode", "mode"),
        ({"content": b""}, "no_header", "file"),
        ({"mapping": {"Company": "colour"}}, "unknown_import_field", "mapping"),
        ({"mapping": {"Size": "size_band"}}, "required_field_unmapped", "mapping"),
    ],
)
def test_upload_refusals_write_nothing(kwargs, code, field):
    arguments = {
        "importer_key": "customers.accounts",
        "filename": "a.csv",
        "content": CSV,
        **kwargs,
    }
    with pytest.raises(DomainError) as caught:
        services.upload(**arguments)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert ImportJob.objects.count() == 0


def test_limits_come_from_settings(settings):
    settings.VALUECHAIN_IMPORT_MAX_ROWS = 2
    with pytest.raises(DomainError) as caught:
        upload()
    assert caught.value.code == "too_many_rows"
    settings.VALUECHAIN_IMPORT_MAX_BYTES = 10
    with pytest.raises(DomainError) as caught:
        upload()
    assert caught.value.code == "file_too_large"


def test_unknown_job():
    with pytest.raises(DomainError) as caught:
        services.validate(999_999)
    assert (caught.value.code, caught.value.status) == ("import_not_found", 404)


def test_progress_is_reported_per_row():
    seen: list[tuple[int, int]] = []
    services.validate(upload().pk, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]
