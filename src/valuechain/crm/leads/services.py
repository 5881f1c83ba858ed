"""Use cases of leads: capture, change, qualify, assign and score.

Every function runs in one transaction, locks the lead it changes, raises DomainError with
the field at fault for bad input (nothing is written then) and publishes a past-tense event.
Conversion lives in ``conversion.py``, the scoring rules in ``scoring.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone

from valuechain.crm.customers import domain as customers_domain
from valuechain.crm.leads import domain
from valuechain.crm.leads.models import Lead, LeadStatusChange
from valuechain.crm.leads.scoring import lead_values, score_values
from valuechain.platform.customfields.services import clean_custom_values
from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.inputs import clean_choice, clean_text
from valuechain.platform.tenancy.context import current, require_tenant_id
from valuechain.platform.tenancy.models import Membership

LEAD_TARGET = "leads.lead"  # the custom-field target, registered in apps.py
T = TypeVar("T")

TEXT_LIMITS = {
    "first_name": 100,
    "last_name": 100,
    "company": 200,
    "job_title": 100,
    "region": 100,
    "postal_code": 20,
    "industry": 100,
    "campaign": 100,
    "utm_source": 100,
    "utm_medium": 100,
    "utm_campaign": 100,
    "utm_term": 100,
    "utm_content": 100,
    "consent_text": 500,
    "consent_source": 200,
}
LEAD_FIELDS = frozenset(
    {*TEXT_LIMITS, "email", "phone", "country", "size_band", "source", "owner_id", "notes"}
    | {"consent_granted", "custom"}
)


def _domain(call: Callable[..., T], *args: Any) -> T:
    """Run a pure rule, turning its InvalidInput into a DomainError."""
    try:
        return call(*args)
    except customers_domain.InvalidInput as exc:
        raise DomainError(exc.code, exc.message, field=exc.field) from exc


# Short local names: this module and its siblings call them on every field.
_text = clean_text
_choice = clean_choice


def owner_id_or_none(owner_id: Any) -> int | None:
    """An owner must be an active member of the current tenant."""
    if owner_id in (None, ""):
        return None
    is_member = Membership.objects.filter(
        tenant_id=require_tenant_id(), user_id=owner_id, is_active=True
    ).exists()
    if not is_member:
        raise DomainError(
            "invalid_owner", "The owner must be an active member of this tenant.", field="owner_id"
        )
    return int(owner_id)


def normalised_email(value: Any) -> str:
    """The e-mail in normalised form, or "" when none is given."""
    if not str(value or "").strip():
        return ""
    return _domain(customers_domain.normalise_email, value)


def normalised_phone(value: Any, country: str) -> str:
    """The phone in E.164 (national numbers read in the lead's country), or ""."""
    if not str(value or "").strip():
        return ""
    return _domain(customers_domain.normalise_phone, value, country or None)


def _values(data: Mapping[str, Any], lead: Lead | None) -> dict[str, Any]:
    """Cleaned model values of the given fields; ``lead`` is the current state on a change."""
    values: dict[str, Any] = {}
    for field, limit in TEXT_LIMITS.items():
        if field in data:
            values[field] = _text(data[field], field, limit, required=field == "last_name")
    if "country" in data:
        raw = str(data["country"] or "").strip()
        values["country"] = _domain(customers_domain.normalise_country, raw) if raw else ""
    if "email" in data:
        values["email"] = normalised_email(data["email"])
    if "phone" in data:
        country = values.get("country", lead.country if lead is not None else "")
        values["phone"] = normalised_phone(data["phone"], country)
    if "size_band" in data:
        values["size_band"] = _choice(
            data["size_band"], "size_band", customers_domain.SIZE_BANDS, blank=True
        )
    if "source" in data:
        values["source"] = _choice(data["source"], "source", domain.SOURCES)
    if "owner_id" in data:
        values["owner_id"] = owner_id_or_none(data["owner_id"])
    if "notes" in data:
        values["notes"] = str(data["notes"] or "").strip()[:5000]
    if "consent_granted" in data:
        if not isinstance(data["consent_granted"], bool):
            raise DomainError(
                "invalid_consent_granted", "Say whether consent is granted.", field="consent"
            )
        values["consent_granted"] = data["consent_granted"]
    if "custom" in data:
        custom = data["custom"]
        if custom is not None and not isinstance(custom, Mapping):
            raise DomainError("invalid_custom", "Custom fields must be an object.", field="custom")
        values["custom"] = clean_custom_values(
            LEAD_TARGET,
            custom,
            partial=lead is not None,
            current=None if lead is None else lead.custom,
        )
    return values


def _rescore(lead: Lead) -> None:
    lead.score, lead.score_breakdown = score_values(lead_values(lead))


def _stamp_consent(lead: Lead, granted_before: bool, at: datetime | None) -> None:
    """Keep when consent was given; a withdrawn consent clears the time."""
    if lead.consent_granted and not granted_before:
        lead.consent_at = at or timezone.now()
    elif not lead.consent_granted:
        lead.consent_at = None


def created_payload(lead: Lead) -> dict[str, Any]:
    """The LeadCreated payload: what territory assignment and automation route by."""
    return {
        "lead_id": lead.pk,
        "source": lead.source,
        "owner_id": lead.owner_id,
        "country": lead.country,
        "region": lead.region,
        "postal_code": lead.postal_code,
        "industry": lead.industry,
        "size_band": lead.size_band,
    }


@transaction.atomic
def create_lead(
    *,
    last_name: str,
    first_name: str = "",
    company: str = "",
    job_title: str = "",
    email: str = "",
    phone: str = "",
    country: str = "",
    region: str = "",
    postal_code: str = "",
    industry: str = "",
    size_band: str = "",
    source: str = "manual",
    owner_id: int | None = None,
    campaign: str = "",
    utm_source: str = "",
    utm_medium: str = "",
    utm_campaign: str = "",
    utm_term: str = "",
    utm_content: str = "",
    consent_granted: bool = False,
    consent_text: str = "",
    consent_source: str = "",
    consent_at: datetime | None = None,
    notes: str = "",
    custom: Mapping[str, Any] | None = None,
    existing_by_email: bool = False,
) -> Lead:
    """Capture a lead, normalised and scored.

    With ``existing_by_email`` (imports), an open lead with the same normalised e-mail is
    returned unchanged instead of creating a second one; ``lead.was_created`` says which.
    """
    data = {
        "first_name": first_name,
        "last_name": last_name,
        "company": company,
        "job_title": job_title,
        "email": email,
        "phone": phone,
        "country": country,
        "region": region,
        "postal_code": postal_code,
        "industry": industry,
        "size_band": size_band,
        "source": source,
        "owner_id": owner_id,
        "campaign": campaign,
        "utm_source": utm_source,
        "utm_medium": utm_medium,
        "utm_campaign": utm_campaign,
        "utm_term": utm_term,
        "utm_content": utm_content,
        "consent_granted": consent_granted,
        "consent_text": consent_text,
        "consent_source": consent_source,
        "notes": notes,
        "custom": custom,
    }
    values = _values(data, None)
    if existing_by_email and values["email"]:
        found = (
            Lead.objects.select_for_update()
            .filter(email=values["email"])
            .exclude(status="converted")
            .order_by("pk")
            .first()
        )
        if found is not None:
            found.was_created = False
            return found
    lead = Lead(**values)
    _stamp_consent(lead, False, consent_at)
    _rescore(lead)
    lead.save()
    lead.was_created = True
    publish("LeadCreated", created_payload(lead))
    return lead


def locked_lead(lead_id: Any, *, open_only: bool = True) -> Lead:
    """The lead, locked for the transaction; 404 when unknown, 409 when already converted."""
    lead = Lead.objects.select_for_update().filter(pk=lead_id).first()
    if lead is None:
        raise DomainError("not_found", "No such lead.", status=404)
    if open_only and lead.is_converted:
        raise DomainError(
            "already_converted",
            "The lead was converted; change its account, contact or opportunity instead.",
            status=409,
        )
    return lead


@transaction.atomic
def update_lead(lead_id: int, **changes: Any) -> Lead:
    """Change the given fields of an open lead; it is scored again."""
    unknown = set(changes) - LEAD_FIELDS
    if unknown:
        raise DomainError(
            "unknown_field", f"Cannot change {', '.join(sorted(unknown))}.", field=min(unknown)
        )
    lead = locked_lead(lead_id)
    if "country" in changes and "phone" not in changes and lead.phone:
        changes["phone"] = lead.phone  # already E.164: the new country cannot misread it
    values = _values(changes, lead)
    granted_before = lead.consent_granted
    for field, value in values.items():
        setattr(lead, field, value)
    _stamp_consent(lead, granted_before, None)
    _rescore(lead)
    lead.save()
    publish("LeadUpdated", {"lead_id": lead.pk, "changed": sorted(changes), "score": lead.score})
    return lead


@transaction.atomic
def change_status(lead_id: int, status: str, *, reason: str = "") -> LeadStatusChange:
    """Move a lead along new -> contacted -> qualified / unqualified (with a reason)."""
    lead = locked_lead(lead_id, open_only=False)
    reason = str(reason or "").strip()
    try:
        domain.check_transition(lead.status, str(status or ""), reason)
    except customers_domain.InvalidInput as exc:
        status_code = 409 if exc.code == "already_converted" else 422
        raise DomainError(exc.code, exc.message, field=exc.field, status=status_code) from exc
    change = LeadStatusChange.objects.create(
        lead=lead,
        from_status=lead.status,
        to_status=status,
        reason=reason if status == "unqualified" else "",
        actor_id=current().actor_id,
    )
    lead.status = status
    lead.unqualified_reason = change.reason
    lead.save(update_fields=["status", "unqualified_reason", "updated_at"])
    publish(
        "LeadStatusChanged",
        {
            "lead_id": lead.pk,
            "from_status": change.from_status,
            "to_status": status,
            "reason": change.reason,
        },
    )
    return change


@transaction.atomic
def assign_owner(lead_id: int, owner_id: int | None) -> Lead:
    """Give an open lead to a member (territory assignment calls this on LeadCreated)."""
    lead = locked_lead(lead_id)
    previous = lead.owner_id
    lead.owner_id = owner_id_or_none(owner_id)
    lead.save(update_fields=["owner", "updated_at"])
    publish("LeadAssigned", {"lead_id": lead.pk, "owner_id": lead.owner_id, "previous": previous})
    return lead
