"""Converting a lead: one transaction makes (or links) the account, the contact and the deal.

Existing records chosen from the duplicate check are linked instead of created, so a
returning customer does not get a second person. The lead's consent is copied to the
person as a consent record. A converted lead cannot be converted again (409).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from valuechain.crm.customers import services as customers
from valuechain.crm.customers.models import Account, EmailAddress, Person, PhoneNumber
from valuechain.crm.leads.models import Lead, LeadStatusChange
from valuechain.crm.leads.services import locked_lead
from valuechain.crm.sales import services as sales
from valuechain.crm.sales.models import Opportunity
from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.tenancy.context import current


@dataclass(frozen=True)
class Conversion:
    """What a conversion made or linked."""

    lead: Lead
    account: Account | None
    person: Person
    opportunity: Opportunity | None

    @property
    def opportunity_id(self) -> int | None:
        """The opportunity's id, None when none was opened."""
        return None if self.opportunity is None else self.opportunity.pk


def _existing(model: type[Account] | type[Person], pk: Any, field: str) -> Any:
    row = model.objects.filter(pk=pk).first()
    if row is None:
        raise DomainError(f"unknown_{field[:-3]}", f"No such {field[:-3]}.", field=field)
    return row


def _account(lead: Lead, account_id: int | None, create_account: bool) -> Account | None:
    if account_id is not None:
        return _existing(Account, account_id, "account_id")
    if not create_account or not lead.company:
        return None
    return customers.create_account(
        name=lead.company,
        industry=lead.industry,
        size_band=lead.size_band,
        owner_id=lead.owner_id,
    )


def _person(lead: Lead, person_id: int | None, account: Account | None) -> Person:
    if person_id is not None:
        person: Person = _existing(Person, person_id, "person_id")
        if account is not None and person.account_id is None:
            customers.update_person(person.pk, account_id=account.pk)
            person.account_id = account.pk
        return person
    person = customers.create_person(
        first_name=lead.first_name,
        last_name=lead.last_name,
        account_id=None if account is None else account.pk,
        job_title=lead.job_title,
        owner_id=lead.owner_id,
    )
    return person


def _contact_points(lead: Lead, person: Person) -> None:
    """Give the person the lead's e-mail and phone unless they have them already."""
    if lead.email and not EmailAddress.objects.filter(person=person, email=lead.email).exists():
        customers.add_email("person", person.pk, email=lead.email)
    if lead.phone and not PhoneNumber.objects.filter(person=person, number=lead.phone).exists():
        customers.add_phone("person", person.pk, number=lead.phone)


def _consent(lead: Lead, person: Person) -> None:
    if not lead.consent_granted:
        return
    source = f"lead #{lead.pk}" + (f" ({lead.consent_source})" if lead.consent_source else "")
    customers.record_consent(
        person.pk,
        channel="email",
        granted=True,
        source=source[:200],
        recorded_at=lead.consent_at,
    )


def _opportunity(
    lead: Lead,
    account: Account | None,
    person: Person,
    name: str,
    amount: Decimal | None,
    expected_close_date: dt.date | None,
) -> Opportunity:
    """Open a deal through the sales context (default pipeline, first open stage)."""
    data: dict[str, Any] = {
        "name": name or f"{lead.company or lead.full_name} deal",
        "account_id": None if account is None else account.pk,
        "person_id": person.pk,
        "owner_id": lead.owner_id,  # none: the converting member owns the deal
        "source": f"lead:{lead.pk}",
    }
    if amount is not None:
        data["amount"] = amount
    if expected_close_date is not None:
        data["expected_close_date"] = expected_close_date
    return sales.create_opportunity(data)


@transaction.atomic
def convert_lead(
    lead_id: int,
    *,
    account_id: int | None = None,
    person_id: int | None = None,
    create_account: bool = True,
    create_opportunity: bool = True,
    opportunity_name: str = "",
    amount: Decimal | None = None,
    expected_close_date: dt.date | None = None,
) -> Conversion:
    """Turn a lead into an account (when it has a company), a contact and an opportunity.

    ``account_id`` / ``person_id`` link existing records (from the duplicate check) instead.
    """
    lead = locked_lead(lead_id)
    if lead.status == "unqualified":
        raise DomainError(
            "lead_unqualified",
            "An unqualified lead cannot be converted; reopen it first.",
            field="status",
            status=409,
        )
    if len(str(opportunity_name or "")) > 200:
        raise DomainError(
            "invalid_opportunity_name",
            "The opportunity name is over 200 characters.",
            field="opportunity_name",
        )
    account = _account(lead, account_id, create_account)
    person = _person(lead, person_id, account)
    _contact_points(lead, person)
    _consent(lead, person)
    opportunity = (
        _opportunity(lead, account, person, opportunity_name, amount, expected_close_date)
        if create_opportunity
        else None
    )
    LeadStatusChange.objects.create(
        lead=lead, from_status=lead.status, to_status="converted", actor_id=current().actor_id
    )
    publish(
        "LeadStatusChanged",
        {"lead_id": lead.pk, "from_status": lead.status, "to_status": "converted", "reason": ""},
    )
    lead.status = "converted"
    lead.converted_account = account
    lead.converted_person = person
    lead.converted_opportunity = opportunity
    lead.converted_at = timezone.now()
    lead.save()
    publish(
        "LeadConverted",
        {
            "lead_id": lead.pk,
            "account_id": None if account is None else account.pk,
            "person_id": person.pk,
            "opportunity_id": None if opportunity is None else opportunity.pk,
        },
    )
    return Conversion(lead, account, person, opportunity)
