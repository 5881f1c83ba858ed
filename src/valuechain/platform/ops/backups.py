"""Backup and restore of the operational database: SQLite online backups, pg_dump/pg_restore.

SQLite is copied page by page with SQLite's online backup API, which yields a consistent
snapshot while the app keeps running. PostgreSQL goes through pg_dump's custom format. The
tables of tenant-owned models have FORCE ROW LEVEL SECURITY, so the dump runs with row
security on and the RLS bypass setting of our policy switched on for that session only:
pg_dump's default (row security off) refuses to dump tables whose policy would filter rows.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections

from valuechain.platform.errors import DomainError

Progress = Callable[[str], None]

SQLITE_SUFFIX = ".sqlite3"
POSTGRES_SUFFIX = ".dump"
_PAGES_PER_STEP = 256
_REQUIRED_TABLES = ("django_migrations", "tenancy_tenant")
_PG_PROGRESS = re.compile(r"(?:dumping contents of table|processing data for table) \"?([^\"\s]+)")
_PG_PROBLEM = re.compile(r"error|warning|fatal|detail|hint", re.IGNORECASE)


@dataclass(frozen=True)
class RestoreResult:
    """A finished restore: the database it replaced and where its safety copy went."""

    vendor: str
    safety_copy: Path | None


def _silent(message: str) -> None:
    """Progress sink that drops the messages."""


def backups_dir() -> Path:
    """var/backups, created on first use and readable by the owner only."""
    path = Path(settings.VAR_DIR) / "backups"
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def _timestamped(prefix: str, suffix: str) -> Path:
    """A new file name in var/backups such as valuechain-20260105-143000.sqlite3."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = backups_dir()
    candidate = folder / f"{prefix}-{stamp}{suffix}"
    counter = 1
    while candidate.exists():
        counter += 1
        candidate = folder / f"{prefix}-{stamp}-{counter}{suffix}"
    return candidate


def _settings_dict(using: str) -> dict[str, Any]:
    """The live connection settings (the test runner swaps in the test database's name)."""
    return dict(connections[using].settings_dict)


def _vendor(using: str) -> str:
    return str(connections[using].vendor)


def backup(
    output: Path | None = None, *, progress: Progress = _silent, using: str = "default"
) -> Path:
    """Back up the database to output (default: a timestamped file in var/backups)."""
    vendor = _vendor(using)
    if vendor == "sqlite":
        source = _sqlite_path(_settings_dict(using))
        target = output or _timestamped("valuechain", SQLITE_SUFFIX)
        return backup_sqlite(source, target, progress=progress)
    if vendor == "postgresql":
        target = output or _timestamped("valuechain", POSTGRES_SUFFIX)
        return pg_dump(_settings_dict(using), target, progress=progress)
    raise DomainError("unsupported_database", f"Backups of {vendor} databases are not supported.")


def restore(
    archive: Path, *, progress: Progress = _silent, using: str = "default"
) -> RestoreResult:
    """Replace the database's contents with a backup, keeping a safety copy of the current one."""
    vendor = _vendor(using)
    if not archive.is_file():
        raise DomainError("backup_not_found", f"No backup file at {archive}.", status=404)
    if vendor == "sqlite":
        target = _sqlite_path(_settings_dict(using))
        verify_sqlite_backup(archive)
        connections.close_all()
        safety = restore_sqlite(archive, target, progress=progress)
        return RestoreResult(vendor, safety)
    if vendor == "postgresql":
        config = _settings_dict(using)
        verify_pg_archive(archive)
        safety = _timestamped("pre-restore", POSTGRES_SUFFIX)
        progress(f"Keeping a safety copy of the current database in {safety}")
        pg_dump(config, safety, progress=progress)
        connections.close_all()
        pg_restore(config, archive, progress=progress)
        return RestoreResult(vendor, safety)
    raise DomainError("unsupported_database", f"Restores of {vendor} databases are not supported.")


# --- SQLite -------------------------------------------------------------------------------


def _sqlite_path(config: dict[str, Any]) -> Path:
    """The database file, refusing in-memory databases that have nothing to copy."""
    name = str(config.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:memorydb") or "mode=memory" in name:
        raise DomainError(
            "in_memory_database", "The database lives in memory only: there is no file to copy."
        )
    return Path(name)


def _percent_reporter(progress: Progress, verb: str) -> Callable[[int, int, int], None]:
    """A sqlite3 backup callback that reports each new whole percentage once."""
    last = -1

    def report(status: int, remaining: int, total: int) -> None:
        nonlocal last
        percent = 100 if total == 0 else int((total - remaining) * 100 / total)
        if percent != last:
            last = percent
            progress(f"{verb}: {percent:3d}% ({total - remaining} of {total} pages)")

    return report


def _copy_sqlite(source: Path, target: Path, progress: Progress, verb: str) -> None:
    """Copy source into target with the online backup API (consistent while writers run)."""
    reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    try:
        writer = sqlite3.connect(str(target), timeout=30)
        try:
            reader.backup(writer, pages=_PAGES_PER_STEP, progress=_percent_reporter(progress, verb))
        finally:
            writer.close()
    finally:
        reader.close()


def backup_sqlite(source: Path, target: Path, *, progress: Progress = _silent) -> Path:
    """Write a consistent copy of the SQLite database at source to target (mode 600)."""
    if not source.is_file():
        raise DomainError("database_missing", f"No database file at {source}; run migrate first.")
    if target.exists():
        raise DomainError("backup_exists", f"{target} exists; choose another --output.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        _copy_sqlite(source, partial, progress, "Copying")
        # A backup of a WAL database is in WAL mode too; a single self-contained file is
        # what people move around, so switch the copy to a rollback journal.
        with sqlite3.connect(str(partial)) as copy:
            copy.execute("PRAGMA journal_mode=DELETE")
        copy.close()
        partial.chmod(0o600)
        partial.rename(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def verify_sqlite_backup(path: Path) -> None:
    """Refuse files that are not intact SQLite databases of valuechain."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(16)
    except OSError as error:
        raise DomainError("invalid_backup", f"Cannot read {path}: {error.strerror}.") from error
    if header != b"SQLite format 3\x00":
        raise DomainError("invalid_backup", f"{path} is not a SQLite database.")
    check = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        verdict = check.execute("PRAGMA integrity_check").fetchone()[0]
        tables = {row[0] for row in check.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as error:
        raise DomainError("invalid_backup", f"{path} is damaged: {error}.") from error
    finally:
        check.close()
    if verdict != "ok":
        raise DomainError("invalid_backup", f"{path} failed the integrity check: {verdict}.")
    missing = [table for table in _REQUIRED_TABLES if table not in tables]
    if missing:
        raise DomainError(
            "invalid_backup", f"{path} is not a valuechain database (no {', '.join(missing)})."
        )


def restore_sqlite(archive: Path, target: Path, *, progress: Progress = _silent) -> Path | None:
    """Copy a verified backup over the database at target; returns the safety copy's path."""
    safety = None
    if target.is_file():
        safety = _timestamped("pre-restore", SQLITE_SUFFIX)
        progress(f"Keeping a safety copy of the current database in {safety}")
        backup_sqlite(target, safety, progress=progress)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Through the backup API rather than a file copy: the live database's WAL and shared
    # memory files stay consistent, and other connections wait on the lock instead of
    # reading a half-written file.
    _copy_sqlite(archive, target, progress, "Restoring")
    with sqlite3.connect(str(target)) as restored:
        verdict = restored.execute("PRAGMA quick_check").fetchone()[0]
        restored.execute("PRAGMA journal_mode=WAL")
    restored.close()
    if verdict != "ok":
        raise DomainError(
            "restore_failed",
            f"The restored database failed its check ({verdict}); the previous one is at {safety}.",
        )
    return safety


# --- PostgreSQL ---------------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    """Path of pg_dump or pg_restore, or a DomainError saying how to install it."""
    found = shutil.which(name)
    if found is None:
        raise DomainError(
            "pg_tool_missing",
            f"{name} is not installed or not on PATH. Install the PostgreSQL client tools "
            "of the server's major version (Debian/Ubuntu: apt-get install postgresql-client).",
        )
    return found


def _pg_environment(config: dict[str, Any]) -> dict[str, str]:
    """libpq variables for the connection; the password never appears on a command line."""
    env = dict(os.environ)
    options = config.get("OPTIONS") or {}
    mapping = {
        "PGHOST": config.get("HOST"),
        "PGPORT": config.get("PORT"),
        "PGUSER": config.get("USER"),
        "PGPASSWORD": config.get("PASSWORD"),
        "PGDATABASE": config.get("NAME"),
        "PGSSLMODE": options.get("sslmode"),
    }
    for key, value in mapping.items():
        if value:
            env[key] = str(value)
    # Our policy admits every row when this session setting is on (see tenancy/rls.py).
    env["PGOPTIONS"] = " ".join(
        filter(None, [os.environ.get("PGOPTIONS", ""), "-c valuechain.bypass_rls=on"])
    )
    return env


def _run_pg_tool(argv: list[str], env: dict[str, str], progress: Progress) -> None:
    """Run pg_dump/pg_restore --verbose, turning its table lines into progress messages."""
    tool = Path(argv[0]).name
    process = subprocess.Popen(
        argv,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    problems: list[str] = []
    chatter: list[str] = []
    for line in process.stderr:
        match = _PG_PROGRESS.search(line)
        if match:
            progress(f"{tool}: table {match.group(1)}")
        else:
            (problems if _PG_PROBLEM.search(line) else chatter).append(line.rstrip())
    if process.wait() != 0:
        detail = "\n".join(problems[-12:] or chatter[-5:]) or f"exit code {process.returncode}"
        raise DomainError("pg_tool_failed", f"{tool} failed:\n{detail}")


def pg_dump(config: dict[str, Any], target: Path, *, progress: Progress = _silent) -> Path:
    """Dump the database of config to target in pg_dump's custom format (mode 600)."""
    if target.exists():
        raise DomainError("backup_exists", f"{target} exists; choose another --output.")
    tool = _pg_tool("pg_dump")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    # Created empty with mode 600 first, so the dump is never readable by others.
    partial.touch(mode=0o600)
    try:
        _run_pg_tool(
            [
                tool,
                "--format=custom",
                "--enable-row-security",
                "--verbose",
                f"--file={partial}",
                str(config["NAME"]),
            ],
            _pg_environment(config),
            progress,
        )
        partial.rename(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def verify_pg_archive(path: Path) -> None:
    """Refuse files pg_restore cannot read, and archives without valuechain's tables."""
    tool = _pg_tool("pg_restore")
    listing = subprocess.run(
        [tool, "--list", str(path)], capture_output=True, text=True, check=False
    )
    if listing.returncode != 0:
        raise DomainError(
            "invalid_backup", f"{path} is not a pg_dump archive: {listing.stderr.strip()}"
        )
    missing = [table for table in _REQUIRED_TABLES if f" {table} " not in listing.stdout]
    if missing:
        raise DomainError(
            "invalid_backup", f"{path} is not a valuechain database (no {', '.join(missing)})."
        )


def pg_restore(config: dict[str, Any], archive: Path, *, progress: Progress = _silent) -> None:
    """Replace the database's objects and rows with the archive's, in one transaction."""
    tool = _pg_tool("pg_restore")
    _run_pg_tool(
        [
            tool,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--verbose",
            f"--dbname={config['NAME']}",
            str(archive),
        ],
        _pg_environment(config),
        progress,
    )
