"""`valuechain duplicates scan --tenant SLUG [--kind person|account]`: find likely duplicates."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from valuechain.crm.customers import duplicates
from valuechain.platform.ops.cli import cli_command
from valuechain.platform.tenancy.context import tenant_context
from valuechain.platform.tenancy.models import Tenant


class Command(BaseCommand):
    """Scan a tenant's people and accounts for likely duplicates, with progress lines."""

    help = "Find likely duplicate people and accounts of a tenant and store them for review."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        scan = actions.add_parser("scan", help="Scan for duplicates.")
        scan.add_argument("--tenant", required=True, help="Tenant slug.")
        scan.add_argument(
            "--kind", choices=["person", "account"], help="Only people or only accounts."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        tenant = Tenant.objects.filter(slug=options["tenant"]).first()
        if tenant is None:
            raise CommandError(f"No tenant with slug {options['tenant']!r}.")
        kinds = [options["kind"]] if options["kind"] else ["person", "account"]
        with tenant_context(tenant, channel="cli"), cli_command():
            for kind in kinds:
                self.stdout.write(f"Scanning {kind} records of {tenant.slug}…")
                result = duplicates.scan(kind, progress=lambda line: self.stdout.write(f"  {line}"))
                self.stdout.write(
                    f"{kind}: {result.found} pairs ({result.created} new, {result.updated} "
                    f"seen before, {result.dismissed_kept} stay dismissed, "
                    f"{result.removed} gone)"
                )
