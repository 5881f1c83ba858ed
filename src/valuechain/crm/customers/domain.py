"""Pure rules of customers: normalising e-mail, phone and country, and the lifecycle stages.

No Django here: the services call these and turn ``InvalidInput`` into a DomainError.
"""

from __future__ import annotations

import phonenumbers
import pycountry
from email_validator import EmailNotValidError, validate_email

# Acquire (prospect -> acquired), enhance (active), retain (at_risk -> active, or churned).
LIFECYCLE_STAGES = ("prospect", "acquired", "active", "at_risk", "churned")
LIFECYCLE_PHASES = {
    "prospect": "acquire",
    "acquired": "acquire",
    "active": "enhance",
    "at_risk": "retain",
    "churned": "retain",
}
# Which stage may follow which: forward through the phases, back to active when a customer
# at risk (or churned and won back) buys again, and churn from any customer stage.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    "prospect": frozenset({"acquired", "churned"}),
    "acquired": frozenset({"active", "at_risk", "churned"}),
    "active": frozenset({"at_risk", "churned"}),
    "at_risk": frozenset({"active", "churned"}),
    "churned": frozenset({"acquired", "active"}),
}
CONSENT_CHANNELS = ("email", "sms", "phone", "post")
CONTACT_KINDS = ("work", "home", "mobile")
ADDRESS_KINDS = ("billing", "shipping", "other")
SIZE_BANDS = ("1-10", "11-50", "51-200", "201-1000", "1001-5000", "5000+")


class InvalidInput(Exception):
    """An input broke a rule: a stable code, a message for people and the field at fault."""

    def __init__(self, code: str, message: str, field: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


def normalise_email(value: str) -> str:
    """The address in its normalised form, domain and local part lowercased."""
    text = (value or "").strip()
    if not text:
        raise InvalidInput("invalid_email", "Enter an e-mail address.", "email")
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidInput(
            "invalid_email", f"{text!r} is not a valid e-mail: {exc}", "email"
        ) from exc
    return str(result.normalized).lower()


def normalise_phone(value: str, default_region: str | None = None) -> str:
    """The number in E.164 (``+4930123456``); national numbers need ``default_region``."""
    text = (value or "").strip()
    if not text:
        raise InvalidInput("invalid_phone", "Enter a phone number.", "phone")
    region = (default_region or "").upper() or None
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        hint = "" if region or text.startswith("+") else " Start with + and the country code."
        raise InvalidInput(
            "invalid_phone", f"{text!r} is not a phone number ({exc._msg}).{hint}", "phone"
        ) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidInput(
            "invalid_phone", f"{text!r} is not a valid number for its country.", "phone"
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def normalise_country(value: str) -> str:
    """An ISO 3166-1 alpha-2 code, upper case (``de`` -> ``DE``)."""
    code = (value or "").strip().upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise InvalidInput(
            "invalid_country",
            f"{value!r} is not an ISO 3166-1 alpha-2 country code (e.g. DE, US).",
            "country",
        )
    return code


def check_transition(from_stage: str, to_stage: str) -> None:
    """Refuse an unknown stage, a no-op or a jump the lifecycle does not allow."""
    if to_stage not in LIFECYCLE_STAGES:
        raise InvalidInput(
            "invalid_stage",
            f"{to_stage!r} is not a lifecycle stage; use one of {', '.join(LIFECYCLE_STAGES)}.",
            "stage",
        )
    if from_stage == to_stage:
        raise InvalidInput("same_stage", f"The party is already {to_stage}.", "stage")
    if to_stage not in ALLOWED_TRANSITIONS.get(from_stage, frozenset()):
        allowed = ", ".join(sorted(ALLOWED_TRANSITIONS.get(from_stage, frozenset())))
        raise InvalidInput(
            "invalid_transition",
            f"A party cannot go from {from_stage} to {to_stage}; from {from_stage}: {allowed}.",
            "stage",
        )


def normalise_tags(names: list[str]) -> list[str]:
    """Distinct tag names, trimmed, in first-seen order, case-insensitively de-duplicated."""
    seen: dict[str, str] = {}
    for raw in names:
        name = " ".join(str(raw).split())
        if not name:
            continue
        if len(name) > 50:
            raise InvalidInput("invalid_tag", f"Tag {name[:20]!r}… is over 50 characters.", "tags")
        seen.setdefault(name.lower(), name)
    return list(seen.values())


def would_cycle(account_id: int, new_parent_id: int | None, parents: dict[int, int | None]) -> bool:
    """True when making ``new_parent_id`` the parent of ``account_id`` closes a loop.

    ``parents`` maps account ids to their parent ids (the ancestors of the new parent).
    """
    seen: set[int] = set()
    current = new_parent_id
    while current is not None and current not in seen:
        if current == account_id:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


def normalise_loyalty_card(value: str) -> str:
    """A loyalty card number without spaces or dashes, upper case (``ab-12 34`` -> ``AB1234``)."""
    text = "".join(ch for ch in str(value or "") if ch not in " -").upper()
    if not text or len(text) > 64 or not text.isalnum():
        raise InvalidInput(
            "invalid_loyalty_card",
            f"{value!r} is not a loyalty card number (letters and digits, up to 64).",
            "loyalty_card",
        )
    return text


def normalise_social_handle(value: str) -> str:
    """A social handle lowercased, without the leading ``@`` (``@Ada_L`` -> ``ada_l``).

    A network prefix is kept (``twitter:ada_l``) so the same handle on two networks differs.
    """
    text = str(value or "").strip().lower()
    network, _, handle = text.rpartition(":")
    handle = handle.lstrip("@")
    if not handle or len(text) > 200 or any(ch.isspace() for ch in text):
        raise InvalidInput(
            "invalid_social_handle",
            f"{value!r} is not a social handle (e.g. @name or network:@name).",
            "social_handle",
        )
    return f"{network}:{handle}" if network else handle
