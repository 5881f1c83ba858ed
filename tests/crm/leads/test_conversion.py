"""Converting a lead, duplicates of a lead and the scoring rules (services and queries)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from valuechain.crm.customers import services as customers
from valuechain.crm.customers.models import Account, ConsentRecord, EmailAddress, Person
from valuechain.crm.leads import conversion, queries, scoring, services
from valuechain.crm.leads.models import Lead, ScoringRule
from valuechain.crm.sales.models import Opportunity
from valuechain.platform.errors import DomainError
from valuechain.platform.events.models import OutboxEvent

pytestmark = pytest.mark.usefixtures("in_tenant_a")


def _lead(**extra):
    values = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "company": "Acme GmbH",
        "job_title": "CTO",
        "email": "ada@acme.example",
        "phone": "+49 30 1234567",
        "industry": "Retail",
        "size_band": "11-50",
        **extra,
    }
    return services.create_lead(**values)


def _code(call) -> tuple[str, int]:
    with pytest.raises(DomainError) as error:
        call()
    return error.value.code, error.value.status


def test_convert_creates_account_contact_deal_and_copies_consent(admin_a):
    lead = _lead(owner_id=admin_a.user_id, consent_granted=True, consent_source="web form")
    done = conversion.convert_lead(
        lead.pk,
        opportunity_name="Acme rollout",
        amount=Decimal("1200.50"),
        expected_close_date=dt.date(2030, 6, 30),
    )
    lead.refresh_from_db()
    assert lead.status == "converted" and lead.converted_at is not None
    assert (lead.converted_account_id, lead.converted_person_id) == (
        done.account.pk,
        done.person.pk,
    )
    deal = Opportunity.objects.get()
    assert lead.converted_opportunity_id == done.opportunity_id == deal.pk
    account, person = Account.objects.get(), Person.objects.get()
    assert (account.name, account.industry, account.size_band, account.owner_id) == (
        "Acme GmbH",
        "Retail",
        "11-50",
        admin_a.user_id,
    )
    assert (person.full_name, person.account_id, person.job_title) == (
        "Ada Lovelace",
        account.pk,
        "CTO",
    )
    assert [e.email for e in person.emailaddress_set.all()] == ["ada@acme.example"]
    assert [p.number for p in person.phonenumber_set.all()] == ["+49301234567"]
    consent = ConsentRecord.objects.get()
    assert (consent.channel, consent.granted, consent.recorded_at) == (
        "email",
        True,
        lead.consent_at,
    )
    assert consent.source == f"lead #{lead.pk} (web form)"
    assert (deal.name, deal.account_id, deal.person_id, deal.owner_id, deal.source) == (
        "Acme rollout",
        account.pk,
        person.pk,
        admin_a.user_id,
        f"lead:{lead.pk}",
    )
    assert (deal.amount, deal.expected_close_date, deal.status) == (
        Decimal("1200.50"),
        dt.date(2030, 6, 30),
        "open",
    )
    event = OutboxEvent.objects.get(type="LeadConverted")
    assert event.payload == {
        "lead_id": lead.pk,
        "account_id": account.pk,
        "person_id": person.pk,
        "opportunity_id": deal.pk,
    }
    assert _code(lambda: conversion.convert_lead(lead.pk)) == ("already_converted", 409)
    assert Account.objects.count() == 1 and Person.objects.count() == 1


def test_convert_links_the_existing_contact_found_as_duplicate():
    acme = customers.create_account(name="Acme")
    ada = customers.create_person(last_name="Lovelace", account_id=acme.pk)
    customers.add_email("person", ada.pk, email="ada@acme.example")
    lead = _lead()
    found = queries.duplicates(lead)
    assert [(d.kind, d.id, d.matched_on) for d in found] == [("person", ada.pk, "email")]
    done = conversion.convert_lead(
        lead.pk, account_id=acme.pk, person_id=ada.pk, create_opportunity=False
    )
    assert (done.account.pk, done.person.pk, done.opportunity_id) == (acme.pk, ada.pk, None)
    assert Person.objects.count() == 1 and Account.objects.count() == 1
    assert EmailAddress.objects.filter(person=ada).count() == 1  # not added twice
    assert ada.phonenumber_set.count() == 1  # the lead's phone was new to her


def test_convert_without_company_makes_a_consumer_without_account():
    lead = _lead(company="")
    done = conversion.convert_lead(lead.pk, create_opportunity=False)
    assert done.account is None and done.person.account_id is None
    assert Account.objects.count() == 0


def test_convert_refusals_write_nothing():
    lead = _lead()
    assert _code(lambda: conversion.convert_lead(lead.pk, opportunity_name=" ")) == (
        "name_required",
        422,
    )
    assert _code(lambda: conversion.convert_lead(lead.pk, account_id=999999)) == (
        "unknown_account",
        422,
    )
    assert _code(
        lambda: conversion.convert_lead(lead.pk, person_id=999999, create_opportunity=False)
    ) == ("unknown_person", 422)
    assert _code(lambda: conversion.convert_lead(999999)) == ("not_found", 404)
    services.change_status(lead.pk, "unqualified", reason="spam")
    assert _code(lambda: conversion.convert_lead(lead.pk, create_opportunity=False)) == (
        "lead_unqualified",
        409,
    )
    assert Account.objects.count() == 0 and Person.objects.count() == 0
    assert Opportunity.objects.count() == 0
    assert Lead.objects.get().status == "unqualified"
    assert not OutboxEvent.objects.filter(type="LeadConverted").exists()


def test_duplicates_across_leads_people_and_accounts():
    acme = customers.create_account(name="Acme")
    customers.add_phone("account", acme.pk, number="+49 30 1234567")
    first = _lead(phone="")
    second = _lead(email="other@acme.example")
    assert [(d.kind, d.id, d.matched_on) for d in queries.duplicates(second)] == [
        ("account", acme.pk, "phone"),
    ]
    assert [(d.kind, d.id, d.matched_on) for d in queries.duplicates(first)] == []
    third = _lead()
    assert [(d.kind, d.id, d.matched_on) for d in queries.duplicates(third)] == [
        ("account", acme.pk, "phone"),
        ("lead", second.pk, "phone"),
        ("lead", first.pk, "email"),
    ]


def test_scoring_rule_changes_rescore_open_leads_only():
    open_lead = _lead()
    converted = _lead(email="x@acme.example")
    conversion.convert_lead(converted.pk)
    before = Lead.objects.get(pk=converted.pk).score
    rule = scoring.create_scoring_rule(
        name="German", field="country", operator="equals", value="DE", points=7
    )
    services.update_lead(open_lead.pk, country="DE")
    open_lead.refresh_from_db()
    assert {"rule": "German", "points": 7} in open_lead.score_breakdown
    scoring.update_scoring_rule(rule.pk, points=-3)
    open_lead.refresh_from_db()
    assert {"rule": "German", "points": -3} in open_lead.score_breakdown
    scoring.delete_scoring_rule(rule.pk)
    open_lead.refresh_from_db()
    assert all(item["rule"] != "German" for item in open_lead.score_breakdown)
    assert Lead.objects.get(pk=converted.pk).score == before


@pytest.mark.parametrize(
    ("values", "code", "field"),
    [
        ({"name": ""}, "name_required", "name"),
        ({"name": "Has a company"}, "duplicate_name", "name"),
        ({"field": "salary"}, "invalid_field", "field"),
        ({"operator": "like"}, "invalid_operator", "operator"),
        ({"operator": "greater_than", "value": "x"}, "invalid_value", "value"),
        ({"points": 5000}, "invalid_points", "points"),
        ({"points": True}, "invalid_points", "points"),
    ],
)
def test_bad_scoring_rules_are_refused(values, code, field):
    scoring.ensure_default_rules()
    arguments = {
        "name": "New",
        "field": "company",
        "operator": "is_set",
        "value": "",
        "points": 1,
        **values,
    }
    with pytest.raises(DomainError) as error:
        scoring.create_scoring_rule(**arguments)
    assert (error.value.code, error.value.field) == (code, field)
    assert ScoringRule.objects.count() == 9


def test_default_rules_are_created_once_and_deleting_them_sticks():
    scoring.ensure_default_rules()
    scoring.ensure_default_rules()
    assert ScoringRule.objects.count() == 9
    for rule in ScoringRule.objects.all():
        scoring.delete_scoring_rule(rule.pk)
    lead = _lead()
    assert (lead.score, lead.score_breakdown, ScoringRule.objects.count()) == (0, [], 0)
