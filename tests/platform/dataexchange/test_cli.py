"""``valuechain import``: mapping, modes, rejects file, progress and clear errors."""

from __future__ import annotations

import csv
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from valuechain.crm.customers.models import Account
from valuechain.platform.dataexchange.models import ImportJob
from valuechain.platform.tenancy.context import tenant_context


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def accounts_file(tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_text("Firm,Size\nAcme,11-50\nBad,huge\nGlobex,\n", encoding="utf-8")
    return path


def _names(tenant) -> list[str]:
    with tenant_context(tenant):
        return sorted(Account.objects.values_list("name", flat=True))


def test_valid_rows_with_mapping_and_rejects_file(tenant_a, admin_a, accounts_file, tmp_path):
    rejects = tmp_path / "rejects.csv"
    with pytest.raises(SystemExit) as exited:
        run(
            "customers.accounts", str(accounts_file), "--tenant", "alpha",
            "--as", "admin@alpha.test", "--mapping", "Firm=name", "Size=size_band",
            "--mode", "valid_rows", "--rejects", str(rejects),
        )  # fmt: skip
    assert exited.value.code == 1  # rows were rejected
    assert _names(tenant_a) == ["Acme", "Globex"]
    with rejects.open(encoding="utf-8-sig") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == ["Firm", "Size", "error"]
    assert lines[1][:2] == ["Bad", "huge"]


def test_clean_file_all_or_nothing_prints_counts_and_progress(tenant_a, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("Name\nAcme\nGlobex\n", encoding="utf-8")
    out, err = run("customers.accounts", str(path), "--tenant", "alpha")
    assert "imported: 2 created, 0 updated, 0 unchanged, 0 rejected" in out
    assert "2/2 rows" in err
    out, _ = run("customers.accounts", str(path), "--tenant", "alpha")
    assert "0 created, 0 updated, 2 unchanged" in out
    assert _names(tenant_a) == ["Acme", "Globex"]


def test_all_or_nothing_failure_and_dry_run_write_nothing(tenant_a, accounts_file, tmp_path):
    rejects = tmp_path / "r.xlsx"
    with pytest.raises(SystemExit):
        run(
            "customers.accounts", str(accounts_file), "--tenant", "alpha",
            "--mapping", "Firm=name", "Size=size_band", "--rejects", str(rejects),
        )  # fmt: skip
    assert _names(tenant_a) == []
    sheet = load_workbook(rejects).active
    assert [c.value for c in sheet[1]] == ["Firm", "Size", "error"]
    with pytest.raises(SystemExit):
        run(
            "customers.accounts", str(accounts_file), "--tenant", "alpha",
            "--mapping", "Firm=name", "Size=size_band", "--dry-run",
        )  # fmt: skip
    assert _names(tenant_a) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["customers.accounts", "FILE", "--tenant", "nope"], "No tenant 'nope'"),
        (["customers.accounts", "/no/such.csv", "--tenant", "alpha"], "No file"),
        (["nope", "FILE", "--tenant", "alpha"], "unknown_importer"),
        (["customers.accounts", "FILE", "--tenant", "alpha", "--mapping", "x"], "COLUMN=FIELD"),
        (["customers.accounts", "FILE", "--tenant", "alpha", "--as", "x@y.test"], "not an active"),
        (["customers.accounts", "FILE", "--tenant", "alpha"], "required_field_unmapped"),
    ],
)
def test_errors(tenant_a, accounts_file, args, message):
    args = [str(accounts_file) if a == "FILE" else a for a in args]
    with pytest.raises(CommandError, match=message):
        run(*args)
    with tenant_context(tenant_a):
        assert ImportJob.objects.count() == 0
