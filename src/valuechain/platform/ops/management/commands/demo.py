"""`valuechain demo [--if-empty]`: the demo company and its administrator's sign-in."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from valuechain.platform.ops import services as ops
from valuechain.platform.ops.cli import cli_command, render_box

RESET_HINT = f"valuechain user set-password {ops.DEMO_ADMIN_EMAIL}"


class Command(BaseCommand):
    """Create the demo company with an administrator, or show the saved sign-in."""

    help = (
        "Create the tenant 'Demo Company' (slug demo) with the administrator "
        f"{ops.DEMO_ADMIN_EMAIL} and a random password saved in var/{ops.CREDENTIALS_FILE_NAME}."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="only when the database has no tenant at all (what `make run` uses)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with cli_command():
            outcome = ops.ensure_demo(if_empty=options["if_empty"], progress=self.stdout.write)
        if not outcome.created:  # a new demo was announced through the progress lines
            self.stdout.write("Existing data found: nothing created.")
        credentials = outcome.credentials
        if credentials is not None and outcome.credentials_work:
            self._show(credentials, outcome)
        elif credentials is not None:
            self.stdout.write(
                f"The password saved in {outcome.credentials_path} no longer works. "
                f"Set a new one: {RESET_HINT}"
            )
        else:
            self.stdout.write(
                f"No saved demo sign-in ({outcome.credentials_path}). To sign in as the demo "
                f"administrator, set a password: {RESET_HINT}"
            )

    def _show(self, credentials: ops.DemoCredentials, outcome: ops.DemoOutcome) -> None:
        box = render_box(
            [
                "Sign in to valuechain",
                "",
                f"  E-mail:    {credentials.email}",
                f"  Password:  {credentials.password}",
                f"  Company:   {credentials.tenant_name} ({credentials.tenant_slug})",
                "",
                f"Saved in {outcome.credentials_path} (readable by you only).",
                f"Lost it? {RESET_HINT}",
            ]
        )
        for line in box:
            self.stdout.write(line)
