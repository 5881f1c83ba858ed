"""`valuechain user create|add|set-password|list`: people who sign in, and their roles."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from valuechain.platform.identity.domain import ROLES
from valuechain.platform.ops import services as ops
from valuechain.platform.ops.cli import cli_command, is_interactive, prompt_password, render_table
from valuechain.platform.ops.queries import member_rows

_ROLE_HELP = "one of: " + ", ".join(ROLES)


class Command(BaseCommand):
    """Create users, give them roles in tenants, set passwords, list members."""

    help = "Create users, give them roles in tenants, set their passwords, list members."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        create = actions.add_parser("create", help="create a user and make them a member")
        create.add_argument("email", help="the e-mail address, also the sign-in name")
        create.add_argument("--tenant", required=True, help="slug of the tenant to join")
        create.add_argument("--role", required=True, help=_ROLE_HELP)
        create.add_argument(
            "--password", help="the password (default: ask on a terminal, else generate one)"
        )
        create.add_argument("--first-name", default="")
        create.add_argument("--last-name", default="")

        add = actions.add_parser("add", help="give an existing user a role in a tenant")
        add.add_argument("email")
        add.add_argument("--tenant", required=True, help="slug of the tenant")
        add.add_argument("--role", required=True, help=_ROLE_HELP)

        set_password = actions.add_parser("set-password", help="replace a user's password")
        set_password.add_argument("email")
        set_password.add_argument(
            "--password", help="the new password (default: ask on a terminal, else generate one)"
        )

        members = actions.add_parser("list", help="list the members of a tenant")
        members.add_argument("--tenant", required=True, help="slug of the tenant")

    def handle(self, *args: Any, **options: Any) -> None:
        with cli_command():
            action = options["action"]
            if action == "create":
                self._create(options)
            elif action == "add":
                membership = ops.add_existing_member(
                    options["email"], options["tenant"], options["role"]
                )
                self.stdout.write(
                    f"{membership.user.username} is {ROLES[membership.role]} in "
                    f"{membership.tenant.slug}."
                )
            elif action == "set-password":
                self._set_password(options)
            else:
                self._list(options["tenant"])

    def _password(self, given: str | None) -> tuple[str, bool]:
        """The password to use and whether it was generated (and so must be shown)."""
        if given is not None:
            return given, False
        typed = prompt_password() if is_interactive() else None
        if typed is not None:
            return typed, False
        return ops.generate_password(), True

    def _create(self, options: dict[str, Any]) -> None:
        ops.tenant_by_slug(options["tenant"])  # fail before asking for a password
        ops.require_role(options["role"])
        ops.require_new_email(options["email"])
        password, generated = self._password(options["password"])
        membership = ops.create_member(
            options["email"],
            options["tenant"],
            options["role"],
            password,
            first_name=options["first_name"],
            last_name=options["last_name"],
        )
        self.stdout.write(
            f"Created user {membership.user.username} ({ROLES[membership.role]} in "
            f"{membership.tenant.slug})."
        )
        if generated:
            self.stdout.write(f"Generated password: {password}")

    def _set_password(self, options: dict[str, Any]) -> None:
        ops.user_by_email(options["email"])  # fail before asking for a password
        password, generated = self._password(options["password"])
        user = ops.set_password(options["email"], password)
        self.stdout.write(f"Password of {user.username} changed.")
        if generated:
            self.stdout.write(f"Generated password: {password}")

    def _list(self, slug: str) -> None:
        tenant = ops.tenant_by_slug(slug)
        rows = member_rows(tenant)
        if not rows:
            self.stdout.write(f"No members in {tenant.slug}.")
            return
        table = render_table(
            ["EMAIL", "NAME", "ROLE", "ACTIVE", "LAST LOGIN"],
            [
                [
                    row.email,
                    row.full_name,
                    row.role,
                    "yes" if row.is_active else "no",
                    row.last_login,
                ]
                for row in rows
            ],
        )
        for line in table:
            self.stdout.write(line)
