"""Backups and restores: SQLite online backups, pg_dump/pg_restore under row-level security."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat
import subprocess
import sys
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from valuechain.platform.errors import DomainError
from valuechain.platform.models import FxRate
from valuechain.platform.ops import backups
from valuechain.platform.tenancy.context import system_context, tenant_context

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_dump and pg_restore need PostgreSQL"
)
sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the test database is a SQLite one"
)


def make_database(path: Path, tenants: list[str], filler_bytes: int = 0) -> Path:
    """A small SQLite file in WAL mode with the tables a valuechain database has."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE django_migrations (id INTEGER PRIMARY KEY, app TEXT, name TEXT)")
    db.execute("CREATE TABLE tenancy_tenant (id INTEGER PRIMARY KEY, slug TEXT UNIQUE)")
    db.executemany("INSERT INTO tenancy_tenant (slug) VALUES (?)", [(s,) for s in tenants])
    if filler_bytes:
        db.execute("CREATE TABLE filler (data BLOB)")
        db.execute("INSERT INTO filler VALUES (zeroblob(?))", (filler_bytes,))
    db.commit()
    db.close()
    return path


def slugs(path: Path) -> list[str]:
    db = sqlite3.connect(path)
    try:
        return [row[0] for row in db.execute("SELECT slug FROM tenancy_tenant ORDER BY slug")]
    finally:
        db.close()


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR


# --- SQLite files ----------------------------------------------------------------------------


def test_sqlite_backup_is_a_private_self_contained_copy(tmp_path):
    source = make_database(tmp_path / "live.sqlite3", ["alpha", "beta"])

    target = backups.backup_sqlite(source, tmp_path / "out" / "copy.sqlite3")

    assert target == tmp_path / "out" / "copy.sqlite3"
    assert slugs(target) == ["alpha", "beta"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    db = sqlite3.connect(target)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    db.close()
    assert sorted(p.name for p in target.parent.iterdir()) == ["copy.sqlite3"]


def test_sqlite_backup_takes_committed_rows_while_a_writer_is_busy(tmp_path):
    source = make_database(tmp_path / "live.sqlite3", ["alpha"])
    writer = sqlite3.connect(source, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO tenancy_tenant (slug) VALUES ('uncommitted')")
    try:
        target = backups.backup_sqlite(source, tmp_path / "copy.sqlite3")
    finally:
        writer.execute("COMMIT")
        writer.close()

    assert slugs(target) == ["alpha"]
    assert slugs(source) == ["alpha", "uncommitted"]


def test_sqlite_backup_reports_progress_in_percent(tmp_path):
    source = make_database(tmp_path / "live.sqlite3", ["alpha"], filler_bytes=3_000_000)
    messages: list[str] = []

    backups.backup_sqlite(source, tmp_path / "copy.sqlite3", progress=messages.append)

    pages = os.path.getsize(source) // 4096
    assert len(messages) >= 3
    assert messages[0].startswith("Copying:  ")
    assert messages[-1] == f"Copying: 100% ({pages} of {pages} pages)"
    percents = [int(m.split(":")[1].split("%")[0]) for m in messages]
    assert percents == sorted(percents)


def test_sqlite_backup_refuses_to_overwrite_or_copy_nothing(tmp_path):
    source = make_database(tmp_path / "live.sqlite3", ["alpha"])
    existing = tmp_path / "existing.sqlite3"
    existing.write_text("keep me")

    with pytest.raises(DomainError) as raised:
        backups.backup_sqlite(source, existing)
    assert raised.value.code == "backup_exists"
    assert existing.read_text() == "keep me"

    with pytest.raises(DomainError) as raised:
        backups.backup_sqlite(tmp_path / "missing.sqlite3", tmp_path / "x.sqlite3")
    assert raised.value.code == "database_missing"


def test_verify_refuses_files_that_are_not_valuechain_databases(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    other = tmp_path / "other.sqlite3"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE things (id INTEGER)")
    db.commit()
    db.close()

    with pytest.raises(DomainError, match=r"is not a SQLite database\.$"):
        backups.verify_sqlite_backup(text)
    with pytest.raises(DomainError, match=r"is not a valuechain database \(no django_migrations"):
        backups.verify_sqlite_backup(other)


def test_verify_refuses_a_damaged_database(tmp_path):
    damaged = make_database(tmp_path / "damaged.sqlite3", [f"t{n}" for n in range(500)])
    db = sqlite3.connect(damaged)
    db.execute("PRAGMA journal_mode=DELETE")
    (root,) = db.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'tenancy_tenant'"
    ).fetchone()
    db.close()
    data = bytearray(damaged.read_bytes())
    data[(root - 1) * 4096 : root * 4096] = b"\xff" * 4096  # wreck the table's root page
    damaged.write_bytes(bytes(data))

    with pytest.raises(DomainError) as raised:
        backups.verify_sqlite_backup(damaged)

    assert raised.value.code == "invalid_backup"
    assert raised.value.message == f"{damaged} is damaged: database disk image is malformed."


def test_restore_sqlite_replaces_the_data_and_keeps_a_safety_copy(tmp_path, var_dir):
    live = make_database(tmp_path / "live.sqlite3", ["alpha", "beta"])
    archive = backups.backup_sqlite(live, tmp_path / "backup.sqlite3")
    db = sqlite3.connect(live)
    db.execute("DELETE FROM tenancy_tenant WHERE slug = 'alpha'")
    db.execute("INSERT INTO tenancy_tenant (slug) VALUES ('gamma')")
    db.commit()
    db.close()

    safety = backups.restore_sqlite(archive, live)

    assert slugs(live) == ["alpha", "beta"]
    assert safety is not None
    assert safety.parent == var_dir / "backups"
    assert safety.name.startswith("pre-restore-")
    assert slugs(safety) == ["beta", "gamma"]
    assert stat.S_IMODE((var_dir / "backups").stat().st_mode) == 0o700
    db = sqlite3.connect(live)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_backup_names_carry_a_timestamp_and_never_collide(var_dir):
    first = backups._timestamped("valuechain", ".sqlite3")
    first.write_text("")
    second = backups._timestamped("valuechain", ".sqlite3")

    assert first.parent == var_dir / "backups"
    assert dt.datetime.strptime(first.name, "valuechain-%Y%m%d-%H%M%S.sqlite3")
    assert second != first


@sqlite_only
def test_in_memory_database_cannot_be_backed_up(db, var_dir, monkeypatch):
    from django.db import connection

    monkeypatch.setitem(connection.settings_dict, "NAME", ":memory:")
    with pytest.raises(CommandError, match=r"^The database lives in memory only"):
        call_command("backup", stdout=StringIO())


def test_restore_command_needs_confirmation_off_a_terminal(db, tmp_path):
    archive = make_database(tmp_path / "backup.sqlite3", ["alpha"])

    with pytest.raises(CommandError, match=r"^Restoring replaces all data: pass --yes"):
        call_command("restore", str(archive), stdout=StringIO())


def test_restore_of_missing_file_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match=r"^No backup file at .*missing\.dump\.$"):
        call_command("restore", str(tmp_path / "missing.dump"), "--yes", stdout=StringIO())


def _cli(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "valuechain", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_cli_round_trip_on_a_sqlite_file(tmp_path):
    """Create data, back up, change it, restore: the data of the backup is back."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(VALUECHAIN_VAR_DIR=str(tmp_path / "var"), VALUECHAIN_TESTING="1")
    live = tmp_path / "var" / "valuechain.sqlite3"
    _cli(env, "migrate", "--no-input", "--verbosity", "0")
    _cli(env, "demo", "--if-empty")
    archive = tmp_path / "demo.sqlite3"

    backup_output = _cli(env, "backup", "--output", str(archive))

    assert backup_output.splitlines()[0] == "Backing up the sqlite database ..."
    assert f"Backup written to {archive} (" in backup_output
    db = sqlite3.connect(live)
    db.execute("DELETE FROM platform_fxrate")
    db.execute(
        "INSERT INTO tenancy_tenant (name, slug, base_currency, is_active, created_at) "
        "VALUES ('Later Company', 'later', 'EUR', 1, '2026-01-05 10:00:00')"
    )
    db.commit()
    db.close()

    restore_output = _cli(env, "restore", str(archive), "--yes")

    assert f"Restored {archive}." in restore_output
    assert "The previous database is kept in " in restore_output
    db = sqlite3.connect(live)
    tenants = [row[0] for row in db.execute("SELECT slug FROM tenancy_tenant")]
    quotes = sorted(row[0] for row in db.execute("SELECT quote FROM platform_fxrate"))
    db.close()
    assert tenants == ["demo"]
    # USD twice: the platform demo rate of today and the procurement demo rate dated 2020
    assert quotes == ["CHF", "GBP", "USD", "USD"]


# --- PostgreSQL --------------------------------------------------------------------------------


class FakeProcess:
    """Stands in for pg_dump: records how it was started, prints stderr lines, exits."""

    def __init__(self, lines: list[str], code: int) -> None:
        self.stderr = iter(lines)
        self.returncode = code

    def wait(self) -> int:
        return self.returncode


def test_pg_dump_gets_the_password_through_the_environment_only(monkeypatch, tmp_path):
    calls: list[tuple[list[str], dict[str, str]]] = []

    def fake_popen(argv, env, **kwargs):
        calls.append((argv, env))
        return FakeProcess(['pg_dump: dumping contents of table "public.tenancy_tenant"\n'], 0)

    monkeypatch.setattr(backups.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(backups.subprocess, "Popen", fake_popen)
    monkeypatch.delenv("PGOPTIONS", raising=False)
    config = {
        "NAME": "shop",
        "USER": "valuechain",
        "PASSWORD": "s3cret-pass",
        "HOST": "db.internal",
        "PORT": 5433,
        "OPTIONS": {"sslmode": "require"},
    }
    messages: list[str] = []

    target = backups.pg_dump(config, tmp_path / "shop.dump", progress=messages.append)

    (argv, env), *_ = calls
    assert argv == [
        "/usr/bin/pg_dump",
        "--format=custom",
        "--enable-row-security",
        "--verbose",
        f"--file={tmp_path / 'shop.dump.partial'}",
        "shop",
    ]
    assert not any("s3cret" in part for part in argv)
    assert env["PGPASSWORD"] == "s3cret-pass"
    assert (env["PGHOST"], env["PGPORT"], env["PGUSER"]) == ("db.internal", "5433", "valuechain")
    assert env["PGSSLMODE"] == "require"
    assert env["PGOPTIONS"] == "-c valuechain.bypass_rls=on"
    assert messages == ["pg_dump: table public.tenancy_tenant"]
    assert target == tmp_path / "shop.dump"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_pg_dump_failure_reports_the_tools_error(monkeypatch, tmp_path):
    lines = [
        "pg_dump: last built-in OID is 16383\n",
        'pg_dump: error: connection to server failed: FATAL:  role "x" does not exist\n',
    ]
    monkeypatch.setattr(backups.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(backups.subprocess, "Popen", lambda argv, **kw: FakeProcess(lines, 1))

    with pytest.raises(DomainError) as raised:
        backups.pg_dump({"NAME": "shop"}, tmp_path / "shop.dump")

    assert raised.value.code == "pg_tool_failed"
    assert raised.value.message == (
        'pg_dump failed:\npg_dump: error: connection to server failed: FATAL:  role "x" does '
        "not exist"
    )
    assert list(tmp_path.iterdir()) == []


def test_missing_pg_dump_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setattr(backups.shutil, "which", lambda name: None)

    with pytest.raises(DomainError) as raised:
        backups.pg_dump({"NAME": "shop"}, tmp_path / "shop.dump")

    assert raised.value.code == "pg_tool_missing"
    assert raised.value.message.startswith("pg_dump is not installed or not on PATH.")


@postgres_only
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_pg_backup_holds_every_tenants_rows_and_restores_them(tenant_a, tenant_b, var_dir):
    day = dt.date(2026, 1, 5)
    with tenant_context(tenant_a):
        FxRate.objects.create(base="EUR", quote="USD", rate=Decimal("1.1"), valid_on=day)
    with tenant_context(tenant_b):
        FxRate.objects.create(base="EUR", quote="GBP", rate=Decimal("0.8"), valid_on=day)
    archive = var_dir / "two-tenants.dump"

    backups.backup(archive)

    data = subprocess.run(
        ["pg_restore", "--data-only", "--table=platform_fxrate", "--file=-", str(archive)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    copied = [line.split("\t") for line in data.splitlines() if "\tEUR\t" in line]
    assert sorted((row[4], row[-1]) for row in copied) == [
        ("GBP", str(tenant_b.pk)),
        ("USD", str(tenant_a.pk)),
    ]

    with system_context():
        FxRate.objects.all().delete()
    result = backups.restore(archive)

    assert result.vendor == "postgresql"
    assert result.safety_copy is not None and result.safety_copy.is_file()
    with tenant_context(tenant_a):
        assert list(FxRate.objects.values_list("quote", flat=True)) == ["USD"]
    with tenant_context(tenant_b):
        assert list(FxRate.objects.values_list("quote", flat=True)) == ["GBP"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relrowsecurity, relforcerowsecurity FROM pg_class "
            "WHERE relname = 'platform_fxrate'"
        )
        assert cursor.fetchone() == (True, True)
        cursor.execute("SELECT count(*) FROM pg_policies WHERE tablename = 'platform_fxrate'")
        assert cursor.fetchone() == (1,)


@postgres_only
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_pg_restore_refuses_a_sqlite_file(var_dir, tmp_path):
    archive = make_database(tmp_path / "backup.sqlite3", ["alpha"])

    with pytest.raises(DomainError) as raised:
        backups.restore(archive)

    assert raised.value.code == "invalid_backup"
    assert not (var_dir / "backups").exists() or not any((var_dir / "backups").iterdir())
