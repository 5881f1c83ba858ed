"""The leads importer for the data-exchange kernel: leads from CSV or Excel.

A row matches an existing lead by normalised e-mail (any status: a converted lead is
reported unchanged rather than captured again); without an e-mail, by first and last name
and company (case-insensitive). Open leads are updated with the row's non-blank values
(blank cells never erase); new leads get the source ``import`` unless the file says
otherwise. Writes go through the leads services, so normalising, scoring, events and the
audit trail apply.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from valuechain.crm.customers import domain as customers_domain
from valuechain.crm.leads import services
from valuechain.crm.leads.models import Lead
from valuechain.platform.dataexchange.registry import Importer, ImportField, ImportOutcome
from valuechain.platform.errors import DomainError
from valuechain.platform.tenancy.context import require_tenant_id
from valuechain.platform.tenancy.models import Membership

TEXT_FIELDS = (
    "first_name",
    "last_name",
    "company",
    "job_title",
    "region",
    "postal_code",
    "industry",
    "campaign",
)


def _owner_id(email: str) -> int | None:
    if not email:
        return None
    user_id = (
        Membership.objects.filter(
            tenant_id=require_tenant_id(), is_active=True, user__email__iexact=email.strip()
        )
        .values_list("user_id", flat=True)
        .first()
    )
    if user_id is None:
        raise DomainError(
            "unknown_owner", f"No active member has the e-mail {email!r}.", field="owner_email"
        )
    return int(user_id)


def _existing(values: Mapping[str, str]) -> Lead | None:
    email = values.get("email", "")
    if email:
        normalised = services.normalised_email(email)
        return Lead.objects.filter(email=normalised).order_by("-pk").first()
    return (
        Lead.objects.filter(
            first_name__iexact=values.get("first_name", "").strip(),
            last_name__iexact=values.get("last_name", "").strip(),
            company__iexact=values.get("company", "").strip(),
            email="",
        )
        .order_by("-pk")
        .first()
    )


def _changes(lead: Lead, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The non-blank values that differ from the lead's (after the services' normalising)."""
    changes: dict[str, Any] = {}
    for field, value in fields.items():
        if value in ("", None):
            continue
        current = getattr(lead, field)
        if field == "email":
            value = services.normalised_email(value)
        elif field == "phone":
            value = services.normalised_phone(value, fields.get("country") or lead.country)
        elif field == "country":
            value = str(value).strip().upper()
        elif isinstance(value, str):
            value = " ".join(value.split())
        if str(current or "") != str(value):
            changes[field] = value
    return changes


def import_lead(values: Mapping[str, str], known_id: int | None) -> ImportOutcome:
    """Create or update one lead from a row (see the module docstring for matching)."""
    if not values.get("last_name", "").strip():
        raise DomainError("last_name_required", "Enter the last name.", field="last_name")
    fields: dict[str, Any] = {name: values.get(name, "") for name in TEXT_FIELDS}
    fields.update(
        email=values.get("email", ""),
        phone=values.get("phone", ""),
        country=values.get("country", ""),
        size_band=values.get("size_band", ""),
        owner_id=_owner_id(values.get("owner_email", "")),
    )
    if values.get("source"):
        fields["source"] = values["source"].strip().lower().replace(" ", "_")
    lead = _existing(values)
    if lead is None:
        given: dict[str, Any] = {k: v for k, v in fields.items() if v not in ("", None)}
        given.setdefault("source", "import")
        created = services.create_lead(**given, notes=values.get("notes", ""))
        return ImportOutcome("created", created.pk)
    if lead.status == "converted":
        return ImportOutcome("unchanged", lead.pk)
    changes = _changes(lead, fields)
    if values.get("notes") and values["notes"].strip() not in lead.notes:
        changes["notes"] = f"{lead.notes}\n{values['notes'].strip()}".strip()
    if changes:
        services.update_lead(lead.pk, **changes)
    return ImportOutcome("updated" if changes else "unchanged", lead.pk)


LEADS = Importer(
    key="leads.leads",
    label="Leads",
    permission="crm:write",
    natural_key=(
        "Normalised e-mail (a converted lead is left alone); without an e-mail, first and "
        "last name with the company."
    ),
    fields=(
        ImportField("first_name", "First name", aliases=("first", "given name", "firstname")),
        ImportField(
            "last_name",
            "Last name",
            required=True,
            aliases=("last", "surname", "family name", "lastname", "name"),
        ),
        ImportField("email", "E-mail", aliases=("email", "e-mail address", "email address")),
        ImportField("phone", "Phone", aliases=("telephone", "phone number", "mobile", "tel")),
        ImportField("company", "Company", aliases=("company name", "organisation", "account")),
        ImportField("job_title", "Job title", aliases=("title", "position", "role")),
        ImportField("country", "Country", help="ISO code, e.g. DE", aliases=("country code",)),
        ImportField("region", "Region", aliases=("state", "province")),
        ImportField("postal_code", "Postal code", aliases=("zip", "zip code", "postcode")),
        ImportField("industry", "Industry", aliases=("sector",)),
        ImportField(
            "size_band", "Size band", help=", ".join(customers_domain.SIZE_BANDS), aliases=("size",)
        ),
        ImportField(
            "source",
            "Source",
            help="manual, api, web_form, import (default), event, referral, partner, other",
            aliases=("lead source",),
        ),
        ImportField("campaign", "Campaign", aliases=("campaign name",)),
        ImportField("owner_email", "Owner e-mail", aliases=("owner", "lead owner")),
        ImportField("notes", "Notes", aliases=("note", "comment", "description")),
    ),
    import_row=import_lead,
)
