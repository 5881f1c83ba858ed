"""API routes of identity: tokens and members (admin area) and /me (any member)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Status

from valuechain.platform.api import ListParams, Page, area_router, member_router, paginate
from valuechain.platform.identity import queries, services
from valuechain.platform.identity.models import ApiToken
from valuechain.platform.identity.schemas import (
    MemberCreateIn,
    MemberOut,
    MemberUpdateIn,
    MeOut,
    TokenCreatedOut,
    TokenCreateIn,
    TokenOut,
)
from valuechain.platform.tenancy.models import Membership

router = area_router("admin", tags=["identity"])
me_router = member_router(tags=["identity"])
# /me lives under the identity router so mounting identity mounts it too; its own auth
# (any member) replaces the admin area's.
router.add_router("", me_router)


def _caller_limit(request: HttpRequest) -> frozenset[str] | None:
    """The permission ceiling for new tokens when the caller is itself a token."""
    if getattr(request, "api_token", None) is None:
        return None
    permissions: frozenset[str] = request.permissions  # type: ignore[attr-defined]
    return permissions


@router.get("/tokens", response=Page[TokenOut], summary="List API tokens")
def list_tokens(request: HttpRequest, params: Query[ListParams]) -> Any:
    """Every API token of the tenant, newest first unless sorted otherwise."""
    return paginate(
        queries.tokens(),
        params,
        sortable=queries.TOKEN_SORTABLE,
        default_sort=("-created_at",),
    )


@router.post("/tokens", response={201: TokenCreatedOut}, summary="Create an API token")
def create_token(request: HttpRequest, payload: TokenCreateIn) -> Any:
    """Issue a token; the response carries the raw token, shown this once only."""
    caller: Membership = request.membership  # type: ignore[attr-defined]
    owner = caller if payload.member_id is None else queries.member(payload.member_id)
    token, raw = services.create_token(
        owner,
        payload.name,
        payload.scopes,
        payload.expires_in_days,
        actor=_actor(request),
        limit_to=_caller_limit(request),
    )
    token.raw_token = raw  # type: ignore[attr-defined]  # read once by TokenCreatedOut
    return Status(201, token)


@router.post("/tokens/{token_id}/revoke", response=TokenOut, summary="Revoke an API token")
def revoke_token(request: HttpRequest, token_id: int) -> ApiToken:
    """Revoke a token at once; revoking a revoked token changes nothing."""
    return services.revoke_token(token_id, actor=_actor(request))


@router.get("/members", response=Page[MemberOut], summary="List members")
def list_members(request: HttpRequest, params: Query[ListParams]) -> Any:
    """Members of the tenant, active and deactivated."""
    return paginate(
        queries.members(), params, sortable=queries.MEMBER_SORTABLE, default_sort=("email",)
    )


@router.post("/members", response={201: MemberOut}, summary="Add a member")
def add_member(request: HttpRequest, payload: MemberCreateIn) -> Any:
    """Add a person by e-mail, creating their account when the e-mail is new."""
    membership = services.add_member_by_email(
        payload.email,
        payload.role,
        actor=_actor(request),
        password=payload.password,
        first_name=payload.first_name,
        last_name=payload.last_name,
    )
    return Status(201, membership)


@router.patch("/members/{member_id}", response=MemberOut, summary="Change a member")
def update_member(request: HttpRequest, member_id: int, payload: MemberUpdateIn) -> Membership:
    """Change the role or deactivate/reactivate; the last administrator cannot be removed."""
    return services.update_member(
        member_id, actor=_actor(request), role=payload.role, is_active=payload.is_active
    )


@me_router.get("/me", response=MeOut, summary="Who am I")
def me(request: HttpRequest) -> dict[str, Any]:
    """The caller's user, tenant, role and effective permissions (narrowed by a token)."""
    membership: Membership = request.membership  # type: ignore[attr-defined]
    user = membership.user
    permissions: frozenset[str] = request.permissions  # type: ignore[attr-defined]
    return {
        "user_id": user.pk,
        "email": user.email,
        "name": user.get_full_name(),
        "tenant": membership.tenant,
        "member_id": membership.pk,
        "role": membership.role,
        "permissions": sorted(permissions),
        "token": getattr(request, "api_token", None),
    }


def _actor(request: HttpRequest) -> Any:
    """The user acting: the session's user or the token's member."""
    if request.user.is_authenticated:
        return request.user
    membership: Membership = request.membership  # type: ignore[attr-defined]
    return membership.user
