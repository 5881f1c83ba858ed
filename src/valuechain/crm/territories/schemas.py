"""API shapes of territories."""

from __future__ import annotations

from ninja import Field, Schema

from valuechain.crm.territories.queries import TerritoryFilters

CRITERIA_HELP = "An empty list accepts any value."


class TerritoryIn(Schema):
    """A new territory with its criteria."""

    name: str = Field(..., max_length=100)
    description: str = Field("", max_length=2000)
    priority: int = Field(0, description="Higher wins when several territories match")
    is_active: bool = True
    countries: list[str] = Field(default_factory=list, description="ISO alpha-2. " + CRITERIA_HELP)
    regions: list[str] = Field(default_factory=list, description=CRITERIA_HELP)
    postal_prefixes: list[str] = Field(default_factory=list, description=CRITERIA_HELP)
    industries: list[str] = Field(default_factory=list, description=CRITERIA_HELP)
    size_bands: list[str] = Field(
        default_factory=list, description="1-10 … 5000+. " + CRITERIA_HELP
    )


class TerritoryPatch(Schema):
    """Changes to a territory; fields left out stay as they are, lists replace."""

    name: str | None = Field(None, max_length=100)
    description: str | None = Field(None, max_length=2000)
    priority: int | None = None
    is_active: bool | None = None
    countries: list[str] | None = None
    regions: list[str] | None = None
    postal_prefixes: list[str] | None = None
    industries: list[str] | None = None
    size_bands: list[str] | None = None


class TerritoryOut(Schema):
    """A territory with its criteria and counts."""

    id: int
    name: str
    description: str
    priority: int
    is_active: bool
    countries: list[str]
    regions: list[str]
    postal_prefixes: list[str]
    industries: list[str]
    size_bands: list[str]
    member_count: int
    account_count: int
    lead_count: int


class TerritoryListFilters(Schema):
    """Filters of the territory list; left out, they filter nothing."""

    name: str | None = Field(None, description="Part of the name")
    is_active: bool | None = None
    country: str | None = Field(None, description="Territories listing this country")
    user_id: int | None = Field(None, description="Territories this user is on the team of")

    def as_filters(self) -> TerritoryFilters:
        """The query-side filters."""
        return TerritoryFilters(
            name=self.name, is_active=self.is_active, country=self.country, user_id=self.user_id
        )


class MemberIn(Schema):
    """A user joining a territory's team."""

    user_id: int
    role: str = Field("member", description="member or manager")


class MemberPatch(Schema):
    """A new team role."""

    role: str = Field(..., description="member or manager")


class MemberOut(Schema):
    """A team member."""

    id: int
    territory_id: int
    user_id: int
    email: str = Field(..., alias="user.email")
    role: str


class RuleIn(Schema):
    """A new assignment rule."""

    applies_to: str = Field(..., description="lead or account")
    method: str = Field(..., description="round_robin or least_loaded")
    is_active: bool = True


class RulePatch(Schema):
    """Changes to an assignment rule."""

    method: str | None = None
    is_active: bool | None = None


class RuleOut(Schema):
    """An assignment rule and its round-robin cursor (the user who got the last record)."""

    id: int
    territory_id: int
    applies_to: str
    method: str
    is_active: bool
    last_user_id: int | None


class PreviewIn(Schema):
    """A record's attributes, to see where it would go."""

    record_type: str = Field("lead", description="lead or account")
    country: str = Field("", max_length=2)
    region: str = Field("", max_length=100)
    postal_code: str = Field("", max_length=20)
    industry: str = Field("", max_length=100)
    size_band: str = ""


class PreviewOut(Schema):
    """The territory and owner a record would get now (nothing is written)."""

    territory_id: int | None
    territory_name: str | None
    owner_id: int | None
