"""Use cases of opportunities: create, change, move, win, lose, reopen, lines; exact codes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from valuechain.crm.customers import services as customers
from valuechain.crm.sales import pipeline_services, services
from valuechain.crm.sales.models import (
    LossReason,
    Opportunity,
    OpportunityLine,
    Pipeline,
    Stage,
    StageChange,
)
from valuechain.platform.errors import DomainError
from valuechain.platform.events.models import OutboxEvent

pytestmark = pytest.mark.usefixtures("in_tenant_a")


def _refused(code, field, call, *args, **kwargs):
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    assert (caught.value.code, caught.value.field) == (code, field), caught.value.message
    return caught.value


def _events(event_type):
    return [
        event.payload
        for event in OutboxEvent.objects.filter(type=event_type).order_by("occurred_at", "pk")
    ]


def _stage(name):
    return Stage.objects.get(pipeline=pipeline_services.default_pipeline(), name=name)


def test_default_pipeline_is_created_once_with_the_default_stages():
    pipeline = pipeline_services.default_pipeline()
    assert pipeline_services.default_pipeline() == pipeline
    assert Pipeline.objects.count() == 1
    assert pipeline.is_default
    stages = list(
        pipeline.stages.order_by("position").values_list(
            "name", "probability", "forecast_category", "is_won", "is_lost"
        )
    )
    assert stages == [
        ("Qualification", 10, "pipeline", False, False),
        ("Needs analysis", 25, "pipeline", False, False),
        ("Proposal", 50, "best_case", False, False),
        ("Negotiation", 75, "commit", False, False),
        ("Won", 100, "closed", True, False),
        ("Lost", 0, "omitted", False, True),
    ]


def test_create_opportunity_in_the_default_pipeline(admin_a, acme, ada):
    opportunity = services.create_opportunity(
        {
            "name": "  Shop   relaunch ",
            "account_id": acme.pk,
            "person_id": ada.pk,
            "amount": "12000.005",
            "currency": "eur",
            "expected_close_date": "2026-03-31",
            "next_step": "Send proposal",
            "source": "lead:7",
        }
    )
    opportunity.refresh_from_db()
    assert opportunity.name == "Shop relaunch"
    assert opportunity.stage.name == "Qualification"
    assert opportunity.pipeline.is_default
    assert opportunity.amount == Decimal("12000.01")
    assert opportunity.currency == "EUR"
    assert opportunity.expected_close_date == dt.date(2026, 3, 31)
    assert opportunity.owner_id == admin_a.user_id  # the creator owns it by default
    assert (opportunity.probability, opportunity.forecast_category) == (10, "pipeline")
    assert opportunity.status == "open"
    assert opportunity.closed_at is None
    assert opportunity.source == "lead:7"
    change = StageChange.objects.get(opportunity=opportunity)
    assert (change.from_stage, change.to_stage.name) == (None, "Qualification")
    assert _events("OpportunityCreated") == [
        {
            "opportunity_id": opportunity.pk,
            "account_id": acme.pk,
            "person_id": ada.pk,
            "pipeline_id": opportunity.pipeline_id,
            "stage_id": opportunity.stage_id,
            "owner_id": admin_a.user_id,
            "amount": "12000.01",
            "currency": "EUR",
            "source": "lead:7",
        }
    ]


def test_create_with_a_contact_only_takes_the_contacts_account(ada, acme):
    opportunity = services.create_opportunity({"name": "Deal", "person_id": ada.pk})
    assert opportunity.account == acme
    assert opportunity.currency == "EUR"  # the tenant's base currency
    assert opportunity.amount == Decimal("0")


def test_create_with_lines_takes_their_total(acme):
    opportunity = services.create_opportunity(
        {
            "name": "Deal",
            "account_id": acme.pk,
            "amount": "1",
            "lines": [
                {"product_name": "Licence", "sku": "LIC-1", "quantity": "3", "unit_price": "99.99"},
                {"product_name": "Setup", "quantity": 1, "unit_price": "150"},
            ],
        }
    )
    assert opportunity.amount == Decimal("449.97")
    assert list(opportunity.lines.values_list("product_name", "sku", "position")) == [
        ("Licence", "LIC-1", 0),
        ("Setup", "", 1),
    ]


def test_create_in_a_given_stage(acme):
    stage = _stage("Proposal")
    opportunity = services.create_opportunity(
        {"name": "Deal", "account_id": acme.pk, "stage_id": stage.pk, "probability": 60}
    )
    assert (opportunity.stage, opportunity.probability) == (stage, 60)
    assert opportunity.forecast_category == "best_case"


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        ({"name": " "}, "name_required", "name"),
        ({}, "party_required", "account_id"),
        ({"account_id": 999999}, "unknown_account", "account_id"),
        ({"person_id": 999999}, "unknown_person", "person_id"),
        ({"pipeline_id": 999999}, "unknown_pipeline", "pipeline_id"),
        ({"stage_id": 999999}, "unknown_stage", "stage_id"),
        ({"amount": "-1"}, "invalid_amount", "amount"),
        ({"amount": "abc"}, "invalid_amount", "amount"),
        ({"currency": "XXX"}, "invalid_currency", "currency"),
        (
            {"expected_close_date": "31.03.2026"},
            "invalid_expected_close_date",
            "expected_close_date",
        ),
        ({"owner_id": 999999}, "invalid_owner", "owner_id"),
        ({"probability": 101}, "invalid_probability", "probability"),
        ({"probability": "7.5"}, "invalid_probability", "probability"),
        ({"forecast_category": "maybe"}, "invalid_forecast_category", "forecast_category"),
        ({"lines": "x"}, "invalid_lines", "lines"),
        (
            {"lines": [{"product_name": "A", "quantity": "0", "unit_price": "1"}]},
            "invalid_quantity",
            "lines[0].quantity",
        ),
        (
            {"lines": [{"quantity": "1", "unit_price": "1"}]},
            "product_name_required",
            "lines[0].product_name",
        ),
        ({"colour": "red"}, "unknown_field", "colour"),
    ],
)
def test_create_refuses_bad_input_and_writes_nothing(acme, data, code, field):
    pipeline_services.default_pipeline()
    base = {"name": "Deal", "account_id": acme.pk}
    _refused(code, field, services.create_opportunity, {**base, **data} if data else {"name": "D"})
    assert Opportunity.objects.count() == 0
    assert OpportunityLine.objects.count() == 0
    assert _events("OpportunityCreated") == []


def test_a_contact_of_another_account_is_refused(acme):
    other = customers.create_account(name="Other")
    bob = customers.create_person(last_name="Bob", account_id=other.pk)
    _refused(
        "person_not_of_account",
        "person_id",
        services.create_opportunity,
        {"name": "D", "account_id": acme.pk, "person_id": bob.pk},
    )


def test_stage_of_another_pipeline_is_refused(acme):
    default = pipeline_services.default_pipeline()
    other = pipeline_services.create_pipeline({"name": "Renewals"})
    stage = other.stages.order_by("position").first()
    _refused(
        "stage_not_in_pipeline",
        "stage_id",
        services.create_opportunity,
        {"name": "D", "account_id": acme.pk, "pipeline_id": default.pk, "stage_id": stage.pk},
    )


def test_update_changes_given_fields(acme, ada):
    opportunity = services.create_opportunity({"name": "Deal", "account_id": acme.pk})
    services.update_opportunity(
        opportunity.pk,
        {
            "name": "Bigger deal",
            "amount": "500",
            "next_step": "Call",
            "probability": 35,
            "forecast_category": "commit",
            "person_id": ada.pk,
        },
    )
    opportunity.refresh_from_db()
    assert (opportunity.name, opportunity.amount, opportunity.next_step) == (
        "Bigger deal",
        Decimal("500.00"),
        "Call",
    )
    assert (opportunity.probability, opportunity.forecast_category) == (35, "commit")
    assert opportunity.person == ada
    assert _events("OpportunityUpdated")[-1]["changed"] == [
        "amount",
        "forecast_category",
        "name",
        "next_step",
        "person_id",
        "probability",
    ]


def test_update_refuses_stage_and_amount_of_lines(acme):
    opportunity = services.create_opportunity(
        {
            "name": "Deal",
            "account_id": acme.pk,
            "lines": [{"product_name": "A", "quantity": "2", "unit_price": "5"}],
        }
    )
    _refused(
        "unknown_field", "stage_id", services.update_opportunity, opportunity.pk, {"stage_id": 1}
    )
    _refused(
        "amount_from_lines", "amount", services.update_opportunity, opportunity.pk, {"amount": "3"}
    )
    opportunity.refresh_from_db()
    assert opportunity.amount == Decimal("10.00")


def test_move_records_time_in_stage_and_takes_the_stage_probability(acme, admin_a):
    opportunity = services.create_opportunity({"name": "Deal", "account_id": acme.pk})
    entered = timezone.now() - dt.timedelta(days=2, hours=3)
    Opportunity.objects.filter(pk=opportunity.pk).update(stage_entered_at=entered)
    proposal = _stage("Proposal")
    services.move_opportunity(opportunity.pk, proposal.pk)
    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.probability) == (proposal, 50)
    assert opportunity.forecast_category == "best_case"
    change = StageChange.objects.filter(opportunity=opportunity).order_by("pk").last()
    assert change.from_stage.name == "Qualification"
    assert change.changed_by_id == admin_a.user_id
    assert 2 * 86400 + 3 * 3600 <= change.seconds_in_previous < 2 * 86400 + 3 * 3600 + 60
    [event] = _events("OpportunityStageChanged")
    assert event["from_stage_id"] == _stage("Qualification").pk
    assert event["to_stage_id"] == proposal.pk
    assert event["status"] == "open"
    assert event["account_id"] == acme.pk


def test_move_refuses_same_stage_and_lost_without_reason(acme):
    opportunity = services.create_opportunity({"name": "Deal", "account_id": acme.pk})
    _refused(
        "same_stage", "stage_id", services.move_opportunity, opportunity.pk, opportunity.stage_id
    )
    _refused(
        "lost_reason_required",
        "lost_reason_id",
        services.move_opportunity,
        opportunity.pk,
        _stage("Lost").pk,
    )
    _refused("unknown_stage", "stage_id", services.move_opportunity, opportunity.pk, 999999)
    with pytest.raises(DomainError) as caught:
        services.move_opportunity(999999, _stage("Won").pk)
    assert (caught.value.code, caught.value.status) == ("opportunity_not_found", 404)
    assert StageChange.objects.count() == 1
    assert _events("OpportunityStageChanged") == []


def test_win_lose_and_reopen(acme):
    opportunity = services.create_opportunity(
        {"name": "Deal", "account_id": acme.pk, "amount": "100"}
    )
    services.mark_won(opportunity.pk, close_note="Signed")
    opportunity.refresh_from_db()
    assert (opportunity.status, opportunity.stage.name, opportunity.probability) == (
        "won",
        "Won",
        100,
    )
    assert opportunity.forecast_category == "closed"
    assert opportunity.closed_at is not None
    assert opportunity.close_note == "Signed"
    [won] = _events("OpportunityWon")
    assert (won["opportunity_id"], won["amount"], won["currency"]) == (
        opportunity.pk,
        "100.00",
        "EUR",
    )

    services.move_opportunity(opportunity.pk, _stage("Negotiation").pk)
    opportunity.refresh_from_db()
    assert (opportunity.status, opportunity.closed_at, opportunity.close_note) == ("open", None, "")
    assert len(_events("OpportunityReopened")) == 1

    reason = pipeline_services.loss_reasons()[1]
    assert reason.name == "Competitor"
    services.mark_lost(opportunity.pk, lost_reason_id=reason.pk, close_note="Went with X")
    opportunity.refresh_from_db()
    assert (opportunity.status, opportunity.lost_reason, opportunity.forecast_category) == (
        "lost",
        reason,
        "omitted",
    )
    [lost] = _events("OpportunityLost")
    assert (lost["lost_reason"], lost["close_note"], lost["person_id"]) == (
        "Competitor",
        "Went with X",
        None,
    )
    assert StageChange.objects.filter(opportunity=opportunity).count() == 4


def test_lost_with_retired_reason_is_refused(acme):
    opportunity = services.create_opportunity({"name": "Deal", "account_id": acme.pk})
    reason = pipeline_services.loss_reasons()[0]
    pipeline_services.update_loss_reason(reason.pk, {"is_active": False})
    _refused(
        "unknown_lost_reason",
        "lost_reason_id",
        services.mark_lost,
        opportunity.pk,
        lost_reason_id=reason.pk,
    )
    assert LossReason.objects.filter(is_active=True).count() == 5


def test_lines_crud_keeps_the_amount_at_their_total(acme):
    opportunity = services.create_opportunity(
        {"name": "Deal", "account_id": acme.pk, "currency": "JPY", "amount": "999"}
    )
    line = services.add_line(
        opportunity.pk, {"product_name": "Box", "quantity": "2.5", "unit_price": "101"}
    )
    opportunity.refresh_from_db()
    assert opportunity.amount == Decimal("253")  # 252.5 rounded half-up to yen
    services.update_line(opportunity.pk, line.pk, {"quantity": "4"})
    opportunity.refresh_from_db()
    assert opportunity.amount == Decimal("404")
    _refused(
        "invalid_unit_price",
        "unit_price",
        services.update_line,
        opportunity.pk,
        line.pk,
        {"unit_price": "-2"},
    )
    services.remove_line(opportunity.pk, line.pk)
    opportunity.refresh_from_db()
    assert opportunity.amount == Decimal("0")
    with pytest.raises(DomainError) as caught:
        services.remove_line(opportunity.pk, line.pk)
    assert caught.value.code == "line_not_found"
