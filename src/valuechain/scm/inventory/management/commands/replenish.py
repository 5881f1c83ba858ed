"""`valuechain replenish`: check every min/max reorder rule now and create due proposals."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from valuechain.platform.ops.cli import cli_command
from valuechain.platform.tenancy.context import tenant_context
from valuechain.platform.tenancy.models import Tenant
from valuechain.scm.inventory.replenishment import replenish, replenish_all_tenants


class Command(BaseCommand):
    """Create reorder proposals (supply requests, reason reorder) for rules below their min."""

    help = "Check min/max reorder rules and propose supply up to max where stock is below min."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", help="Slug of one tenant (default: every active tenant)")

    def _progress(self, slug: str, done: int, total: int) -> None:
        self.stdout.write(f"\r{slug}: {done}/{total} rules checked", ending="")
        if done == total:
            self.stdout.write("")

    def handle(self, *args: Any, **options: Any) -> None:
        with cli_command():
            slug = options.get("tenant")
            if slug:
                tenant = Tenant.objects.filter(slug=slug).first()
                if tenant is None:
                    raise CommandError(f"No tenant {slug!r}.")
                with tenant_context(tenant, channel="cli"):
                    created = len(replenish(lambda d, t: self._progress(slug, d, t)))
            else:
                created = replenish_all_tenants(self._progress)
        self.stdout.write(f"Created {created} reorder proposal{'s' if created != 1 else ''}.")
