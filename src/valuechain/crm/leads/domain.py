"""Pure rules of leads: the qualification flow, the rule-based score and its explanation.

No Django here: the services call these and turn ``InvalidInput`` into a DomainError.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from valuechain.crm.customers.domain import InvalidInput

SOURCES = ("manual", "api", "web_form", "import", "event", "referral", "partner", "other")
STATUSES = ("new", "contacted", "qualified", "unqualified", "converted")
OPEN_STATUSES = ("new", "contacted", "qualified", "unqualified")
# new -> contacted -> qualified / unqualified; an unqualified lead may be reopened, a
# qualified one reconsidered. "converted" is reached only through conversion.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset({"contacted", "qualified", "unqualified"}),
    "contacted": frozenset({"qualified", "unqualified"}),
    "qualified": frozenset({"contacted", "unqualified"}),
    "unqualified": frozenset({"contacted", "qualified"}),
    "converted": frozenset(),
}
UNQUALIFIED_REASONS = (
    "no_budget",
    "no_need",
    "no_authority",
    "bad_timing",
    "competitor",
    "unreachable",
    "spam",
    "other",
)
OPERATORS = (
    "equals",
    "not_equals",
    "contains",
    "in",
    "is_set",
    "is_not_set",
    "greater_than",
    "less_than",
    "not_in_free_mail",
)
SCORABLE_FIELDS = (
    "first_name",
    "last_name",
    "company",
    "job_title",
    "email",
    "phone",
    "country",
    "region",
    "postal_code",
    "industry",
    "size_band",
    "source",
    "campaign",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "consent_granted",
    "email_domain",
    "size_employees",
)
# The rules a tenant starts with: what a B2B sales team usually rewards.
DEFAULT_RULES: tuple[tuple[str, str, str, str, int], ...] = (
    ("Has a company", "company", "is_set", "", 10),
    ("Has a job title", "job_title", "is_set", "", 5),
    ("Decision maker title", "job_title", "contains", "head,director,chief,vp,owner,ceo", 15),
    ("Reachable by phone", "phone", "is_set", "", 10),
    ("Business e-mail", "email_domain", "not_in_free_mail", "", 10),
    ("Company over 50 staff", "size_employees", "greater_than", "50", 15),
    ("Came through the web form", "source", "equals", "web_form", 10),
    ("Referral or partner", "source", "in", "referral,partner", 20),
    ("Gave marketing consent", "consent_granted", "is_set", "", 5),
)
FREE_MAIL_DOMAINS = frozenset(
    {"gmail.com", "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com", "gmx.de"}
    | {"gmx.net", "web.de", "icloud.com", "aol.com", "proton.me", "protonmail.com", "mail.com"}
)
# Lower end of each customers size band, so "greater_than 50" can compare bands.
SIZE_BAND_FLOOR = {"1-10": 1, "11-50": 11, "51-200": 51, "201-1000": 201}
SIZE_BAND_FLOOR |= {"1001-5000": 1001, "5000+": 5001}


@dataclass(frozen=True)
class Rule:
    """A scoring rule as the score function sees it."""

    name: str
    field: str
    operator: str
    value: str
    points: int


def check_transition(from_status: str, to_status: str, reason: str) -> None:
    """Refuse an unknown status, a no-op, a jump the flow forbids or a missing reason."""
    if to_status not in STATUSES:
        raise InvalidInput(
            "invalid_status",
            f"{to_status!r} is not a lead status; use one of {', '.join(STATUSES)}.",
            "status",
        )
    if from_status == "converted":
        raise InvalidInput(
            "already_converted", "The lead is converted; its status is final.", "status"
        )
    if to_status == "converted":
        raise InvalidInput(
            "convert_instead", "A lead becomes converted only by converting it.", "status"
        )
    if from_status == to_status:
        raise InvalidInput("same_status", f"The lead is already {to_status}.", "status")
    if to_status not in ALLOWED_TRANSITIONS.get(from_status, frozenset()):
        allowed = ", ".join(sorted(ALLOWED_TRANSITIONS.get(from_status, frozenset())))
        raise InvalidInput(
            "invalid_transition",
            f"A lead cannot go from {from_status} to {to_status}; from {from_status}: {allowed}.",
            "status",
        )
    if to_status == "unqualified" and reason not in UNQUALIFIED_REASONS:
        raise InvalidInput(
            "reason_required",
            f"Say why the lead is unqualified: one of {', '.join(UNQUALIFIED_REASONS)}.",
            "reason",
        )


def check_rule(field: str, operator: str, value: str) -> None:
    """Refuse a rule on an unknown field, with an unknown operator or an unusable value."""
    if field not in SCORABLE_FIELDS:
        raise InvalidInput(
            "invalid_field",
            f"{field!r} cannot be scored; use one of {', '.join(SCORABLE_FIELDS)}.",
            "field",
        )
    if operator not in OPERATORS:
        raise InvalidInput(
            "invalid_operator",
            f"{operator!r} is not an operator; use one of {', '.join(OPERATORS)}.",
            "operator",
        )
    needs_value = operator not in ("is_set", "is_not_set", "not_in_free_mail")
    if needs_value and not value.strip():
        raise InvalidInput("value_required", f"The {operator} operator needs a value.", "value")
    if operator in ("greater_than", "less_than") and _number(value) is None:
        raise InvalidInput(
            "invalid_value", f"{operator} compares with a number, not {value!r}.", "value"
        )


def _number(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None


def _options(value: str) -> list[str]:
    return [part.strip().lower() for part in value.split(",") if part.strip()]


def derived_values(lead: Mapping[str, Any]) -> dict[str, Any]:
    """The lead's fields plus the derived ones rules may use (e-mail domain, staff count)."""
    values = dict(lead)
    email = str(lead.get("email") or "")
    values["email_domain"] = email.rpartition("@")[2] if "@" in email else ""
    values["size_employees"] = SIZE_BAND_FLOOR.get(str(lead.get("size_band") or ""), None)
    return values


def matches(rule: Rule, values: Mapping[str, Any]) -> bool:
    """True when the lead's value of the rule's field satisfies the rule."""
    raw = values.get(rule.field)
    text = "" if raw is None or raw is False else str(raw).strip().lower()
    wanted = rule.value.strip().lower()
    if rule.operator == "is_set":
        return bool(text)
    if rule.operator == "is_not_set":
        return not text
    if rule.operator == "not_in_free_mail":
        return bool(text) and text not in FREE_MAIL_DOMAINS
    if rule.operator == "equals":
        return text == wanted
    if rule.operator == "not_equals":
        return text != wanted
    if rule.operator == "contains":
        return bool(text) and any(option in text for option in _options(rule.value))
    if rule.operator == "in":
        return text in _options(rule.value)
    number, limit = _number(raw) if raw is not None else None, _number(rule.value)
    if number is None or limit is None:
        return False
    if rule.operator == "greater_than":
        return number > limit
    return number < limit  # less_than


def score(lead: Mapping[str, Any], rules: Iterable[Rule]) -> tuple[int, list[dict[str, Any]]]:
    """The lead's total and the explanation: one ``{rule, points}`` per rule that matched."""
    values = derived_values(lead)
    matched = [rule for rule in rules if matches(rule, values)]
    breakdown: list[dict[str, Any]] = [{"rule": r.name, "points": r.points} for r in matched]
    return sum(rule.points for rule in matched), breakdown


def full_name(first_name: str, last_name: str) -> str:
    """First and last name."""
    return f"{first_name} {last_name}".strip()
