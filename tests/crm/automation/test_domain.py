"""Pure rules of automation: conditions, placeholders, definitions, loop protection."""

from __future__ import annotations

import pytest

from valuechain.crm.automation import domain
from valuechain.crm.automation.domain import Condition, FieldSpec, InvalidDefinition

FIELDS = {
    "name": FieldSpec("name", "Name", "string"),
    "stage": FieldSpec("stage", "Stage", "choice", ("prospect", "active", "churned")),
    "amount": FieldSpec("amount", "Amount", "number"),
    "closes": FieldSpec("closes", "Closes", "date"),
    "vip": FieldSpec("vip", "VIP", "boolean"),
    "owner_id": FieldSpec("owner_id", "Owner", "user"),
    "tags": FieldSpec("tags", "Tags", "tags"),
    "email": FieldSpec("email", "E-mail", "email"),
}
RECORD = {
    "name": "Acme Retail",
    "stage": "active",
    "amount": "1200.50",
    "closes": "2026-03-01",
    "vip": True,
    "owner_id": 7,
    "tags": ["VIP", "Reseller"],
    "email": "",
}


def check(field, operator, value=None, record=RECORD, changed=None):
    return domain.check_condition(
        Condition(field, operator, value), FIELDS[field], record.get(field), changed
    )


@pytest.mark.parametrize(
    ("field", "operator", "value", "expected"),
    [
        ("name", "equals", "acme retail", True),  # text compares without case
        ("name", "equals", "Acme", False),
        ("name", "not_equals", "Acme", True),
        ("name", "contains", "RETAIL", True),
        ("name", "contains", "Bolt", False),
        ("name", "in", ["Bolt", "ACME RETAIL"], True),
        ("name", "in", ["Bolt"], False),
        ("stage", "equals", "active", True),
        ("stage", "in", ["prospect", "churned"], False),
        ("amount", "greater_than", "1200", True),
        ("amount", "greater_than", "1200.50", False),
        ("amount", "less_than", "1300", True),
        ("amount", "equals", "1200.5", True),  # numbers compare as numbers
        ("closes", "greater_than", "2026-02-28", True),
        ("closes", "less_than", "2026-03-01", False),
        ("closes", "equals", "2026-03-01", True),
        ("vip", "equals", True, True),
        ("vip", "not_equals", True, False),
        ("owner_id", "equals", 7, True),
        ("owner_id", "in", [1, 7], True),
        ("owner_id", "not_equals", 7, False),
        ("tags", "contains", "vip", True),
        ("tags", "contains", "partner", False),
        ("tags", "is_set", None, True),
        ("tags", "is_empty", None, False),
        ("email", "is_empty", None, True),
        ("email", "is_set", None, False),
        ("name", "is_set", None, True),
    ],
)
def test_operators(field, operator, value, expected):
    assert check(field, operator, value) is expected


def test_empty_values_never_pass_comparisons():
    record = {"amount": None, "closes": "", "owner_id": None, "tags": []}
    assert check("amount", "greater_than", "0", record) is False
    assert check("amount", "less_than", "0", record) is False
    assert check("closes", "greater_than", "2020-01-01", record) is False
    assert check("owner_id", "in", [1], record) is False
    assert check("owner_id", "is_empty", None, record) is True
    assert check("tags", "is_empty", None, record) is True
    assert check("name", "contains", "a", {"name": None}) is False


def test_changed_to_needs_the_field_among_the_changed_ones():
    assert check("stage", "changed_to", "active", changed=frozenset({"stage"})) is True
    assert check("stage", "changed_to", "active", changed=frozenset({"name"})) is False
    assert check("stage", "changed_to", "active", changed=None) is False
    assert check("stage", "changed_to", "churned", changed=frozenset({"stage"})) is False


def test_evaluate_all_any_and_no_conditions():
    passing = Condition("stage", "equals", "active")
    failing = Condition("name", "equals", "Bolt")
    all_result = domain.evaluate([passing, failing], "all", FIELDS, RECORD, None)
    any_result = domain.evaluate([passing, failing], "any", FIELDS, RECORD, None)
    assert (all_result.passed, any_result.passed) == (False, True)
    assert [r.as_dict() for r in all_result.results] == [
        {
            "field": "stage",
            "operator": "equals",
            "value": "active",
            "actual": "active",
            "passed": True,
        },
        {
            "field": "name",
            "operator": "equals",
            "value": "Bolt",
            "actual": "Acme Retail",
            "passed": False,
        },
    ]
    assert domain.evaluate([], "all", FIELDS, RECORD, None).passed is True
    assert domain.evaluate([], "any", FIELDS, RECORD, None).passed is True


# --- validation -----------------------------------------------------------------------------


def test_validate_conditions_cleans_values_by_type():
    cleaned = domain.validate_conditions(
        [
            {"field": "name", "operator": "contains", "value": "  acme   inc "},
            {"field": "amount", "operator": "greater_than", "value": 10},
            {"field": "closes", "operator": "less_than", "value": "2026-01-31"},
            {"field": "vip", "operator": "equals", "value": "yes"},
            {"field": "owner_id", "operator": "in", "value": ["3", 4]},
            {"field": "tags", "operator": "is_empty", "value": "ignored"},
            {"field": "stage", "operator": "changed_to", "value": "active"},
        ],
        FIELDS,
        update_event=True,
    )
    assert [c.as_dict() for c in cleaned] == [
        {"field": "name", "operator": "contains", "value": "acme inc"},
        {"field": "amount", "operator": "greater_than", "value": "10"},
        {"field": "closes", "operator": "less_than", "value": "2026-01-31"},
        {"field": "vip", "operator": "equals", "value": True},
        {"field": "owner_id", "operator": "in", "value": [3, 4]},
        {"field": "tags", "operator": "is_empty", "value": None},
        {"field": "stage", "operator": "changed_to", "value": "active"},
    ]
    assert domain.validate_conditions(None, FIELDS, update_event=False) == []


@pytest.mark.parametrize(
    ("raw", "code", "path"),
    [
        ("x", "invalid_conditions", "conditions"),
        ([{"field": "x"}] * 21, "too_many_conditions", "conditions"),
        (["x"], "invalid_condition", "conditions.0"),
        ([{"field": "salary", "operator": "equals"}], "unknown_field", "conditions.0.field"),
        (
            [{"field": "tags", "operator": "equals", "value": "a"}],
            "invalid_operator",
            "conditions.0.operator",
        ),
        (
            [{"field": "name", "operator": "changed_to", "value": "a"}],
            "invalid_operator",
            "conditions.0.operator",
        ),
        (
            [{"field": "stage", "operator": "equals", "value": "royal"}],
            "invalid_value",
            "conditions.0.value",
        ),
        (
            [{"field": "amount", "operator": "equals", "value": "lots"}],
            "invalid_value",
            "conditions.0.value",
        ),
        (
            [{"field": "amount", "operator": "equals", "value": "NaN"}],
            "invalid_value",
            "conditions.0.value",
        ),
        (
            [{"field": "amount", "operator": "equals", "value": True}],
            "invalid_value",
            "conditions.0.value",
        ),
        (
            [{"field": "closes", "operator": "equals", "value": "1 March"}],
            "invalid_value",
            "conditions.0.value",
        ),
        (
            [{"field": "vip", "operator": "equals", "value": "maybe"}],
            "invalid_value",
            "conditions.0.value",
        ),
        (
            [{"field": "owner_id", "operator": "equals", "value": -1}],
            "invalid_value",
            "conditions.0.value",
        ),
        (
            [{"field": "name", "operator": "equals", "value": ""}],
            "invalid_value",
            "conditions.0.value",
        ),
        (
            [{"field": "name", "operator": "equals", "value": "x" * 201}],
            "invalid_value",
            "conditions.0.value",
        ),
        ([{"field": "name", "operator": "in", "value": []}], "invalid_value", "conditions.0.value"),
        (
            [{"field": "name", "operator": "in", "value": "a"}],
            "invalid_value",
            "conditions.0.value",
        ),
        (
            [
                {"field": "name", "operator": "equals", "value": "a"},
                {"field": "name", "operator": "nearly", "value": "a"},
            ],
            "invalid_operator",
            "conditions.1.operator",
        ),
    ],
)
def test_validate_conditions_refusals(raw, code, path):
    with pytest.raises(InvalidDefinition) as error:
        domain.validate_conditions(raw, FIELDS, update_event=False)
    assert (error.value.code, error.value.field) == (code, path)


def test_action_shapes():
    assert domain.action_shapes([{"type": "update_field", "params": {"field": "a"}}]) == [
        ("update_field", {"field": "a"})
    ]
    for raw, code, path in [
        ([], "no_actions", "actions"),
        (None, "no_actions", "actions"),
        ([{"type": "update_field"}] * 11, "too_many_actions", "actions"),
        (["x"], "invalid_action", "actions.0"),
        ([{"type": "explode"}], "invalid_action_type", "actions.0.type"),
        ([{"type": "update_field", "params": "x"}], "invalid_action", "actions.0.params"),
    ]:
        with pytest.raises(InvalidDefinition) as error:
            domain.action_shapes(raw)
        assert (error.value.code, error.value.field) == (code, path)


def test_names_match_ids():
    assert domain.validate_name("  Big   deal ") == "Big deal"
    assert domain.validate_match("any") == "any"
    assert domain.validate_match(None) == "all"
    assert domain.id_list(["3", 3, 4], "p", "users") == [3, 4]
    for call in (
        lambda: domain.validate_name(" "),
        lambda: domain.validate_name("x" * 201),
        lambda: domain.validate_match("most"),
        lambda: domain.id_list([], "p", "users"),
        lambda: domain.id_list(["a"], "p", "users"),
        lambda: domain.positive_id(0, "p", "a user"),
    ):
        with pytest.raises(InvalidDefinition):
            call()


def test_round_robin_wraps():
    assert domain.round_robin_pick([5, 6, 7], 0) == (5, 1)
    assert domain.round_robin_pick([5, 6, 7], 2) == (7, 0)
    assert domain.round_robin_pick([5, 6], 5) == (6, 0)  # a shrunk list still wraps
    with pytest.raises(ValueError):
        domain.round_robin_pick([], 0)


# --- placeholders ---------------------------------------------------------------------------


def test_render_replaces_only_record_placeholders():
    text = "Hi {{ record.name }}, tags: {{record.tags}}; mail {{ record.email }}."
    assert domain.render(text, RECORD) == "Hi Acme Retail, tags: VIP, Reseller; mail ."
    assert domain.placeholders(text + "{{ record.name }}") == ["name", "tags", "email"]
    assert domain.render("{{ record.unknown }}", RECORD) == ""


def test_validate_template_refuses_unknown_and_foreign_syntax():
    domain.validate_template("Dear {{ record.name }}", FIELDS, "body")
    for text, code in [
        ("{{ record.salary }}", "unknown_placeholder"),
        ("{{ record.name.upper }}", "invalid_placeholder"),  # no traversal
        ("{{ record.__class__ }}", "unknown_placeholder"),
        ("{{ settings.SECRET_KEY }}", "invalid_placeholder"),
        ("{% load os %}", "invalid_placeholder"),
        ("{{ record.name|safe }}", "invalid_placeholder"),
    ]:
        with pytest.raises(InvalidDefinition) as error:
            domain.validate_template(text, FIELDS, "body")
        assert (error.value.code, error.value.field) == (code, "body")


# --- loop protection ------------------------------------------------------------------------


def test_loop_reason():
    link = domain.chain_key(1, "customers.account", 5)
    assert link == [1, "customers.account", "5"]
    assert domain.loop_reason(0, [], link) is None
    assert domain.loop_reason(3, [[2, "customers.account", "5"]], link) is None
    other_record = [1, "customers.account", "6"]
    assert domain.loop_reason(1, [other_record], link) is None
    assert "does not fire again" in domain.loop_reason(1, [link], link)
    assert "stops after 3" in domain.loop_reason(4, [], link)
    assert domain.loop_reason(2, [], link, max_depth=1) is not None
