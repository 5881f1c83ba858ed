"""Lead use cases: capture, normalising, idempotent import, changes, status, owner, events."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from tests.conftest import make_member

from valuechain.crm.leads import services
from valuechain.crm.leads.models import Lead, LeadStatusChange, ScoringRule
from valuechain.platform.audit.models import AuditEntry
from valuechain.platform.errors import DomainError
from valuechain.platform.events.models import OutboxEvent

pytestmark = pytest.mark.usefixtures("in_tenant_a")


def _events(kind: str) -> list[dict]:
    return [e.payload for e in OutboxEvent.objects.filter(type=kind).order_by("occurred_at", "pk")]


def _refused(call, code: str, field: str | None = None, status: int = 422) -> DomainError:
    with pytest.raises(DomainError) as error:
        call()
    assert (error.value.code, error.value.status) == (code, status)
    if field is not None:
        assert error.value.field == field
    return error.value


def test_create_normalises_scores_and_publishes(admin_a):
    lead = services.create_lead(
        first_name=" Ada ",
        last_name="Lovelace",
        company="Acme GmbH",
        job_title="Head of IT",
        email=" Ada@ACME.example ",
        phone="030 1234567",
        country="de",
        postal_code="10115",
        industry="Retail",
        size_band="51-200",
        source="api",
        owner_id=admin_a.user_id,
        utm_source="google",
        utm_campaign="spring",
        consent_granted=True,
        consent_text="Yes, e-mail me",
        consent_source="api",
    )
    lead.refresh_from_db()
    assert (lead.first_name, lead.email, lead.phone, lead.country) == (
        "Ada",
        "ada@acme.example",
        "+49301234567",
        "DE",
    )
    assert lead.status == "new" and lead.was_created
    assert lead.consent_at is not None and lead.consent_text == "Yes, e-mail me"
    assert lead.score == 70
    assert lead.score_breakdown == [
        {"rule": "Has a company", "points": 10},
        {"rule": "Has a job title", "points": 5},
        {"rule": "Decision maker title", "points": 15},
        {"rule": "Reachable by phone", "points": 10},
        {"rule": "Business e-mail", "points": 10},
        {"rule": "Company over 50 staff", "points": 15},
        {"rule": "Gave marketing consent", "points": 5},
    ]
    assert sum(item["points"] for item in lead.score_breakdown) == lead.score
    assert _events("LeadCreated") == [
        {
            "lead_id": lead.pk,
            "source": "api",
            "owner_id": admin_a.user_id,
            "country": "DE",
            "region": "",
            "postal_code": "10115",
            "industry": "Retail",
            "size_band": "51-200",
        }
    ]
    assert AuditEntry.objects.filter(object_id=str(lead.pk)).exists()


def test_score_breakdown_is_exact_for_the_default_rules():
    lead = services.create_lead(
        last_name="Lovelace", company="Acme", job_title="CEO", email="ada@gmail.com"
    )
    assert lead.score == 30
    assert lead.score_breakdown == [
        {"rule": "Has a company", "points": 10},
        {"rule": "Has a job title", "points": 5},
        {"rule": "Decision maker title", "points": 15},
    ]
    assert ScoringRule.objects.count() == 9


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"last_name": " "}, "last_name_required", "last_name"),
        ({"email": "not-an-email"}, "invalid_email", "email"),
        ({"phone": "12"}, "invalid_phone", "phone"),
        ({"phone": "030 1234567"}, "invalid_phone", "phone"),  # national, no country
        ({"country": "XX"}, "invalid_country", "country"),
        ({"size_band": "huge"}, "invalid_size_band", "size_band"),
        ({"source": "fax"}, "invalid_source", "source"),
        ({"owner_id": 999999}, "invalid_owner", "owner_id"),
        ({"company": "x" * 201}, "invalid_company", "company"),
        ({"custom": {"nope": 1}}, "invalid_custom_fields", None),
    ],
)
def test_bad_input_is_refused_and_nothing_written(changes, code, field):
    arguments = {"last_name": "Lovelace", **changes}
    _refused(lambda: services.create_lead(**arguments), code, field)
    assert Lead.objects.count() == 0
    assert OutboxEvent.objects.filter(type="LeadCreated").count() == 0


def test_owner_from_another_tenant_is_refused(tenant_b):
    other = make_member(tenant_b, "rep@beta.test", "sales_rep")
    _refused(
        lambda: services.create_lead(last_name="X", owner_id=other.user_id),
        "invalid_owner",
        "owner_id",
    )


def test_existing_by_email_returns_the_open_lead_unchanged():
    first = services.create_lead(last_name="Lovelace", email="ada@acme.example")
    again = services.create_lead(
        last_name="Other", email="ADA@acme.example", existing_by_email=True
    )
    assert again.pk == first.pk and again.was_created is False
    assert again.last_name == "Lovelace"
    assert Lead.objects.count() == 1
    plain = services.create_lead(last_name="Twin", email="ada@acme.example")
    assert plain.pk != first.pk and Lead.objects.count() == 2


def test_update_rescores_and_keeps_other_fields():
    lead = services.create_lead(last_name="Lovelace", email="ada@gmail.com")
    assert lead.score == 0
    services.update_lead(lead.pk, company="Acme", phone="+49 30 1234567")
    lead.refresh_from_db()
    assert (lead.company, lead.phone, lead.last_name) == ("Acme", "+49301234567", "Lovelace")
    assert lead.score == 20
    assert _events("LeadUpdated")[-1]["changed"] == ["company", "phone"]


def test_update_refuses_unknown_fields_and_converted_leads():
    lead = services.create_lead(last_name="Lovelace")
    _refused(lambda: services.update_lead(lead.pk, status="qualified"), "unknown_field", "status")
    _refused(lambda: services.update_lead(999999, company="x"), "not_found", status=404)
    Lead.objects.filter(pk=lead.pk).update(status="converted")
    _refused(lambda: services.update_lead(lead.pk, company="x"), "already_converted", status=409)


def test_consent_time_is_set_on_grant_and_cleared_on_withdrawal():
    lead = services.create_lead(last_name="Lovelace")
    assert lead.consent_at is None
    services.update_lead(lead.pk, consent_granted=True)
    lead.refresh_from_db()
    assert lead.consent_at is not None
    services.update_lead(lead.pk, consent_granted=False)
    lead.refresh_from_db()
    assert lead.consent_at is None


def test_import_keeps_the_given_consent_time():
    at = timezone.now() - dt.timedelta(days=3)
    lead = services.create_lead(
        last_name="Lovelace", consent_granted=True, consent_at=at, source="import"
    )
    assert lead.consent_at == at


def test_status_flow_history_and_events(admin_a):
    lead = services.create_lead(last_name="Lovelace")
    services.change_status(lead.pk, "contacted")
    change = services.change_status(lead.pk, "unqualified", reason="no_budget")
    lead.refresh_from_db()
    assert (lead.status, lead.unqualified_reason) == ("unqualified", "no_budget")
    assert (change.from_status, change.to_status, change.actor_id) == (
        "contacted",
        "unqualified",
        admin_a.user_id,
    )
    services.change_status(lead.pk, "qualified", reason="no_budget")
    lead.refresh_from_db()
    assert (lead.status, lead.unqualified_reason) == ("qualified", "")
    assert [e["to_status"] for e in _events("LeadStatusChanged")] == [
        "contacted",
        "unqualified",
        "qualified",
    ]
    assert LeadStatusChange.objects.filter(lead=lead).count() == 3


@pytest.mark.parametrize(
    ("status", "reason", "code"),
    [
        ("new", "", "invalid_transition"),
        ("contacted", "", "same_status"),
        ("won", "", "invalid_status"),
        ("converted", "", "convert_instead"),
        ("unqualified", "", "reason_required"),
    ],
)
def test_bad_status_changes_write_nothing(status, reason, code):
    lead = services.create_lead(last_name="Lovelace")
    services.change_status(lead.pk, "contacted")
    _refused(lambda: services.change_status(lead.pk, status, reason=reason), code)
    lead.refresh_from_db()
    assert lead.status == "contacted"
    assert LeadStatusChange.objects.count() == 1


def test_status_of_converted_lead_is_409():
    lead = services.create_lead(last_name="Lovelace")
    Lead.objects.filter(pk=lead.pk).update(status="converted")
    _refused(lambda: services.change_status(lead.pk, "contacted"), "already_converted", status=409)


def test_assign_owner(admin_a):
    lead = services.create_lead(last_name="Lovelace")
    services.assign_owner(lead.pk, admin_a.user_id)
    lead.refresh_from_db()
    assert lead.owner_id == admin_a.user_id
    assert _events("LeadAssigned") == [
        {"lead_id": lead.pk, "owner_id": admin_a.user_id, "previous": None}
    ]
    _refused(lambda: services.assign_owner(lead.pk, 999999), "invalid_owner", "owner_id")
    services.assign_owner(lead.pk, None)
    lead.refresh_from_db()
    assert lead.owner_id is None
