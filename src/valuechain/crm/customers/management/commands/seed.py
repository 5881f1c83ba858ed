"""`valuechain seed --customers N --interactions M [--accounts K] [--tenant SLUG]`."""

from __future__ import annotations

import sys
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from valuechain.crm.customers.seeding import seed
from valuechain.platform.ops.cli import cli_command


def _count(text: str) -> int:
    value = int(text.replace("_", "").replace(",", ""))
    if value < 0:
        raise ValueError(text)
    return value


class Command(BaseCommand):
    """Generate a large, realistic data set of customers and interactions."""

    help = (
        "Add N people (customers), K accounts and M interactions with realistic "
        "distributions to a tenant (created when missing), for benchmarks and load tests."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customers", type=_count, required=True, help="people to add")
        parser.add_argument("--interactions", type=_count, required=True, help="touch points")
        parser.add_argument(
            "--accounts", type=_count, default=None, help="accounts to add (default N/20)"
        )
        parser.add_argument("--tenant", default="seed", help="tenant slug (default: seed)")
        parser.add_argument("--random-seed", type=int, default=42, help="for repeatable runs")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["interactions"] and not options["customers"]:
            raise CommandError("Interactions need customers: give --customers above 0.")
        with cli_command():
            result = seed(
                customers=options["customers"],
                interactions=options["interactions"],
                accounts=options["accounts"],
                tenant_slug=options["tenant"],
                random_seed=options["random_seed"],
                stream=cast(TextIO, getattr(self.stderr, "_out", sys.stderr)),
            )
        self.stdout.write(
            f"Seeded tenant {result.tenant}: {result.accounts:,} accounts, {result.people:,} "
            f"people, {result.interactions:,} interactions, {result.lifecycle_changes:,} "
            f"stage moves in {result.seconds:.1f} s."
        )
