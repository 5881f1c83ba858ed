"""``valuechain territories rebuild --tenant SLUG [--assign]``: recompute territory links."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from valuechain.crm.territories import assignment
from valuechain.platform.ops.cli import cli_command
from valuechain.platform.tenancy.context import tenant_context
from valuechain.platform.tenancy.models import Tenant


class Command(BaseCommand):
    """Maintain territories from the command line."""

    help = "Territories: rebuild every account's and lead's territory link."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        rebuild = actions.add_parser("rebuild", help="recompute every record's territory link")
        rebuild.add_argument("--tenant", required=True, help="Tenant slug.")
        rebuild.add_argument(
            "--assign",
            action="store_true",
            help="also give linked accounts without an owner one by their territory's rule",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        tenant = Tenant.objects.filter(slug=options["tenant"]).first()
        if tenant is None:
            raise CommandError(f"No tenant with slug {options['tenant']!r}.")
        with cli_command(), tenant_context(tenant, channel="cli"):
            counts = assignment.rebuild_links()
            self.stdout.write(
                f"{counts['total']} records in territories: {counts['linked']} linked, "
                f"{counts['moved']} moved, {counts['unlinked']} unlinked."
            )
            if options["assign"]:
                assigned = assignment.assign_unowned_accounts()
                self.stdout.write(f"{assigned} accounts got an owner.")
