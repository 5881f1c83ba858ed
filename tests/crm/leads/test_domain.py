"""Pure rules of leads: the status flow, rule checks and the explained score (no database)."""

from __future__ import annotations

import pytest

from valuechain.crm.customers.domain import InvalidInput
from valuechain.crm.leads import domain
from valuechain.crm.leads.domain import Rule


@pytest.mark.parametrize(
    ("current", "target", "reason", "code"),
    [
        ("new", "open", "", "invalid_status"),
        ("new", "new", "", "same_status"),
        ("new", "converted", "", "convert_instead"),
        ("converted", "contacted", "", "already_converted"),
        ("contacted", "new", "", "invalid_transition"),
        ("new", "unqualified", "", "reason_required"),
        ("new", "unqualified", "because", "reason_required"),
    ],
)
def test_transition_refusals(current, target, reason, code):
    with pytest.raises(InvalidInput) as error:
        domain.check_transition(current, target, reason)
    assert error.value.code == code


@pytest.mark.parametrize(
    ("current", "target"),
    [
        ("new", "contacted"),
        ("new", "qualified"),
        ("contacted", "qualified"),
        ("qualified", "contacted"),
        ("unqualified", "contacted"),
    ],
)
def test_allowed_transitions(current, target):
    domain.check_transition(current, target, "")


def test_unqualified_with_a_known_reason_is_allowed():
    domain.check_transition("contacted", "unqualified", "no_budget")


@pytest.mark.parametrize(
    ("field", "operator", "value", "code", "at"),
    [
        ("salary", "equals", "x", "invalid_field", "field"),
        ("company", "like", "x", "invalid_operator", "operator"),
        ("company", "equals", " ", "value_required", "value"),
        ("size_employees", "greater_than", "many", "invalid_value", "value"),
    ],
)
def test_rule_refusals(field, operator, value, code, at):
    with pytest.raises(InvalidInput) as error:
        domain.check_rule(field, operator, value)
    assert (error.value.code, error.value.field) == (code, at)


LEAD = {
    "company": "Acme GmbH",
    "job_title": "Head of Purchasing",
    "email": "ada@acme.example",
    "phone": "",
    "size_band": "51-200",
    "source": "web_form",
    "country": "DE",
    "consent_granted": False,
}


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (Rule("r", "company", "is_set", "", 1), True),
        (Rule("r", "phone", "is_set", "", 1), False),
        (Rule("r", "phone", "is_not_set", "", 1), True),
        (Rule("r", "country", "equals", "de", 1), True),
        (Rule("r", "country", "not_equals", "DE", 1), False),
        (Rule("r", "job_title", "contains", "director, head", 1), True),
        (Rule("r", "source", "in", "referral,web_form", 1), True),
        (Rule("r", "source", "in", "referral", 1), False),
        (Rule("r", "size_employees", "greater_than", "50", 1), True),
        (Rule("r", "size_employees", "less_than", "51", 1), False),
        (Rule("r", "email_domain", "not_in_free_mail", "", 1), True),
        (Rule("r", "email_domain", "equals", "acme.example", 1), True),
        (Rule("r", "consent_granted", "is_set", "", 1), False),
    ],
)
def test_operators(rule, expected):
    assert domain.matches(rule, domain.derived_values(LEAD)) is expected


def test_free_mail_is_not_a_business_domain():
    values = domain.derived_values({**LEAD, "email": "ada@gmail.com"})
    assert domain.matches(Rule("r", "email_domain", "not_in_free_mail", "", 1), values) is False


def test_score_explains_each_matching_rule():
    rules = [
        Rule("Has a company", "company", "is_set", "", 10),
        Rule("Has a phone", "phone", "is_set", "", 10),
        Rule("Big", "size_employees", "greater_than", "50", 15),
        Rule("Gmail", "email_domain", "equals", "gmail.com", -20),
    ]
    assert domain.score(LEAD, rules) == (
        25,
        [{"rule": "Has a company", "points": 10}, {"rule": "Big", "points": 15}],
    )


def test_default_rules_score_a_strong_lead():
    rules = [Rule(*row) for row in domain.DEFAULT_RULES]
    total, breakdown = domain.score(LEAD, rules)
    assert [item["rule"] for item in breakdown] == [
        "Has a company",
        "Has a job title",
        "Decision maker title",
        "Business e-mail",
        "Company over 50 staff",
        "Came through the web form",
    ]
    assert total == 65
    for name, field, operator, value, _points in domain.DEFAULT_RULES:
        domain.check_rule(field, operator, value)
        assert name
