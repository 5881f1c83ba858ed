"""API shapes of identity: tokens, members and the caller's own profile."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from valuechain.platform.identity.domain import ROLES
from valuechain.platform.identity.models import ApiToken
from valuechain.platform.tenancy.models import Membership


class TokenOut(Schema):
    """An API token as lists show it: never the secret."""

    id: int
    name: str
    prefix: str = Field(description="Public part of the token, e.g. vc_ab12cd34.")
    member_id: int
    member_email: str
    scopes: list[str]
    status: str = Field(description="active, expired or revoked.")
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None

    @staticmethod
    def resolve_prefix(obj: ApiToken) -> str:
        return obj.display_prefix

    @staticmethod
    def resolve_member_id(obj: ApiToken) -> int:
        return obj.membership_id

    @staticmethod
    def resolve_member_email(obj: ApiToken) -> str:
        return str(obj.membership.user.email)


class TokenCreatedOut(TokenOut):
    """A new token with its raw value: the only time the value is shown."""

    token: str = Field(description="The raw token. Store it now: it is never shown again.")

    @staticmethod
    def resolve_token(obj: ApiToken) -> str:
        return str(obj.raw_token)  # type: ignore[attr-defined]


class TokenCreateIn(Schema):
    """What a new token needs; it acts for the caller unless member_id names another member."""

    name: str = Field(..., min_length=1, max_length=100)
    scopes: list[str] = Field(..., min_length=1, examples=[["crm:read"]])
    expires_in_days: int = Field(90, description="Lifetime in days, 1 to 366.")
    member_id: int | None = Field(None, description="Member the token acts for; default: you.")


class MemberOut(Schema):
    """A member of the current tenant."""

    id: int
    user_id: int
    email: str
    name: str
    role: str
    role_label: str
    is_active: bool
    created_at: dt.datetime

    @staticmethod
    def resolve_email(obj: Membership) -> str:
        return str(obj.user.email)

    @staticmethod
    def resolve_name(obj: Membership) -> str:
        return str(obj.user.get_full_name())

    @staticmethod
    def resolve_role_label(obj: Membership) -> str:
        return ROLES.get(obj.role, obj.role)


class MemberCreateIn(Schema):
    """Add a person by e-mail; the password is needed only when the e-mail has no account."""

    email: str = Field(..., max_length=254)
    role: str
    first_name: str = Field("", max_length=150)
    last_name: str = Field("", max_length=150)
    password: str | None = Field(None, description="Initial password of a new account.")


class MemberUpdateIn(Schema):
    """Change a member's role and/or whether they may sign in to this tenant."""

    role: str | None = None
    is_active: bool | None = None


class TenantOut(Schema):
    """The tenant a request runs in."""

    id: int
    slug: str
    name: str
    base_currency: str


class MeOut(Schema):
    """Who the caller is, where, and what they may do."""

    user_id: int
    email: str
    name: str
    tenant: TenantOut
    member_id: int
    role: str
    permissions: list[str]
    token: TokenOut | None = Field(None, description="The token used, for token requests.")
