"""`valuechain backup [--output PATH]`: a consistent copy of the database, app running or not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from valuechain.platform.ops import backups
from valuechain.platform.ops.cli import cli_command


class Command(BaseCommand):
    """Back up the database: SQLite's online backup, or pg_dump on PostgreSQL."""

    help = (
        "Back up the database to var/backups/valuechain-YYYYmmdd-HHMMSS.sqlite3 (SQLite) or "
        ".dump (PostgreSQL, pg_dump custom format). Safe while the app runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, help="file to write (must not exist)")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Backing up the {connection.vendor} database ...")
        with cli_command():
            path = backups.backup(options["output"], progress=self.stdout.write)
        size = path.stat().st_size
        self.stdout.write(f"Backup written to {path} ({size:,} bytes).")
        self.stdout.write(f"Restore it with: valuechain restore {path}")
