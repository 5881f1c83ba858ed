"""``valuechain import <importer> FILE``: import a large CSV or Excel file from the shell."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from valuechain.platform.dataexchange import exports, services
from valuechain.platform.dataexchange.registry import importers
from valuechain.platform.errors import DomainError
from valuechain.platform.tenancy.context import tenant_context
from valuechain.platform.tenancy.models import Membership, Tenant

CLI_MAX_ROWS = 5_000_000


class Command(BaseCommand):
    """Import a file for one tenant, printing progress; exit 1 when rows were rejected."""

    help = "Import a CSV or .xlsx file: valuechain import customers.accounts FILE --tenant SLUG"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("importer", help="importer key, e.g. customers.accounts")
        parser.add_argument("file", type=Path)
        parser.add_argument("--tenant", required=True, help="tenant slug")
        parser.add_argument("--as", dest="actor", help="e-mail of the member acting (audit)")
        parser.add_argument(
            "--mapping",
            nargs="*",
            default=None,
            metavar="COLUMN=FIELD",
            help="column mapping; guessed from the headers when left out",
        )
        parser.add_argument(
            "--mode", choices=("all_or_nothing", "valid_rows"), default="all_or_nothing"
        )
        parser.add_argument("--rejects", type=Path, help="write rejected rows to this .csv/.xlsx")
        parser.add_argument("--dry-run", action="store_true", help="validate only")

    def handle(self, *args: Any, **options: Any) -> None:
        tenant = Tenant.objects.filter(slug=options["tenant"]).first()
        if tenant is None:
            raise CommandError(f"No tenant {options['tenant']!r}.")
        actor = None
        if options["actor"]:
            membership = Membership.objects.filter(
                tenant=tenant, user__email__iexact=options["actor"], is_active=True
            ).first()
            if membership is None:
                raise CommandError(f"{options['actor']} is not an active member of the tenant.")
            actor = membership.user
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        mapping = _mapping(options["mapping"])
        with tenant_context(tenant, actor=actor, channel="import"):
            try:
                job = self._import(options, path, mapping)
            except DomainError as error:
                known = ", ".join(i.key for i in importers())
                hint = f" (importers: {known})" if error.code == "unknown_importer" else ""
                raise CommandError(f"{error.code}: {error.message}{hint}") from error
            self.stderr.write("")
            self.stdout.write(
                f"import {job.pk} {job.status}: {job.created_count} created, "
                f"{job.updated_count} updated, {job.unchanged_count} unchanged, "
                f"{job.rejected_count} rejected"
            )
            if options["rejects"] and job.rejected_count:
                self._write_rejects(job, options["rejects"])
        if job.rejected_count:
            sys.exit(1)

    @transaction.atomic
    def _import(self, options: dict[str, Any], path: Path, mapping: dict[str, str] | None) -> Any:
        """Upload and run (or validate) in one transaction: a refusal leaves no job behind."""
        job = services.upload(
            importer_key=options["importer"],
            filename=path.name,
            content=path.read_bytes(),
            mapping=mapping,
            mode=options["mode"],
            row_limit=CLI_MAX_ROWS,
        )
        step = services.validate if options["dry_run"] else services.run
        return step(job.pk, progress=self._progress)

    def _progress(self, done: int, total: int) -> None:
        if done == total or done % 100 == 0:
            self.stderr.write(f"\r{done}/{total} rows", ending="")
            self.stderr.flush()

    def _write_rejects(self, job: Any, target: Path) -> None:
        headers, rows = services.rejects_table(job)
        fmt = "xlsx" if target.suffix.lower() == ".xlsx" else "csv"
        columns = exports.table_columns(headers)
        if fmt == "xlsx":
            with target.open("wb") as out:
                out.write(exports.xlsx_file(rows, columns, "rejects").read())
        else:
            with target.open("w", encoding="utf-8", newline="") as out:
                out.writelines(exports.csv_lines(rows, columns))
        self.stdout.write(f"{len(rows)} rejected rows written to {target}")


def _mapping(pairs: list[str] | None) -> dict[str, str] | None:
    if pairs is None:
        return None
    mapping: dict[str, str] = {}
    for pair in pairs:
        column, sep, field = pair.rpartition("=")
        if not sep or not column:
            raise CommandError(f"Give the mapping as COLUMN=FIELD, not {pair!r}.")
        mapping[column] = field
    return mapping
