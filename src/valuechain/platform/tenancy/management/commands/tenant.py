"""`valuechain tenant create NAME [--slug S] [--currency EUR]` and `valuechain tenant list`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from valuechain.platform.ops.cli import cli_command, render_table
from valuechain.platform.ops.queries import tenant_rows
from valuechain.platform.tenancy import services as tenancy


class Command(BaseCommand):
    """Create and list tenants."""

    help = "Create and list tenants (companies using valuechain)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help="create a tenant")
        create.add_argument("name", help="the company's name, e.g. 'Acme Retail'")
        create.add_argument("--slug", help="short unique id used in URLs (default: from NAME)")
        create.add_argument(
            "--currency", default="EUR", help="base currency, ISO 4217 (default: EUR)"
        )
        actions.add_parser("list", help="list every tenant")

    def handle(self, *args: Any, **options: Any) -> None:
        with cli_command():
            if options["action"] == "create":
                self._create(options["name"], options["slug"], options["currency"])
            else:
                self._list()

    def _create(self, name: str, slug: str | None, currency: str) -> None:
        tenant = tenancy.create_tenant(name, slug, currency)
        self.stdout.write(
            f"Created tenant {tenant.name} (slug {tenant.slug}, base currency "
            f"{tenant.base_currency})."
        )
        self.stdout.write(
            f"Add an administrator: valuechain user create EMAIL --tenant {tenant.slug} "
            "--role admin"
        )

    def _list(self) -> None:
        rows = tenant_rows()
        if not rows:
            self.stdout.write("No tenants. Create one: valuechain tenant create NAME")
            return
        table = render_table(
            ["SLUG", "NAME", "CURRENCY", "MEMBERS", "ACTIVE"],
            [
                [row.slug, row.name, row.base_currency, str(row.members), _yes_no(row.is_active)]
                for row in rows
            ],
        )
        for line in table:
            self.stdout.write(line)


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"
