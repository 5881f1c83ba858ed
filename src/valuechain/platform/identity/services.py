"""Use cases of identity and access: API tokens and the members of the current tenant."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from valuechain.platform.errors import DomainError
from valuechain.platform.identity.domain import (
    ALL_SCOPES,
    ROLES,
    InvalidScope,
    expand,
    parse_scope,
    role_permissions,
)
from valuechain.platform.identity.models import RAW_MARKER, ApiToken, hash_token
from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import require_tenant_id, system_context
from valuechain.platform.tenancy.models import Membership, Tenant

TOKEN_DEFAULT_DAYS = 90
TOKEN_MAX_DAYS = 366
TOKEN_NAME_MAX = 100
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)  # at most one write per token and minute
_PREFIX_BYTES = 4  # 8 hex characters: public, only a lookup key
_SECRET_BYTES = 32  # 256 bits: guessing is hopeless, so a plain SHA-256 suffices
_PREFIX_ATTEMPTS = 5
ADMIN_ROLE = "admin"


# --- API tokens ---------------------------------------------------------------------------


def normalize_scopes(scopes: Iterable[str]) -> list[str]:
    """Validate scopes and return them de-duplicated in canonical order."""
    cleaned: set[str] = set()
    for scope in scopes:
        text = str(scope).strip()
        if not text:
            continue
        try:
            area, level = parse_scope(text)
        except InvalidScope:
            raise DomainError(
                "invalid_scope",
                f"{text!r} is not a scope; use area:level, one of {', '.join(ALL_SCOPES)}.",
                field="scopes",
                details={"scope": text, "allowed": list(ALL_SCOPES)},
            ) from None
        cleaned.add(f"{area}:{level}")
    if not cleaned:
        raise DomainError(
            "scopes_required", "Give the token at least one scope, e.g. crm:read.", field="scopes"
        )
    return [scope for scope in ALL_SCOPES if scope in cleaned]


def _split_raw(raw: str) -> tuple[str, str] | None:
    """('ab12cd34', secret) from 'vc_ab12cd34_secret', or None when the shape is wrong."""
    marker, _, rest = raw.strip().partition("_")
    prefix, _, secret = rest.partition("_")
    if marker != RAW_MARKER or len(prefix) != 2 * _PREFIX_BYTES or not secret:
        return None
    return prefix, secret


def _check_membership_usable(membership: Membership) -> None:
    """Refuse memberships outside the current tenant or no longer active."""
    if membership.tenant_id != require_tenant_id():
        raise DomainError("not_found", "No such member.", field="member", status=404)
    if not membership.is_active:
        raise DomainError(
            "member_inactive", "The member is deactivated; reactivate them first.", field="member"
        )


@transaction.atomic
def create_token(
    membership: Membership,
    name: str,
    scopes: Iterable[str],
    expires_in_days: int = TOKEN_DEFAULT_DAYS,
    actor: Any = None,
    *,
    limit_to: frozenset[str] | None = None,
) -> tuple[ApiToken, str]:
    """Issue a token for a member; returns it and the raw secret, which is never shown again.

    ``limit_to`` is the caller's own permission set when the caller is itself a token, so a
    token can never mint a stronger one.
    """
    _check_membership_usable(membership)
    name = (name or "").strip()
    if not name:
        raise DomainError("name_required", "Give the token a name.", field="name")
    if len(name) > TOKEN_NAME_MAX:
        raise DomainError(
            "name_too_long", f"Use at most {TOKEN_NAME_MAX} characters.", field="name"
        )
    if isinstance(expires_in_days, bool) or not isinstance(expires_in_days, int):
        raise DomainError(
            "invalid_expiry", "The lifetime is a whole number of days.", field="expires_in_days"
        )
    if not 1 <= expires_in_days <= TOKEN_MAX_DAYS:
        raise DomainError(
            "invalid_expiry",
            f"A token lives 1 to {TOKEN_MAX_DAYS} days; {expires_in_days} is out of range.",
            field="expires_in_days",
            details={"min": 1, "max": TOKEN_MAX_DAYS},
        )
    clean_scopes = normalize_scopes(scopes)
    wanted = expand(clean_scopes)
    beyond_role = sorted(wanted - role_permissions(membership.role))
    if beyond_role:
        raise DomainError(
            "scope_not_granted",
            f"The member's role ({ROLES.get(membership.role, membership.role)}) does not grant "
            f"{', '.join(beyond_role)}.",
            field="scopes",
            details={"not_granted": beyond_role},
        )
    if limit_to is not None and not wanted <= limit_to:
        exceeding = sorted(wanted - limit_to)
        raise DomainError(
            "scope_exceeds_token",
            f"A token cannot create a token with more rights than its own: {', '.join(exceeding)}.",
            field="scopes",
            status=403,
            details={"exceeding": exceeding},
        )
    expires_at = timezone.now() + dt.timedelta(days=expires_in_days)
    for _attempt in range(_PREFIX_ATTEMPTS):
        prefix = secrets.token_hex(_PREFIX_BYTES)
        raw = f"{RAW_MARKER}_{prefix}_{secrets.token_urlsafe(_SECRET_BYTES)}"
        try:
            with transaction.atomic():
                token = ApiToken.objects.create(
                    membership=membership,
                    name=name,
                    prefix=prefix,
                    secret_hash=hash_token(raw),
                    scopes=clean_scopes,
                    expires_at=expires_at,
                    created_by=actor if getattr(actor, "pk", None) else None,
                )
        except IntegrityError:
            continue  # another token took the prefix: draw again
        return token, raw
    raise DomainError("token_prefix_exhausted", "Could not issue a token; try again.", status=503)


@transaction.atomic
def revoke_token(token_id: int, actor: Any = None) -> ApiToken:
    """Revoke a token of the current tenant; revoking twice keeps the first time."""
    token = (
        ApiToken.objects.select_for_update(of=("self",))
        .select_related("membership__user")
        .filter(pk=token_id)
        .first()
    )
    if token is None:
        raise DomainError("not_found", f"No API token {token_id}.", status=404)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
    return token


def authenticate_token(raw_token: str) -> ApiToken | None:
    """Return the active ApiToken for a raw token string, or None.

    Runs before any tenant is known, so it looks in every tenant; the token, its member,
    the user and the tenant must all still be active.
    """
    parsed = _split_raw(raw_token or "")
    if parsed is None:
        return None
    prefix, _secret = parsed
    with system_context(channel="api"):
        token = (
            ApiToken.unscoped.select_related("membership__tenant", "membership__user")
            .filter(prefix=prefix)
            .first()
        )
        if token is None or not token.matches(raw_token.strip()):
            return None
        now = timezone.now()
        membership = token.membership
        if (
            token.status_at(now) != "active"
            or token.tenant_id != membership.tenant_id
            or not membership.is_active
            or not membership.tenant.is_active
            or not membership.user.is_active
        ):
            return None
        _record_use(token, now)
    return token


def _record_use(token: ApiToken, now: dt.datetime) -> None:
    """Stamp last_used_at, skipping the write when it was stamped within the last minute."""
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiToken.unscoped.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
    ).update(last_used_at=now)
    token.last_used_at = now


# --- members ------------------------------------------------------------------------------


def _check_role(role: str) -> None:
    """Refuse unknown roles with the list of known ones."""
    if role not in ROLES:
        raise DomainError(
            "invalid_role", f"Unknown role {role!r}; one of {', '.join(ROLES)}.", field="role"
        )


def _lock_member_and_admins(membership_id: int) -> tuple[Membership, list[Membership]]:
    """Lock the member and the tenant's active admins in primary-key order; 404 if unknown."""
    tenant_id = require_tenant_id()
    rows = list(
        Membership.objects.select_for_update(of=("self",))
        .select_related("user", "tenant")
        .filter(tenant_id=tenant_id)
        .filter(Q(pk=membership_id) | Q(role=ADMIN_ROLE, is_active=True))
        .order_by("pk")
    )
    target = next((row for row in rows if row.pk == membership_id), None)
    if target is None:
        raise DomainError("not_found", f"No member {membership_id}.", status=404)
    admins = [row for row in rows if row.role == ADMIN_ROLE and row.is_active]
    return target, admins


def _refuse_last_admin(target: Membership, admins: list[Membership]) -> None:
    """Refuse a change that would leave the tenant without an active administrator."""
    if [admin.pk for admin in admins] == [target.pk]:
        raise DomainError(
            "last_admin",
            f"{target.user.email} is the last administrator of {target.tenant.name}; make "
            "another member an administrator first.",
            status=409,
            details={"member_id": target.pk},
        )


@transaction.atomic
def add_member_by_email(
    email: str,
    role: str,
    actor: Any = None,
    *,
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
) -> Membership:
    """Add a person to the current tenant, creating their account when the e-mail is new.

    The password is used only for a new account; an existing account keeps its own.
    """
    _check_role(role)
    tenant = Tenant.objects.get(pk=require_tenant_id())
    user_model = get_user_model()
    address = user_model.objects.normalize_email((email or "").strip()).lower()
    if "@" not in address:
        raise DomainError("invalid_email", "Enter a valid e-mail address.", field="email")
    user = user_model.objects.filter(username=address).first()
    if user is None:
        if not password:
            raise DomainError(
                "password_required",
                "This e-mail has no account yet: give an initial password.",
                field="password",
            )
        try:
            validate_password(password, user_model(username=address, email=address))
        except ValidationError as exc:
            raise DomainError(
                "invalid_password", " ".join(exc.messages), field="password"
            ) from None
        user = tenancy.create_user(
            address, password, first_name=first_name.strip(), last_name=last_name.strip()
        )
    elif Membership.objects.filter(tenant=tenant, user=user, is_active=True).exists():
        raise DomainError(
            "already_member", f"{address} is already a member.", field="email", status=409
        )
    return tenancy.add_member(tenant, user, role)


@transaction.atomic
def change_role(membership_id: int, role: str, actor: Any = None) -> Membership:
    """Give a member of the current tenant another role; the last admin stays admin."""
    _check_role(role)
    target, admins = _lock_member_and_admins(membership_id)
    if target.role == role:
        return target
    if target.role == ADMIN_ROLE and target.is_active:
        _refuse_last_admin(target, admins)
    target.role = role
    target.save(update_fields=["role"])
    return target


@transaction.atomic
def deactivate_member(membership_id: int, actor: Any = None) -> Membership:
    """Take a member out of the current tenant and revoke their API tokens."""
    target, admins = _lock_member_and_admins(membership_id)
    if not target.is_active:
        return target
    if target.role == ADMIN_ROLE:
        _refuse_last_admin(target, admins)
    target.is_active = False
    target.save(update_fields=["is_active"])
    ApiToken.objects.filter(membership=target, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return target


@transaction.atomic
def reactivate_member(membership_id: int, actor: Any = None) -> Membership:
    """Let a deactivated member of the current tenant back in (their old tokens stay revoked)."""
    target, _admins = _lock_member_and_admins(membership_id)
    if not target.is_active:
        target.is_active = True
        target.save(update_fields=["is_active"])
    return target


@transaction.atomic
def update_member(
    membership_id: int,
    actor: Any = None,
    *,
    role: str | None = None,
    is_active: bool | None = None,
) -> Membership:
    """Change a member's role and/or active flag in one step (the API's PATCH)."""
    membership: Membership | None = None
    if is_active is True:
        membership = reactivate_member(membership_id, actor)
    if role is not None:
        membership = change_role(membership_id, role, actor)
    if is_active is False:
        membership = deactivate_member(membership_id, actor)
    if membership is None:
        membership, _admins = _lock_member_and_admins(membership_id)
    return membership
