"""API shapes of customers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from valuechain.crm.customers.queries import PartyFilters


def _tag_names(obj: Any) -> list[str]:
    return [tag.name for tag in obj.tags.all()]


class AccountIn(Schema):
    """A new account (company)."""

    name: str = Field(..., max_length=200)
    legal_name: str = Field("", max_length=200)
    website: str = Field(
        "", max_length=300, description="https://… (https:// is added if left out)"
    )
    industry: str = Field("", max_length=100)
    size_band: str = Field("", description="1-10, 11-50, 51-200, 201-1000, 1001-5000, 5000+")
    parent_id: int | None = Field(None, description="The parent account (group, headquarters)")
    owner_id: int | None = Field(None, description="User id of the member who owns the account")
    tags: list[str] = Field(default_factory=list)
    lifecycle_stage: str = Field("prospect", description="prospect, acquired, active, …")
    custom: dict[str, Any] = Field(default_factory=dict)


class AccountPatch(Schema):
    """Changes to an account; fields left out stay as they are. Use /lifecycle for the stage."""

    name: str | None = Field(None, max_length=200)
    legal_name: str | None = Field(None, max_length=200)
    website: str | None = Field(None, max_length=300)
    industry: str | None = Field(None, max_length=100)
    size_band: str | None = None
    parent_id: int | None = None
    owner_id: int | None = None
    tags: list[str] | None = None
    custom: dict[str, Any] | None = None


class AccountOut(Schema):
    """An account."""

    id: int
    name: str
    legal_name: str
    website: str
    industry: str
    size_band: str
    parent_id: int | None
    owner_id: int | None
    tags: list[str]
    lifecycle_stage: str
    custom: dict[str, Any]
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_tags(obj: Any) -> list[str]:
        return _tag_names(obj)


class EmailIn(Schema):
    """An e-mail address to add; stored lowercased."""

    email: str = Field(..., max_length=320)
    kind: str = Field("work", description="work, home or mobile")
    is_primary: bool = False


class EmailOut(Schema):
    """An e-mail address of a party."""

    id: int
    email: str
    kind: str
    is_primary: bool


class PhoneIn(Schema):
    """A phone number to add; national numbers need ``region`` or a party address."""

    number: str = Field(..., max_length=40)
    kind: str = Field("work", description="work, home or mobile")
    is_primary: bool = False
    region: str | None = Field(
        None, description="ISO country for national numbers; defaults to the party's country"
    )


class PhoneOut(Schema):
    """A phone number of a party, in E.164."""

    id: int
    number: str
    kind: str
    is_primary: bool


class AddressIn(Schema):
    """A postal address to add."""

    kind: str = Field(..., description="billing, shipping or other")
    line1: str = Field(..., max_length=200)
    line2: str = Field("", max_length=200)
    city: str = Field(..., max_length=100)
    region: str = Field("", max_length=100)
    postal_code: str = Field("", max_length=20)
    country: str = Field(..., description="ISO 3166-1 alpha-2, e.g. DE")
    is_default: bool = False


class AddressOut(Schema):
    """A postal address of a party."""

    id: int
    kind: str
    line1: str
    line2: str
    city: str
    region: str
    postal_code: str
    country: str
    is_default: bool


class PersonIn(Schema):
    """A new person: with ``account_id`` a contact of that account, else a customer alone."""

    first_name: str = Field("", max_length=100)
    last_name: str = Field(..., max_length=100)
    account_id: int | None = None
    job_title: str = Field("", max_length=100)
    owner_id: int | None = None
    tags: list[str] = Field(default_factory=list)
    lifecycle_stage: str = "prospect"
    custom: dict[str, Any] = Field(default_factory=dict)


class PersonPatch(Schema):
    """Changes to a person; fields left out stay as they are."""

    first_name: str | None = Field(None, max_length=100)
    last_name: str | None = Field(None, max_length=100)
    account_id: int | None = None
    job_title: str | None = Field(None, max_length=100)
    owner_id: int | None = None
    tags: list[str] | None = None
    custom: dict[str, Any] | None = None


class PersonOut(Schema):
    """A person with their e-mails and phones."""

    id: int
    first_name: str
    last_name: str
    full_name: str
    account_id: int | None
    job_title: str
    owner_id: int | None
    tags: list[str]
    lifecycle_stage: str
    custom: dict[str, Any]
    emails: list[EmailOut]
    phones: list[PhoneOut]
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_tags(obj: Any) -> list[str]:
        return _tag_names(obj)

    @staticmethod
    def resolve_emails(obj: Any) -> list[Any]:
        return list(obj.emailaddress_set.all())

    @staticmethod
    def resolve_phones(obj: Any) -> list[Any]:
        return list(obj.phonenumber_set.all())


class PartyListFilters(Schema):
    """Filters of the account and people lists; left out, they filter nothing."""

    name: str | None = Field(None, description="Part of the name")
    tag: str | None = Field(None, description="A tag name (any case)")
    lifecycle_stage: str | None = None
    owner_id: int | None = None

    def as_filters(self, **extra: Any) -> PartyFilters:
        """The query-side filters."""
        return PartyFilters(
            name=self.name,
            tag=self.tag,
            lifecycle_stage=self.lifecycle_stage,
            owner_id=self.owner_id,
            **extra,
        )


class PeopleListFilters(PartyListFilters):
    """Filters of the people list."""

    account_id: int | None = Field(None, description="Only contacts of this account")


class LifecycleIn(Schema):
    """A move to another lifecycle stage."""

    stage: str = Field(..., description="prospect, acquired, active, at_risk or churned")
    changed_at: dt.datetime | None = Field(None, description="When it happened; default now")


class LifecycleChangeOut(Schema):
    """One lifecycle move."""

    id: int
    from_stage: str
    to_stage: str
    changed_at: dt.datetime
    actor_id: int | None


class ConsentIn(Schema):
    """A person's yes or no for one channel."""

    channel: str = Field(..., description="email, sms, phone or post")
    granted: bool
    source: str = Field("", max_length=200, description="Where the answer came from")
    recorded_at: dt.datetime | None = Field(None, description="When it was given; default now")


class ConsentOut(Schema):
    """One consent record."""

    id: int
    channel: str
    granted: bool
    source: str
    recorded_at: dt.datetime


class ChannelConsentOut(Schema):
    """The current consent on one channel: None when the person was never asked."""

    channel: str
    granted: bool | None
    recorded_at: dt.datetime | None
    source: str


class ConsentOverviewOut(Schema):
    """The current consent per channel and the full history, newest first."""

    current: list[ChannelConsentOut]
    history: list[ConsentOut]
