"""API shapes of leads."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from valuechain.crm.leads.queries import LeadFilters


class LeadIn(Schema):
    """A new lead; e-mail and phone are normalised (phones read in ``country``)."""

    first_name: str = Field("", max_length=100)
    last_name: str = Field(..., max_length=100)
    company: str = Field("", max_length=200)
    job_title: str = Field("", max_length=100)
    email: str = Field("", max_length=320)
    phone: str = Field("", max_length=40)
    country: str = Field("", description="ISO 3166-1 alpha-2, e.g. DE")
    region: str = Field("", max_length=100)
    postal_code: str = Field("", max_length=20)
    industry: str = Field("", max_length=100)
    size_band: str = Field("", description="1-10, 11-50, 51-200, 201-1000, 1001-5000, 5000+")
    source: str = Field("api", description="manual, api, web_form, import, event, referral, …")
    owner_id: int | None = None
    campaign: str = Field("", max_length=100)
    utm_source: str = Field("", max_length=100)
    utm_medium: str = Field("", max_length=100)
    utm_campaign: str = Field("", max_length=100)
    utm_term: str = Field("", max_length=100)
    utm_content: str = Field("", max_length=100)
    consent_granted: bool = False
    consent_text: str = Field("", max_length=500, description="The wording the lead agreed to")
    consent_source: str = Field("", max_length=200)
    notes: str = Field("", max_length=5000)
    custom: dict[str, Any] = Field(default_factory=dict)


class LeadPatch(Schema):
    """Changes to an open lead; fields left out stay. Use /status and /owner for those."""

    first_name: str | None = Field(None, max_length=100)
    last_name: str | None = Field(None, max_length=100)
    company: str | None = Field(None, max_length=200)
    job_title: str | None = Field(None, max_length=100)
    email: str | None = Field(None, max_length=320)
    phone: str | None = Field(None, max_length=40)
    country: str | None = None
    region: str | None = Field(None, max_length=100)
    postal_code: str | None = Field(None, max_length=20)
    industry: str | None = Field(None, max_length=100)
    size_band: str | None = None
    source: str | None = None
    owner_id: int | None = None
    campaign: str | None = Field(None, max_length=100)
    utm_source: str | None = Field(None, max_length=100)
    utm_medium: str | None = Field(None, max_length=100)
    utm_campaign: str | None = Field(None, max_length=100)
    utm_term: str | None = Field(None, max_length=100)
    utm_content: str | None = Field(None, max_length=100)
    consent_granted: bool | None = None
    consent_text: str | None = Field(None, max_length=500)
    consent_source: str | None = Field(None, max_length=200)
    notes: str | None = Field(None, max_length=5000)
    custom: dict[str, Any] | None = None


class ScorePointOut(Schema):
    """One rule that matched and the points it gave."""

    rule: str
    points: int


class LeadOut(Schema):
    """A lead with its score explained."""

    id: int
    first_name: str
    last_name: str
    full_name: str
    company: str
    job_title: str
    email: str
    phone: str
    country: str
    region: str
    postal_code: str
    industry: str
    size_band: str
    source: str
    status: str
    unqualified_reason: str
    owner_id: int | None
    score: int
    score_breakdown: list[ScorePointOut]
    campaign: str
    utm_source: str
    utm_medium: str
    utm_campaign: str
    utm_term: str
    utm_content: str
    consent_granted: bool
    consent_text: str
    consent_at: dt.datetime | None
    consent_source: str
    notes: str
    custom: dict[str, Any]
    converted_account_id: int | None
    converted_person_id: int | None
    converted_opportunity_id: int | None
    converted_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


class DuplicateOut(Schema):
    """A person, account or lead sharing the lead's e-mail or phone."""

    kind: str
    id: int
    name: str
    matched_on: str
    value: str


class LeadCreatedOut(LeadOut):
    """A new lead and what it may duplicate."""

    duplicates: list[DuplicateOut]


class LeadListFilters(Schema):
    """Filters of the lead list; left out, they filter nothing."""

    q: str | None = Field(None, description="Part of the name, company or e-mail")
    status: str | None = Field(None, description="new, contacted, qualified, unqualified, …")
    source: str | None = None
    owner_id: int | None = None
    min_score: int | None = None
    max_score: int | None = None
    campaign: str | None = Field(None, description="Campaign or utm_campaign, any case")
    created_from: dt.date | None = None
    created_to: dt.date | None = None

    def as_filters(self) -> LeadFilters:
        """The query-side filters."""
        return LeadFilters(
            text=self.q,
            status=self.status,
            source=self.source,
            owner_id=self.owner_id,
            min_score=self.min_score,
            max_score=self.max_score,
            campaign=self.campaign,
            created_from=self.created_from,
            created_to=self.created_to,
        )


class StatusIn(Schema):
    """A move to another status; ``reason`` is needed for unqualified."""

    status: str = Field(..., description="contacted, qualified or unqualified")
    reason: str = Field("", description="no_budget, no_need, no_authority, bad_timing, …")


class StatusChangeOut(Schema):
    """One status move of a lead."""

    id: int
    from_status: str
    to_status: str
    reason: str
    changed_at: dt.datetime
    actor_id: int | None


class OwnerIn(Schema):
    """The member who owns the lead; null for nobody."""

    owner_id: int | None


class ConvertIn(Schema):
    """How to convert: link existing records from the duplicate check or create new ones."""

    account_id: int | None = Field(None, description="Link this account instead of creating")
    person_id: int | None = Field(None, description="Link this person instead of creating")
    create_account: bool = Field(True, description="Create an account from the company")
    create_opportunity: bool = True
    opportunity_name: str = Field("", max_length=200)
    amount: Decimal | None = Field(None, ge=0)
    expected_close_date: dt.date | None = None


class ConversionOut(Schema):
    """What the conversion made or linked."""

    lead: LeadOut
    account_id: int | None
    person_id: int
    opportunity_id: int | None


class ScoringRuleIn(Schema):
    """A scoring rule: when ``field`` ``operator`` ``value`` holds, the lead earns ``points``."""

    name: str = Field(..., max_length=100)
    field: str = Field(..., description="company, job_title, email_domain, size_employees, …")
    operator: str = Field(..., description="equals, contains, in, is_set, greater_than, …")
    value: str = Field("", max_length=200, description="Comma-separated for contains and in")
    points: int
    is_active: bool = True


class ScoringRulePatch(Schema):
    """Changes to a scoring rule."""

    name: str | None = Field(None, max_length=100)
    field: str | None = None
    operator: str | None = None
    value: str | None = Field(None, max_length=200)
    points: int | None = None
    is_active: bool | None = None


class ScoringRuleOut(Schema):
    """A scoring rule."""

    id: int
    name: str
    field: str
    operator: str
    value: str
    points: int
    is_active: bool
