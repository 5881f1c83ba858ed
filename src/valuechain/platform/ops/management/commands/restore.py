"""`valuechain restore PATH [--yes]`: replace the database with a backup, keeping a safety copy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from valuechain.platform.ops import backups
from valuechain.platform.ops.cli import cli_command, confirm, is_interactive


class Command(BaseCommand):
    """Restore a backup made by `valuechain backup` over the current database."""

    help = (
        "Replace every row of the database with a backup made by `valuechain backup`. The "
        "current database is first copied to var/backups/pre-restore-*. Stop the app first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the backup file")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args: Any, **options: Any) -> None:
        archive: Path = options["path"]
        question = (
            f"This replaces all data of the {connection.vendor} database with {archive}; "
            "the current data is kept in a safety copy under var/backups/."
        )
        if not options["yes"]:
            if not is_interactive():
                raise CommandError("Restoring replaces all data: pass --yes to confirm.")
            if not confirm(question):
                raise CommandError("Restore cancelled.")
        self.stdout.write(f"Restoring {archive} ...")
        with cli_command():
            result = backups.restore(archive, progress=self.stdout.write)
        if result.safety_copy is not None:
            self.stdout.write(f"The previous database is kept in {result.safety_copy}.")
        self.stdout.write(f"Restored {archive}.")
        self.stdout.write("If the backup comes from an older version, run: valuechain migrate")
