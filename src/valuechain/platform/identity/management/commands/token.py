"""``valuechain token create|revoke|list``: API tokens from the command line."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from valuechain.platform.errors import DomainError
from valuechain.platform.identity import queries, services
from valuechain.platform.identity.domain import ALL_SCOPES
from valuechain.platform.tenancy.context import tenant_context
from valuechain.platform.tenancy.models import Membership, Tenant


class Command(BaseCommand):
    """Create, revoke and list API tokens of one tenant."""

    help = "Manage API tokens: create (prints the token once), revoke, list."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        create = actions.add_parser("create", help="Issue a token and print it once.")
        create.add_argument("--tenant", required=True, help="Tenant slug.")
        create.add_argument("--user", required=True, help="E-mail of the member it acts for.")
        create.add_argument("--name", required=True, help="What uses the token.")
        create.add_argument(
            "--scopes",
            required=True,
            help=f"Comma-separated, e.g. crm:read,admin:write (of {','.join(ALL_SCOPES)}).",
        )
        create.add_argument(
            "--expires-days",
            type=int,
            default=services.TOKEN_DEFAULT_DAYS,
            help=f"Lifetime in days, 1 to {services.TOKEN_MAX_DAYS} (default 90).",
        )

        revoke = actions.add_parser("revoke", help="Revoke a token at once.")
        revoke.add_argument("token_id", type=int, help="Token id (see 'token list').")
        revoke.add_argument("--tenant", required=True, help="Tenant slug.")

        listing = actions.add_parser("list", help="List the tenant's tokens.")
        listing.add_argument("--tenant", required=True, help="Tenant slug.")

    def handle(self, *args: Any, **options: Any) -> None:
        tenant = self._tenant(options["tenant"])
        with tenant_context(tenant, channel="cli"):
            try:
                getattr(self, f"_{options['action']}")(tenant, options)
            except DomainError as error:
                raise CommandError(error.message) from None

    @staticmethod
    def _tenant(slug: str) -> Tenant:
        """The tenant by slug, or a clear error."""
        tenant = Tenant.objects.filter(slug=slug).first()
        if tenant is None:
            known = ", ".join(Tenant.objects.values_list("slug", flat=True)[:20]) or "none"
            raise CommandError(f"No tenant with slug {slug!r} (known: {known}).")
        return tenant

    def _create(self, tenant: Tenant, options: dict[str, Any]) -> None:
        email = options["user"].strip().lower()
        user = get_user_model().objects.filter(username=email).first()
        if user is None:
            raise CommandError(f"No user with e-mail {email!r}.")
        membership = (
            Membership.objects.filter(tenant=tenant, user=user).select_related("tenant").first()
        )
        if membership is None:
            raise CommandError(f"{email} is not a member of tenant {tenant.slug!r}.")
        scopes = [scope for scope in options["scopes"].split(",") if scope.strip()]
        token, raw = services.create_token(
            membership, options["name"], scopes, options["expires_days"], actor=None
        )
        self.stderr.write(
            f"Created token {token.pk} {token.display_prefix} for {email}, scopes "
            f"{','.join(token.scopes)}, expires {token.expires_at:%Y-%m-%d %H:%M} UTC. "
            "Store it now: it is not shown again."
        )
        self.stdout.write(raw)

    def _revoke(self, tenant: Tenant, options: dict[str, Any]) -> None:
        token = services.revoke_token(options["token_id"], actor=None)
        self.stdout.write(
            f"Revoked token {token.pk} {token.display_prefix} ({token.name}) "
            f"at {token.revoked_at:%Y-%m-%d %H:%M:%S} UTC."
        )

    def _list(self, tenant: Tenant, options: dict[str, Any]) -> None:
        rows = queries.tokens().order_by("pk")
        header = f"{'ID':>5}  {'TOKEN':<12} {'STATUS':<8} {'EXPIRES':<10} {'LAST USED':<16} "
        self.stdout.write(header + "MEMBER / NAME / SCOPES")
        for token in rows:
            last_used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
            self.stdout.write(
                f"{token.pk:>5}  {token.display_prefix:<12} {token.status:<8} "
                f"{token.expires_at:%Y-%m-%d} {last_used:<16} "
                f"{token.membership.user.email} / {token.name} / {','.join(token.scopes)}"
            )
